package dev.saesplit.cli;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.lm.train.LanguageModelTraining;
import dev.saesplit.lm.train.LmTrainingListener;
import dev.saesplit.spec.LanguageModelSpec;
import dev.saesplit.spec.LanguageModelSpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code saesplit lm}: language models trained on this machine, for studies on real text. */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Train small language models here, for studies on real text.",
        subcommands = {LmCommand.Train.class})
final class LmCommand extends CommandGroup {

    @ParentCommand
    SaesplitCommand saesplit;

    /** {@code saesplit lm train SPEC}: trains (or finds trained) the model a spec describes, in this process. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train the language model SPEC describes (or find it trained already), print its held-out "
                    + "loss beside unigram and bigram baselines and sample completions, and print its folder, "
                    + "which a source: model spec names as weights: and tokenizer:.",
                    "Runs in this process with the artifact store and database of the environment; a killed "
                            + "training resumes from its last checkpoint when run again. Needs no Temporal server."})
    static final class Train implements Callable<Integer> {

        private static final int LOG_EVERY = 25;

        @ParentCommand
        LmCommand lm;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec command;

        @Parameters(paramLabel = "SPEC", description = "The language-model spec (YAML): name, model, dataset, "
                + "training.")
        Path file;

        @Override
        public Integer call() throws SpecValidationException {
            LanguageModelSpec spec = LanguageModelSpecParser.parse(file);
            PrintWriter out = command.commandLine().getOut();
            DatabaseConfig config = DatabaseConfig.fromEnvironment(lm.saesplit.environment());
            try (Database database = lm.saesplit.openDatabase()) {
                ArtifactStore store = ArtifactStore.inStateDirectory(config.stateDir().toAbsolutePath().normalize(),
                        database.dataSource());
                out.printf("training %s: %d layer(s), d_model %d, %d heads, d_mlp %d, n_ctx %d, vocabulary %d; "
                                + "%d steps of %d contexts%n", spec.name(), spec.model().layers(),
                        spec.model().dModel(), spec.model().heads(), spec.model().dMlp(), spec.model().nCtx(),
                        spec.model().vocab(), spec.training().steps(), spec.training().batchSize());
                out.flush();
                LanguageModelTraining.Trained trained = new LanguageModelTraining(store, LOG_EVERY)
                        .trainOrReuse(spec, new Provenance("lm-train", "", spec.name()), new ProgressLines(out));
                if (trained.reused()) {
                    out.println("already trained on this machine (same corpus, settings and code); reusing it");
                }
                trained.report().describe().forEach(out::println);
                out.println("model: " + trained.directory());
                out.flush();
            }
            return SaesplitCommand.OK;
        }
    }

    /** Progress as plain lines (the training may run for half an hour; a log reads better than a redrawn bar). */
    private record ProgressLines(PrintWriter out, long started) implements LmTrainingListener {

        ProgressLines(PrintWriter out) {
            this(out, System.nanoTime());
        }

        @Override
        public void baselines(double unigram, double bigram) {
            out.printf("held-out baselines: unigram %.4f, bigram %.4f nats/token%n", unigram, bigram);
            out.flush();
        }

        @Override
        public void trained(long step, long totalSteps, double loss, double learningRate) {
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("step %d/%d  loss %.4f  lr %.2e  %.0f s%n", step, totalSteps, loss, learningRate, seconds);
            out.flush();
        }

        @Override
        public void evaluated(long step, double heldOutLoss) {
            out.printf("step %d  held-out loss %.4f%n", step, heldOutLoss);
            out.flush();
        }

        @Override
        public void resumed(long step) {
            out.printf("resuming from the checkpoint at step %d%n", step);
            out.flush();
        }
    }
}
