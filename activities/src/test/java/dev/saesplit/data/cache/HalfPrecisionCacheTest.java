package dev.saesplit.data.cache;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.FiniteCheckingSource;
import dev.saesplit.data.NonFiniteRowException;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.spec.CacheDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * float16 and bfloat16 activation caches: values stored as numpy and torch round them, read back as float32,
 * a value the dtype cannot hold refused when written, and the layout numpy users open.
 */
class HalfPrecisionCacheTest {

    private static final int D = 4;
    /** Rounding cases: nearest, ties to even (2049, 2051), subnormal halves (1e-7, 3e-8), the largest half. */
    private static final float[] VALUES = {0.1f, -1.5f, 1e-7f, 3.0e-8f, 65504f, 65519f, 1f / 3, 1e-40f, -0f,
        2049f, 2051f, 7f};
    /** numpy 2.4: {@code VALUES.astype(np.float16).astype(np.float32)}. */
    private static final float[] AS_NUMPY_FLOAT16 = {0.0999755859375f, -1.5f, 1.1920928955078125e-07f,
        5.960464477539063e-08f, 65504f, 65504f, 0.333251953125f, 0f, -0f, 2048f, 2052f, 7f};
    /** torch 2.15: {@code torch.from_numpy(VALUES).to(torch.bfloat16).float()}. */
    private static final float[] AS_TORCH_BFLOAT16 = {0.10009765625f, -1.5f, 1.0011717677116394e-07f,
        3.003515303134918e-08f, 65536f, 65536f, 0.333984375f, 9.183549615799121e-41f, -0f, 2048f, 2048f, 7f};

    @TempDir
    Path dir;

    @Test
    void aFloat16CacheReadsBackEachValueAsNumpyRoundsIt() throws IOException {
        assertArrayEquals(AS_NUMPY_FLOAT16, roundTrip(CacheDtype.FLOAT16, VALUES));
    }

    @Test
    void aBfloat16CacheReadsBackEachValueAsTorchRoundsIt() throws IOException {
        assertArrayEquals(AS_TORCH_BFLOAT16, roundTrip(CacheDtype.BFLOAT16, VALUES));
    }

    @Test
    void aFloat32CacheReadsBackEveryBit() throws IOException {
        assertArrayEquals(VALUES, roundTrip(CacheDtype.FLOAT32, VALUES));
        try (ActivationCacheReader reader = ActivationCacheReader.open(dir)) {
            assertEquals("float32", reader.manifest().dtype());
        }
    }

    @Test
    void halfPrecisionHalvesTheActivationFilesAndTheManifestNamesTheDtype() throws IOException {
        roundTrip(CacheDtype.BFLOAT16, VALUES);
        CacheManifest manifest;
        try (ActivationCacheReader reader = ActivationCacheReader.open(dir)) {
            manifest = reader.manifest();
        }
        assertEquals(2L * D * 2 + 128, Files.size(dir.resolve(manifest.shards().get(0).activations().file())),
                "two rows of four 2-byte values after the .npy header");
        assertEquals("bfloat16", manifest.dtype());
        assertEquals(CacheDtype.BFLOAT16, manifest.description().dtype());
        // numpy opens the file as uint16 holding the bfloat16 bits (view it as ml_dtypes.bfloat16).
        MappedNpyArray file = MappedNpyArray.open(dir.resolve(manifest.shards().get(0).activations().file()),
                Set.of(NpyDtype.UINT16), Set.of(2));
        assertEquals(2, file.rows(), "two rows per shard");
        int[] bits = new int[2 * D];
        file.readIntegers(0, 2 * D, bits, 0);
        assertEquals(0x3DCD, bits[0], "0.1 as bfloat16");
    }

    @Test
    void aValueBeyondFloat16sRangeIsRefusedWhenWrittenNamingTheFileAndTheField() {
        float[] values = {1f, 2f, 3f, 4f, 5f, 6f, 70000f, 8f};
        ActivationFormatException error = assertThrows(ActivationFormatException.class,
                () -> roundTrip(CacheDtype.FLOAT16, values));
        assertTrue(error.file().getFileName().toString().endsWith(".activations.npy"), error.getMessage());
        assertTrue(error.problem().contains("70000.0 (row 1, column 2)"), error.problem());
        assertTrue(error.problem().contains("cache_dtype"), error.problem());
        // bfloat16 has float32's range: the same value is stored, rounded.
        assertDoesNotOverflow(values);
    }

    private void assertDoesNotOverflow(float[] values) {
        Path other = dir.resolve("bfloat16");
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(other, description(CacheDtype.BFLOAT16),
                1 << 20)) {
            writer.append(values, new int[2], new int[2], 2);
            writer.finish();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (ActivationCacheReader reader = ActivationCacheReader.open(other)) {
            float[] row = new float[D];
            reader.read(1, 1, row, 0);
            assertEquals(70144f, row[2], "70000 rounded to bfloat16's 8 significant bits");
        }
    }

    @Test
    void aNonFiniteValueInAHalfCacheIsRefusedWhenReadAsInAFloat32Cache() throws IOException {
        for (CacheDtype dtype : CacheDtype.values()) {
            Path cache = dir.resolve(dtype.specName());
            write(cache, dtype, new float[] {1f, Float.NaN, 3f, 4f});
            try (ActivationCacheReader reader = ActivationCacheReader.open(cache)) {
                NonFiniteRowException error = assertThrows(NonFiniteRowException.class,
                        () -> FiniteCheckingSource.scanAll(reader, 1), dtype.specName());
                assertTrue(error.getMessage().contains("shard-00000.activations.npy row 0"), error.getMessage());
            }
        }
    }

    @Test
    void aManifestNamingAnUnknownDtypeIsRefusedNamingTheManifest() throws IOException {
        write(dir, CacheDtype.FLOAT16, VALUES);
        Path manifest = dir.resolve(CacheManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"float16\"", "\"float8\""));
        ActivationFormatException error = assertThrows(ActivationFormatException.class,
                () -> ActivationCacheReader.open(dir));
        assertEquals(manifest, error.file());
        assertTrue(error.problem().contains("float32, float16, bfloat16"), error.problem());
    }

    private float[] roundTrip(CacheDtype dtype, float[] values) throws IOException {
        write(dir, dtype, values);
        try (ActivationCacheReader reader = ActivationCacheReader.open(dir)) {
            float[] read = new float[values.length];
            reader.read(0, values.length / D, read, 0);
            return read;
        }
    }

    private static void write(Path directory, CacheDtype dtype, float[] values) throws IOException {
        int rows = values.length / D;
        // Two rows per shard, so reads cross shard seams.
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(directory, description(dtype),
                2L * D * dtype.itemBytes())) {
            writer.append(values, new int[rows], new int[rows], rows);
            writer.finish();
        }
    }

    private static CacheDescription description(CacheDtype dtype) {
        return new CacheDescription("gelu-1l", "blocks.0.hook_mlp_out", D, null, dtype);
    }
}
