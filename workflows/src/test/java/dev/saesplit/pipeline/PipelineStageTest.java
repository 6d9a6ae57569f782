package dev.saesplit.pipeline;

import io.temporal.activity.ActivityInterface;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every activity the workflows can call is counted in a stage of {@code run}'s timing summary: an activity left out
 * makes its time look like orchestration overhead (the language model's training once did, 68 % of a run). The
 * activity interfaces are found by scanning this module's classes, so a new interface is checked too.
 */
class PipelineStageTest {

    @Test
    void everyMethodOfEveryActivityInterfaceBelongsToAStageInBothWorkflows() throws Exception {
        List<Class<?>> interfaces = activityInterfaces();
        assertFalse(interfaces.isEmpty(), "no activity interface found to check");
        List<String> unstaged = new ArrayList<>();
        for (Class<?> activities : interfaces) {
            for (POJOActivityMethodMetadata method : POJOActivityInterfaceMetadata.newInstance(activities)
                    .getMethodsMetadata()) {
                String type = method.getActivityTypeName();
                if (PipelineStage.ofActivity(type, false).isEmpty() || PipelineStage.ofActivity(type, true).isEmpty()) {
                    unstaged.add(activities.getSimpleName() + "." + type);
                }
            }
        }
        assertEquals(List.of(), unstaged);
    }

    @Test
    void noActivityTypeBelongsToTwoStages() {
        List<String> types = Arrays.stream(PipelineStage.values()).flatMap(s -> s.activityTypes().stream()).toList();
        assertEquals(types.stream().distinct().toList(), types);
    }

    @Test
    void initialiseAndTrainCountAsTheNarrowSaeInTheExperimentWorkflowAndAsTheRowsOwnInARow() {
        assertEquals(Optional.of(PipelineStage.NARROW), PipelineStage.ofActivity("Train", false));
        assertEquals(Optional.of(PipelineStage.NARROW), PipelineStage.ofActivity("Initialise", false));
        assertEquals(Optional.of(PipelineStage.TRAIN), PipelineStage.ofActivity("Train", true));
        assertEquals(Optional.of(PipelineStage.INIT), PipelineStage.ofActivity("Initialise", true));
        assertEquals(Optional.of(PipelineStage.INIT), PipelineStage.ofActivity("ImportForRow", true));
        assertEquals(Optional.of(PipelineStage.INIT), PipelineStage.ofActivity("ImportForRow", false));
        assertEquals(Optional.of(PipelineStage.MODEL), PipelineStage.ofActivity("TrainLanguageModel", false));
        assertEquals(Optional.of(PipelineStage.FILTER), PipelineStage.ofActivity("ChooseTokenTarget", false));
        assertEquals(Optional.empty(), PipelineStage.ofActivity("NoSuchActivity", true));
    }

    /** The interfaces annotated {@link ActivityInterface} among this module's compiled classes. */
    private static List<Class<?>> activityInterfaces() throws IOException, URISyntaxException {
        Path classes = Path.of(PipelineStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                Class<?> type = load(name.substring(0, name.length() - ".class".length()));
                if (type != null && type.isInterface() && type.isAnnotationPresent(ActivityInterface.class)) {
                    found.add(type);
                }
            }
        }
        return found;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PipelineStageTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
