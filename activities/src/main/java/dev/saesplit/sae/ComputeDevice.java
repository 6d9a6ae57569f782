package dev.saesplit.sae;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * The one place that chooses where tensors live and starts the PyTorch engine. The choice comes from the
 * system property {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT}: {@code cpu} (the
 * default), {@code cuda}, {@code cuda:N}, or {@code auto} (the first GPU if the engine sees one).
 */
public final class ComputeDevice {

    public static final String PROPERTY = "saesplit.device";
    public static final String ENVIRONMENT = "SAESPLIT_DEVICE";
    private static final String ENGINE = "PyTorch";

    private ComputeDevice() {
    }

    /** The device the configuration asks for. */
    public static Device selected() {
        return resolve(requested());
    }

    /** The device as configured, unresolved: {@code cpu} unless the property or the environment says otherwise. */
    public static String requested() {
        return System.getProperty(PROPERTY, System.getenv().getOrDefault(ENVIRONMENT, "cpu"));
    }

    /** Whether {@code spec} names a GPU ({@code cuda}, {@code cuda:N}, {@code gpu}). */
    public static boolean namesGpu(String spec) {
        String normalized = spec.trim().toLowerCase(Locale.ROOT);
        return normalized.equals("cuda") || normalized.equals("gpu") || normalized.startsWith("cuda:");
    }

    /** The selected device and the libtorch it runs on, for benchmark reports. */
    public static String describeSelected() {
        Device device = selected();
        return device + ", libtorch " + engine().getVersion() + " at " + ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    }

    /** Resolves {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}. */
    public static Device resolve(String spec) {
        String normalized = spec.trim().toLowerCase(Locale.ROOT);
        if (normalized.equals("cpu")) {
            return Device.cpu();
        }
        if (normalized.equals("auto")) {
            return engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        if (normalized.equals("cuda") || normalized.equals("gpu")) {
            return requireGpu(0, spec);
        }
        if (normalized.startsWith("cuda:")) {
            try {
                return requireGpu(Integer.parseInt(normalized.substring(5)), spec);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + spec + "' has no GPU index after 'cuda:'", e);
            }
        }
        throw new IllegalArgumentException("unknown device '" + spec + "'; use cpu, cuda, cuda:N or auto");
    }

    private static Device requireGpu(int index, String spec) {
        int gpus = engine().getGpuCount();
        if (index >= gpus) {
            throw new IllegalStateException("device '" + spec + "' requested but libtorch ("
                    + ai.djl.pytorch.jni.LibUtils.getLibtorchPath() + ") sees " + gpus + " GPU(s)"
                    + (gpus == 0 ? ": no GPU is visible to this process (check nvidia-smi and CUDA_VISIBLE_DEVICES)"
                    : ""));
        }
        return Device.gpu(index);
    }

    /** A root manager on {@code device}. */
    public static NDManager newManager(Device device) {
        return NDManager.newBaseManager(device, engine().getEngineName());
    }

    /**
     * Caps libtorch's intra-op threads for the whole process (every thread picks the setting up on its next
     * operation): trainings that run side by side then share the cores instead of each taking all of them.
     */
    public static void limitIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + threads);
        }
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    /**
     * The PyTorch engine: the CPU libtorch from the native jar on the classpath, or, when a GPU is requested, the
     * CUDA libtorch {@code infra/torch-env.sh} installs ({@link PypiLibtorch}). Offline mode is set first so a
     * missing native library fails loudly instead of being fetched from the network.
     */
    public static synchronized Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        boolean gpu = namesGpu(requested());
        if (gpu) {
            PypiLibtorch.use(PypiLibtorch.CUDA_FLAVOR);
        } else if (PypiLibtorch.named()) {
            PypiLibtorch.use("cpu"); // the CUDA wheel's libtorch running on the CPU, as the equivalence test does
        }
        try {
            return Engine.getEngine(ENGINE);
        } catch (ai.djl.engine.EngineException e) {
            if (gpu && String.valueOf(rootCause(e).getMessage()).contains("libcuda.so")) {
                throw new IllegalStateException("device '" + requested() + "' requested but this machine has no "
                        + "NVIDIA driver (libcuda.so.1 is missing): CUDA libtorch cannot load", e);
            }
            throw e;
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
