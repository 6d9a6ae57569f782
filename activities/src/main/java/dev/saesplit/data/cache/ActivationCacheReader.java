package dev.saesplit.data.cache;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.RowProvenance;
import dev.saesplit.data.RowTokens;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.data.npy.ConcatenatedFloatRows;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.digest.Sha256;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.spec.CacheDtype;
import dev.saesplit.spec.SpecChoice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An activation cache opened for reading: the shards memory-mapped and read as one {@link ActivationSource},
 * with each row's token id and position alongside. Opening checks the directory against its manifest and
 * fails with {@link ArtifactCorruptException} naming the first shard file that disagrees.
 */
public final class ActivationCacheReader implements TokenedActivationSource, RowProvenance {

    private final Path directory;
    private final CacheManifest manifest;
    private final ConcatenatedFloatRows activations;
    private final List<MappedNpyArray> tokenIds;
    private final List<MappedNpyArray> positions;
    /** Per shard, or empty when the cache records no contexts. */
    private final List<MappedNpyArray> contexts;

    private ActivationCacheReader(Path directory, CacheManifest manifest, ConcatenatedFloatRows activations,
                                  List<MappedNpyArray> tokenIds, List<MappedNpyArray> positions,
                                  List<MappedNpyArray> contexts) {
        this.directory = directory;
        this.manifest = manifest;
        this.activations = activations;
        this.tokenIds = tokenIds;
        this.positions = positions;
        this.contexts = contexts;
    }

    /** Opens the cache in {@code directory}, verifying every checksum. */
    public static ActivationCacheReader open(Path directory) {
        return open(directory, CacheVerification.CHECKSUMS);
    }

    public static ActivationCacheReader open(Path directory, CacheVerification verification) {
        Path manifestFile = directory.resolve(CacheManifest.FILE_NAME);
        CacheManifest manifest = JsonArtifacts.read(manifestFile, CacheManifest.class);
        if (manifest.formatVersion() < CacheManifest.OLDEST_READABLE_VERSION
                || manifest.formatVersion() > CacheManifest.FORMAT_VERSION) {
            throw new ActivationFormatException(manifestFile, "format_version " + manifest.formatVersion()
                    + " is not supported; expected " + CacheManifest.OLDEST_READABLE_VERSION + " to "
                    + CacheManifest.FORMAT_VERSION);
        }
        CacheDtype dtype = manifest.elementType().orElseThrow(() -> new ActivationFormatException(manifestFile,
                "dtype '" + manifest.dtype() + "' is not supported; expected one of "
                        + SpecChoice.spellings(CacheDtype.class)));
        if (manifest.shards().isEmpty()) {
            throw new ArtifactCorruptException(manifestFile, "shards", "none listed");
        }
        long rowSum = manifest.shards().stream().mapToLong(CacheShard::rows).sum();
        if (rowSum != manifest.totalTokens()) {
            throw new ArtifactCorruptException(manifestFile, "total_tokens", "shards hold " + rowSum
                    + " rows but total_tokens is " + manifest.totalTokens());
        }
        List<MappedNpyArray> activationArrays = new ArrayList<>();
        List<MappedNpyArray> tokenIdArrays = new ArrayList<>();
        List<MappedNpyArray> positionArrays = new ArrayList<>();
        List<MappedNpyArray> contextArrays = new ArrayList<>();
        boolean withContexts = manifest.shards().stream().allMatch(shard -> shard.contexts() != null);
        for (CacheShard shard : manifest.shards()) {
            for (CacheFile file : shard.files()) {
                verifyFile(directory, shard, file, verification);
            }
            activationArrays.add(ActivationStorage.view(map(directory, shard, shard.activations(),
                    ActivationStorage.npyDtype(dtype), manifest.dIn()), dtype));
            tokenIdArrays.add(map(directory, shard, shard.tokenIds(), NpyDtype.INT32, 1));
            positionArrays.add(map(directory, shard, shard.positions(), NpyDtype.INT32, 1));
            if (withContexts) {
                contextArrays.add(map(directory, shard, shard.contexts(), NpyDtype.INT64, 1));
            }
        }
        return new ActivationCacheReader(directory, manifest, new ConcatenatedFloatRows(activationArrays),
                List.copyOf(tokenIdArrays), List.copyOf(positionArrays), List.copyOf(contextArrays));
    }

    public Path directory() {
        return directory;
    }

    public CacheManifest manifest() {
        return manifest;
    }

    @Override
    public int dIn() {
        return manifest.dIn();
    }

    @Override
    public long tokens() {
        return manifest.totalTokens();
    }

    /** Reads copy from memory (mapped or on the heap) by absolute position, so threads do not disturb each other. */
    @Override
    public boolean allowsConcurrentReads() {
        return true;
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        activations.read(start, count, dst, dstOffset);
    }

    @Override
    public String describeRow(long row) {
        return activations.describeRow(row);
    }

    /** Copies the token ids of rows {@code [start, start + count)} into {@code dst}. */
    public void readTokenIds(long start, int count, int[] dst, int dstOffset) {
        readInts(tokenIds, start, count, dst, dstOffset);
    }

    /** Copies the positions in context of rows {@code [start, start + count)} into {@code dst}. */
    public void readPositions(long start, int count, int[] dst, int dstOffset) {
        readInts(positions, start, count, dst, dstOffset);
    }

    /**
     * The token behind each row, when the cache records contexts (caches made from a language model); empty for
     * generated data and for format 1 caches. The view reads this reader's files: close the reader after it.
     */
    @Override
    public Optional<RowTokens> rowTokens() {
        if (contexts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RowTokens() {
            @Override
            public long rows() {
                return tokens();
            }

            @Override
            public int tokenId(long row) {
                return intAt(tokenIds, row);
            }

            @Override
            public long context(long row) {
                return contexts.get(shardOf(row)).readLong(local(row));
            }

            @Override
            public int position(long row) {
                return intAt(positions, row);
            }
        });
    }

    private int intAt(List<MappedNpyArray> arrays, long row) {
        int[] one = new int[1];
        arrays.get(shardOf(row)).readInts(local(row), 1, one, 0);
        return one[0];
    }

    private int shardOf(long row) {
        Objects.checkIndex(row, tokens());
        return activations.partOf(row);
    }

    private long local(long row) {
        return row - activations.startOf(activations.partOf(row));
    }

    private void readInts(List<MappedNpyArray> arrays, long start, int count, int[] dst, int dstOffset) {
        Objects.checkFromIndexSize(start, count, tokens());
        int done = 0;
        while (done < count) {
            int shard = activations.partOf(start + done);
            long local = start + done - activations.startOf(shard);
            int take = (int) Math.min(count - done, arrays.get(shard).rows() - local);
            arrays.get(shard).readInts(local, take, dst, dstOffset + done);
            done += take;
        }
    }

    private static void verifyFile(Path directory, CacheShard shard, CacheFile file, CacheVerification verification) {
        Path path = resolveInside(directory, shard, file);
        if (!Files.isRegularFile(path)) {
            throw new ArtifactCorruptException(path, shard.name(), "file is missing");
        }
        try {
            long size = Files.size(path);
            if (size != file.bytes()) {
                throw new ArtifactCorruptException(path, shard.name(), "file is " + size
                        + " bytes but the manifest records " + file.bytes());
            }
            if (verification == CacheVerification.CHECKSUMS) {
                String actual = Sha256.ofFile(path);
                if (!actual.equalsIgnoreCase(file.sha256())) {
                    throw new ArtifactCorruptException(path, shard.name(), "SHA-256 " + actual
                            + " does not match the manifest's " + file.sha256());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static MappedNpyArray map(Path directory, CacheShard shard, CacheFile file, NpyDtype dtype, int width) {
        Path path = resolveInside(directory, shard, file);
        MappedNpyArray array;
        try {
            array = MappedNpyArray.open(path, Set.of(dtype), Set.of(width == 1 ? 1 : 2));
        } catch (ActivationFormatException e) {
            throw new ArtifactCorruptException(path, shard.name(), e.problem(), e);
        }
        if (array.rows() != shard.rows() || array.rowLength() != width) {
            throw new ArtifactCorruptException(path, shard.name(), "holds " + array.rows() + " rows of width "
                    + array.rowLength() + " but the manifest records " + shard.rows() + " rows of width " + width);
        }
        return array;
    }

    /** Manifest file names are plain names; anything that leaves the directory is a damaged manifest. */
    private static Path resolveInside(Path directory, CacheShard shard, CacheFile file) {
        Path resolved = directory.resolve(Objects.requireNonNullElse(file.file(), "")).normalize();
        if (file.file() == null || file.file().isBlank() || !resolved.getParent().equals(directory.normalize())) {
            throw new ArtifactCorruptException(directory.resolve(CacheManifest.FILE_NAME), shard.name(),
                    "file name '" + file.file() + "' of " + shard.name() + " is not a plain name in the cache");
        }
        return resolved;
    }
}
