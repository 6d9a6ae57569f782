package dev.saesplit.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Adam over the SAE parameters (the four, and JumpReLU's threshold), updated in place: on the CPU by a host loop
 * over the arrays' memory, elsewhere by the engine's Adam kernel. Gradient-norm clipping is folded into the gradient rescale factor. The update
 * equals PyTorch's {@code torch.optim.Adam}, which SAELens uses: lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). The kernel adds its ε to the uncorrected √v, so it is given
 * the step size lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε·√(1−β2ᵗ), which is the same expression multiplied through.
 */
final class AdamOptimizer {

    private static final String[] NAMES = {SaeLensFormat.W_ENC, SaeLensFormat.B_ENC, SaeLensFormat.W_DEC,
            SaeLensFormat.B_DEC, SaeLensFormat.THRESHOLD};
    private static final String FIRST_MOMENT = ".exp_avg";
    private static final String SECOND_MOMENT = ".exp_avg_sq";
    private static final int HOST_CHUNK = 16384;
    /** Each thread's chunk of weight, moments and gradient: reused, so an update allocates nothing. */
    private static final ThreadLocal<float[][]> CHUNK_BUFFERS = ThreadLocal.withInitial(() -> new float[4][HOST_CHUNK]);

    private final AdamSettings settings;
    private final NDArray[] parameters;
    private final NDArray[] firstMoments;
    private final NDArray[] secondMoments;
    private final NDList[] kernelInputs;
    private final NDList[] kernelWeights;
    private final boolean onHost;
    private long updates;

    AdamOptimizer(SparseAutoencoder sae, AdamSettings settings) {
        this.settings = settings;
        this.parameters = sae.threshold().isPresent()
                ? new NDArray[] {sae.encoderWeights(), sae.encoderBias(), sae.decoderWeights(), sae.decoderBias(),
                        sae.threshold().get()}
                : new NDArray[] {sae.encoderWeights(), sae.encoderBias(), sae.decoderWeights(), sae.decoderBias()};
        int count = parameters.length;
        this.firstMoments = new NDArray[count];
        this.secondMoments = new NDArray[count];
        this.kernelInputs = new NDList[count];
        this.kernelWeights = new NDList[count];
        NDManager manager = sae.manager();
        this.onHost = Device.Type.CPU.equals(manager.getDevice().getDeviceType());
        for (int i = 0; i < count; i++) {
            firstMoments[i] = manager.zeros(parameters[i].getShape());
            secondMoments[i] = manager.zeros(parameters[i].getShape());
            // Reused every step; slot 1 is replaced by that step's gradient.
            kernelInputs[i] = new NDList(parameters[i], parameters[i], firstMoments[i], secondMoments[i]);
            kernelWeights[i] = new NDList(parameters[i]);
        }
    }

    /** Applies one update with learning rate {@code learningRate}, every gradient multiplied by {@code gradientScale}. */
    void update(Gradients gradients, double learningRate, double gradientScale) {
        updates++;
        double secondMomentCorrection = Math.sqrt(1 - Math.pow(settings.beta2(), updates));
        double correction = secondMomentCorrection / (1 - Math.pow(settings.beta1(), updates));
        float epsilon = (float) (settings.epsilon() * secondMomentCorrection);
        for (int i = 0; i < parameters.length; i++) {
            if (onHost) {
                hostUpdate(i, gradients.get(i), (float) (learningRate * correction), (float) gradientScale, epsilon);
                continue;
            }
            kernelInputs[i].set(1, gradients.get(i));
            parameters[i].getNDArrayInternal().adamUpdate(kernelInputs[i], kernelWeights[i], (float) learningRate,
                    (float) (learningRate * correction), 0f, (float) gradientScale, -1f, (float) settings.beta1(),
                    (float) settings.beta2(), epsilon, false, false);
            kernelInputs[i].set(1, parameters[i]);
        }
    }

    /**
     * The same update on the host, in place through each array's view of its own memory, in parallel chunks:
     * one read and one write of weight and moments, where the engine's kernel makes several passes with
     * temporaries (it measured a few times slower on the CPU, as slow as the sparse step's products).
     */
    private void hostUpdate(int i, NDArray gradient, float stepSize, float gradientScale, float epsilon) {
        FloatBuffer weight = parameters[i].toByteBuffer(true).asFloatBuffer();
        FloatBuffer first = firstMoments[i].toByteBuffer(true).asFloatBuffer();
        FloatBuffer second = secondMoments[i].toByteBuffer(true).asFloatBuffer();
        FloatBuffer grad = gradient.toByteBuffer(true).asFloatBuffer();
        float beta1 = (float) settings.beta1();
        float beta2 = (float) settings.beta2();
        int size = weight.capacity();
        IntStream.range(0, (size + HOST_CHUNK - 1) / HOST_CHUNK).parallel().forEach(c -> {
            int from = c * HOST_CHUNK;
            int length = Math.min(HOST_CHUNK, size - from);
            float[][] buffers = CHUNK_BUFFERS.get();
            float[] w = buffers[0];
            float[] m = buffers[1];
            float[] v = buffers[2];
            float[] g = buffers[3];
            weight.get(from, w, 0, length);
            first.get(from, m, 0, length);
            second.get(from, v, 0, length);
            grad.get(from, g, 0, length);
            for (int j = 0; j < length; j++) {
                float scaled = g[j] * gradientScale;
                m[j] = beta1 * m[j] + (1 - beta1) * scaled;
                v[j] = beta2 * v[j] + (1 - beta2) * scaled * scaled;
                w[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) + epsilon);
            }
            weight.put(from, w, 0, length);
            first.put(from, m, 0, length);
            second.put(from, v, 0, length);
        });
    }

    /**
     * Forgets the moments of latents whose {@code keep} entry is 0 (resampled latents start their statistics
     * afresh). {@code keepRow} is {@code [1, d_sae]}, {@code keepColumn} {@code [d_sae, 1]}.
     */
    void resetLatents(NDArray keep, NDArray keepRow, NDArray keepColumn) {
        NDArray[] masks = {keepRow, keep, keepColumn, null, keep};
        for (int i = 0; i < parameters.length; i++) {
            if (masks[i] != null) {
                firstMoments[i].muli(masks[i]);
                secondMoments[i].muli(masks[i]);
            }
        }
    }

    /**
     * On the host through the array's own memory: {@code NDArray.set} would stage the values in a direct buffer
     * that stays resident until a collection finds it (32 MiB at d_in 512, d_sae 4,096).
     */
    private void load(NDArray moment, float[] values) {
        if (onHost) {
            moment.toByteBuffer(true).asFloatBuffer().put(0, values);
        } else {
            moment.set(values);
        }
    }

    long updates() {
        return updates;
    }

    /** The moments, named {@code <parameter>.exp_avg} and {@code <parameter>.exp_avg_sq}. */
    List<NamedTensor> exportMoments() {
        List<NamedTensor> tensors = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            tensors.add(new NamedTensor(NAMES[i] + FIRST_MOMENT, firstMoments[i].getShape().getShape(),
                    firstMoments[i].toFloatArray()));
            tensors.add(new NamedTensor(NAMES[i] + SECOND_MOMENT, secondMoments[i].getShape().getShape(),
                    secondMoments[i].toFloatArray()));
        }
        return tensors;
    }

    /** Restores moments written by {@link #exportMoments} and the update count they belong to. */
    void restore(StoredTensors moments, long updateCount) {
        for (int i = 0; i < parameters.length; i++) {
            load(firstMoments[i], moments.require(NAMES[i] + FIRST_MOMENT, firstMoments[i].getShape()));
            load(secondMoments[i], moments.require(NAMES[i] + SECOND_MOMENT, secondMoments[i].getShape()));
        }
        this.updates = updateCount;
    }
}
