package dev.saesplit.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production compose file cannot be started here (no container runtime), so its shape is checked: it parses
 * as YAML (anchors and merge keys resolved), every image is pinned through versions.env, and it wires what the
 * runbook promises.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("..", "infra", "compose");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_0-9]+)(?::?[-?][^}]*)?}");

    private static Map<String, Object> services;
    private static Map<String, String> versions;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(COMPOSE.resolve("compose.yaml")));
        services = (Map<String, Object>) compose.get("services");
        versions = new HashMap<>();
        for (String line : Files.readAllLines(COMPOSE.resolve("versions.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                versions.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        assertTrue(service != null, "no service " + name + " in " + services.keySet());
        return service;
    }

    private static String resolved(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            assertTrue(versions.containsKey(m.group(1)), m.group(1) + " is not pinned in versions.env");
            m.appendReplacement(out, Matcher.quoteReplacement(versions.get(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void everyImageIsPinnedToAVersion() throws IOException {
        for (String name : services.keySet()) {
            Object image = service(name).get("image");
            assertTrue(image != null, name + " names its image");
            String ref = resolved(image.toString());
            assertTrue(ref.matches("[a-z0-9./-]+:[0-9][0-9A-Za-z._-]*") || ref.endsWith(":local"),
                    name + ": " + ref + " is not pinned to a version");
        }
        for (String dockerfile : List.of("worker.Dockerfile", "mlflow.Dockerfile")) {
            String text = Files.readString(COMPOSE.resolve(dockerfile));
            assertFalse(text.contains(":latest"), dockerfile);
        }
        for (String version : versions.values()) {
            assertFalse(version.isBlank() || version.contains("latest"), versions.toString());
        }
    }

    @Test
    void temporalAndMlflowKeepTheirStateInPostgres() {
        Map<String, Object> temporal = service("temporal");
        assertEquals("postgres12", env(temporal).get("DB"));
        assertEquals("postgres", env(temporal).get("POSTGRES_SEEDS"));
        Map<String, Object> mlflow = service("mlflow");
        assertTrue(env(mlflow).get("MLFLOW_BACKEND_STORE_URI").toString().startsWith("postgresql://mlflow:"));
        assertTrue(mlflow.get("command").toString().contains("--serve-artifacts"), "MLflow proxies artifacts");
    }

    @Test
    void workersPollTheirQueuesAgainstTheSharedServers() {
        assertEquals(List.of("worker", "--queues", "cpu"), service("worker-cpu").get("command"));
        List<?> gpu = (List<?>) service("worker-gpu").get("command");
        assertEquals(List.of("worker", "--queues", "gpu"), gpu.subList(0, 3));
        assertEquals("cuda", env(service("worker-gpu")).get("SAESPLIT_DEVICE"));
        assertTrue(gpu.containsAll(List.of("--device", "cuda")), "the GPU worker checks its GPU as it starts");
        for (String worker : List.of("worker-cpu", "worker-gpu")) {
            Map<String, Object> env = env(service(worker));
            assertEquals("temporal:7233", env.get("TEMPORAL_ADDRESS"), worker);
            assertEquals("jdbc:postgresql://postgres:5432/saesplit", env.get("SAESPLIT_DB_URL"), worker);
            assertEquals("http://mlflow:5000", env.get("MLFLOW_TRACKING_URI"), worker);
            assertTrue(env.containsKey("SAESPLIT_ARTIFACTS"), worker);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyTheGpuWorkersImageCarriesTheCudaLibtorchThatTorchEnvPins() throws IOException {
        assertEquals("cpu", ((Map<String, Object>) service("worker-cpu").get("build")).get("target"));
        assertEquals("gpu", ((Map<String, Object>) service("worker-gpu").get("build")).get("target"));
        assertFalse(service("worker-cpu").get("image").equals(service("worker-gpu").get("image")),
                "the two targets are two images");
        String dockerfile = Files.readString(COMPOSE.resolve("worker.Dockerfile"));
        String gpuStage = dockerfile.substring(dockerfile.indexOf("FROM cpu AS gpu"));
        assertTrue(dockerfile.contains("-r /tmp/torch-requirements.txt")
                && dockerfile.contains("COPY infra/torch-requirements.txt"), "the pin infra/torch-env.sh installs");
        assertTrue(gpuStage.contains("ENV SAESPLIT_LIBTORCH=/opt/torch/torch/lib"), gpuStage);
    }

    @Test
    void airflowAndTheGpuWorkerAreOptionalProfiles() {
        for (String name : services.keySet()) {
            Object profiles = service(name).get("profiles");
            if (name.startsWith("airflow")) {
                assertEquals(List.of("airflow"), profiles, name);
            }
        }
        assertEquals(List.of("gpu"), service("worker-gpu").get("profiles"));
        assertEquals(null, service("worker-cpu").get("profiles"), "the cpu worker always runs");
    }

    @Test
    void noSecretIsWrittenInTheFiles() throws IOException {
        for (String file : List.of("compose.yaml", "versions.env", "secrets.env.example", "postgres-init.sh")) {
            String text = Files.readString(COMPOSE.resolve(file));
            assertFalse(Pattern.compile("(?im)^\\s*[A-Z_]*PASSWORD[ \\t]*[=:][ \\t]*[^$\\s{]").matcher(text).find(), file);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(Map<String, Object> service) {
        return (Map<String, Object>) service.get("environment");
    }
}
