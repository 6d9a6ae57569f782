package dev.saesplit.cli;

import dev.saesplit.lm.train.LanguageModelTrainingHeartbeat;
import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.pipeline.PipelineStage;
import dev.saesplit.pipeline.ScanProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.train.GroupTrainingHeartbeat;
import dev.saesplit.train.TrainingProgressReader;
import io.temporal.api.enums.v1.PendingActivityState;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How far a workflow's stage is, from the latest heartbeat details of the activity it runs, as the server holds
 * them: each long activity heartbeats a record of its own, and nothing of it enters the workflow's history.
 */
final class ActivityProgress {

    /** A training waiting for a worker's training slot. */
    static final String QUEUED_STAGE = "queued";

    private static final String LANGUAGE_MODEL = "TrainLanguageModel";
    private static final String CACHING = "EnsureActivations";
    private static final String TOKEN_TARGET = "ChooseTokenTarget";
    private static final String FILTER = "SelectFiltered";
    private static final String EVALUATION = "Evaluate";
    /** The activity type Temporal names {@code TrainingActivities#trainTogether}. */
    static final String TRAIN_TOGETHER = "TrainTogether";
    private static final String TRAIN_STAGE = PipelineStage.TRAIN.display();
    /**
     * Every activity type whose heartbeat this reads: each must be one a stage runs ({@link PipelineStage}), so a
     * renamed activity fails a test instead of silently losing its progress line.
     */
    static final List<String> TYPES_READ = List.of(TrainingProgressReader.TRAIN_ACTIVITY, LANGUAGE_MODEL, CACHING,
            TOKEN_TARGET, FILTER, EVALUATION, TRAIN_TOGETHER);

    private ActivityProgress() {
    }

    /** {@code stage} with the progress of whichever of {@code pending} reports it; the bare stage otherwise. */
    static ProgressLine of(WorkflowClient client, String stage, List<PendingActivityInfo> pending) {
        for (PendingActivityInfo activity : pending) {
            Optional<ProgressLine> line = read(client, stage, activity);
            if (line.isPresent()) {
                return line.get();
            }
        }
        return ProgressLine.stageOnly(stage);
    }

    private static Optional<ProgressLine> read(WorkflowClient client, String stage, PendingActivityInfo activity) {
        return switch (activity.getActivityType().getName()) {
            case TrainingProgressReader.TRAIN_ACTIVITY -> Optional.of(training(
                    TrainingProgressReader.of(client, activity), stage));
            case LANGUAGE_MODEL -> PendingHeartbeats.details(client, activity, LanguageModelTrainingHeartbeat.class)
                    .map(h -> languageModel(stage, h));
            case CACHING -> PendingHeartbeats.details(client, activity, CachingProgress.class)
                    .filter(p -> p.totalTokens() > 0)
                    .map(p -> new ProgressLine(stage, "", p.tokensCached(), p.totalTokens(), "tokens", ""));
            case TOKEN_TARGET -> scan(client, activity, stage, "token target");
            case FILTER -> scan(client, activity, stage, "selecting");
            case EVALUATION -> scan(client, activity, stage, "");
            default -> Optional.empty();
        };
    }

    /**
     * The lines of rows trained together, by run id, from the experiment's pending group training: a row's own
     * workflow starts once its group has trained, so until then its progress is in the group's heartbeat.
     */
    static Map<String, ProgressLine> trainedTogether(WorkflowClient client, List<PendingActivityInfo> pending) {
        Map<String, ProgressLine> rows = new LinkedHashMap<>();
        for (PendingActivityInfo activity : pending) {
            if (!TRAIN_TOGETHER.equals(activity.getActivityType().getName())) {
                continue;
            }
            boolean queued = activity.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
            PendingHeartbeats.details(client, activity, GroupTrainingHeartbeat.class)
                    .ifPresent(h -> rows.putAll(groupLines(queued, h)));
        }
        return rows;
    }

    /** Each row's line from a group training's heartbeat; {@code queued} while no worker has started it. */
    static Map<String, ProgressLine> groupLines(boolean queued, GroupTrainingHeartbeat h) {
        Map<String, ProgressLine> rows = new LinkedHashMap<>();
        h.rows().forEach((row, p) -> rows.put(row, queued ? ProgressLine.stageOnly(QUEUED_STAGE)
                : new ProgressLine(TRAIN_STAGE, "together", p.step(), p.totalSteps(), "steps", loss(p))));
        return rows;
    }

    private static ProgressLine training(TrainingProgressReader.PendingTraining t, String stage) {
        if (t.queued()) {
            return ProgressLine.stageOnly(QUEUED_STAGE);
        }
        return t.progress().map(p -> new ProgressLine(stage, "", p.step(), p.totalSteps(), "steps", loss(p)))
                .orElse(ProgressLine.stageOnly(stage));
    }

    private static String loss(TrainingProgress p) {
        return Double.isNaN(p.loss()) ? "" : String.format(Locale.ROOT, "loss %.4g", p.loss());
    }

    static ProgressLine languageModel(String stage, LanguageModelTrainingHeartbeat h) {
        if (h.step() == 0) {
            // Before the first step the corpus is read and tokenized, then its vocabulary cut, its contexts built
            // and the baselines measured.
            if (h.documents() > 0 && h.documentsRead() == h.documents()) {
                return new ProgressLine(stage, "preparing to train", 0, 0, "", "");
            }
            return new ProgressLine(stage, "reading the corpus", h.documentsRead(), h.documents(), "documents", "");
        }
        StringBuilder detail = new StringBuilder();
        if (!Double.isNaN(h.loss())) {
            detail.append(String.format(Locale.ROOT, "loss %.4g", h.loss()));
        }
        if (h.heldOutStep() > 0 && !Double.isNaN(h.heldOutLoss())) {
            detail.append(String.format(Locale.ROOT, "  held-out %.4g at step %d", h.heldOutLoss(), h.heldOutStep()));
        }
        if (h.secondsLeft() >= 0) {
            detail.append("  about ").append(Durations.words(h.secondsLeft())).append(" left");
        }
        return new ProgressLine(stage, "", h.step(), h.totalSteps(), "steps", detail.toString().strip());
    }

    /** A scan of activations: the rows of the pass under way, which pass where there are several, or its phase. */
    private static Optional<ProgressLine> scan(WorkflowClient client, PendingActivityInfo activity, String stage,
                                               String name) {
        return PendingHeartbeats.details(client, activity, ScanProgress.class).map(p -> scanLine(stage, name, p));
    }

    static ProgressLine scanLine(String stage, String name, ScanProgress p) {
        if (p.rowsPerPass() == 0) {
            return new ProgressLine(stage, join(name, p.phase()), 0, 0, "", "");
        }
        String pass = p.pass() > 1 || name.isEmpty() ? "pass " + p.pass() : "";
        return new ProgressLine(stage, join(name, pass), p.rowsInPass(), p.rowsPerPass(), "rows", "");
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + ": " + b;
    }
}
