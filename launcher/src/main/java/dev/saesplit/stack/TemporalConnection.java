package dev.saesplit.stack;

import dev.saesplit.pipeline.BadInput;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach a secured Temporal (a self-hosted cluster with TLS, or Temporal Cloud), from the same environment
 * variables the Temporal CLI reads: {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_TLS_CERT} and
 * {@code TEMPORAL_TLS_KEY} (a client certificate and its PKCS#8 key, PEM files: mutual TLS),
 * {@code TEMPORAL_TLS_CA} (a PEM file of the server's CA when the system's trust store lacks it),
 * {@code TEMPORAL_TLS} ({@code true}: TLS without a client certificate) and {@code TEMPORAL_API_KEY} (a bearer
 * key, which implies TLS). The API key is kept out of {@link #toString()} and {@link #describe()}: it is only
 * handed to the gRPC channel.
 */
public final class TemporalConnection {

    public static final String DEFAULT_NAMESPACE = "default";

    private final String namespace;
    private final Optional<Path> clientCert;
    private final Optional<Path> clientKey;
    private final Optional<Path> serverCa;
    private final boolean tls;
    private final Optional<String> apiKey;

    private TemporalConnection(String namespace, Optional<Path> clientCert, Optional<Path> clientKey,
                               Optional<Path> serverCa, boolean tls, Optional<String> apiKey) {
        this.namespace = namespace;
        this.clientCert = clientCert;
        this.clientKey = clientKey;
        this.serverCa = serverCa;
        this.tls = tls;
        this.apiKey = apiKey;
    }

    /** The connection {@code environment} describes; a half-given or unreadable setting is bad input. */
    public static TemporalConnection fromEnvironment(Map<String, String> environment) {
        String namespace = value(environment, "TEMPORAL_NAMESPACE").orElse(DEFAULT_NAMESPACE);
        Optional<Path> cert = file(environment, "TEMPORAL_TLS_CERT");
        Optional<Path> key = file(environment, "TEMPORAL_TLS_KEY");
        if (cert.isPresent() != key.isPresent()) {
            throw new Invalid("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (a client certificate and its "
                    + "key); only " + (cert.isPresent() ? "TEMPORAL_TLS_CERT" : "TEMPORAL_TLS_KEY") + " is set");
        }
        Optional<Path> ca = file(environment, "TEMPORAL_TLS_CA");
        Optional<String> apiKey = value(environment, "TEMPORAL_API_KEY");
        boolean tls = switch (value(environment, "TEMPORAL_TLS").orElse("false")) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new Invalid("TEMPORAL_TLS must be true or false");
        };
        return new TemporalConnection(namespace, cert, key, ca,
                tls || cert.isPresent() || ca.isPresent() || apiKey.isPresent(), apiKey);
    }

    public String namespace() {
        return namespace;
    }

    public boolean tls() {
        return tls;
    }

    public boolean hasApiKey() {
        return apiKey.isPresent();
    }

    /** The stub options for the server at {@code address}, TLS and API key included. */
    public WorkflowServiceStubsOptions stubsOptions(String address) {
        WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
        if (tls) {
            options.setSslContext(sslContext());
        }
        // Supplied per call from memory, so the key never reaches a log line or an exception message.
        apiKey.ifPresent(key -> options.addApiKey(() -> key));
        return options.build();
    }

    /** What a person may see: the namespace and which security is in use, never the key. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add("namespace " + namespace);
        if (clientCert.isPresent()) {
            parts.add("mutual TLS (client certificate " + clientCert.get() + ")");
        } else if (tls) {
            parts.add("TLS");
        }
        serverCa.ifPresent(ca -> parts.add("server CA " + ca));
        if (apiKey.isPresent()) {
            parts.add("API key set");
        }
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return describe();
    }

    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext sslContext() {
        try (InputStream cert = clientCert.isPresent() ? Files.newInputStream(clientCert.get()) : null;
             InputStream key = clientKey.isPresent() ? Files.newInputStream(clientKey.get()) : null) {
            SimpleSslContextBuilder builder = cert == null ? SimpleSslContextBuilder.noKeyOrCertChain()
                    : SimpleSslContextBuilder.forPKCS8(cert, key);
            if (serverCa.isPresent()) {
                builder.setTrustManager(trusting(serverCa.get()).getTrustManagers()[0]);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new Invalid("cannot use TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY/TEMPORAL_TLS_CA: " + e.getMessage());
        } catch (IOException e) {
            throw new Invalid("cannot read a TLS file: " + e.getMessage());
        }
    }

    private static TrustManagerFactory trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            if (i == 0) {
                throw new Invalid("TEMPORAL_TLS_CA: " + caFile + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new Invalid("TEMPORAL_TLS_CA: " + caFile + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    private static Optional<String> value(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Optional<Path> file(Map<String, String> environment, String name) {
        Optional<Path> path = value(environment, name).map(Path::of);
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw new Invalid(name + ": no readable file at " + path.get());
        }
        return path;
    }

    /** A Temporal connection setting that cannot be used. */
    public static final class Invalid extends RuntimeException implements BadInput {
        Invalid(String message) {
            super(message);
        }
    }
}
