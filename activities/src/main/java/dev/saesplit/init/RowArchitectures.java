package dev.saesplit.init;

import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeArchitectures;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import dev.saesplit.spec.ArchitectureSpec;
import java.util.List;

/** A run-table row's architecture, as the trainer trains it: the spec's names are mapped to SAELens's. */
final class RowArchitectures {

    private RowArchitectures() {
    }

    /** The architecture a row trains, with the settings its spec gives and SAELens's defaults for the rest. */
    static SaeArchitecture forTraining(ArchitectureSpec spec) {
        double k = spec.k() == null ? 0 : spec.k();
        return switch (spec.name()) {
            case RELU -> SaeArchitectures.forTraining(StandardArchitecture.NAME, k, List.of());
            case TOPK -> SaeArchitectures.forTraining(TopKArchitecture.NAME, k, List.of());
            case BATCHTOPK -> SaeArchitectures.forTraining(BatchTopKArchitecture.NAME, k, List.of());
            case JUMPRELU -> SaeArchitectures.forTraining(JumpReLUArchitecture.NAME, k, List.of());
            case MATRYOSHKA -> SaeArchitectures.forTraining(MatryoshkaBatchTopKArchitecture.NAME, k,
                    spec.prefixWidths());
        };
    }
}
