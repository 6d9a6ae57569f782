package dev.saesplit.data.stream;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.saesplit.data.cache.ModelProvenance;
import dev.saesplit.spec.WeightProcessing;

/**
 * {@code stream.json}: what an activations artifact streamed from a model ({@code stream: true}) holds instead
 * of activations. Beside it, {@code model/} holds a copy of the weights file and its {@code config.json}, so a
 * worker on any machine that has the artifact can run the model, and {@value #TOKENS_FILE} the token id of every
 * row (int32, the contexts' tokens in order), so rows are computed without re-reading the dataset.
 *
 * @param formatVersion        {@link #FORMAT_VERSION}
 * @param model                the model's label
 * @param hook                 the hook the rows are read at
 * @param dIn                  the hook's width
 * @param contextSize          tokens per context; row {@code r} is position {@code r % contextSize} of context
 *                             {@code r / contextSize}
 * @param contexts             contexts the stream holds
 * @param forwardBatchContexts contexts per forward pass: contexts {@code [k·b, (k+1)·b)} are run together, as a
 *                             cache with the same {@code batch_size} runs them
 * @param bufferTokens         the shuffle buffer training fills ({@code buffer_tokens})
 * @param weightProcessing     the processing applied to the copied weights after loading them
 * @param modelContentHash     the processed weights' content hash, checked when the model is loaded
 * @param modelLoading         the weights file, processing and biases filled with zeros, as a cache records them
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamDescriptor(int formatVersion, String model, String hook, int dIn, int contextSize, long contexts,
                        int forwardBatchContexts, long bufferTokens, WeightProcessing weightProcessing,
                        String modelContentHash, ModelProvenance modelLoading) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "stream.json";
    public static final String TOKENS_FILE = "tokens.npy";
    public static final String MODEL_DIRECTORY = "model";

    long totalTokens() {
        return contexts * contextSize;
    }

    /** Rows computed by one forward pass. */
    int forwardBatchRows() {
        return forwardBatchContexts * contextSize;
    }
}
