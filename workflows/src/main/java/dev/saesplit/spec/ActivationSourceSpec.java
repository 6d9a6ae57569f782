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
     * Activations cached from a language model run over a tokenized dataset.
     *
     * @param model       model name (e.g. {@code gelu-1l})
     * @param weights     TransformerLens-style safetensors weights; empty: looked up by model name at run time
     * @param hook        hook point (e.g. {@code blocks.0.hook_mlp_out})
     * @param dataset     dataset name or path
     * @param contextSize tokens per context
     * @param tokens      tokens to cache
     */
    record Model(String model, Path weights, String hook, String dataset, int contextSize, long tokens)
            implements ActivationSourceSpec {
        @Override
        public String kind() {
            return "model";
        }
    }
}
