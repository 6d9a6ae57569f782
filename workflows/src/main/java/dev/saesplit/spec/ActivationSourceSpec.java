package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.nio.file.Path;
import java.util.List;

/** Where the activations an experiment trains on come from. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ActivationSourceSpec.Synthetic.class, name = "synthetic"),
        @JsonSubTypes.Type(value = ActivationSourceSpec.Npy.class, name = "npy"),
        @JsonSubTypes.Type(value = ActivationSourceSpec.Model.class, name = "model")})
public sealed interface ActivationSourceSpec {

    /** The spelling of this source's kind in YAML. */
    String kind();

    /**
     * A generated ground-truth hierarchy: sparse features over known directions in superposition, with
     * parent features whose children fire only when the parent fires. Its ground truth is written next to
     * the data so that a split can be scored exactly.
     *
     * @param dIn               activation dimension
     * @param features          number of known directions (more than {@code dIn}: superposition)
     * @param parents           features that have children
     * @param childrenPerParent children of each parent
     * @param firingProbability probability that a non-child feature fires on a token
     * @param childProbability  probability that a firing parent also fires one of its children
     * @param tokens            tokens to generate
     * @param seed              generator seed
     */
    record Synthetic(int dIn, int features, int parents, int childrenPerParent, double firingProbability,
                     double childProbability, long tokens, long seed) implements ActivationSourceSpec {
        @Override
        public String kind() {
            return "synthetic";
        }
    }

    /**
     * Float32 or float16 {@code [n, d]} .npy files, read by memory mapping.
     *
     * @param files the files, in order
     */
    record Npy(List<Path> files) implements ActivationSourceSpec {
        public Npy {
            files = List.copyOf(files);
        }

        @Override
        public String kind() {
            return "npy";
        }
    }

    /**
     * Activations cached from a language model run over a dataset. saesplit downloads nothing: the weights,
     * tokenizer and dataset are files the user supplies. A spec may name the model and dataset without paths
     * (the published study does); such a spec validates, and caching then fails naming the field to fill in.
     *
     * @param model       model name (e.g. {@code gelu-1l}), a label recorded with the activations
     * @param weights     directory or weights file of the model ({@code config.json} beside it), or {@code null}
     *                    when not supplied yet
     * @param tokenizer   {@code gpt2}, an absolute path to a {@code tokenizer.json} (or a directory holding one),
     *                    or {@code null}: a pre-tokenized dataset needs none to be cached
     * @param dataset     the dataset as written: a path, or a name when it names no file or folder
     * @param datasetPath the text/JSONL/npy/parquet file or folder {@code dataset} names, or {@code null} when it
     *                    is only a name
     * @param hook        hook point (e.g. {@code blocks.0.hook_mlp_out})
     * @param contextSize tokens per context
     * @param prependBos  BOS first in every context built from raw documents (SAELens's default, true), and in
     *                    every context cut from a pre-tokenized row when {@code splitRows}
     * @param splitRows   cut each pre-tokenized row into as many contexts as it holds, rather than use its first
     *                    {@code contextSize} tokens (SAELens)
     * @param tokens      tokens to cache
     * @param batchSize   contexts per forward pass
     * @param after       the Airflow DAG whose output is the dataset ({@code null}: the dataset is given); left
     *                    out of the JSON when absent, so specs without it keep their fingerprints
     * @param train       the language model to train here first ({@code model: {train: SPEC}}), whose folder then
     *                    serves as {@code weights} and {@code tokenizer}; {@code null} when the weights are given.
     *                    Left out of the JSON when absent, as {@code after}
     * @param corpus      the dataset as a corpus of text and code files ({@code dataset: {source: python-stdlib}} or
     *                    {@code {source: folder, path: ...}}), of which the training documents are read, split as
     *                    {@code saesplit lm train} splits them; {@code null} when {@code dataset} names a path
     * @param trained     the language model {@code train} produced, as the artifact store holds it: each activity
     *                    that reads the model takes its own local copy ({@link #localised}), so a worker on another
     *                    machine reads the same model; {@code null} until trained, and once localised
     * @param weightProcessing how the weights are processed after loading ({@code weight_processing}); {@code none}
     *                    (the default) is left out of the JSON, so specs without it keep their fingerprints
     * @param stream      streamed from the model instead of cached ({@code stream: true}), or {@code null} for a
     *                    cache (the default, left out of the JSON so cached specs keep their fingerprints)
     * @param cacheDtype  the element type the activation cache stores ({@code cache_dtype}); {@code float32} (the
     *                    default) is left out of the JSON, so specs without it keep their fingerprints
     */
    record Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                 int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 UpstreamDag after,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 LanguageModelSpec train,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 LanguageModelSpec.Corpus corpus,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 dev.saesplit.pipeline.ArtifactRef trained,
                 @com.fasterxml.jackson.annotation.JsonInclude(value = com.fasterxml.jackson.annotation.JsonInclude
                         .Include.CUSTOM, valueFilter = WeightProcessing.NoneFilter.class)
                 WeightProcessing weightProcessing,
                 @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                 Streaming stream,
                 @com.fasterxml.jackson.annotation.JsonInclude(value = com.fasterxml.jackson.annotation.JsonInclude
                         .Include.CUSTOM, valueFilter = CacheDtype.Float32Filter.class)
                 CacheDtype cacheDtype)
            implements ActivationSourceSpec {

        public static final int DEFAULT_BATCH_SIZE = 32;

        public Model {
            weightProcessing = weightProcessing == null ? WeightProcessing.NONE : weightProcessing;
            cacheDtype = cacheDtype == null ? CacheDtype.FLOAT32 : cacheDtype;
        }

        /** A source cached as float32, as {@link #Model(String, Path, String, String, Path, String, int, boolean,
         * boolean, long, int, UpstreamDag, LanguageModelSpec, LanguageModelSpec.Corpus,
         * dev.saesplit.pipeline.ArtifactRef, WeightProcessing, Streaming, CacheDtype)}. */
        public Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                     int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize,
                     UpstreamDag after, LanguageModelSpec train, LanguageModelSpec.Corpus corpus,
                     dev.saesplit.pipeline.ArtifactRef trained, WeightProcessing weightProcessing) {
            this(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos, splitRows, tokens,
                    batchSize, after, train, corpus, trained, weightProcessing, null, CacheDtype.FLOAT32);
        }

        /** This source with its cache stored as {@code dtype}. */
        public Model withCacheDtype(CacheDtype dtype) {
            return new Model(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos,
                    splitRows, tokens, batchSize, after, train, corpus, trained, weightProcessing, stream, dtype);
        }

        /** A source as {@link #Model(String, Path, String, String, Path, String, int, boolean, boolean, long, int,
         * UpstreamDag, LanguageModelSpec, LanguageModelSpec.Corpus, dev.saesplit.pipeline.ArtifactRef,
         * WeightProcessing)}, its weights unprocessed. */
        public Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                     int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize,
                     UpstreamDag after, LanguageModelSpec train, LanguageModelSpec.Corpus corpus,
                     dev.saesplit.pipeline.ArtifactRef trained) {
            this(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos, splitRows, tokens,
                    batchSize, after, train, corpus, trained, WeightProcessing.NONE);
        }

        /** This source with its weights processed as {@code processing} says. */
        public Model withWeightProcessing(WeightProcessing processing) {
            return new Model(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos,
                    splitRows, tokens, batchSize, after, train, corpus, trained, processing, stream, cacheDtype);
        }

        /** A source with given weights, whose dataset is given or comes from {@code after}. */
        public Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                     int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize,
                     UpstreamDag after) {
            this(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos, splitRows, tokens,
                    batchSize, after, null, null, null);
        }

        /** A source whose model is trained first ({@code train}) or given, read from a corpus or a dataset. */
        public Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                     int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize,
                     UpstreamDag after, LanguageModelSpec train, LanguageModelSpec.Corpus corpus) {
            this(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos, splitRows, tokens,
                    batchSize, after, train, corpus, null);
        }

        /** A source whose dataset is given. */
        public Model(String model, Path weights, String tokenizer, String dataset, Path datasetPath, String hook,
                     int contextSize, boolean prependBos, boolean splitRows, long tokens, int batchSize) {
            this(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos, splitRows, tokens,
                    batchSize, null);
        }

        /** This source reading {@code dataset}, the output of its upstream DAG run. */
        public Model withDataset(Path dataset) {
            return new Model(model, weights, tokenizer, dataset.toString(), dataset, hook, contextSize, prependBos,
                    splitRows, tokens, batchSize, null, train, corpus, trained, weightProcessing, stream, cacheDtype);
        }

        /**
         * This source reading the model its {@code train} produced, by reference: the workflow hands it on without
         * a path of the machine that trained it.
         */
        public Model withTrainedModel(dev.saesplit.pipeline.ArtifactRef model) {
            return new Model(this.model, null, null, dataset, datasetPath, hook, contextSize, prependBos, splitRows,
                    tokens, batchSize, after, null, corpus, model, weightProcessing, stream, cacheDtype);
        }

        /**
         * This source reading the trained model from {@code folder}, this machine's copy of {@code trained} (its
         * weights and its cut vocabulary).
         */
        public Model localised(Path folder) {
            return new Model(model, folder, folder.toString(), dataset, datasetPath, hook, contextSize, prependBos,
                    splitRows, tokens, batchSize, after, null, corpus, null, weightProcessing, stream, cacheDtype);
        }

        /** This source streamed from the model as {@code streaming} says, or cached when {@code null}. */
        public Model withStreaming(Streaming streaming) {
            return new Model(model, weights, tokenizer, dataset, datasetPath, hook, contextSize, prependBos,
                    splitRows, tokens, batchSize, after, train, corpus, trained, weightProcessing, streaming,
                    cacheDtype);
        }

        /** Whether the activations are computed by the model as they are read rather than cached. */
        public boolean streamed() {
            return stream != null;
        }

        @Override
        public String kind() {
            return "model";
        }
    }

    /**
     * Activations streamed from the model ({@code stream: true}): nothing but the contexts' tokens is stored, and
     * every read runs the model to the hook.
     *
     * @param bufferTokens rows shuffled together while training ({@code buffer_tokens}): the mixing buffer,
     *                     filled with whole forward batches of contexts
     */
    record Streaming(long bufferTokens) {

        /** 256 contexts of 128 tokens: 64 MiB of float32 rows at d_model 512. */
        public static final long DEFAULT_BUFFER_TOKENS = 32_768;
    }
}
