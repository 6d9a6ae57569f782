package dev.saesplit.activations;

import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.ModelProvenance;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.data.stream.StreamDescriptor;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.ContextCursor;
import dev.saesplit.lm.dataset.ContextStream;
import dev.saesplit.lm.dataset.TokenContext;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.worker.ActivityHeartbeat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the artifact of a streamed source ({@link StreamDescriptor}): the contexts' tokens, read from the
 * dataset as a cache reads them, a copy of the weights and the descriptor. Nothing runs the model: writing costs
 * reading and tokenizing the dataset, 4 bytes per token.
 */
final class StreamWriter {

    /** 1: tokens of whole contexts, rows computed in forward batches of {@code batch_size} contexts. */
    static final int CODE_VERSION = 1;
    /** Contexts tokenized between heartbeats. */
    private static final int BATCH = 256;

    private final ActivationSourceSpec.Model spec;
    private final TransformerWeights weights;
    private final LanguageModel model;
    private final TokenDocuments documents;
    private final long contexts;
    private final ActivityHeartbeat heartbeat;

    StreamWriter(ActivationSourceSpec.Model spec, TransformerWeights weights, LanguageModel model,
                 TokenDocuments documents, long contexts, ActivityHeartbeat heartbeat) {
        this.spec = spec;
        this.weights = weights;
        this.model = model;
        this.documents = documents;
        this.contexts = contexts;
        this.heartbeat = heartbeat;
    }

    void write(Path dir) throws IOException {
        int contextSize = spec.contextSize();
        try (NpyWriter writer = NpyWriter.create(dir.resolve(StreamDescriptor.TOKENS_FILE), NpyDtype.INT32,
                contextSize);
             ContextStream stream = model.batcher(documents).contexts(ContextCursor.START)) {
            for (long done = 0; done < contexts; ) {
                int count = (int) Math.min(BATCH, contexts - done);
                for (TokenContext context : ModelActivationCache.take(stream, count, done, contexts, contextSize)) {
                    writer.writeInts(context.tokenIds(), 0, contextSize);
                }
                done += count;
                if (heartbeat != null) {
                    heartbeat.update(new CachingProgress(done * contextSize, contexts * contextSize));
                    heartbeat.checkNotCancelled();
                }
            }
        }
        Path weightsFile = Path.of(weights.source());
        Path modelCopy = Files.createDirectories(dir.resolve(StreamDescriptor.MODEL_DIRECTORY));
        Files.copy(weightsFile, modelCopy.resolve(weightsFile.getFileName()));
        Files.copy(weightsFile.toAbsolutePath().getParent().resolve("config.json"), modelCopy.resolve("config.json"));
        ModelProvenance loading = new ModelProvenance(weightsFile.getFileName().toString(),
                spec.weightProcessing().specName(), weights.filledWithZeros());
        JsonArtifacts.write(dir.resolve(StreamDescriptor.FILE_NAME), new StreamDescriptor(
                StreamDescriptor.FORMAT_VERSION, spec.model(), spec.hook(), model.hook().width(weights.config()),
                contextSize, contexts, spec.batchSize(), spec.stream().bufferTokens(), spec.weightProcessing(),
                weights.contentHash(), loading));
    }
}
