package dev.saesplit.data.synthetic;

import dev.saesplit.random.SplitMix64;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticHierarchyTest {

    /** 40 features in 16 dimensions (superposition): 3 parents with 4 children each, 25 independent. */
    private static final SyntheticHierarchyConfig CONFIG = SyntheticHierarchyConfig.of(16, 40, 3, 4, 0.05, 2500, 7);

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesIdenticalFilesAndAnotherSeedDoesNot() throws IOException {
        SyntheticHierarchy.generate(CONFIG, dir.resolve("a"), 4096);
        SyntheticHierarchy.generate(CONFIG, dir.resolve("b"), 4096);
        SyntheticHierarchy.generate(withSeed(8), dir.resolve("c"), 4096);
        CacheManifest a = manifest(dir.resolve("a"));
        assertEquals(a, manifest(dir.resolve("b")));
        assertNotEquals(a.shards(), manifest(dir.resolve("c")).shards());
        for (String file : List.of(GroundTruth.DIRECTIONS_FILE, GroundTruth.CHILD_LABELS_FILE, "ground_truth.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)),
                    Files.readAllBytes(dir.resolve("b").resolve(file)), file);
        }
    }

    @Test
    void inMemoryActivationsAreTheRowsTheCacheHolds() throws IOException {
        SyntheticHierarchy.generate(CONFIG, dir, 4096);
        int rows = 1500; // spans two generation blocks
        float[] cached = new float[rows * CONFIG.dIn()];
        try (ActivationCacheReader cache = ActivationCacheReader.open(dir)) {
            cache.read(0, rows, cached, 0);
        }
        assertArrayEquals(cached, SyntheticHierarchy.activations(CONFIG, rows));
    }

    @Test
    void directionsAreUnitVectors() {
        float[] directions = SyntheticHierarchy.randomDirections(CONFIG);
        for (int feature = 0; feature < CONFIG.features(); feature++) {
            double squaredNorm = 0;
            for (int k = 0; k < CONFIG.dIn(); k++) {
                squaredNorm += directions[feature * CONFIG.dIn() + k] * directions[feature * CONFIG.dIn() + k];
            }
            assertEquals(1.0, squaredNorm, 1e-5, "feature " + feature);
        }
    }

    @Test
    void childrenFireOnlyWithTheirParentAndExactlyOnePerFiringParent() {
        float[] directions = SyntheticHierarchy.randomDirections(CONFIG);
        TokenSampler sampler = new TokenSampler(CONFIG, directions);
        SplitMix64 random = new SplitMix64(1);
        float[] activation = new float[CONFIG.dIn()];
        int[] labels = new int[CONFIG.parents()];
        for (int token = 0; token < 5000; token++) {
            sampler.sample(random, activation, 0, labels, 0);
            Set<Integer> active = new HashSet<>();
            for (int i = 0; i < sampler.activeCount(); i++) {
                active.add(sampler.activeFeature(i));
            }
            for (int parent = 0; parent < CONFIG.parents(); parent++) {
                int first = CONFIG.firstChildOf(parent);
                long firingChildren = active.stream().filter(f -> f >= first && f < first + 4).count();
                if (active.contains(parent)) {
                    assertEquals(1, firingChildren, "token " + token + ", parent " + parent);
                    assertTrue(active.contains(labels[parent]), "the label names the child that fired");
                } else {
                    assertEquals(0, firingChildren, "token " + token + ": a child fired without parent " + parent);
                    assertEquals(-1, labels[parent]);
                }
            }
        }
    }

    @Test
    void anActivationIsTheMagnitudeWeightedSumOfWhatFired() {
        float[] directions = SyntheticHierarchy.randomDirections(CONFIG);
        TokenSampler sampler = new TokenSampler(CONFIG, directions);
        SplitMix64 random = new SplitMix64(2);
        float[] activation = new float[CONFIG.dIn()];
        for (int token = 0; token < 200; token++) {
            sampler.sample(random, activation, 0, new int[CONFIG.parents()], 0);
            float[] expected = new float[CONFIG.dIn()];
            for (int i = 0; i < sampler.activeCount(); i++) {
                float magnitude = sampler.magnitude(i);
                assertTrue(magnitude >= 1f && magnitude <= 3f);
                for (int k = 0; k < CONFIG.dIn(); k++) {
                    expected[k] += magnitude * directions[sampler.activeFeature(i) * CONFIG.dIn() + k];
                }
            }
            assertArrayEquals(expected, activation, 1e-5f);
        }
    }

    @Test
    void featuresFireAtTheirConfiguredRates() {
        TokenSampler sampler = new TokenSampler(CONFIG, SyntheticHierarchy.randomDirections(CONFIG));
        SplitMix64 random = new SplitMix64(3);
        int tokens = 20_000;
        long[] fired = new long[CONFIG.features()];
        for (int token = 0; token < tokens; token++) {
            sampler.sample(random, new float[CONFIG.dIn()], 0, new int[CONFIG.parents()], 0);
            for (int i = 0; i < sampler.activeCount(); i++) {
                fired[sampler.activeFeature(i)]++;
            }
        }
        assertEquals(0.2, CONFIG.parentFiringProbability(), 1e-12); // K = 4 times p = 0.05
        assertRate(0.2, fired[0], tokens);
        assertRate(0.2 / 4, fired[CONFIG.firstChildOf(1) + 2], tokens);
        assertRate(0.05, fired[CONFIG.features() - 1], tokens);
    }

    @Test
    void theGroundTruthLoadsBackAndMatchesTheCachedData() throws IOException {
        GroundTruth generated = SyntheticHierarchy.generate(CONFIG, dir, 4096);
        GroundTruth loaded = GroundTruth.load(dir);
        assertEquals(CONFIG, loaded.config());
        assertEquals(generated.parents(), loaded.parents());
        assertEquals(List.of(7, 8, 9, 10), loaded.parents().get(1).children()); // after the 3 parents
        assertTrue(loaded.isParent(2) && !loaded.isParent(3));
        assertArrayEquals(generated.directions(), loaded.directions());

        // The first block, regenerated from its own seed, is what the cache and the labels hold.
        int rows = 10;
        TokenSampler sampler = new TokenSampler(CONFIG, loaded.directions());
        SplitMix64 random = SyntheticHierarchy.blockRandom(CONFIG, 0);
        float[] expectedRows = new float[rows * CONFIG.dIn()];
        int[] expectedLabels = new int[rows * CONFIG.parents()];
        for (int t = 0; t < rows; t++) {
            sampler.sample(random, expectedRows, t * CONFIG.dIn(), expectedLabels, t * CONFIG.parents());
        }
        try (ActivationCacheReader cache = ActivationCacheReader.open(dir)) {
            assertEquals(CONFIG.tokens(), cache.tokens());
            float[] cachedRows = new float[rows * CONFIG.dIn()];
            cache.read(0, rows, cachedRows, 0);
            assertArrayEquals(expectedRows, cachedRows);
        }
        ChildLabels labels = GroundTruth.openChildLabels(dir);
        assertEquals(CONFIG.tokens(), labels.tokens());
        int[] storedLabels = new int[rows * CONFIG.parents()];
        labels.read(0, rows, storedLabels, 0);
        assertArrayEquals(expectedLabels, storedLabels);
    }

    @Test
    void aDirectoryHoldingAFinishedCacheIsLeftAlone() throws IOException {
        SyntheticHierarchy.generate(CONFIG, dir, 4096);
        byte[] directions = Files.readAllBytes(dir.resolve(GroundTruth.DIRECTIONS_FILE));
        assertThrows(IllegalStateException.class, () -> SyntheticHierarchy.generate(withSeed(9), dir, 4096));
        assertArrayEquals(directions, Files.readAllBytes(dir.resolve(GroundTruth.DIRECTIONS_FILE)));
    }

    @Test
    void aHierarchyLargerThanTheFeatureCountIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SyntheticHierarchyConfig.of(16, 10, 3, 4, 0.05, 100, 1));
        assertTrue(error.getMessage().contains("exceeds features = 10"), error.getMessage());
    }

    private static void assertRate(double probability, long fired, int tokens) {
        double sigma = Math.sqrt(probability * (1 - probability) / tokens);
        assertEquals(probability, (double) fired / tokens, 5 * sigma);
    }

    private static SyntheticHierarchyConfig withSeed(long seed) {
        return SyntheticHierarchyConfig.of(CONFIG.dIn(), CONFIG.features(), CONFIG.parents(),
                CONFIG.childrenPerParent(), CONFIG.firingProbability(), CONFIG.tokens(), seed);
    }

    private static CacheManifest manifest(Path directory) {
        try (ActivationCacheReader cache = ActivationCacheReader.open(directory)) {
            return cache.manifest();
        }
    }
}
