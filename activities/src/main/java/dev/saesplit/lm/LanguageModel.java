package dev.saesplit.lm;

import ai.djl.ndarray.NDManager;
import dev.saesplit.lm.dataset.ContextBatcher;
import dev.saesplit.lm.dataset.ContextSettings;
import dev.saesplit.lm.dataset.DocumentSources;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.dataset.CorpusDocuments;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.spec.ActivationSourceSpec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a {@code source: model} spec names, opened: the weights, the transformer on a device, the hook, the
 * tokenizer (where the spec names one) and the dataset's contexts. Caching and evaluation (loss recovered,
 * top contexts, boosted logits, probes) start here:
 *
 * <pre>{@code
 * try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
 *      LanguageModel lm = LanguageModel.open(spec, manager)) {
 *     NDArray acts = lm.transformer().activations(tokens, lm.hook());
 *     String text = lm.tokenizer().orElseThrow().tokenText(id);
 * }
 * }</pre>
 *
 * A spec that names a file it does not supply fails with {@link ModelSourceException} naming the field.
 */
public final class LanguageModel implements AutoCloseable {

    private final ActivationSourceSpec.Model spec;
    private final TransformerWeights weights;
    private final HookPoint hook;
    private final Transformer transformer;
    private final Tokenizer tokenizer;

    private LanguageModel(ActivationSourceSpec.Model spec, TransformerWeights weights, HookPoint hook,
                          Transformer transformer, Tokenizer tokenizer) {
        this.spec = spec;
        this.weights = weights;
        this.hook = hook;
        this.transformer = transformer;
        this.tokenizer = tokenizer;
    }

    /** Loads the weights, uploads the model into a sub-manager of {@code manager} and opens the tokenizer. */
    public static LanguageModel open(ActivationSourceSpec.Model spec, NDManager manager) {
        return open(spec, loadWeights(spec), manager);
    }

    /** As {@link #open(ActivationSourceSpec.Model, NDManager)}, with weights already loaded. */
    public static LanguageModel open(ActivationSourceSpec.Model spec, TransformerWeights weights, NDManager manager) {
        HookPoint hook = hook(spec, weights.config());
        Tokenizer tokenizer = spec.tokenizer() == null ? null : Tokenizers.open(spec.tokenizer());
        try {
            return new LanguageModel(spec, weights, hook, Transformer.upload(weights, manager), tokenizer);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    /**
     * The spec's weights, read, checked and processed as its {@code weight_processing} says (no device needed): for
     * content keys and validation. The processed weights' content hash differs from the unprocessed one's, so the
     * choice is part of every key derived from it.
     */
    public static TransformerWeights loadWeights(ActivationSourceSpec.Model spec) {
        if (spec.weights() == null) {
            throw new ModelSourceException("weights", "not set; saesplit downloads nothing, so download "
                    + spec.model() + "'s weights (with its config.json) and set weights: to their directory or file");
        }
        return TransformerWeights.load(spec.weights()).processed(spec.weightProcessing());
    }

    /** The spec's hook in {@code config}, with the context size checked against the model's {@code n_ctx}. */
    public static HookPoint hook(ActivationSourceSpec.Model spec, TransformerConfig config) {
        HookPoint hook;
        try {
            hook = HookPoint.validate(spec.hook(), config);
        } catch (UnknownHookException e) {
            throw new ModelSourceException("hook", e.getMessage());
        }
        if (spec.contextSize() > config.nCtx()) {
            throw new ModelSourceException("context_size", spec.contextSize() + " is longer than the model's n_ctx "
                    + config.nCtx());
        }
        return hook;
    }

    /** The dataset's file or folder. */
    public static Path datasetPath(ActivationSourceSpec.Model spec) {
        if (spec.datasetPath() == null) {
            throw new ModelSourceException("dataset", "'" + spec.dataset() + "' names no file or folder; saesplit "
                    + "downloads nothing, so download the dataset (text, JSONL, .npy tokens or parquet shards) and set "
                    + "dataset: to its path");
        }
        return spec.datasetPath();
    }

    /**
     * Fails, naming {@code activations.tokens}, when a pre-tokenized dataset has fewer rows than the contexts the
     * spec asks for: each row is one context (cut to {@code context_size}, as SAELens does), so this is known from
     * the files' metadata before anything runs. Raw text is checked as it is read.
     */
    public static void requireEnoughContexts(ActivationSourceSpec.Model spec, TokenDocuments documents) {
        long needed = spec.tokens() / spec.contextSize();
        if (documents.pretokenizedContexts() && !spec.splitRows() && documents.documentCount().isPresent()
                && documents.documentCount().getAsLong() < needed) {
            long rows = documents.documentCount().getAsLong();
            throw new ModelSourceException("tokens", spec.tokens() + " tokens need " + needed + " contexts of "
                    + spec.contextSize() + ", but the pre-tokenized dataset has " + rows + " rows, each one context"
                    + " (cut to context_size, as SAELens does): at most " + rows * spec.contextSize()
                    + " tokens; lower tokens, set split_rows: true to cut every row into contexts, or raise"
                    + " context_size to the rows' length");
        }
    }

    /** How the dataset becomes contexts: SAELens's conventions with the spec's context size and BOS choice. */
    public static ContextSettings contextSettings(ActivationSourceSpec.Model spec) {
        return new ContextSettings(spec.contextSize(), spec.prependBos(), spec.prependBos(),
                ContextSettings.UNLIMITED, spec.splitRows());
    }

    public ActivationSourceSpec.Model spec() {
        return spec;
    }

    public TransformerWeights weights() {
        return weights;
    }

    public Transformer transformer() {
        return transformer;
    }

    public HookPoint hook() {
        return hook;
    }

    /** The tokenizer, where the spec names one (a pre-tokenized dataset can be cached without). */
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** Stable identity of the tokenizer for content keys, {@code none} without one. */
    public String tokenizerIdentity() {
        return tokenizer == null ? "none" : tokenizer.identity();
    }

    /**
     * Opens the dataset's documents (tokenizing text with the spec's tokenizer); of a corpus
     * ({@code dataset: {source: ...}}), its training documents.
     */
    public TokenDocuments documents() {
        if (spec.corpus() != null) {
            return CorpusDocuments.training(spec.corpus(), tokenizer().orElseThrow(() -> new ModelSourceException(
                    "tokenizer", "the corpus " + spec.dataset() + " holds text, which needs a tokenizer")));
        }
        return DocumentSources.open(datasetPath(spec), tokenizer());
    }

    /** The dataset's contexts as the spec defines them. */
    public ContextBatcher batcher(TokenDocuments documents) {
        return new ContextBatcher(documents, contextSettings(spec),
                tokenizer == null ? java.util.OptionalInt.empty() : tokenizer.bosTokenId());
    }

    @Override
    public void close() {
        try {
            transformer.close();
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }
}
