package dev.saesplit.cli;

import dev.saesplit.lm.train.LanguageModelTrainingHeartbeat;
import dev.saesplit.pipeline.PipelineStage;
import dev.saesplit.pipeline.ScanProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.train.GroupTrainingHeartbeat;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lines {@code saesplit run} and {@code status} draw for each stage. */
class ProgressViewTest {

    @Test
    void everyActivityWhoseProgressIsShownIsOneAStageRuns() {
        for (String type : ActivityProgress.TYPES_READ) {
            assertTrue(PipelineStage.ofActivity(type, true).isPresent(), type + " is no stage's activity type");
        }
    }

    @Test
    void cachingIsABarOfTokens() {
        assertEquals("experiment   activations ######.................. 1024/4096 tokens",
                ProgressView.render("experiment", new ProgressLine("activations", "", 1024, 4096, "tokens", "")));
    }

    @Test
    void trainingIsABarOfStepsWithTheLoss() {
        assertEquals("run 1        train      ############............ 50/100 steps  loss 0.2500",
                ProgressView.render("run 1", new ProgressLine("train", "", 50, 100, "steps", "loss 0.2500")));
    }

    @Test
    void aStageBeforeItsFirstHeartbeatIsJustTheStage() {
        assertEquals("experiment   activations", ProgressView.render("experiment",
                ProgressLine.stageOnly("activations")));
    }

    @Test
    void aTrainingWaitingForAWorkerSlotIsQueuedWithoutABar() {
        assertEquals("run 4        queued", ProgressView.render("run 4",
                ProgressLine.stageOnly(ActivityProgress.QUEUED_STAGE)));
    }

    @Test
    void rowsTrainedTogetherEachShowTheirOwnStepsAndLossFromTheGroupsHeartbeat() {
        GroupTrainingHeartbeat h = new GroupTrainingHeartbeat(40, "/checkpoints/step-000000000040", Map.of(
                "1", new TrainingProgress(50, 100, 0.25), "2", new TrainingProgress(50, 60, 0.5)));
        Map<String, ProgressLine> lines = ActivityProgress.groupLines(false, h);

        assertEquals("run 1        train      together ############............ 50/100 steps  loss 0.2500",
                ProgressView.render("run 1", lines.get("1")));
        assertEquals("run 2        train      together ####################.... 50/60 steps  loss 0.5000",
                ProgressView.render("run 2", lines.get("2")));
        assertEquals("run 2        queued", ProgressView.render("run 2", ActivityProgress.groupLines(true, h).get("2")));
    }

    @Test
    void languageModelTrainingShowsStepsLossHeldOutLossAndTimeLeft() {
        LanguageModelTrainingHeartbeat h = new LanguageModelTrainingHeartbeat(375, 1500, 3.4121, 250, 3.5012, 552,
                1024, 1024);
        assertEquals("experiment   language model ######.................. 375/1500 steps  loss 3.412  "
                        + "held-out 3.501 at step 250  about 9 min 12 s left",
                ProgressView.render("experiment", ActivityProgress.languageModel("language model", h)));
    }

    @Test
    void languageModelTrainingBeforeItsFirstStepShowsTheCorpusDocumentsRead() {
        assertEquals("experiment   language model reading the corpus", ProgressView.render("experiment",
                ActivityProgress.languageModel("language model", LanguageModelTrainingHeartbeat.starting(1500))));
        assertEquals("experiment   language model reading the corpus ######.................. 256/1024 documents",
                ProgressView.render("experiment", ActivityProgress.languageModel("language model",
                        LanguageModelTrainingHeartbeat.starting(1500).reading(256, 1024))));
        assertEquals("experiment   language model preparing to train", ProgressView.render("experiment",
                ActivityProgress.languageModel("language model",
                        LanguageModelTrainingHeartbeat.starting(1500).reading(1024, 1024))));
    }

    @Test
    void anEvaluationShowsWhichPassOverTheHeldOutRowsAndHowFarIntoIt() {
        assertEquals("run 2        evaluate   pass 2 ######.................. 1024/4096 rows",
                ProgressView.render("run 2", ActivityProgress.scanLine("evaluate", "", new ScanProgress("", 5120, 4096))));
        assertEquals("run 2        evaluate   pass 1 ######################## 4096/4096 rows",
                ProgressView.render("run 2", ActivityProgress.scanLine("evaluate", "", new ScanProgress("", 4096, 4096))));
        assertEquals("run 2        evaluate   loss recovered",
                ProgressView.render("run 2", ActivityProgress.scanLine("evaluate", "",
                        new ScanProgress("loss recovered", 0, 0))));
    }

    @Test
    void theTokenTargetChoiceIsABarOfRowsScanned() {
        assertEquals("experiment   filter     token target ############............ 262144/524288 rows",
                ProgressView.render("experiment", ActivityProgress.scanLine("filter", "token target",
                        new ScanProgress("", 262144, 524288))));
    }

    @Test
    void anExperimentSaysHowLongItHasRunOrRan() {
        WorkflowExecutionInfo running = WorkflowExecutionInfo.newBuilder()
                .setStartTime(Timestamp.newBuilder().setSeconds(1000)).build();
        assertEquals("running 13 min 05 s", ProgressQueries.elapsed(running, Instant.ofEpochSecond(1785)));
        WorkflowExecutionInfo closed = running.toBuilder()
                .setCloseTime(Timestamp.newBuilder().setSeconds(1045)).build();
        assertEquals("ran 45 s", ProgressQueries.elapsed(closed, Instant.ofEpochSecond(9999)));
    }

    @Test
    void onATerminalLinesAreRedrawnInPlaceWithoutWrappingSoALongLineCannotPushTheBlockDown() {
        StringWriter screen = new StringWriter();
        ProgressView view = new ProgressView(new PrintWriter(screen), true);
        ProgressLine line = new ProgressLine("language model", "", 10, 1500, "steps", "x".repeat(200));
        view.show(Map.of("experiment", line));
        view.show(Map.of("experiment", line));
        String drawn = ProgressView.NO_WRAP + ProgressView.render("experiment", line) + "\033[K\n" + ProgressView.WRAP;
        assertEquals(drawn + "\033[1F" + drawn, screen.toString());
    }

    @Test
    void inALogALongStageIsPrintedAgainOnceItHasBeenQuietForHalfAMinute() {
        StringWriter log = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressView view = new ProgressView(new PrintWriter(log), false, now::get);
        view.show(Map.of("experiment", new ProgressLine("language model", "", 10, 1500, "steps", "loss 8.1")));
        now.addAndGet(TimeUnit.SECONDS.toNanos(ProgressView.QUIET_SECONDS - 1));
        view.show(Map.of("experiment", new ProgressLine("language model", "", 20, 1500, "steps", "loss 7.9")));
        assertEquals(1, log.toString().lines().count(), "printed again within the quiet time: " + log);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        view.show(Map.of("experiment", new ProgressLine("language model", "", 30, 1500, "steps", "loss 7.7")));
        assertEquals(2, log.toString().lines().count(), log.toString());
        assertEquals(true, log.toString().contains("30/1500 steps  loss 7.7"), log.toString());
    }
}
