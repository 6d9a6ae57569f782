package dev.saesplit.artifact;

import dev.saesplit.text.Redaction;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where artifacts go, from the environment, beside {@code SAESPLIT_DB_URL}, {@code TEMPORAL_ADDRESS} and
 * {@code MLFLOW_TRACKING_URI}:
 * <ul>
 *   <li>{@code SAESPLIT_ARTIFACTS} unset or empty: the local directory {@code $SAESPLIT_HOME/artifacts};</li>
 *   <li>{@code file:///path}: a directory every worker mounts at that path (NFS, Lustre);</li>
 *   <li>{@code mlflow-artifacts://host:port/prefix}: the artifact proxy of the MLflow server at {@code host:port}
 *       ({@code mlflow-artifacts:/prefix} means the server {@code MLFLOW_TRACKING_URI} names), reached over the
 *       scheme of {@code MLFLOW_TRACKING_URI} when it names the same server, else plain HTTP; authenticated with
 *       {@code MLFLOW_TRACKING_TOKEN} (bearer) or {@code MLFLOW_TRACKING_USERNAME} and
 *       {@code MLFLOW_TRACKING_PASSWORD} (basic), as MLflow's own clients are.</li>
 * </ul>
 * {@code SAESPLIT_ARTIFACTS_LOCAL_GB} bounds each worker's local copies of shared artifacts (default
 * {@value #DEFAULT_LOCAL_GB} GB).
 *
 * @param storage        the shared storage; empty for the local directory
 * @param localCopyBytes the bound on this machine's copies of shared artifacts
 */
public record ArtifactStoreConfig(Optional<SharedStorage> storage, long localCopyBytes) {

    public static final String VARIABLE = "SAESPLIT_ARTIFACTS";
    public static final String LOCAL_BOUND_VARIABLE = "SAESPLIT_ARTIFACTS_LOCAL_GB";
    /** Set to {@code true} to send MLflow credentials over plain HTTP to a server that is not this machine. */
    public static final String HTTP_CREDENTIALS_VARIABLE = "SAESPLIT_MLFLOW_HTTP_CREDENTIALS";
    static final long DEFAULT_LOCAL_GB = 50;

    /** Reads the configuration; a value that cannot be used is an {@link ArtifactConfigException} naming it. */
    public static ArtifactStoreConfig fromEnvironment(Map<String, String> env) {
        long bytes = localBound(env);
        String value = env.getOrDefault(VARIABLE, "").trim();
        if (value.isEmpty()) {
            return new ArtifactStoreConfig(Optional.empty(), bytes);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw bad(value, "not a URI (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        return switch (scheme) {
            case "file" -> new ArtifactStoreConfig(Optional.of(sharedDirectory(value, uri)), bytes);
            case "mlflow-artifacts" -> new ArtifactStoreConfig(Optional.of(mlflowProxy(value, uri, env)), bytes);
            default -> throw bad(value, "use file:///path for a shared directory or "
                    + "mlflow-artifacts://host:port/prefix for MLflow's artifact proxy");
        };
    }

    private static SharedStorage sharedDirectory(String value, URI uri) {
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty() || uri.getPath() == null
                || !uri.getPath().startsWith("/")) {
            throw bad(value, "a shared directory is file:///absolute/path, the same path on every machine");
        }
        return new SharedDirectory(Path.of(uri));
    }

    private static SharedStorage mlflowProxy(String value, URI uri, Map<String, String> env) {
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (prefix.isEmpty()) {
            throw bad(value, "name a folder for saesplit's artifacts, e.g. mlflow-artifacts://host:5000/saesplit");
        }
        String tracking = env.getOrDefault("MLFLOW_TRACKING_URI", "").trim();
        URI trackingUri = tracking.isEmpty() ? null : URI.create(tracking);
        URI server;
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            if (trackingUri == null || trackingUri.getHost() == null) {
                throw bad(value, "it names no server, and MLFLOW_TRACKING_URI names no HTTP server either");
            }
            server = URI.create(trackingUri.getScheme() + "://" + hostAndPort(trackingUri));
        } else if (uri.getPort() < 0 || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw bad(value, "name the server as host:port, with credentials in MLFLOW_TRACKING_TOKEN or "
                    + "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD");
        } else {
            boolean sameServer = trackingUri != null && hostAndPort(uri).equals(hostAndPort(trackingUri));
            server = URI.create((sameServer ? trackingUri.getScheme() : "http") + "://" + hostAndPort(uri));
        }
        Optional<String> authorization = MlflowCredentials.fromEnvironment(env).authorizationHeader();
        if (authorization.isPresent() && "http".equalsIgnoreCase(server.getScheme()) && !isLoopback(server.getHost())
                && !"true".equalsIgnoreCase(env.getOrDefault(HTTP_CREDENTIALS_VARIABLE, "").trim())) {
            throw bad(value, "MLflow credentials would go unencrypted over plain HTTP to " + hostAndPort(server)
                    + "; use https (an MLFLOW_TRACKING_URI of https:// for the same server), or set "
                    + HTTP_CREDENTIALS_VARIABLE + "=true to send them anyway");
        }
        return new MlflowArtifactProxy(server, prefix, authorization);
    }

    /** This machine, by a name that needs no lookup: plain HTTP to it crosses no network. */
    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1");
    }

    /** {@code host:port} without any user information, which never reaches a message. */
    private static String hostAndPort(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static long localBound(Map<String, String> env) {
        String value = env.getOrDefault(LOCAL_BOUND_VARIABLE, "").trim();
        if (value.isEmpty()) {
            return DEFAULT_LOCAL_GB << 30;
        }
        try {
            double gb = Double.parseDouble(value);
            if (gb > 0 && Double.isFinite(gb)) {
                return (long) (gb * (1L << 30));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ArtifactConfigException(LOCAL_BOUND_VARIABLE + "=" + value + ": not a positive number of GB");
    }

    private static ArtifactConfigException bad(String value, String problem) {
        return new ArtifactConfigException(VARIABLE + "=" + Redaction.redact(value) + ": " + problem);
    }
}
