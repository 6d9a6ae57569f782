package dev.saesplit.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.airflow.api.DagApi;
import dev.saesplit.airflow.api.DagRunApi;
import dev.saesplit.airflow.api.MonitorApi;
import dev.saesplit.airflow.api.TaskInstanceApi;
import dev.saesplit.airflow.api.XComApi;
import dev.saesplit.airflow.auth.api.SimpleAuthManagerLoginApi;
import dev.saesplit.airflow.auth.model.LoginBody;
import dev.saesplit.airflow.invoker.ApiClient;
import dev.saesplit.airflow.invoker.ApiException;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The one way saesplit talks to Airflow: the generated REST client, with authentication and retries around it.
 * Airflow 3 hands out a bearer JWT for a user's credentials ({@code POST /auth/token}); this client fetches one
 * on first use, fetches a new one shortly before it expires or when the server answers 401, and retries
 * transient faults (connection failures, 429, 502, 503, 504) with backoff; reads ({@link #read}) retry a 500 as
 * well, which Airflow's standalone server answers when its SQLite database is busy. Safe for concurrent use.
 */
public final class AirflowClient {

    /** One call of the generated API. */
    @FunctionalInterface
    public interface Call<T> {
        T apply() throws ApiException;
    }

    private static final Set<Integer> TRANSIENT = Set.of(0, 429, 502, 503, 504);
    /** A read changes nothing, so a server error ("Database error" under SQLite's locking) is worth another try. */
    private static final Set<Integer> TRANSIENT_FOR_READS = Set.of(0, 429, 500, 502, 503, 504);
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final AirflowCredentials credentials;
    private final ApiClient api;
    private final SimpleAuthManagerLoginApi login;
    private final int attempts;
    private final Duration firstBackoff;
    private String token;
    private Instant tokenExpiry = Instant.MIN;

    private AirflowClient(URI baseUrl, AirflowCredentials credentials, int attempts, Duration firstBackoff) {
        this.baseUrl = baseUrl;
        this.credentials = credentials;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.api = new ApiClient();
        // HTTP/1.1: the JDK's default asks cleartext servers to upgrade to HTTP/2, which uvicorn answers with 400.
        api.setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
        api.updateBaseUri(base);
        api.setConnectTimeout(Duration.ofSeconds(5));
        api.setReadTimeout(Duration.ofSeconds(60));
        api.setRequestInterceptor(request -> {
            String bearer = currentToken();
            if (bearer != null) {
                request.setHeader("Authorization", "Bearer " + bearer);
            }
        });
        var auth = new dev.saesplit.airflow.auth.invoker.ApiClient();
        auth.setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
        auth.updateBaseUri(base);
        auth.setConnectTimeout(Duration.ofSeconds(5));
        this.login = new SimpleAuthManagerLoginApi(auth);
    }

    /** A client of the Airflow at {@code baseUrl} (e.g. {@code http://127.0.0.1:8280}) acting as {@code credentials}. */
    public static AirflowClient connect(URI baseUrl, AirflowCredentials credentials) {
        return new AirflowClient(baseUrl, credentials, 6, Duration.ofMillis(500));
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public DagApi dags() {
        return new DagApi(api);
    }

    public DagRunApi dagRuns() {
        return new DagRunApi(api);
    }

    public TaskInstanceApi taskInstances() {
        return new TaskInstanceApi(api);
    }

    public XComApi xcoms() {
        return new XComApi(api);
    }

    public MonitorApi monitor() {
        return new MonitorApi(api);
    }

    /**
     * Runs {@code call} authenticated: a 401 fetches a new token and tries once more; transient faults are retried
     * with exponential backoff. Other errors are thrown as they come ({@link ApiException} carries the status).
     */
    public <T> T call(String what, Call<T> call) throws ApiException {
        return call(what, call, TRANSIENT);
    }

    /** {@link #call} for a call that changes nothing on the server, so that a 500 is retried too. */
    public <T> T read(String what, Call<T> call) throws ApiException {
        return call(what, call, TRANSIENT_FOR_READS);
    }

    private <T> T call(String what, Call<T> call, Set<Integer> transientCodes) throws ApiException {
        authenticate(false);
        boolean refreshed = false;
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.apply();
            } catch (ApiException e) {
                if (e.getCode() == 401 && !refreshed) {
                    refreshed = true;
                    authenticate(true);
                } else if (transientCodes.contains(e.getCode()) && attempt < attempts) {
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2);
                } else if (transientCodes.contains(e.getCode())) {
                    throw new AirflowUnavailableException("Airflow at " + baseUrl + " did not answer " + what
                            + " after " + attempts + " attempts: " + describe(e), e);
                } else {
                    throw e;
                }
            }
        }
    }

    /** Whether the API server answers and reports its scheduler and DAG processor healthy (no sign-in needed). */
    public boolean healthy() {
        try {
            var health = new MonitorApi(api).getHealth();
            return health.getScheduler() != null && "healthy".equals(health.getScheduler().getStatus())
                    && health.getDagProcessor() != null && "healthy".equals(health.getDagProcessor().getStatus());
        } catch (ApiException | RuntimeException e) {
            return false;
        }
    }

    /** Fetches a token now, so wrong credentials or an unreachable server show before any work starts. */
    public void authenticate() {
        authenticate(true);
    }

    private synchronized String currentToken() {
        return token;
    }

    private synchronized void authenticate(boolean force) {
        // Compared from now's side: a token without an expiry holds Instant.MIN, which cannot be moved earlier.
        if (!force && token != null && Instant.now().plus(EXPIRY_MARGIN).isBefore(tokenExpiry)) {
            return;
        }
        LoginBody body = new LoginBody().username(credentials.username()).password(credentials.password());
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                token = login.createToken(body, "application/json").getAccessToken();
                tokenExpiry = expiryOf(token);
                return;
            } catch (dev.saesplit.airflow.auth.invoker.ApiException e) {
                if (e.getCode() == 401 || e.getCode() == 403 || e.getCode() == 422) {
                    throw new AirflowAuthenticationException("Airflow at " + baseUrl + " refused the credentials of "
                            + "user '" + credentials.username() + "' (HTTP " + e.getCode() + "); check AIRFLOW_USERNAME "
                            + "and AIRFLOW_PASSWORD");
                }
                if (e.getCode() == 404) {
                    throw new AirflowAuthenticationException("Airflow at " + baseUrl + " has no /auth/token: it is "
                            + "not an Airflow 3 API server with the simple auth manager");
                }
                if (!TRANSIENT.contains(e.getCode()) || attempt >= attempts) {
                    throw new AirflowUnavailableException("cannot sign in to Airflow at " + baseUrl + ": "
                            + describe(e.getCode(), e.getResponseBody(), e), e);
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    /** The token's {@code exp} claim; a token without one is fetched again on every call's first attempt. */
    static Instant expiryOf(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims.has("exp") ? Instant.ofEpochSecond(claims.get("exp").asLong()) : Instant.MIN;
        } catch (RuntimeException | java.io.IOException e) {
            return Instant.MIN;
        }
    }

    /** An error's status and Airflow's own {@code detail}, or the connection failure. */
    public static String describe(ApiException e) {
        return describe(e.getCode(), e.getResponseBody(), e);
    }

    private static String describe(int code, String responseBody, Exception e) {
        if (code == 0) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        String detail = responseBody;
        try {
            JsonNode body = JSON.readTree(detail == null ? "" : detail);
            if (body != null && body.has("detail")) {
                detail = body.get("detail").isTextual() ? body.get("detail").asText() : body.get("detail").toString();
            }
        } catch (java.io.IOException notJson) {
            // keep the raw body
        }
        return "HTTP " + code + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirflowUnavailableException("interrupted while waiting to retry a call to Airflow", e);
        }
    }
}
