package dev.saesplit.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every {@code saesplit} subcommand has: the top-level command (environment, services) and its output. */
abstract class SaesplitSubcommand implements Callable<Integer> {

    @ParentCommand
    SaesplitCommand saesplit;

    @Spec
    CommandSpec command;

    PrintWriter out() {
        return command.commandLine().getOut();
    }
}
