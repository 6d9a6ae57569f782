package dev.saesplit.read;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stages read one another's outputs through the reading layer ({@link StageInputs}) and through each stage's
 * contract: its package in the workflows module, which holds its activity interface, requests, results and the
 * records of the files it writes for other stages. No stage's code here names a class of another stage's
 * implementation, so a change inside one stage reaches the others only through what it declares. The layers
 * beneath the stages (the formats, the reading layer, the model, the store, ...) name no stage's implementation at
 * all: they are what the stages are built on.
 */
class StageImportsTest {

    /**
     * Each stage's packages in this module (docs/architecture.md), by stage. The report stage is two packages:
     * {@code track}, its activity and the tracking it publishes through, and {@code report}, the engine that loads
     * a report's inputs and renders the page, which only the report stage uses.
     */
    private static final Map<String, List<String>> STAGES = stages();
    private static final Path IMPLEMENTATIONS = Path.of("src/main/java");
    private static final Path CONTRACTS = Path.of("../workflows/src/main/java");
    /** A class named by its package: in an import, a static import, or written out in the code. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.saesplit((?:\\.[a-z]\\w*)+)\\.([A-Z]\\w*|\\*)");
    /** The packages that may name any stage's implementation, as the launcher does: benchmarks across stages. */
    private static final Set<String> ACROSS_STAGES = Set.of("bench");
    /** A name that is no stage's, for the packages beneath them all. */
    private static final String BENEATH = "beneath the stages";
    private static final Pattern PACKAGE_LINE = Pattern.compile("(?m)^package [\\w.]+;");

    private static Map<String, List<String>> stages() {
        Map<String, List<String>> stages = new LinkedHashMap<>();
        stages.put("upstream", List.of("upstream"));
        stages.put("language model", List.of("lm.train"));
        stages.put("activations", List.of("activations"));
        stages.put("filter", List.of("filter"));
        stages.put("init", List.of("init"));
        stages.put("train", List.of("train"));
        stages.put("evaluate", List.of("evaluate"));
        stages.put("report", List.of("track", "report"));
        stages.put("record", List.of("record"));
        return stages;
    }

    @Test
    void noStageNamesAnotherStagesImplementation() throws IOException {
        assertTrue(Files.isDirectory(IMPLEMENTATIONS.resolve("dev/saesplit")),
                "run from the activities module: " + IMPLEMENTATIONS.toAbsolutePath());
        assertTrue(Files.isDirectory(CONTRACTS.resolve("dev/saesplit")),
                "the workflows module's sources beside it: " + CONTRACTS.toAbsolutePath());
        List<String> crossings = new ArrayList<>();
        for (Map.Entry<String, List<String>> stage : STAGES.entrySet()) {
            for (String pkg : stage.getValue()) {
                Path dir = IMPLEMENTATIONS.resolve(directoryOf(pkg));
                assertTrue(Files.isDirectory(dir), "stage " + stage.getKey() + " has no package " + pkg);
                List<Path> files;
                try (Stream<Path> walk = Files.walk(dir)) {
                    files = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
                }
                assertFalse(files.isEmpty(), "no sources in " + dir);
                for (Path file : files) {
                    for (String crossing : crossings(stage.getKey(), Files.readString(file))) {
                        crossings.add(IMPLEMENTATIONS.relativize(file) + " names " + crossing);
                    }
                }
            }
        }
        assertEquals(List.of(), crossings);
    }

    @Test
    void noPackageBeneathTheStagesNamesAStagesImplementation() throws IOException {
        List<String> beneath = packagesBeneathTheStages();
        assertTrue(beneath.containsAll(List.of("artifact", "data", "data.cache", "data.stream", "lm", "lm.dataset", "read", "sae",
                "store", "worker")), "the packages beneath the stages: " + beneath);
        List<String> crossings = new ArrayList<>();
        for (String pkg : beneath) {
            try (Stream<Path> files = Files.list(IMPLEMENTATIONS.resolve(directoryOf(pkg)))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    for (String crossing : crossings(BENEATH, Files.readString(file))) {
                        crossings.add(IMPLEMENTATIONS.relativize(file) + " names " + crossing);
                    }
                }
            }
        }
        assertEquals(List.of(), crossings);
    }

    @Test
    void beneathTheStagesOnlyContractsMayBeNamed() {
        String source = """
                package dev.saesplit.read;

                import dev.saesplit.filter.FilterStatistics;
                import dev.saesplit.filter.FilteredDataSelector;
                import dev.saesplit.data.ActivationSource;

                class Example {
                    dev.saesplit.lm.train.LanguageModelTrainer trainer;
                }
                """;
        assertEquals(List.of("dev.saesplit.filter.FilteredDataSelector (filter)",
                        "dev.saesplit.lm.train.LanguageModelTrainer (language model)"),
                crossings(BENEATH, source));
    }

    @Test
    void anotherStagesContractMayBeNamedButNotItsImplementation() {
        String source = """
                package dev.saesplit.record;

                import dev.saesplit.evaluate.EvaluationResult;
                import dev.saesplit.evaluate.SplitEvaluator;
                import static dev.saesplit.filter.FilteredDataSelector.KEPT_ROWS_FILE;
                import dev.saesplit.sae.SaeWeights;
                import dev.saesplit.record.RunTableActivities;

                class Example {
                    dev.saesplit.init.NarrowToWideInitializer init;
                    dev.saesplit.filter.FilterActivities contract;
                }
                """;
        assertEquals(List.of("dev.saesplit.evaluate.SplitEvaluator (evaluate)",
                        "dev.saesplit.filter.FilteredDataSelector (filter)",
                        "dev.saesplit.init.NarrowToWideInitializer (init)"),
                crossings("record", source));
    }

    @Test
    void theLanguageModelsTrainingIsNotTheSaeTrainingStage() {
        assertEquals(Optional.of("language model"), stageOf("lm.train"));
        assertEquals(Optional.of("train"), stageOf("train"));
        assertEquals(Optional.of("evaluate"), stageOf("evaluate.interpret"));
        assertEquals(Optional.empty(), stageOf("lm.tokens"));
        assertEquals(Optional.empty(), stageOf("trainer"));
    }

    /** The classes of other stages' implementations that {@code source}, a file of {@code stage}, names. */
    private static List<String> crossings(String stage, String source) {
        List<String> crossings = new ArrayList<>();
        Matcher m = REFERENCE.matcher(PACKAGE_LINE.matcher(source).replaceFirst(""));
        while (m.find()) {
            String pkg = m.group(1).substring(1);
            String name = m.group(2);
            Optional<String> owner = stageOf(pkg);
            if (owner.isEmpty() || owner.get().equals(stage)) {
                continue;
            }
            String named = "dev.saesplit." + pkg + "." + name + " (" + owner.get() + ")";
            if (name.equals("*") ? hasSources(IMPLEMENTATIONS.resolve(directoryOf(pkg)))
                    : !Files.isRegularFile(CONTRACTS.resolve(directoryOf(pkg)).resolve(name + ".java"))) {
                crossings.add(named);
            }
        }
        return crossings;
    }

    /** The stage a package of this module belongs to: the one with the longest of its packages that holds it. */
    private static Optional<String> stageOf(String pkg) {
        return STAGES.entrySet().stream()
                .flatMap(s -> s.getValue().stream()
                        .filter(p -> pkg.equals(p) || pkg.startsWith(p + "."))
                        .map(p -> Map.entry(p.length(), s.getKey())))
                .max(Comparator.comparingInt(Map.Entry::getKey))
                .map(Map.Entry::getValue);
    }

    /**
     * The packages of this module, holding sources, that belong to no stage and do not benchmark across them: the
     * formats, the reading layer, the model, the store and the rest the stages are built on.
     */
    private static List<String> packagesBeneathTheStages() throws IOException {
        Path root = IMPLEMENTATIONS.resolve("dev/saesplit");
        try (Stream<Path> dirs = Files.walk(root)) {
            return dirs.filter(Files::isDirectory).filter(StageImportsTest::hasSources)
                    .map(d -> root.relativize(d).toString().replace(d.getFileSystem().getSeparator(), "."))
                    .filter(pkg -> !pkg.isEmpty() && stageOf(pkg).isEmpty()
                            && ACROSS_STAGES.stream().noneMatch(a -> pkg.equals(a) || pkg.startsWith(a + ".")))
                    .sorted().toList();
        }
    }

    private static Path directoryOf(String pkg) {
        return Path.of("dev/saesplit", pkg.split("\\."));
    }

    private static boolean hasSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
