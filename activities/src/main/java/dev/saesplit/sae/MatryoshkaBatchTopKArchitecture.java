package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * SAELens's Matryoshka BatchTopK SAE while it trains: a {@link BatchTopKArchitecture} whose latents form nested
 * groups, {@code [0, w_1), [0, w_2), ...} up to d_sae, each prefix also trained to reconstruct the input on its own
 * (the inner reconstruction losses of SAELens's {@code _iterable_decode}), so early latents learn general features.
 * Encodes as BatchTopK and is saved, like it, as JumpReLU. SAELens's {@code use_matryoshka_aux_loss} (off by
 * default) is not offered: the AuxK loss is BatchTopK's over the whole SAE.
 *
 * @param batchTopK        the activation and its training settings
 * @param matryoshkaWidths the prefix widths, strictly increasing, the last one d_sae
 */
public record MatryoshkaBatchTopKArchitecture(BatchTopKArchitecture batchTopK, List<Integer> matryoshkaWidths)
        implements SelectingArchitecture {

    public static final String NAME = "matryoshka_batchtopk";

    public MatryoshkaBatchTopKArchitecture {
        matryoshkaWidths = List.copyOf(matryoshkaWidths);
        if (matryoshkaWidths.isEmpty()) {
            throw new IllegalArgumentException("matryoshka_widths must not be empty");
        }
        for (int i = 0; i < matryoshkaWidths.size(); i++) {
            if (matryoshkaWidths.get(i) < 1 || i > 0 && matryoshkaWidths.get(i) <= matryoshkaWidths.get(i - 1)) {
                throw new IllegalArgumentException("matryoshka_widths must be positive and strictly increasing, were "
                        + matryoshkaWidths);
            }
        }
    }

    /** Checks the widths against the SAE they group: the last must be its d_sae. */
    public void requireFits(int dSae) {
        if (matryoshkaWidths.get(matryoshkaWidths.size() - 1) != dSae) {
            throw new IllegalArgumentException("the last of matryoshka_widths " + matryoshkaWidths
                    + " must be d_sae " + dSae);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray activate(NDArray preActivations) {
        return batchTopK.activate(preActivations);
    }

    @Override
    public float latentActivation(double[] preActivations, int latent) {
        return batchTopK.latentActivation(preActivations, latent);
    }

    @Override
    public boolean rescaleActsByDecoderNorm() {
        return batchTopK.rescaleActsByDecoderNorm();
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        batchTopK.writeConfigFields(cfg);
        ArrayNode widths = cfg.putArray("matryoshka_widths");
        matryoshkaWidths.forEach(widths::add);
        cfg.put("use_matryoshka_aux_loss", false);
    }
}
