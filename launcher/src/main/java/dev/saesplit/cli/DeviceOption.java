package dev.saesplit.cli;

import dev.saesplit.sae.ComputeDevice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --device}: where this process's tensors live, the same setting as {@code -Dsaesplit.device} and
 * {@code SAESPLIT_DEVICE}. A GPU is checked at once, so a machine without the CUDA libtorch or without a visible
 * GPU is refused before any work is taken.
 */
final class DeviceOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu (default), cuda, cuda:N or auto; cuda runs on the CUDA libtorch that "
                    + "infra/torch-env.sh installs (./saesplit installs it on first use)")
    void device(String device) {
        System.setProperty(ComputeDevice.PROPERTY, device);
        try {
            if (ComputeDevice.namesGpu(device)) {
                ComputeDevice.selected();
            } else if (!device.trim().equalsIgnoreCase("auto")) {
                ComputeDevice.resolve(device); // cpu, or a spelling to refuse now; loads no engine
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device " + device + ": " + e.getMessage(), e);
        }
    }
}
