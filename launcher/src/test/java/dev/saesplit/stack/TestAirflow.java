package dev.saesplit.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Airflow for a test class, started by the project's own code and scripts ({@code infra/python-env.sh
 * airflow} installs it on first use, about 1.5 minutes and 395 MB) on the state directory of {@code services},
 * with free ports. Its tasks run the saesplit command line of this build (the test class path) against the same
 * PostgreSQL, Temporal and MLflow.
 */
public final class TestAirflow {

    private TestAirflow() {
    }

    public static AirflowServer start(TestServices services) {
        try {
            Map<String, String> tasks = new HashMap<>(services.environment());
            String java = ProcessHandle.current().info().command().orElse("java");
            tasks.put("SAESPLIT_CLI", java + " -Dsaesplit.root=" + ProjectRoot.get() + " -cp "
                    + System.getProperty("java.class.path") + " dev.saesplit.cli.SaesplitCommand");
            tasks.put("SAESPLIT_SPEC_DIRS", specFolder(services).toString());
            return AirflowServer.start(services.home(), ProjectRoot.get(), new AirflowServer.Ports(
                    TestServices.freePort(), TestServices.freePort(), TestServices.freePort()), false, tasks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder, besides the checkout's experiments/, from which the test Airflow's DAG accepts specs. */
    public static Path specFolder(TestServices services) {
        return services.home().resolve("specs");
    }

    /** The environment a saesplit command needs to use {@code airflow} as an external Airflow. */
    public static Map<String, String> environment(TestServices services, AirflowServer airflow) {
        Map<String, String> env = new HashMap<>(services.environment());
        env.put("AIRFLOW_URL", airflow.url().toString());
        env.put("AIRFLOW_USERNAME", airflow.credentials().username());
        env.put("AIRFLOW_PASSWORD", airflow.credentials().password());
        return env;
    }
}
