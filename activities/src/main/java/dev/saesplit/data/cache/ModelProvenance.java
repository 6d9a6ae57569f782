package dev.saesplit.data.cache;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * How the language model behind a cache was loaded, beyond its content hash (which is in the cache's key): which
 * weights file, which weight processing, and which biases the file lacked and were filled with zeros, as
 * TransformerLens fills them.
 *
 * @param weightsFile      the weights file's name
 * @param weightProcessing the spec's {@code weight_processing}
 * @param filledWithZeros  TransformerLens names of the biases filled with zeros; empty when the file had them all
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelProvenance(String weightsFile, String weightProcessing, List<String> filledWithZeros) {

    public ModelProvenance {
        filledWithZeros = filledWithZeros == null ? List.of() : List.copyOf(filledWithZeros);
    }
}
