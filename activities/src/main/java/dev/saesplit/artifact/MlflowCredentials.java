package dev.saesplit.artifact;

import dev.saesplit.text.Redaction;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How saesplit authenticates to an MLflow server, from the variables MLflow's own clients read:
 * {@code MLFLOW_TRACKING_TOKEN} (a bearer token, as a reverse proxy or a hosted MLflow expects) or
 * {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD} (MLflow's basic-auth app). Both values are
 * registered as secrets, so no message or log line can show them; {@link #toString()} names only the kind.
 */
public final class MlflowCredentials {

    public static final MlflowCredentials NONE = new MlflowCredentials(null, null, null);

    private final String token;
    private final String username;
    private final String password;

    private MlflowCredentials(String token, String username, String password) {
        this.token = token;
        this.username = username;
        this.password = password;
    }

    public static MlflowCredentials fromEnvironment(Map<String, String> environment) {
        Optional<String> token = value(environment, "MLFLOW_TRACKING_TOKEN");
        Optional<String> username = value(environment, "MLFLOW_TRACKING_USERNAME");
        Optional<String> password = value(environment, "MLFLOW_TRACKING_PASSWORD");
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together; only "
                    + (username.isPresent() ? "the username" : "the password") + " is set");
        }
        token.ifPresent(Redaction::registerSecret);
        password.ifPresent(Redaction::registerSecret);
        return new MlflowCredentials(token.orElse(null), username.orElse(null), password.orElse(null));
    }

    /** The credentials for the MLflow Java client talking to {@code trackingUri}. */
    public BasicMlflowHostCreds hostCreds(String trackingUri) {
        if (token != null) {
            return new BasicMlflowHostCreds(trackingUri, token);
        }
        return username != null ? new BasicMlflowHostCreds(trackingUri, username, password)
                : new BasicMlflowHostCreds(trackingUri);
    }

    /** The {@code Authorization} header for saesplit's own HTTP calls (the artifact proxy), if any. */
    public Optional<String> authorizationHeader() {
        if (token != null) {
            return Optional.of("Bearer " + token);
        }
        return Optional.ofNullable(username).map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return token != null ? "token" : username != null ? "user " + username : "none";
    }

    private static Optional<String> value(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
