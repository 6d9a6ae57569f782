package dev.saesplit.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.airflow.AirflowClient;
import dev.saesplit.airflow.AirflowCredentials;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Apache Airflow 3: the one {@code AIRFLOW_URL} names (credentials from {@code AIRFLOW_USERNAME} and
 * {@code AIRFLOW_PASSWORD}), one already listening on the dev stack's port, or {@code airflow standalone} from
 * the project's Airflow environment ({@code .venv-airflow}) with {@code AIRFLOW_HOME} under the state directory,
 * saesplit's DAGs from {@code infra/airflow/dags}, on 127.0.0.1 only. Standalone creates the user {@code admin}
 * and writes its generated password to {@link #passwordFile(Path)}.
 */
public final class AirflowServer extends StackServer {

    public static final int DEV_PORT = 8280;
    public static final String ADMIN = "admin";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API server's port and the two log servers' (the defaults, 8793 and 8794, clash between instances). */
    public record Ports(int api, int workerLogs, int triggererLogs) {
        static final Ports DEV = new Ports(DEV_PORT, 8793, 8794);
    }

    private final URI url;
    private final AirflowCredentials credentials;

    private AirflowServer(URI url, AirflowCredentials credentials, ServerProcess process) {
        super(process);
        this.url = url;
        this.credentials = credentials;
    }

    /** The Airflow {@code AIRFLOW_URL} names, if it names one. */
    public static Optional<AirflowServer> configured(Map<String, String> environment) {
        String configured = environment.getOrDefault("AIRFLOW_URL", "").trim();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        AirflowCredentials credentials = new AirflowCredentials(environment.getOrDefault("AIRFLOW_USERNAME", ADMIN),
                environment.getOrDefault("AIRFLOW_PASSWORD", ""));
        return Optional.of(new AirflowServer(URI.create(configured.replaceAll("/+$", "")), credentials, null));
    }

    /** The configured Airflow, else the dev stack's (which must run: {@code saesplit stack up --airflow}). */
    public static AirflowServer forEnvironment(Map<String, String> environment, Path stateDir) {
        return configured(environment).orElseGet(() -> {
            if (!LoopbackPorts.accepts(DEV_PORT) || !Files.isRegularFile(passwordFile(stateDir))) {
                throw new AirflowNotConfiguredException("no Airflow to talk to: set AIRFLOW_URL (with AIRFLOW_USERNAME "
                        + "and AIRFLOW_PASSWORD), or start the local one with 'saesplit stack up --airflow'");
            }
            return new AirflowServer(uri(DEV_PORT), adminOf(stateDir), null);
        });
    }

    /** The dev stack's Airflow: attached to if it runs, started detached otherwise. */
    public static AirflowServer startOrAttach(Path stateDir, Path root, Map<String, String> taskEnvironment) {
        if (LoopbackPorts.accepts(DEV_PORT)) {
            return new AirflowServer(uri(DEV_PORT), adminOf(stateDir), null);
        }
        return start(stateDir, root, Ports.DEV, true, taskEnvironment);
    }

    /**
     * Starts {@code airflow standalone} on {@code ports}. Its tasks run saesplit commands against the services
     * {@code taskEnvironment} names ({@code TEMPORAL_ADDRESS}, {@code MLFLOW_TRACKING_URI}, ...), with
     * {@code SAESPLIT_HOME} set to this state directory.
     */
    public static AirflowServer start(Path stateDir, Path root, Ports ports, boolean detached,
                                      Map<String, String> taskEnvironment) {
        Path bin = PythonEnvironment.named(root, "airflow").binDirectory();
        Path home = home(stateDir);
        URI url = uri(ports.api());
        Map<String, String> environment = new HashMap<>(taskEnvironment);
        environment.put("SAESPLIT_HOME", stateDir.toAbsolutePath().toString());
        environment.put("SAESPLIT_ROOT", root.toString());
        environment.put("SAESPLIT_AIRFLOW_URL", url.toString());
        // standalone runs 'airflow' subcommands by name
        environment.put("PATH", bin + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
        environment.put("AIRFLOW_HOME", home.toString());
        environment.put("AIRFLOW__CORE__DAGS_FOLDER", root.resolve("infra/airflow/dags").toString());
        environment.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        environment.put("AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", "False");
        environment.put("AIRFLOW__API__HOST", "127.0.0.1");
        environment.put("AIRFLOW__API__PORT", Integer.toString(ports.api()));
        // Tasks report to the API server; without this they call the default port and fail with "connection refused".
        environment.put("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", url + "/execution/");
        // The LocalExecutor starts one worker process per slot (32 by default); saesplit's tasks mostly wait.
        environment.put("AIRFLOW__CORE__PARALLELISM", "4");
        environment.put("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", Integer.toString(ports.workerLogs()));
        environment.put("AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT", Integer.toString(ports.triggererLogs()));
        environment.put("AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL", "20");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + home + ": " + e.getMessage(), e);
        }
        AirflowClient probe = AirflowClient.connect(url, new AirflowCredentials(ADMIN, ""));
        ServerProcess process = ServerProcess.launch(Name.AIRFLOW.file(),
                List.of(bin.resolve("airflow").toString(), "standalone"), environment, stateDir, detached,
                () -> probe.healthy() && Files.isRegularFile(passwordFile(stateDir)), Duration.ofSeconds(240));
        return new AirflowServer(url, adminOf(stateDir), process);
    }

    /** Where standalone writes the generated password of {@code admin} (JSON: user to password). */
    public static Path passwordFile(Path stateDir) {
        return home(stateDir).resolve("simple_auth_manager_passwords.json.generated");
    }

    public URI url() {
        return url;
    }

    public AirflowCredentials credentials() {
        return credentials;
    }

    /** A client of this server, signed in as its credentials' user. */
    public AirflowClient client() {
        return AirflowClient.connect(url, credentials);
    }

    private static AirflowCredentials adminOf(Path stateDir) {
        Path file = passwordFile(stateDir);
        try {
            JsonNode passwords = JSON.readTree(file.toFile());
            if (!passwords.has(ADMIN)) {
                throw new IllegalStateException(file + " has no password for '" + ADMIN + "'");
            }
            return new AirflowCredentials(ADMIN, passwords.get(ADMIN).asText());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Airflow's admin password from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static Path home(Path stateDir) {
        return stateDir.resolve("airflow").toAbsolutePath();
    }

    private static URI uri(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }
}
