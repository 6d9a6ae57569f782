package dev.saesplit.read;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stages read their inputs through {@link StageInputs}: no stage's code imports another stage's package, so a
 * change to how one stage stores its output reaches the others only through the reading layer.
 */
class StageImportsTest {

    /** The activity packages of the pipeline's stages (docs/architecture.md). */
    private static final Set<String> STAGES = Set.of("cache", "filter", "init", "train", "evaluate");
    private static final Path SOURCES = Path.of("src/main/java/dev/saesplit");
    private static final Pattern STAGE_IMPORT = Pattern.compile("^import (?:static )?dev\\.saesplit\\.(\\w+)\\.",
            Pattern.MULTILINE);

    @Test
    void noStageImportsAnotherStagesPackage() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the activities module: " + SOURCES.toAbsolutePath());
        List<String> crossings = new ArrayList<>();
        int filesRead = 0;
        for (String stage : STAGES) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(stage))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    filesRead++;
                    Matcher m = STAGE_IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        if (STAGES.contains(m.group(1)) && !m.group(1).equals(stage)) {
                            crossings.add(SOURCES.relativize(file) + " imports " + m.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(filesRead > 50, "read only " + filesRead + " files");
        assertEquals(List.of(), crossings);
    }
}
