package dev.saesplit.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * MLflow's artifact proxy ({@code mlflow server --serve-artifacts}): the tracking server's
 * {@code /api/2.0/mlflow-artifacts/artifacts} PUT, GET, list and DELETE endpoints, in front of whatever store the
 * server writes to (a directory, S3, GCS, Azure). Files stream in both directions: an upload is sent from the file
 * on disk, a download written to disk as it arrives.
 *
 * <p>Recorded URIs are MLflow's own form, {@code mlflow-artifacts://host:port/<prefix>/<path>}.
 */
public final class MlflowArtifactProxy implements SharedStorage {

    /** A listing answered with a 5xx status is asked up to this many times in all, 100 ms, 200 ms, … apart. */
    private static final int LIST_ATTEMPTS = 4;

    private static final String API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String authority;
    private final String prefix;
    private final Optional<String> authorization;
    /** Redirects followed for one request, each checked by {@link #send}; the client itself follows none. */
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * @param server        the tracking server's base address ({@code http://host:port})
     * @param prefix        the folder inside the proxy's store that holds saesplit's artifacts, without slashes
     *                      at either end
     * @param authorization the value of the {@code Authorization} header, if the server wants one; never printed
     */
    public MlflowArtifactProxy(URI server, String prefix, Optional<String> authorization) {
        this.server = URI.create(server.toString().replaceAll("/+$", ""));
        this.authority = this.server.getRawAuthority();
        this.prefix = prefix;
        this.authorization = authorization;
    }

    @Override
    public void put(String path, Path file) throws IOException {
        HttpResponse<String> response = send(request(path).PUT(HttpRequest.BodyPublishers.ofFile(file)),
                HttpResponse.BodyHandlers.ofString(), "upload " + path);
        check(response.statusCode(), "upload " + path, response.body());
    }

    @Override
    public boolean get(String path, Path file) throws IOException {
        HttpResponse<InputStream> response = send(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream(),
                "download " + path);
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                return false;
            }
            if (response.statusCode() != 200) {
                check(response.statusCode(), "download " + path, new String(body.readNBytes(4096),
                        StandardCharsets.UTF_8));
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                body.transferTo(out);
            }
            return true;
        }
    }

    @Override
    public List<Entry> list(String directory) throws IOException {
        String query = "?path=" + URLEncoder.encode(full(directory), StandardCharsets.UTF_8);
        HttpResponse<String> response = null;
        // The server lists a local artifact root by reading the directory and then each file's size, so a
        // listing that races an upload's rename there answers 500; a listing changes nothing and is asked again.
        for (int attempt = 0; attempt < LIST_ATTEMPTS; attempt++) {
            response = send(HttpRequest.newBuilder(URI.create(server + API + query)).timeout(Duration.ofMinutes(1))
                    .GET(), HttpResponse.BodyHandlers.ofString(), "list " + directory);
            if (response.statusCode() / 100 != 5) {
                break;
            }
            pause(attempt);
        }
        check(response.statusCode(), "list " + directory, response.body());
        List<Entry> entries = new ArrayList<>();
        for (JsonNode file : JSON.readTree(response.body()).path("files")) {
            entries.add(new Entry(file.path("path").asText(), file.path("is_dir").asBoolean(),
                    file.path("file_size").asLong(0)));
        }
        return entries;
    }

    @Override
    public void delete(String path) throws IOException {
        HttpResponse<String> response = send(request(path).DELETE(), HttpResponse.BodyHandlers.ofString(),
                "delete " + path);
        if (response.statusCode() != 404) {
            check(response.statusCode(), "delete " + path, response.body());
        }
    }

    @Override
    public String uri(String path) {
        return "mlflow-artifacts://" + authority + "/" + full(path);
    }

    @Override
    public Optional<String> pathOf(String uri) {
        String mine = "mlflow-artifacts://" + authority + "/" + prefix + "/";
        return uri.startsWith(mine) ? Optional.of(uri.substring(mine.length())) : Optional.empty();
    }

    @Override
    public String describe() {
        return "MLflow artifact proxy mlflow-artifacts://" + authority + "/" + prefix + " (via " + server
                + (authorization.isPresent() ? ", authenticated" : "") + ")";
    }

    private String full(String path) {
        return path.isEmpty() ? prefix : prefix + "/" + path;
    }

    private HttpRequest.Builder request(String path) {
        String encoded = Arrays.stream(full(path).split("/"))
                .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        // No overall timeout: a multi-gigabyte shard takes as long as the network needs; the connect timeout and
        // the server's own limits bound a dead connection.
        return HttpRequest.newBuilder(URI.create(server + API + "/" + encoded));
    }

    /**
     * Sends {@code request} with the credentials, following redirects here rather than in the client: the JDK's
     * client would copy the {@code Authorization} header to whatever origin a redirect names, so the header goes
     * only to the server's own origin (scheme, host and port) and is dropped on a hop anywhere else.
     */
    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String what)
            throws IOException {
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            HttpRequest next = request.build();
            for (int hop = 0; ; hop++) {
                HttpResponse<T> response = http.send(next, handler);
                Optional<String> location = isRedirect(response.statusCode())
                        ? response.headers().firstValue("Location") : Optional.empty();
                if (location.isEmpty()) {
                    return response;
                }
                discard(response);
                if (hop == MAX_REDIRECTS) {
                    throw new IOException("more than " + MAX_REDIRECTS + " redirects");
                }
                next = redirected(next, next.uri().resolve(location.get()), response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while trying to " + what + " at " + describe(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot " + what + " at " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** The request a redirect to {@code target} calls for; credentials only when it stays on the server's origin. */
    private HttpRequest redirected(HttpRequest previous, URI target, int status) {
        boolean sameOrigin = sameOrigin(server, target);
        HttpRequest.Builder builder = HttpRequest.newBuilder(previous,
                (name, value) -> sameOrigin || !name.equalsIgnoreCase("Authorization")).uri(target);
        if (status == 303) {
            builder.GET();
        }
        return builder.build();
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void discard(HttpResponse<?> response) throws IOException {
        if (response.body() instanceof InputStream body) {
            body.close();
        }
    }

    private static void pause(int attempt) throws IOException {
        try {
            Thread.sleep(100L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing", e);
        }
    }

    private void check(int status, String what, String body) throws IOException {
        if (status / 100 != 2) {
            throw new IOException("MLflow at " + server + " answered " + status + " to " + what + ": "
                    + body.substring(0, Math.min(body.length(), 500)));
        }
    }
}
