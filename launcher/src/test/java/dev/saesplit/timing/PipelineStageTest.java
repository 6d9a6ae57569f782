package dev.saesplit.timing;

import dev.saesplit.cache.ActivationActivities;
import dev.saesplit.evaluate.EvaluationActivities;
import dev.saesplit.filter.FilterActivities;
import dev.saesplit.init.InitActivities;
import dev.saesplit.lm.train.LanguageModelTrainingActivities;
import dev.saesplit.record.RunTableActivities;
import dev.saesplit.track.TrackingActivities;
import dev.saesplit.train.TrainingActivities;
import dev.saesplit.upstream.UpstreamDagActivities;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every activity the workflows call is counted in a stage of {@code run}'s timing summary: an activity left out
 * makes its time look like orchestration overhead (the language model's training once did, 68 % of a run).
 */
class PipelineStageTest {

    private static final List<Class<?>> ACTIVITIES = List.of(UpstreamDagActivities.class,
            LanguageModelTrainingActivities.class, ActivationActivities.class, InitActivities.class,
            TrainingActivities.class, FilterActivities.class, EvaluationActivities.class, TrackingActivities.class,
            RunTableActivities.class);

    @Test
    void everyActivityTypeBelongsToAStage() {
        List<String> unstaged = new ArrayList<>();
        for (Class<?> activities : ACTIVITIES) {
            for (POJOActivityMethodMetadata method : POJOActivityInterfaceMetadata.newInstance(activities)
                    .getMethodsMetadata()) {
                String type = method.getActivityTypeName();
                if (PipelineStage.of(type, false).isEmpty() || PipelineStage.of(type, true).isEmpty()) {
                    unstaged.add(activities.getSimpleName() + "." + type);
                }
            }
        }
        assertEquals(List.of(), unstaged);
        assertEquals(PipelineStage.MODEL, PipelineStage.of("TrainLanguageModel", false).orElseThrow());
        assertEquals(PipelineStage.FILTER, PipelineStage.of("ChooseTokenTarget", false).orElseThrow());
    }
}
