package dev.saesplit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A command that only holds subcommands: run on its own, it prints its usage and ends with the usage exit code. */
abstract class CommandGroup implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        command.commandLine().usage(command.commandLine().getOut());
        return CommandLine.ExitCode.USAGE;
    }
}
