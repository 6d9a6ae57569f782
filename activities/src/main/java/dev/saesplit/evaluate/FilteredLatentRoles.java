package dev.saesplit.evaluate;

import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;

import java.util.ArrayList;
import java.util.List;

/**
 * Sorts the latents of a wide SAE trained on filtered data, read only on the target's held-out tokens, into
 * children, the parent surviving, magnitude splits and background latents. There every latent fires only where
 * the target does, so specificity says nothing; what tells a child from the rest is its decoder and what the
 * narrow SAE saw of the same direction:
 * <ul>
 *   <li>a <b>magnitude split</b> lies along the target's direction or against it (|cosine| ≥
 *   {@link #MAGNITUDE_COSINE}): such an SAE keeps the typical target token in its decoder bias and spends latents
 *   on tokens above and below it, which partition the target's tokens by size, not by meaning;</li>
 *   <li>a <b>background latent</b> is a feature that occurs on the target's tokens only because it occurs
 *   everywhere: on the target's tokens it fires less than {@link #BACKGROUND_RATE_RATIO} times as often as on the
 *   other tokens moved to a typical target token without its feature ({@link OffTargetFiring}); or its decoder is
 *   closer to another narrow latent than to the target (cosine ≥ {@link #BACKGROUND_COSINE}), and that narrow
 *   latent fires on the target's tokens less than {@link #BACKGROUND_RATE_RATIO} times as often as off them;</li>
 *   <li>a latent of a feature found <b>elsewhere</b> fires on the other tokens, moved as above, more often in
 *   number than on the target's, counting only the firing above its baseline there (the same moved tokens with
 *   their own deviation scrambled, {@link OffTargetFiring#baseline}): most of its feature's occurrences lie off the
 *   target's tokens, so the target only partly covers it (a narrow latent fires on the stronger tokens of a feature
 *   it half merged) and it is not a sub-meaning of the target. It mirrors the exact verdict, for which a feature is
 *   the target's own when the target fires on most of its tokens ({@link GroundTruthJudge#FILTERED_OWN_SHARE});
 *   background latents meet it too, and are named as such. What fires at the baseline fires on the typical target
 *   token the moved tokens carry, not on a feature of the quiet token, and there are many times more quiet tokens
 *   than target tokens: counted, it set aside latents of the target's own commonest feature;</li>
 *   <li>of the rest, a latent that fires on nearly all of the target's tokens ({@code max_child_recall}) is the
 *   parent surviving, and one that fires on at least {@code min_recall} of them is a child.</li>
 * </ul>
 */
final class FilteredLatentRoles {

    /** |Decoder cosine| with the target at or above which a latent only rescales the target. */
    static final double MAGNITUDE_COSINE = 0.9;
    /** Decoder cosine with another narrow latent at or above which a latent may be that latent's feature. */
    static final double BACKGROUND_COSINE = 0.5;
    /** A rate on the target's tokens less than this many times the rate off them is a background feature's. */
    static final double BACKGROUND_RATE_RATIO = 2.0;

    private static final String PARENT = "parent";
    private static final String CHILD = "child";

    private FilteredLatentRoles() {
    }

    /**
     * The sorted latents.
     *
     * @param children latents counted as children
     * @param parents  latents that fire on nearly all of the target's tokens
     * @param setAside latents that fire on enough of the target's tokens to be children, and are not
     */
    record Roles(List<SplitReport.Latent> children, List<SplitReport.Latent> parents,
                 List<SplitReport.SetAside> setAside) {
    }

    /**
     * @param latents the wide latents that fire on the target's tokens, with their cosine to the target
     * @param narrowRates per narrow latent, its firing on and off the target's held-out tokens
     * @param offTarget   per wide latent, its firing off the target's tokens moved to the target's mean
     */
    static Roles sort(SaeWeights wide, SaeWeights narrow, int targetLatent, List<SplitReport.Latent> latents,
                      LatentStatistics narrowRates, OffTargetFiring offTarget, SplitCriteria criteria) {
        List<SplitReport.Latent> children = new ArrayList<>();
        List<SplitReport.Latent> parents = new ArrayList<>();
        List<SplitReport.SetAside> setAside = new ArrayList<>();
        long onTarget = narrowRates.targetTokens();
        long offTargetTokens = narrowRates.tokens() - onTarget;
        for (SplitReport.Latent latent : latents) {
            if (latent.recall() < criteria.minRecall()) {
                continue;
            }
            double[] narrowCosines = DecoderCosines.all(narrow, wide.decoderRow(latent.latent()));
            int closest = -1;
            for (int n = 0; n < narrowCosines.length; n++) {
                if (n != targetLatent && (closest < 0 || narrowCosines[n] > narrowCosines[closest])) {
                    closest = n;
                }
            }
            double closestCosine = closest < 0 ? 0 : narrowCosines[closest];
            double rateOn = closest < 0 || onTarget == 0 ? 0
                    : (double) narrowRates.firedWithTarget(closest) / onTarget;
            double rateOff = closest < 0 || offTargetTokens == 0 ? 0
                    : (double) (narrowRates.fired(closest) - narrowRates.firedWithTarget(closest)) / offTargetTokens;
            String role;
            if (Math.abs(latent.cosine()) >= MAGNITUDE_COSINE) {
                role = latent.recall() >= criteria.maxChildRecall() && latent.cosine() > 0 ? PARENT
                        : SplitReport.SetAside.MAGNITUDE;
            } else if (latent.recall() < BACKGROUND_RATE_RATIO * offTarget.rate(latent.latent())
                    || closestCosine >= BACKGROUND_COSINE && closestCosine >= latent.cosine()
                    && rateOn < BACKGROUND_RATE_RATIO * rateOff) {
                role = SplitReport.SetAside.BACKGROUND;
            } else if (latent.recall() * onTarget
                    < (offTarget.rate(latent.latent()) - offTarget.baseline(latent.latent())) * offTargetTokens) {
                role = SplitReport.SetAside.ELSEWHERE;
            } else {
                role = latent.recall() >= criteria.maxChildRecall() ? PARENT : CHILD;
            }
            switch (role) {
                case PARENT -> parents.add(latent);
                case CHILD -> children.add(latent);
                default -> setAside.add(new SplitReport.SetAside(latent.latent(), role, latent.cosine(),
                        latent.recall(), offTarget.rate(latent.latent()), offTarget.baseline(latent.latent()), closest,
                        closestCosine, rateOn, rateOff));
            }
        }
        return new Roles(children, parents, setAside);
    }
}
