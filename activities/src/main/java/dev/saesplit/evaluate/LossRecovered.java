package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.RowTokens;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.spec.ActivationSourceSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * CE loss recovered: the language model's mean next-token cross-entropy on held-out contexts clean, with an
 * SAE's reconstruction spliced in at the hook, and with the hook zero-ablated, and the fraction of the ablation's
 * damage the SAE undoes, {@code (zero - spliced) / (zero - clean)} (SAELens's {@code ce_loss_score}).
 */
public final class LossRecovered {

    /** At most this many contexts are run three times each: enough for a stable mean, bounded in cost. */
    public static final int DEFAULT_MAX_CONTEXTS = 64;
    /** Logits per forward pass (256 MiB of floats): gelu-1l's 48262-token vocabulary at context 128 allows 10 contexts. */
    static final long MAX_LOGITS = 1L << 26;

    private LossRecovered() {
    }

    /** Writes {@code loss}, if measured, as {@link LossRecoveredSummary#FILE_NAME} into an evaluation's directory. */
    static void writeInto(Path directory, Optional<LossRecoveredSummary> loss) throws IOException {
        if (loss.isPresent()) {
            JsonArtifacts.write(directory.resolve(LossRecoveredSummary.FILE_NAME), loss.get());
        }
    }

    /** What {@link #writeInto} wrote in an evaluation's directory, or {@code null}: no model, or an older result. */
    static LossRecoveredSummary readFrom(Path directory) {
        Path file = directory.resolve(LossRecoveredSummary.FILE_NAME);
        return Files.exists(file) ? JsonArtifacts.read(file, LossRecoveredSummary.class) : null;
    }

    /** Contexts per forward pass: the spec's batch, fewer when their logits would pass {@link #MAX_LOGITS}. */
    static int batchFor(ActivationSourceSpec.Model spec, int vocabulary) {
        long perContext = (long) spec.contextSize() * vocabulary;
        return (int) Math.max(1, Math.min(spec.batchSize(), MAX_LOGITS / perContext));
    }

    /**
     * The whole contexts among rows {@code [from, rows)} of a cache: each starts at a row of position 0 and runs
     * through {@code contextSize} rows of one context. A context cut by {@code from} is skipped.
     */
    public static List<int[]> contexts(RowTokens rows, long from, int contextSize, int maxContexts) {
        List<int[]> contexts = new ArrayList<>();
        long row = from;
        while (row + contextSize <= rows.rows() && contexts.size() < maxContexts) {
            if (rows.position(row) != 0) {
                row++;
                continue;
            }
            long context = rows.context(row);
            int[] ids = new int[contextSize];
            boolean whole = true;
            for (int p = 0; p < contextSize && whole; p++) {
                whole = rows.context(row + p) == context && rows.position(row + p) == p;
                ids[p] = rows.tokenId(row + p);
            }
            if (whole) {
                contexts.add(ids);
                row += contextSize;
            } else {
                row++;
            }
        }
        return contexts;
    }

    /**
     * Measures {@code sae} spliced into {@code model} at {@code hook} on {@code contexts} (equal lengths of at
     * least 2), {@code batch} contexts per forward pass.
     */
    public static LossRecoveredSummary measure(Transformer model, HookPoint hook, SparseAutoencoder sae,
                                               List<int[]> contexts, int batch, NDManager manager) {
        return measure(model, hook, sae, contexts, batch, manager, () -> { });
    }

    /**
     * As above, running {@code beforeEachBatch} before each forward pass: an activity's cancellation check, which
     * throws to stop the measurement there.
     */
    public static LossRecoveredSummary measure(Transformer model, HookPoint hook, SparseAutoencoder sae,
                                               List<int[]> contexts, int batch, NDManager manager,
                                               Runnable beforeEachBatch) {
        if (contexts.isEmpty()) {
            throw new IllegalArgumentException("no whole held-out context to measure loss recovered on");
        }
        int length = contexts.get(0).length;
        UnaryOperator<NDArray> splice = x -> sae.reconstruct(x.reshape(-1, x.getShape().get(2)))
                .reshape(x.getShape());
        double clean = 0;
        double spliced = 0;
        double zero = 0;
        for (int from = 0; from < contexts.size(); from += batch) {
            beforeEachBatch.run();
            int count = Math.min(batch, contexts.size() - from);
            int[] ids = new int[count * length];
            for (int c = 0; c < count; c++) {
                System.arraycopy(contexts.get(from + c), 0, ids, c * length, length);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray tokens = scope.create(ids, new Shape(count, length));
                // crossEntropy is a mean over the batch's predictions; weight it by the batch's size.
                clean += count * Transformer.crossEntropy(model.logits(tokens), tokens);
                spliced += count * Transformer.crossEntropy(model.logitsWithHook(tokens, hook, splice), tokens);
                zero += count * Transformer.crossEntropy(model.logitsWithHook(tokens, hook, NDArray::zerosLike),
                        tokens);
            }
        }
        int n = contexts.size();
        clean /= n;
        spliced /= n;
        zero /= n;
        return new LossRecoveredSummary((long) n * (length - 1), clean, spliced, zero,
                (zero - spliced) / (zero - clean));
    }
}
