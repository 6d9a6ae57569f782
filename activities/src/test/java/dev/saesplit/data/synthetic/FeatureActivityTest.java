package dev.saesplit.data.synthetic;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The features drawn again for a range of tokens are the ones the stored activations were summed from. */
class FeatureActivityTest {

    /** 3,000 tokens: blocks of 1,024 and a short last one, so ranges cross block boundaries. */
    private static final SyntheticHierarchyConfig CONFIG =
            SyntheticHierarchyConfig.of(24, 30, 2, 3, 0.04, 3000, 11).withChildProbability(0.8);

    @TempDir
    Path dir;

    @Test
    void theFeaturesDrawnAgainSumToTheStoredActivationAndAgreeWithTheChildLabels() throws IOException {
        GroundTruth truth = SyntheticHierarchy.generate(CONFIG, dir);
        FeatureActivity activity = FeatureActivity.open(dir, truth);
        int start = 1000;
        int count = 1500; // from block 0 through block 1 into block 2
        int[][] active = activity.read(start, count);
        float[] rows = new float[count * CONFIG.dIn()];
        try (ActivationCacheReader cache = ActivationCacheReader.open(dir)) {
            cache.read(start, count, rows, 0);
        }
        int[] labels = new int[count * CONFIG.parents()];
        GroundTruth.openChildLabels(dir).read(start, count, labels, 0);
        int empty = 0;
        int single = 0;
        for (int i = 0; i < count; i++) {
            double norm = 0;
            for (int k = 0; k < CONFIG.dIn(); k++) {
                norm += rows[i * CONFIG.dIn() + k] * rows[i * CONFIG.dIn() + k];
            }
            if (active[i].length == 0) {
                assertEquals(0, norm, 0, "token " + (start + i) + " has nothing active but a non-zero activation");
                empty++;
            } else if (active[i].length == 1) {
                // One feature: the activation is its direction times a magnitude in [1, 3].
                float[] direction = truth.direction(active[i][0]);
                double dot = 0;
                for (int k = 0; k < CONFIG.dIn(); k++) {
                    dot += rows[i * CONFIG.dIn() + k] * direction[k];
                }
                assertEquals(1.0, dot / Math.sqrt(norm), 1e-5, "token " + (start + i));
                assertTrue(dot >= 1 - 1e-4 && dot <= 3 + 1e-4, "magnitude " + dot);
                single++;
            }
            for (int p = 0; p < CONFIG.parents(); p++) {
                int child = labels[i * CONFIG.parents() + p];
                if (child >= 0) {
                    assertTrue(contains(active[i], child) && contains(active[i], p), "token " + (start + i));
                    assertEquals(p, activity.parentOf(child));
                }
            }
        }
        assertTrue(empty > 100 && single > 100, empty + " empty and " + single + " single-feature tokens");
        assertEquals(-1, activity.parentOf(0), "a parent has no parent");
        assertEquals(-1, activity.parentOf(CONFIG.firstIndependentFeature()), "an independent feature has none");
    }

    @Test
    void labelsThatDoNotDrawAgainAreRefusedNotScored() throws IOException {
        GroundTruth truth = SyntheticHierarchy.generate(CONFIG, dir);
        int[] labels = new int[(int) CONFIG.tokens() * CONFIG.parents()];
        GroundTruth.openChildLabels(dir).read(0, (int) CONFIG.tokens(), labels, 0);
        int tampered = 2100 * CONFIG.parents();
        labels[tampered] = labels[tampered] >= 0 ? -1 : CONFIG.firstChildOf(0);
        try (NpyWriter writer = NpyWriter.create(dir.resolve(GroundTruth.CHILD_LABELS_FILE), NpyDtype.INT32,
                CONFIG.parents())) {
            writer.writeInts(labels, 0, labels.length);
        }
        FeatureActivity activity = FeatureActivity.open(dir, truth);

        assertEquals(100, activity.read(2000, 100).length, "tokens before the changed one still draw again");
        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> activity.read(2050, 100));
        assertTrue(e.getMessage().contains("token 2100"), e.getMessage());
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aSourceDrawnByAnotherGeneratorIsReadFromWhatItRecordedFired() throws IOException {
        GroundTruth truth = SyntheticHierarchy.generate(CONFIG, dir);
        int[] masks = new int[(int) CONFIG.tokens()];
        masks[5] = (1 << 2) | (1 << 29); // features 2 and 29 fired on token 5
        recordActivity(masks);

        int[][] active = FeatureActivity.open(dir, truth).read(4, 3);

        assertEquals(0, active[0].length);
        assertEquals(java.util.List.of(2, 29), java.util.Arrays.stream(active[1]).boxed().toList());
        assertEquals(0, active[2].length);
    }

    @Test
    void aRecordedFeatureBeyondTheHierarchyIsRefusedNamingTheFile() throws IOException {
        GroundTruth truth = SyntheticHierarchy.generate(CONFIG, dir);
        int[] masks = new int[(int) CONFIG.tokens()];
        masks[7] = 1 << 30; // the hierarchy has 30 features, 0-29
        recordActivity(masks);

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class,
                () -> FeatureActivity.open(dir, truth).read(0, 10));
        assertTrue(e.getMessage().contains("feature_activity.npy") && e.getMessage().contains("feature 30"),
                e.getMessage());
    }

    /** Writes {@code masks} (one int32 word per token) as the source's record of what fired. */
    private void recordActivity(int[] masks) throws IOException {
        try (NpyWriter writer = NpyWriter.create(dir.resolve("feature_activity.npy"), NpyDtype.INT32, 1)) {
            writer.writeInts(masks, 0, masks.length);
        }
        Path document = dir.resolve("ground_truth.json");
        String json = java.nio.file.Files.readString(document);
        java.nio.file.Files.writeString(document, json.replaceFirst("\"feature_activity_file\"\\s*:\\s*null",
                "\"feature_activity_file\": \"feature_activity.npy\""));
    }
}
