package dev.saesplit.spec;

import java.util.List;
import java.util.Optional;

/**
 * A validated experiment definition: everything needed to run a feature-splitting study. Built only by
 * {@link SpecParser}, so an instance is always valid.
 *
 * @param name            the experiment's unique name (workflow ids and tracking derive from it)
 * @param description     free text
 * @param activations     where activations come from
 * @param narrowSae       the narrow SAE whose latent is studied
 * @param targetLatent    the studied latent of the narrow SAE; {@code null} while it is not chosen yet, which
 *                        only a run that stops at the narrow SAE allows
 * @param filterThreshold a token is "filtered in" when the target latent's activation exceeds this
 * @param training        optimiser settings shared by every SAE
 * @param maxParallelRuns run-table rows trained at once
 * @param split           what counts as a split
 * @param runs            the run table, in order; empty for a run that stops at the narrow SAE
 */
public record ExperimentSpec(
        String name,
        String description,
        ActivationSourceSpec activations,
        NarrowSaeSpec narrowSae,
        TargetLatent targetLatent,
        double filterThreshold,
        TrainingSpec training,
        int maxParallelRuns,
        SplitCriteria split,
        List<RunSpec> runs) {

    public static final double DEFAULT_FILTER_THRESHOLD = 2.0;

    public ExperimentSpec {
        runs = List.copyOf(runs);
    }

    /** Whether this spec trains no rows: its run stops once the narrow SAE is trained (or registered). */
    public boolean stopsAtNarrow() {
        return runs.isEmpty();
    }

    /** This spec with an empty run table, for a run that goes no further than the narrow SAE. */
    public ExperimentSpec withoutRuns() {
        return new ExperimentSpec(name, description, activations, narrowSae, targetLatent, filterThreshold, training,
                maxParallelRuns, split, List.of());
    }

    /** The row with this id, if any. */
    public Optional<RunSpec> run(String id) {
        return runs.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
