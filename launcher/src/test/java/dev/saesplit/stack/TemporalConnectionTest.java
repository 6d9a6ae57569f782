package dev.saesplit.stack;

import io.grpc.Metadata;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The options saesplit builds for a secured Temporal from the environment, and what it never shows. */
class TemporalConnectionTest {

    private static final String KEY = "tmprl-key-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void noSettingsIsThePlainDefaultNamespace() {
        TemporalConnection plain = TemporalConnection.fromEnvironment(Map.of());
        WorkflowServiceStubsOptions options = plain.stubsOptions("127.0.0.1:7233");

        assertEquals("default", plain.namespace());
        assertEquals("127.0.0.1:7233", options.getTarget());
        assertNull(options.getSslContext());
        assertTrue(options.getGrpcMetadataProviders() == null || options.getGrpcMetadataProviders().isEmpty());
        assertEquals("namespace default", plain.describe());
    }

    @Test
    void anApiKeyTravelsAsABearerTokenOverTlsAndIsNeverShown() {
        TemporalConnection cloud = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_API_KEY", KEY,
                "TEMPORAL_NAMESPACE", "lab.a1b2c"));
        WorkflowServiceStubsOptions options = cloud.stubsOptions("lab.a1b2c.tmprl.cloud:7233");

        assertEquals("lab.a1b2c", cloud.namespace());
        assertNotNull(options.getSslContext(), "an API key implies TLS");
        Metadata headers = new Metadata();
        for (GrpcMetadataProvider provider : options.getGrpcMetadataProviders()) {
            headers.merge(provider.getMetadata());
        }
        assertEquals("Bearer " + KEY, headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
        assertEquals("namespace lab.a1b2c, TLS, API key set", cloud.describe());
        assertFalse(cloud.toString().contains(KEY));
    }

    @Test
    void aClientCertificateAndKeyGiveMutualTls() throws Exception {
        Path[] pair = certificateAndKey();
        TemporalConnection mtls = TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS_CERT", pair[0].toString(),
                "TEMPORAL_TLS_KEY", pair[1].toString(), "TEMPORAL_TLS_CA", pair[0].toString()));

        assertNotNull(mtls.stubsOptions("temporal.lab:7233").getSslContext());
        assertEquals("namespace default, mutual TLS (client certificate " + pair[0] + "), server CA " + pair[0],
                mtls.describe());
    }

    @Test
    void tlsAloneNeedsNoFiles() {
        assertNotNull(TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS", "true"))
                .stubsOptions("temporal.lab:7233").getSslContext());
    }

    @Test
    void aHalfGivenOrUnreadableSettingIsBadInputNamingIt() throws Exception {
        Path cert = certificateAndKey()[0];
        assertEquals("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (a client certificate and its key); only "
                        + "TEMPORAL_TLS_CERT is set",
                assertThrows(TemporalConnection.Invalid.class, () -> TemporalConnection.fromEnvironment(
                        Map.of("TEMPORAL_TLS_CERT", cert.toString()))).getMessage());
        Path missing = dir.resolve("missing.pem");
        assertEquals("TEMPORAL_TLS_CA: no readable file at " + missing,
                assertThrows(TemporalConnection.Invalid.class, () -> TemporalConnection.fromEnvironment(
                        Map.of("TEMPORAL_TLS_CA", missing.toString()))).getMessage());
        assertThrows(TemporalConnection.Invalid.class,
                () -> TemporalConnection.fromEnvironment(Map.of("TEMPORAL_TLS", "maybe")));
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertTrue(assertThrows(TemporalConnection.Invalid.class, () -> TemporalConnection.fromEnvironment(
                Map.of("TEMPORAL_TLS_CA", notPem.toString())).stubsOptions("x:7233")).getMessage()
                .startsWith("TEMPORAL_TLS_CA: " + notPem));
    }

    /** A throwaway self-signed certificate and its PKCS#8 key, as PEM files, made with the JDK's keytool. */
    private Path[] certificateAndKey() throws Exception {
        Path store = dir.resolve("client.p12");
        if (!Files.exists(store)) {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                    "CN=saesplit-test", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit").redirectErrorStream(true).start();
            assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        Path cert = Files.writeString(dir.resolve("client.pem"), pem("CERTIFICATE",
                keys.getCertificate("client").getEncoded()));
        Path key = Files.writeString(dir.resolve("client.key"), pem("PRIVATE KEY",
                keys.getKey("client", "changeit".toCharArray()).getEncoded()));
        return new Path[] {cert, key};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
