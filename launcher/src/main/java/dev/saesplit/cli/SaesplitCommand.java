package dev.saesplit.cli;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.ArtifactStoreConfig;
import dev.saesplit.pipeline.BadInput;
import dev.saesplit.stack.Stack;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.SpecConflictException;
import dev.saesplit.store.UnknownExperimentException;
import dev.saesplit.text.Redaction;
import dev.saesplit.text.TerminalText;
import dev.saesplit.track.ReportUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import io.temporal.failure.TemporalFailure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The {@code saesplit} command line. Exit codes: 0 ok, 2 usage or validation error, 1 runtime failure. */
@Command(name = "saesplit", mixinStandardHelpOptions = true, versionProvider = SaesplitVersion.class,
        description = "Durable, tracked sparse-autoencoder feature-splitting experiments.",
        subcommands = {ValidateCommand.class, SubmitCommand.class, RunCommand.class, StatusCommand.class,
                CancelCommand.class, TableCommand.class, ReportCommand.class, VerifyCommand.class, ExperimentsCommand.class, WorkerCommand.class, SyncCommand.class,
                StackCommand.class, AirflowCommand.class, BenchCommand.class, LmCommand.class,
                CommandLine.HelpCommand.class})
public final class SaesplitCommand {

    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    public static final int USAGE_ERROR = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces of failures.")
    boolean debug;

    private final Map<String, String> environment;

    public SaesplitCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Map<String, String> environment() {
        return environment;
    }

    /** Opens the services that run experiments (database, Temporal) as the environment configures them. */
    Stack openStack() {
        return Stack.open(environment);
    }

    /** Opens saesplit's database as the environment configures it, migrating its schema. */
    Database openDatabase() {
        return Database.open(DatabaseConfig.fromEnvironment(environment));
    }

    /** The artifact store the environment configures ({@code SAESPLIT_ARTIFACTS}), indexed in {@code database}. */
    ArtifactStore openArtifacts(Database database) {
        return ArtifactStore.configured(ArtifactStoreConfig.fromEnvironment(environment),
                DatabaseConfig.fromEnvironment(environment).stateDir().toAbsolutePath().normalize(),
                database.dataSource());
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), Arrays.asList(args).contains("--debug")).execute(args));
    }

    /** A command line whose failures print as one readable paragraph (with the trace when {@code debug}). */
    public static CommandLine commandLine(Map<String, String> environment, boolean debug) {
        CommandLine commandLine = new CommandLine(new SaesplitCommand(environment));
        commandLine.registerConverter(Path.class, SaesplitCommand::path);
        // A bad option is one line naming it; the usage is one --help away rather than printed under it.
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("saesplit " + cmd.getCommandName() + ": "
                    + Redaction.redact(TerminalText.paragraph(String.valueOf(e.getMessage())))
                    + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return USAGE_ERROR;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            // Messages carry user text (spec values, tokens) and server addresses: no control characters, no secrets.
            err.println("saesplit " + cmd.getCommandName() + ": " + Redaction.redact(TerminalText.paragraph(describe(e))));
            if (debug) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                err.print(Redaction.redact(TerminalText.paragraph(trace.toString())));
            } else if (exitCodeOf(e) == RUNTIME_FAILURE) {
                err.println("(run again with --debug for the stack trace)");
            }
            err.flush();
            return exitCodeOf(e);
        });
        return commandLine;
    }

    /** A path argument; one no file system can name (a NUL byte) is a usage error, not a crash. */
    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException(text.replace("\0", "\\0") + ": is not a usable path: "
                    + e.getReason() + (text.indexOf('\0') >= 0 ? " (it contains a NUL character)" : ""));
        }
    }

    /**
     * The failure's message, followed by its innermost cause's when that says something more. A Temporal failure
     * is compared by its original message: its own {@code getMessage()} wraps that in {@code message='...',
     * type='...'}, which would print the same text twice.
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        String rootMessage = root instanceof TemporalFailure temporal ? temporal.getOriginalMessage()
                : root.getMessage();
        return root == e || rootMessage == null || message.contains(rootMessage) ? message
                : message + ": " + rootMessage;
    }

    private static int exitCodeOf(Exception e) {
        boolean userError = e instanceof BadInput || e instanceof SpecConflictException
                || e instanceof UnknownExperimentException || e instanceof NotRunningException
                || e instanceof ReportUnavailableException
                || e instanceof dev.saesplit.airflow.AirflowAuthenticationException;
        return userError ? USAGE_ERROR : RUNTIME_FAILURE;
    }
}
