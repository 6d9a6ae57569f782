package dev.saesplit.data.cache;

import dev.saesplit.data.npy.NpyTestFiles;
import dev.saesplit.artifact.ArtifactCorruptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationCacheTest {

    private static final int D = 4;
    private static final int TOKENS = 23;
    private static final CacheDescription DESCRIPTION = new CacheDescription("gelu-1l", "blocks.0.hook_mlp_out", D);
    /** 5 rows of 16 bytes per shard: 23 rows make 5 shards, the last one short. */
    private static final long SHARD_BYTES = 5 * 16 + 3;

    @TempDir
    Path dir;

    @Test
    void rowsTokenIdsAndPositionsReadBackAcrossShards() throws IOException {
        float[] activations = NpyTestFiles.indexedRows(TOKENS, D, 0.5f);
        CacheManifest written = writeCache(activations);
        assertEquals(5, written.shards().size());
        assertEquals(TOKENS, written.totalTokens());

        try (ActivationCacheReader cache = ActivationCacheReader.open(dir)) {
            assertEquals(written, cache.manifest());
            assertEquals(D, cache.dIn());
            assertEquals(TOKENS, cache.tokens());
            float[] rows = new float[TOKENS * D];
            cache.read(0, TOKENS, rows, 0);
            assertArrayEquals(activations, rows);
            int[] tokenIds = new int[TOKENS - 3];
            cache.readTokenIds(3, TOKENS - 3, tokenIds, 0);
            int[] positions = new int[TOKENS - 3];
            cache.readPositions(3, TOKENS - 3, positions, 0);
            for (int i = 0; i < TOKENS - 3; i++) {
                assertEquals(tokenId(i + 3), tokenIds[i]);
                assertEquals(position(i + 3), positions[i]);
            }
            assertEquals(dir.resolve("shard-00002.activations.npy") + " row 2", cache.describeRow(12));
        }
    }

    @Test
    void appendsOfAnySizeGiveTheSameCache() throws IOException {
        float[] activations = NpyTestFiles.indexedRows(TOKENS, D, 0f);
        CacheManifest oneAppend = writeCache(activations);
        Path other = dir.resolve("other");
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(other, DESCRIPTION, SHARD_BYTES)) {
            for (int row = 0; row < TOKENS; row += 2) {
                int count = Math.min(2, TOKENS - row);
                float[] rows = java.util.Arrays.copyOfRange(activations, row * D, (row + count) * D);
                writer.append(rows, new int[] {tokenId(row), tokenId(row + 1)},
                        new int[] {position(row), position(row + 1)}, count);
            }
            assertEquals(oneAppend, writer.finish());
        }
    }

    @Test
    void aFlippedByteInAShardFailsTheChecksumNamingTheShard() throws IOException {
        writeCache(NpyTestFiles.indexedRows(TOKENS, D, 0f));
        Path shard = dir.resolve("shard-00003.activations.npy");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);

        ArtifactCorruptException error = assertThrows(ArtifactCorruptException.class,
                () -> ActivationCacheReader.open(dir));
        assertEquals(shard, error.file());
        assertEquals("shard-00003", error.item());
        assertTrue(error.getMessage().contains("SHA-256"), error.getMessage());
        // The cheaper check does not read the data, so it does not see a changed byte.
        try (ActivationCacheReader cache = ActivationCacheReader.open(dir, CacheVerification.SHAPES)) {
            assertEquals(TOKENS, cache.tokens());
        }
    }

    @Test
    void aMissingShardFileIsNamed() throws IOException {
        writeCache(NpyTestFiles.indexedRows(TOKENS, D, 0f));
        Path positions = dir.resolve("shard-00001.positions.npy");
        Files.delete(positions);
        ArtifactCorruptException error = assertThrows(ArtifactCorruptException.class,
                () -> ActivationCacheReader.open(dir, CacheVerification.SHAPES));
        assertEquals(positions, error.file());
        assertTrue(error.getMessage().contains("shard-00001") && error.getMessage().contains("missing"),
                error.getMessage());
    }

    @Test
    void aShardCutShortIsCaughtWithoutReadingChecksums() throws IOException {
        writeCache(NpyTestFiles.indexedRows(TOKENS, D, 0f));
        Path shard = dir.resolve("shard-00000.activations.npy");
        try (var channel = Files.newByteChannel(shard, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(shard) - 16);
        }
        ArtifactCorruptException error = assertThrows(ArtifactCorruptException.class,
                () -> ActivationCacheReader.open(dir, CacheVerification.SHAPES));
        assertEquals(shard, error.file());
        assertTrue(error.getMessage().contains("bytes but the manifest records"), error.getMessage());
    }

    @Test
    void aWriterClosedWithoutFinishingLeavesNoCache() throws IOException {
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(dir, DESCRIPTION, SHARD_BYTES)) {
            writer.append(new float[D], new int[1], new int[1], 1);
        }
        ArtifactCorruptException error = assertThrows(ArtifactCorruptException.class,
                () -> ActivationCacheReader.open(dir));
        assertEquals(dir.resolve(CacheManifest.FILE_NAME), error.file());
    }

    @Test
    void aFormatOneCacheStillReadsAndHasNoRowTokens() throws IOException {
        float[] activations = NpyTestFiles.indexedRows(TOKENS, D, 0.25f);
        writeCache(activations);
        Path manifest = dir.resolve(CacheManifest.FILE_NAME);
        String current = Files.readString(manifest);
        assertTrue(current.contains("\"format_version\" : 2"), current);
        assertTrue(!current.contains("contexts"), "a cache without contexts records none: " + current);
        Files.writeString(manifest, current.replace("\"format_version\" : 2", "\"format_version\" : 1"));

        try (ActivationCacheReader cache = ActivationCacheReader.open(dir)) {
            assertEquals(1, cache.manifest().formatVersion());
            float[] rows = new float[TOKENS * D];
            cache.read(0, TOKENS, rows, 0);
            assertArrayEquals(activations, rows);
            assertTrue(cache.rowTokens().isEmpty());
        }
    }

    @Test
    void aCacheOfALaterFormatIsRefusedNamingTheVersions() throws IOException {
        writeCache(NpyTestFiles.indexedRows(TOKENS, D, 0f));
        Path manifest = dir.resolve(CacheManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"format_version\" : 2",
                "\"format_version\" : 3"));

        var e = assertThrows(dev.saesplit.data.ActivationFormatException.class, () -> ActivationCacheReader.open(dir));
        assertTrue(e.getMessage().contains("format_version 3 is not supported; expected 1 to 2"), e.getMessage());
    }

    @Test
    void aFinishedCacheIsNotOverwritten() throws IOException {
        writeCache(NpyTestFiles.indexedRows(TOKENS, D, 0f));
        assertThrows(IllegalStateException.class, () -> ActivationCacheWriter.create(dir, DESCRIPTION, SHARD_BYTES));
    }

    private CacheManifest writeCache(float[] activations) throws IOException {
        int[] tokenIds = new int[TOKENS];
        int[] positions = new int[TOKENS];
        for (int row = 0; row < TOKENS; row++) {
            tokenIds[row] = tokenId(row);
            positions[row] = position(row);
        }
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(dir, DESCRIPTION, SHARD_BYTES)) {
            writer.append(activations, tokenIds, positions, TOKENS);
            return writer.finish();
        }
    }

    private static int tokenId(int row) {
        return 50_000 + row * 7;
    }

    private static int position(int row) {
        return row % 8;
    }
}
