package dev.saesplit.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.Failures;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.ExperimentStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One real worker process, limited to a 512 MiB heap, is given every class of hostile model file, tokenizer and
 * dataset that validate cannot see (each experiment is submitted past validate, as a file swapped after it would
 * be): each experiment fails at once as bad input with a message naming the file, and the worker is still alive
 * afterwards, with no fatal error in its log.
 */
class HostileInputsWorkerTest {

    private static final Path FIXTURES = Path.of("..", "activities", "src", "test", "resources", "lm")
            .toAbsolutePath().normalize();

    private static TestServices services;
    private static WorkflowServiceStubs stubs;
    private static WorkflowClient client;
    private static Process worker;

    @BeforeAll
    static void startServicesAndWorker() throws IOException {
        services = TestServices.start("hostile");
        stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(services.temporal().address()).build());
        client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder()
                .setNamespace(TemporalServer.NAMESPACE).build());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "-Dsaesplit.root=" + ProjectRoot.get(),
                "dev.saesplit.cli.SaesplitCommand", "worker")
                .redirectErrorStream(true).redirectOutput(services.home().resolve("worker.log").toFile());
        builder.environment().putAll(services.environment());
        worker = builder.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (worker != null) {
            worker.destroyForcibly();
        }
        stubs.shutdownNow();
        services.close();
    }

    @Test
    void aWorkerSurvivesEveryHostileInputAndFailsEachAsBadInputNamingTheFile() throws Exception {
        Path dir = Files.createDirectories(services.home().resolve("hostile"));
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("pickle-unhashable-key", "weights: " + pth(dir, "unhashable", unhashableKey()));
        cases.put("pickle-huge-length", "weights: " + pth(dir, "length", hugeLengthPrefix()));
        cases.put("pickle-huge-integer", "weights: " + pth(dir, "integer", millionDigitInteger()));
        cases.put("nan-weights", "weights: " + nanWeights(dir));
        cases.put("pipe-config", "weights: " + pipeConfig(dir));
        cases.put("hostile-tokenizer", "tokenizer: " + hostileTokenizer(dir));
        cases.put("invalid-utf8-dataset", "dataset: " + invalidUtf8(dir));

        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String problem = run(c.getKey(), c.getValue());
            if (problem != null) {
                failures.add(c.getKey() + ": " + problem);
            }
            assertTrue(worker.isAlive(), "the worker died on " + c.getKey() + "; its log:\n" + log());
        }

        assertTrue(failures.isEmpty(), String.join("\n", failures));
        String log = log();
        assertFalse(log.contains("OutOfMemoryError") || log.contains("StackOverflowError")
                || log.contains("fatal runtime error") || log.contains("panicked"), log);
    }

    /** Runs the fixture experiment with {@code override} as one line of its source; null if it failed rightly. */
    private static String run(String name, String override) throws Exception {
        String key = override.substring(0, override.indexOf(':'));
        String file = override.substring(override.indexOf(':') + 2);
        StringBuilder yaml = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("..", "experiments", "lm-fixture.yaml"))) {
            String stripped = line.strip();
            if (line.startsWith("name:")) {
                yaml.append("name: hostile-").append(name).append('\n');
            } else if (stripped.startsWith("weights:") || stripped.startsWith("tokenizer:")
                    || stripped.startsWith("dataset:")) {
                String field = stripped.substring(0, stripped.indexOf(':'));
                String value = field.equals(key) ? file
                        : FIXTURES.resolve(stripped.substring(stripped.indexOf("lm/") + 3)).toString();
                yaml.append("  ").append(field).append(": ").append(value).append('\n');
            } else {
                yaml.append(line).append('\n');
            }
        }
        ExperimentSpec spec = SpecParser.parse(yaml.toString(), name + ".yaml", Path.of("."));
        try (Database database = Database.open(DatabaseConfig.local(services.home()))) {
            new ExperimentStore(database.dataSource()).submit(spec, yaml.toString(), name + ".yaml");
        }
        ExperimentWorkflow workflow = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.experiment(spec.name())).setTaskQueue(TaskQueues.CPU).build());
        WorkflowClient.start(workflow::run, spec);
        try {
            WorkflowStub.fromTyped(workflow).getResult(90, TimeUnit.SECONDS, Object.class);
            return "the experiment succeeded";
        } catch (TimeoutException e) {
            return "still running after 90 s (retrying or hung)";
        } catch (WorkflowFailedException e) {
            String message = Failures.rootMessage(e);
            // The file, or the folder holding it when the problem is its neighbour (config.json beside weights).
            String fileName = Path.of(file).getFileName().toString();
            String folder = Path.of(file).getParent().getFileName().toString();
            boolean named = message.contains(fileName) || message.contains(folder + "/");
            return named && !message.contains("\tat ") && message.length() < 2000 ? null
                    : "the failure does not name " + fileName + " readably: " + message;
        }
    }

    private static String log() throws IOException {
        return Files.readString(services.home().resolve("worker.log"));
    }

    private static Path pth(Path dir, String name, byte[] pickle) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pth-" + name));
        Files.copy(FIXTURES.resolve("tl-safetensors/config.json"), folder.resolve("config.json"));
        Path file = folder.resolve("model.pth");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
        }
        return file;
    }

    /** {@code {l40: None}} where each level of the list holds the previous one twice: hashing it costs 2^40. */
    private static byte[] unhashableKey() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, '}', ']', 'q', 0});
        for (int i = 0; i < 40; i++) {
            out.writeBytes(new byte[] {'(', 'h', 0, 'h', 0, 'l', 'q', 0});
        }
        out.writeBytes(new byte[] {'N', 's', '.'});
        return out.toByteArray();
    }

    /** A string claiming 2 GiB in a pickle of a few bytes. */
    private static byte[] hugeLengthPrefix() {
        return new byte[] {(byte) 0x80, 2, 'X', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 't', 'i', 'n', 'y', '.'};
    }

    private static byte[] millionDigitInteger() {
        return ("\u0080\u0002L" + "7".repeat(1_000_000) + "L\n.").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Path nanWeights(Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("nan-model"));
        Files.copy(FIXTURES.resolve("tl-safetensors/config.json"), folder.resolve("config.json"));
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor tensor : SafetensorsReader.readAll(FIXTURES.resolve("tl-safetensors/model.safetensors"))
                .values()) {
            float[] values = tensor.values().clone();
            values[0] = tensor.name().equals("blocks.0.mlp.W_in") ? Float.NaN : values[0];
            tensors.add(new NamedTensor(tensor.name(), tensor.shape(), values));
        }
        Path file = folder.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors);
        return file;
    }

    private static Path pipeConfig(Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("pipe-config"));
        Path weights = Files.copy(FIXTURES.resolve("tl-safetensors/model.safetensors"), folder.resolve("model.safetensors"));
        assertTrue(new ProcessBuilder("mkfifo", folder.resolve("config.json").toString()).start().waitFor() == 0);
        return weights;
    }

    private static Path hostileTokenizer(Path dir) throws IOException {
        String json = Files.readString(FIXTURES.resolve("tokens/tokenizer.json"));
        Path file = dir.resolve("hostile-tokenizer.json");
        Files.writeString(file, json.replaceFirst("\"pre_tokenizer\"\\s*:", java.util.regex.Matcher.quoteReplacement(
                "\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(a+)+$\"}, \"behavior\": "
                        + "\"Isolated\", \"invert\": false}, \"unused\":")));
        return file;
    }

    private static Path invalidUtf8(Path dir) throws IOException {
        return Files.write(dir.resolve("broken.jsonl"), new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', ' ', '"',
                (byte) 0xC3, '"', '}', '\n'});
    }
}
