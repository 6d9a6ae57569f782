package dev.saesplit.init;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.DirectoryDigest;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.digest.Sha256;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.NeelSaeFormat;
import dev.saesplit.sae.SaeFiles;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies an SAE saved elsewhere into the store, once, in the SAELens layout, so later changes there cannot alter
 * results: a SAELens directory file by file, a {@code .pt} of Neel Nanda's 1L-Sparse-Autoencoder converted, with
 * {@value #IMPORTED_FROM} naming the original files and their SHA-256. One without {@code sparsity.safetensors}
 * (SAELens's {@code save_model} writes none; the other format has none) gets its firing frequencies measured on
 * the training rows of the experiment's activations, which the report needs.
 */
final class ExistingSaeImport {

    /** Where a converted SAE came from, kept in its artifact. */
    static final String IMPORTED_FROM = "imported_from.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ArtifactStore store;

    ExistingSaeImport(ArtifactStore store) {
        this.store = store;
    }

    SaeRef register(String experiment, String runId, Path source, ActivationsRef data) {
        return NeelSaeFormat.names(source) ? neel(experiment, runId, source, data)
                : saeLens(experiment, runId, source, data);
    }

    private SaeRef saeLens(String experiment, String runId, Path source, ActivationsRef data) {
        SaeWeights weights = SaeFiles.read(source); // fails with the file and tensor at fault
        boolean hasSparsity = Files.exists(source.resolve(SaeLensFormat.SPARSITY_FILE));
        String key = OutputKey.of("sae-existing", InitActivitiesImpl.CODE_VERSION, DirectoryDigest.of(source),
                hasSparsity ? "" : data.artifact().contentHash());
        ArtifactRef ref = store.getOrProduce(InitActivitiesImpl.KIND, key,
                new Provenance("register", experiment, runId), dir -> {
                    for (String file : new String[] {SaeLensFormat.CONFIG_FILE, SaeLensFormat.WEIGHTS_FILE,
                            SaeLensFormat.SPARSITY_FILE}) {
                        copyIfPresent(source.resolve(file), dir.resolve(file));
                    }
                    if (!hasSparsity) {
                        SaeLensFormat.writeSparsity(dir, weights.config(), firing(weights, data));
                    }
                });
        return new SaeRef(ref, weights.dIn(), weights.dSae());
    }

    /** Converted to the SAELens layout; keyed by both files' SHA-256 and the activations its firing is measured on. */
    private SaeRef neel(String experiment, String runId, Path source, ActivationsRef data) {
        SaeWeights weights = NeelSaeFormat.read(source); // fails with the file and tensor at fault
        Path cfg = NeelSaeFormat.configFileOf(source);
        String weightsHash = sha256(source);
        String configHash = sha256(cfg);
        String key = OutputKey.of("sae-neel", InitActivitiesImpl.CODE_VERSION, weightsHash, configHash,
                data.artifact().contentHash());
        ArtifactRef ref = store.getOrProduce(InitActivitiesImpl.KIND, key,
                new Provenance("register", experiment, runId), dir -> {
                    SaeLensFormat.write(dir, weights, firing(weights, data));
                    ObjectNode origin = JSON.createObjectNode();
                    origin.put("format", NeelSaeFormat.FORMAT_NAME);
                    origin.put("weights_file", source.toAbsolutePath().toString());
                    origin.put("weights_sha256", weightsHash);
                    origin.put("config_file", cfg.toAbsolutePath().toString());
                    origin.put("config_sha256", configHash);
                    Files.writeString(dir.resolve(IMPORTED_FROM), JSON.writeValueAsString(origin));
                });
        return new SaeRef(ref, weights.dIn(), weights.dSae());
    }

    private float[] firing(SaeWeights weights, ActivationsRef data) {
        try (ActivationSource rows = StageInputs.of(store).trainingRows(data)) {
            return FiringFrequencies.log10(weights, rows);
        }
    }

    private static String sha256(Path file) {
        try {
            return Sha256.ofFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void copyIfPresent(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.copy(from, to);
        }
    }
}
