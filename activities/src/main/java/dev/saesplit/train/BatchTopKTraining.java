package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * BatchTopK training as SAELens's {@code BatchTopKTrainingSAE} does it: the batch's {@code int(k · B)} largest of
 * ReLU(pre · ‖W_dec‖) survive (without rescaling, of ReLU(pre)) and are divided by the norms again before decoding;
 * the {@code topk_threshold} estimate follows the smallest positive survivor by an exponential moving average in
 * double precision; and the AuxK loss lets the dead latents' top {@code d_in / 2} pre-activations per token
 * reconstruct the (detached) residual. Saved as a JumpReLU SAE with that threshold for every latent and the decoder
 * norms folded into the weights.
 */
class BatchTopKTraining implements PairSelectingTraining {

    static final String TOPK_THRESHOLD = "topk_threshold";
    private static final int[] FEATURE_AXIS = {1};

    private final BatchTopKArchitecture architecture;
    private final int deadFeatureWindow;
    private double topkThreshold;
    private boolean[] dead;
    private int deadCount;
    /** This step's pre-activations as selected on (scaled by decoder norms where the SAE rescales). */
    private NDArray hiddenPre;
    /** This step's 1/‖W_dec,j‖ {@code [d_sae]}, or null without rescaling. */
    private NDArray inverseNorms;
    private float lastAuxWeight;
    /** The zero-target latent, or -1. */
    private int zeroed = -1;

    BatchTopKTraining(BatchTopKArchitecture architecture, int deadFeatureWindow) {
        this.architecture = architecture;
        this.deadFeatureWindow = deadFeatureWindow;
    }

    double topkThreshold() {
        return topkThreshold;
    }

    @Override
    public void zeroedLatent(int latent) {
        this.zeroed = latent;
    }

    /**
     * Sets the latents AuxK treats as dead this step (the trainer takes them from its firing counts); the zeroed
     * latent, silent by construction, is not one of them.
     */
    void deadLatents(boolean[] latents) {
        this.dead = latents.clone();
        if (zeroed >= 0 && zeroed < dead.length) {
            dead[zeroed] = false;
        }
        int count = 0;
        for (boolean d : dead) {
            count += d ? 1 : 0;
        }
        this.deadCount = count;
    }

    @Override
    public void beforeStep(FiringTracker firing, SparseAutoencoder sae) {
        deadLatents(firing.silentForMoreThan(deadFeatureWindow));
    }

    @Override
    public NDArray activate(NDArray pre, SparseAutoencoder sae) {
        NDList top = select(pre, sae);
        NDArray values = top.get(0);
        updateThreshold(values.toFloatArray());
        NDArray selected = hiddenPre.reshape(-1).zerosLike().scatter(top.get(1), values, 0).reshape(pre.getShape());
        return inverseNorms == null ? selected : selected.muli(inverseNorms);
    }

    /** The batch's kept values and their flat indices, both paths' selection; sets this step's hidden pre-activations. */
    private NDList select(NDArray pre, SparseAutoencoder sae) {
        if (architecture.rescaleActsByDecoderNorm()) {
            NDArray norms = sae.decoderWeights().norm(FEATURE_AXIS);
            hiddenPre = pre.mul(norms);
            inverseNorms = norms.onesLike().divi(norms);
        } else {
            hiddenPre = pre;
            inverseNorms = null;
        }
        NDArray flat = Activation.relu(hiddenPre).reshape(-1);
        int keep = (int) Math.min(architecture.kept(pre.getShape().get(0)), flat.size());
        return flat.topK(keep, 0, true, false);
    }

    /**
     * The same selection as {@link #activate} (the engine's top-k over the batch), as pairs: kept values times
     * 1/‖W_dec,j‖ as the dense step decodes them, ordered by token and latent; AuxK's pairs are each token's top
     * k_aux dead latents, selected on the host.
     */
    @Override
    public boolean selectPairs(NDArray pre, SparseAutoencoder sae, ActiveLatents firing, ActiveLatents extra,
                               long maxPairs, int excluded) {
        int tokens = (int) pre.getShape().get(0);
        int dSae = (int) pre.getShape().get(1);
        if (Math.min(architecture.kept(tokens), (long) tokens * dSae) > maxPairs) {
            return false;
        }
        NDList top = select(pre, sae);
        float[] values = top.get(0).toFloatArray();
        updateThreshold(values);
        long[] flatIndices = top.get(1).toLongArray();
        java.util.Arrays.sort(flatIndices); // by token, then latent
        float[] inverse = inverseNorms == null ? null : inverseNorms.toFloatArray();
        FloatBuffer hidden = hiddenPre.toByteBuffer(true).asFloatBuffer(); // the kept values, read in place
        int[] pairTokens = new int[flatIndices.length];
        int[] pairLatents = new int[flatIndices.length];
        float[] pairValues = new float[flatIndices.length];
        for (int p = 0; p < flatIndices.length; p++) {
            pairTokens[p] = (int) (flatIndices[p] / dSae);
            pairLatents[p] = (int) (flatIndices[p] % dSae);
            float value = Math.max(hidden.get((int) flatIndices[p]), 0f); // ReLU'd, as selected
            pairValues[p] = inverse == null ? value : value * inverse[pairLatents[p]];
        }
        firing.setPairs(pairTokens, pairLatents, pairValues, flatIndices.length, excluded, true);
        firing.index();
        selectAuxPairs(sae.config().dIn(), tokens, dSae, hidden, inverse, extra);
        return true;
    }

    /** Each token's top k_aux dead latents by hidden pre-activation, values as AuxK decodes them. */
    private void selectAuxPairs(int dIn, int tokens, int dSae, FloatBuffer hidden, float[] inverse,
                                ActiveLatents extra) {
        int kAux = deadCount == 0 || architecture.auxLossCoefficient() == 0 ? 0 : Math.min(dIn / 2, deadCount);
        int[] deadLatents = new int[kAux == 0 ? 0 : deadCount];
        for (int j = 0, d = 0; d < deadLatents.length; j++) {
            if (dead[j]) {
                deadLatents[d++] = j;
            }
        }
        int[] pairTokens = new int[tokens * kAux];
        int[] pairLatents = new int[tokens * kAux];
        float[] pairValues = new float[tokens * kAux];
        IntStream.range(0, kAux == 0 ? 0 : tokens).parallel().forEach(b -> {
            int at = b * kAux;
            // the kAux largest seen so far at [at, at + kAux), replacing the smallest when a larger one comes
            int smallest = 0;
            for (int d = 0; d < deadLatents.length; d++) {
                float value = hidden.get(b * dSae + deadLatents[d]);
                if (d < kAux) {
                    pairLatents[at + d] = deadLatents[d];
                    pairValues[at + d] = value;
                    if (value < pairValues[at + smallest]) {
                        smallest = d;
                    }
                } else if (value > pairValues[at + smallest]) {
                    pairLatents[at + smallest] = deadLatents[d];
                    pairValues[at + smallest] = value;
                    smallest = 0;
                    for (int a = 1; a < kAux; a++) {
                        if (pairValues[at + a] < pairValues[at + smallest]) {
                            smallest = a;
                        }
                    }
                }
            }
            Arrays.sort(pairLatents, at, at + kAux);
            for (int a = 0; a < kAux; a++) {
                int j = pairLatents[at + a];
                float value = hidden.get(b * dSae + j);
                pairTokens[at + a] = b;
                pairValues[at + a] = inverse == null ? value : value * inverse[j];
            }
        });
        extra.setPairs(pairTokens, pairLatents, pairValues, tokens * kAux, -1, false);
        extra.index();
        lastAuxWeight = kAux == 0 ? 0f : (float) (architecture.auxLossCoefficient()
                * Math.min((double) deadCount / (dIn / 2), 1.0));
    }

    @Override
    public AnalyticBackprop.Backward addSparseTerms(SparseBackward sparse, ActiveLatents extra,
                                                    AnalyticBackprop.Backward backward, double sparsityCoefficient) {
        sparse.addExtra(extra, lastAuxWeight, backward);
        return backward;
    }

    /** SAELens's {@code update_topk_threshold}: an EMA of the smallest positive kept activation, in double. */
    private void updateThreshold(float[] kept) {
        float smallest = Float.POSITIVE_INFINITY;
        for (float value : kept) {
            if (value > 0 && value < smallest) {
                smallest = value;
            }
        }
        if (smallest != Float.POSITIVE_INFINITY) {
            double lr = architecture.topkThresholdLr();
            topkThreshold = (1 - lr) * topkThreshold + lr * (double) smallest;
        }
    }

    /**
     * AuxK (SAELens's {@code calculate_topk_aux_loss}): per token, the top k_aux = min(d_in/2, dead) of the dead
     * latents' pre-activations (as selected on, not ReLU'd) reconstruct the residual x − x̂ without b_dec; the loss
     * is coefficient · min(dead/(d_in/2), 1) · mean_b ‖ê_b − (x_b − x̂_b)‖², the residual detached.
     */
    @Override
    public void addTerms(DenseTerms step) {
        if (deadCount == 0 || architecture.auxLossCoefficient() == 0) {
            return;
        }
        int halfDIn = step.sae.config().dIn() / 2;
        double scale = Math.min((double) deadCount / halfDIn, 1.0);
        int kAux = Math.min(halfDIn, deadCount);
        // live latents at −∞ (SAELens's torch.where(dead, hidden_pre, -inf)), dead ones unchanged (+ 0)
        float[] liveAtMinusInfinity = new float[dead.length];
        for (int j = 0; j < dead.length; j++) {
            liveAtMinusInfinity[j] = dead[j] ? 0f : Float.NEGATIVE_INFINITY;
        }
        NDArray candidates = hiddenPre.add(step.pre.getManager().create(liveAtMinusInfinity));
        NDList top = candidates.topK(kAux, 1, true, false);
        NDArray zeros = hiddenPre.zerosLike();
        NDArray auxLatents = zeros.scatter(top.get(1), top.get(0), 1);
        NDArray auxMask = zeros.scatter(top.get(1), top.get(0).onesLike(), 1);
        if (inverseNorms != null) {
            auxLatents.muli(inverseNorms);
        }
        float weight = (float) (architecture.auxLossCoefficient() * scale);
        // d/dê of weight · Σ_b ‖ê_b + r_b‖² / B, with g = 2r/B: weight · (2ê/B + g)
        NDArray auxGradient = auxLatents.matMul(step.sae.decoderWeights()).muli(2f / step.batchSize)
                .addi(step.outputGradient).muli(weight);
        step.decoderWeightsGradient.addi(auxLatents.transpose().matMul(auxGradient));
        step.addPreGradient(auxGradient.matMul(step.sae.decoderWeights().transpose()).muli(auxMask));
    }

    @Override
    public Map<String, Double> exportState() {
        return Map.of(TOPK_THRESHOLD, topkThreshold);
    }

    @Override
    public void restoreState(Map<String, Double> state) {
        Double value = state.get(TOPK_THRESHOLD);
        if (value == null) {
            throw new IllegalArgumentException("a BatchTopK checkpoint must hold " + TOPK_THRESHOLD);
        }
        topkThreshold = value;
    }

    /**
     * SAELens's {@code process_state_dict_for_saving_inference}: with rescaling, W_enc's columns and b_enc times
     * ‖W_dec,j‖ (floored at 1e-8) and W_dec's rows divided by it ({@code _fold_norm_topk}); the threshold, already in
     * units of the rescaled pre-activations, is {@code topk_threshold} for every latent.
     */
    @Override
    public SaeWeights forInference(SaeWeights trained) {
        SaeConfig config = trained.config();
        int dIn = config.dIn();
        int dSae = config.dSae();
        float[] encoder = trained.encoderWeights();
        float[] bias = trained.encoderBias();
        float[] decoder = trained.decoderWeights();
        if (architecture.rescaleActsByDecoderNorm()) {
            for (int j = 0; j < dSae; j++) {
                double squares = 0;
                for (int i = 0; i < dIn; i++) {
                    squares += (double) decoder[j * dIn + i] * decoder[j * dIn + i];
                }
                float norm = (float) Math.max(Math.sqrt(squares), 1e-8);
                bias[j] *= norm;
                for (int i = 0; i < dIn; i++) {
                    decoder[j * dIn + i] /= norm;
                    encoder[i * dSae + j] *= norm;
                }
            }
        }
        float[] threshold = new float[dSae];
        Arrays.fill(threshold, (float) topkThreshold);
        SaeConfig saved = new SaeConfig(dIn, dSae, new JumpReLUArchitecture(), config.modelName(), config.hookName(),
                config.applyBDecToInput(), config.normalizeActivations(), config.dtype(), config.device());
        return new SaeWeights(saved, encoder, bias, decoder, trained.decoderBias(), threshold);
    }
}
