package dev.saesplit.data.stream;

import ai.djl.ndarray.NDManager;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.RowProvenance;
import dev.saesplit.data.RowTokens;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.sae.ComputeDevice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Activations streamed from a language model: an {@link dev.saesplit.data.ActivationSource} whose rows are
 * computed when read, by running the model to the hook on the contexts' stored tokens. Row {@code r} is the row
 * {@code r} of the cache the same spec would write: the same contexts, positions and weights, and the same
 * forward batches ({@link StreamDescriptor#forwardBatchContexts()} contexts from a multiple of it), so the same
 * arithmetic.
 *
 * <p>A read forwards every batch it touches, whole, and keeps the last few batches' rows (about
 * {@value #RECENT_BYTES} bytes), so reading a batch's rows in pieces runs it once. The model is loaded on the
 * first read, not when the source is opened: opening reads only the descriptor and maps the tokens. Reads are
 * serialised (one model, one set of recent batches): share one instance across threads only where that is
 * acceptable.
 */
public final class ModelActivationStream implements TokenedActivationSource, RowProvenance {

    /** Recently forwarded batches kept: at least two, about this many bytes. */
    static final long RECENT_BYTES = 64L << 20;

    private final Path directory;
    private final StreamDescriptor descriptor;
    private final MappedNpyArray tokens;
    private final Map<Long, float[]> recent;
    private NDManager manager;
    private Transformer model;
    private HookPoint hook;
    private boolean ownsModel = true;
    private long contextsForwarded;
    private long forwardNanos;

    private ModelActivationStream(Path directory, StreamDescriptor descriptor, MappedNpyArray tokens) {
        this.directory = directory;
        this.descriptor = descriptor;
        this.tokens = tokens;
        long batchBytes = 4L * descriptor.forwardBatchRows() * descriptor.dIn();
        int kept = (int) Math.max(2, RECENT_BYTES / batchBytes);
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, float[]> eldest) {
                return size() > kept;
            }
        };
    }

    /** Whether {@code directory} holds a stream rather than stored activations. */
    public static boolean isStream(Path directory) {
        return Files.isRegularFile(directory.resolve(StreamDescriptor.FILE_NAME));
    }

    /** Opens the stream in {@code directory}: reads its descriptor and maps its tokens; the model loads later. */
    public static ModelActivationStream open(Path directory) {
        Path file = directory.resolve(StreamDescriptor.FILE_NAME);
        StreamDescriptor descriptor = JsonArtifacts.read(file, StreamDescriptor.class);
        if (descriptor.formatVersion() != StreamDescriptor.FORMAT_VERSION) {
            throw new ArtifactCorruptException(file, "format_version", descriptor.formatVersion()
                    + " is not supported; expected " + StreamDescriptor.FORMAT_VERSION);
        }
        Path tokensFile = directory.resolve(StreamDescriptor.TOKENS_FILE);
        MappedNpyArray tokens = MappedNpyArray.open(tokensFile, Set.of(NpyDtype.INT32), Set.of(2));
        if (tokens.rows() != descriptor.contexts() || tokens.rowLength() != descriptor.contextSize()) {
            throw new ArtifactCorruptException(tokensFile, "shape", "holds " + tokens.rows() + " contexts of "
                    + tokens.rowLength() + " tokens, but " + StreamDescriptor.FILE_NAME + " says "
                    + descriptor.contexts() + " of " + descriptor.contextSize());
        }
        return new ModelActivationStream(directory, descriptor, tokens);
    }

    public String model() {
        return descriptor.model();
    }

    public String hook() {
        return descriptor.hook();
    }

    @Override
    public int dIn() {
        return descriptor.dIn();
    }

    @Override
    public long tokens() {
        return descriptor.totalTokens();
    }

    /** Contexts this instance has run through the model. */
    public synchronized long contextsForwarded() {
        return contextsForwarded;
    }

    /** Seconds this instance has spent running contexts through the model (what a benchmark sets apart). */
    public synchronized double forwardSeconds() {
        return forwardNanos / 1e9;
    }

    /**
     * The shuffle for training on this stream (or a view of it): chunks of whole forward batches, so a window runs
     * each batch it holds once — as many as make up a cache's chunk of this width ({@link ShuffleConfig#forWidth}),
     * at least one — and as many chunks per window as {@code buffer_tokens} holds whole, at least one. Where the
     * buffer holds as many chunks as a cache's window, the order is the cache's: a stream then trains exactly as its
     * cache would.
     */
    public ShuffleConfig shuffleConfig(int batchSize, long seed) {
        int forwardRows = descriptor.forwardBatchRows();
        int cacheChunk = ShuffleConfig.forWidth(batchSize, seed, dIn()).chunkRows();
        int chunkRows = forwardRows * Math.max(1, (cacheChunk + forwardRows - 1) / forwardRows);
        long windowChunks = Math.max(1, descriptor.bufferTokens() / chunkRows);
        long mostRows = (Integer.MAX_VALUE - 8L) / dIn();
        if (windowChunks * chunkRows > mostRows) {
            throw new ModelSourceException("buffer_tokens", descriptor.bufferTokens() + " rows of width " + dIn()
                    + " do not fit in one shuffle buffer, which holds at most " + mostRows + " rows of that width; "
                    + "lower buffer_tokens");
        }
        return new ShuffleConfig(batchSize, seed, chunkRows, (int) windowChunks);
    }

    @Override
    public synchronized void read(long start, int count, float[] dst, int dstOffset) {
        Objects.checkFromIndexSize(start, count, tokens());
        int batchRows = descriptor.forwardBatchRows();
        int d = dIn();
        int done = 0;
        while (done < count) {
            long row = start + done;
            long batch = row / batchRows;
            int inBatch = (int) (row - batch * batchRows);
            int take = (int) Math.min(count - done, batchRows - inBatch);
            float[] rows = forwardBatch(batch);
            System.arraycopy(rows, inBatch * d, dst, dstOffset + done * d, take * d);
            done += take;
        }
    }

    @Override
    public Optional<RowTokens> rowTokens() {
        int contextSize = descriptor.contextSize();
        return Optional.of(new RowTokens() {
            @Override
            public long rows() {
                return tokens();
            }

            @Override
            public int tokenId(long row) {
                int[] id = new int[1];
                tokens.readIntegers(row, 1, id, 0);
                return id[0];
            }

            @Override
            public long context(long row) {
                return row / contextSize;
            }

            @Override
            public int position(long row) {
                return (int) (row % contextSize);
            }
        });
    }

    @Override
    public String describeRow(long row) {
        return "row " + row + " (context " + row / descriptor.contextSize() + ", position "
                + row % descriptor.contextSize() + ") of the stream in " + directory;
    }

    /** The rows of forward batch {@code batch}: recently forwarded, or run now. */
    private float[] forwardBatch(long batch) {
        float[] rows = recent.get(batch);
        if (rows != null) {
            return rows;
        }
        long first = batch * descriptor.forwardBatchContexts();
        int contexts = (int) Math.min(descriptor.forwardBatchContexts(), descriptor.contexts() - first);
        int contextSize = descriptor.contextSize();
        int[] ids = new int[contexts * contextSize];
        tokens.readInts(first, contexts, ids, 0);
        loadModel();
        long start = System.nanoTime();
        rows = ForwardPass.activations(model, hook, ids, contexts, contextSize, first, manager);
        forwardNanos += System.nanoTime() - start;
        contextsForwarded += contexts;
        recent.put(batch, rows);
        return rows;
    }

    /** Runs {@code model} (owned by the caller) instead of the copied weights: for benchmarks of random models. */
    public synchronized void useModel(Transformer model, HookPoint hook, NDManager manager) {
        this.model = model;
        this.hook = hook;
        this.manager = manager.newSubManager();
        this.ownsModel = false;
    }

    /** Loads the copied weights, checks they are the ones the stream was made from, and uploads them. */
    private void loadModel() {
        if (model != null) {
            return;
        }
        Path weightsDirectory = directory.resolve(StreamDescriptor.MODEL_DIRECTORY);
        TransformerWeights weights = TransformerWeights.load(weightsDirectory)
                .processed(descriptor.weightProcessing());
        if (!weights.contentHash().equals(descriptor.modelContentHash())) {
            throw new ArtifactCorruptException(weightsDirectory, "model", "its weights hash to "
                    + weights.contentHash() + ", not to the " + descriptor.modelContentHash() + " the stream was "
                    + "made from");
        }
        NDManager opened = ComputeDevice.newManager(ComputeDevice.selected());
        try {
            hook = HookPoint.validate(descriptor.hook(), weights.config());
            model = Transformer.upload(weights, opened);
            manager = opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        recent.clear();
        try {
            if (model != null && ownsModel) {
                model.close();
            }
        } finally {
            if (manager != null) {
                manager.close();
            }
            model = null;
            manager = null;
        }
    }
}
