package dev.saesplit.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks of a command's options that end it with picocli's usage error, naming the option and its value. */
final class OptionChecks {

    private final CommandSpec spec;

    OptionChecks(CommandSpec spec) {
        this.spec = spec;
    }

    /** {@code optionsAndValues} alternates an option's name and its whole-number value; each must be at least 1. */
    void requirePositive(Object... optionsAndValues) {
        for (int i = 0; i < optionsAndValues.length; i += 2) {
            int value = (int) optionsAndValues[i + 1];
            if (value < 1) {
                throw new ParameterException(spec.commandLine(), optionsAndValues[i] + " must be positive, was "
                        + value);
            }
        }
    }

    /** Ends the command with {@code message} unless {@code holds}. */
    void require(boolean holds, String message) {
        if (!holds) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
