package dev.saesplit.cli;

import dev.saesplit.sae.ComputeDevice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device}: where this process's tensors live, the same setting as {@code -Dsaesplit.device} and
 * {@code SAESPLIT_DEVICE}. The commands that use it call {@link #requireUsable()} first, so a GPU that cannot be
 * used (no CUDA libtorch, no driver, no visible GPU), however it was asked for, is refused before any work is taken.
 */
final class DeviceOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu (default), cuda, cuda:N or auto; cuda runs on the CUDA libtorch that "
                    + "infra/torch-env.sh installs (./saesplit installs it on first use)")
    void device(String device) {
        System.setProperty(ComputeDevice.PROPERTY, device);
    }

    /** Checks the requested device now: a GPU by loading the engine, any other spelling without. */
    void requireUsable() {
        String device = ComputeDevice.requested();
        try {
            if (ComputeDevice.namesGpu(device)) {
                ComputeDevice.selected();
            } else if (!device.trim().equalsIgnoreCase("auto")) {
                ComputeDevice.resolve(device); // cpu, or a spelling to refuse now; loads no engine
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "device " + device + ": " + e.getMessage(), e);
        }
    }
}
