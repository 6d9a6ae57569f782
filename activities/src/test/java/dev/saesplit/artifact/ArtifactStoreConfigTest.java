package dev.saesplit.artifact;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArtifactStoreConfigTest {

    @Test
    void withoutTheVariableArtifactsStayInTheLocalDirectory() {
        ArtifactStoreConfig config = ArtifactStoreConfig.fromEnvironment(Map.of());

        assertTrue(config.storage().isEmpty());
        assertEquals(50L << 30, config.localCopyBytes());
    }

    @Test
    void aFileUriNamesASharedDirectory() {
        ArtifactStoreConfig config = ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS",
                "file:///mnt/lab/saesplit", "SAESPLIT_ARTIFACTS_LOCAL_GB", "0.5"));

        SharedStorage storage = config.storage().orElseThrow();
        assertInstanceOf(SharedDirectory.class, storage);
        assertEquals("shared directory /mnt/lab/saesplit", storage.describe());
        assertEquals("file:///mnt/lab/saesplit/sae/k/upload-1", storage.uri("sae/k/upload-1"));
        assertEquals("sae/k/upload-1", storage.pathOf("file:///mnt/lab/saesplit/sae/k/upload-1").orElseThrow());
        assertTrue(storage.pathOf("file:///home/me/.saesplit/artifacts/sae/k").isEmpty());
        assertEquals(1L << 29, config.localCopyBytes());
    }

    @Test
    void anMlflowArtifactsUriNamesTheProxyOfThatServerWithTheTrackingServersSchemeAndCredentials() {
        ArtifactStoreConfig config = ArtifactStoreConfig.fromEnvironment(Map.of(
                "SAESPLIT_ARTIFACTS", "mlflow-artifacts://mlflow.lab:5000/saesplit/",
                "MLFLOW_TRACKING_URI", "https://mlflow.lab:5000", "MLFLOW_TRACKING_TOKEN", "s3cr3t-t0ken-value"));

        SharedStorage storage = config.storage().orElseThrow();
        assertEquals("MLflow artifact proxy mlflow-artifacts://mlflow.lab:5000/saesplit (via "
                + "https://mlflow.lab:5000, authenticated)", storage.describe());
        assertFalse(storage.describe().contains("s3cr3t"));
        assertEquals("mlflow-artifacts://mlflow.lab:5000/saesplit/sae/k/upload-1", storage.uri("sae/k/upload-1"));
        assertEquals("sae/k/upload-1", storage.pathOf(storage.uri("sae/k/upload-1")).orElseThrow());
    }

    @Test
    void anMlflowArtifactsUriWithoutAServerTakesTheTrackingServers() {
        SharedStorage storage = ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS",
                "mlflow-artifacts:/saesplit", "MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")).storage().orElseThrow();

        assertEquals("MLflow artifact proxy mlflow-artifacts://127.0.0.1:5000/saesplit (via http://127.0.0.1:5000)",
                storage.describe());
        SharedStorage withUserInfo = ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS",
                "mlflow-artifacts:/saesplit", "MLFLOW_TRACKING_URI", "https://lab:hunter22@mlflow.lab")).storage()
                .orElseThrow();
        assertEquals("MLflow artifact proxy mlflow-artifacts://mlflow.lab/saesplit (via https://mlflow.lab)",
                withUserInfo.describe(), "a password in the tracking URI never reaches a message");
    }

    @Test
    void aValueThatCannotBeUsedIsOneLineNamingTheVariable() {
        for (String bad : new String[]{"s3://bucket/x", "/mnt/lab", "file:relative/path",
                "mlflow-artifacts://host:5000/", "mlflow-artifacts://host/saesplit", "mlflow-artifacts:/saesplit",
                "file:///a b"}) {
            ArtifactConfigException e = assertThrows(ArtifactConfigException.class,
                    () -> ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS", bad)), bad);
            assertTrue(e.getMessage().startsWith("SAESPLIT_ARTIFACTS=" + bad + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        ArtifactConfigException bound = assertThrows(ArtifactConfigException.class, () -> ArtifactStoreConfig
                .fromEnvironment(Map.of("SAESPLIT_ARTIFACTS_LOCAL_GB", "lots")));
        assertTrue(bound.getMessage().startsWith("SAESPLIT_ARTIFACTS_LOCAL_GB=lots"), bound.getMessage());
    }
}
