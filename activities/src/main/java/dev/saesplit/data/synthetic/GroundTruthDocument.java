package dev.saesplit.data.synthetic;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * {@code ground_truth.json}: everything needed to score a split exactly, beside the activations it describes.
 *
 * @param formatVersion   layout version
 * @param config          the generator's parameters
 * @param magnitudeMin    smallest feature magnitude
 * @param magnitudeMax    largest feature magnitude
 * @param childRule       how children fire, in words
 * @param parents         each parent with its children
 * @param directionsFile  float32 {@code [features, dIn]} .npy of unit feature directions
 * @param childLabelsFile int32 {@code [tokens, parents]} .npy: the child that fired for each parent, or -1
 * @param featureActivityFile int32 {@code [tokens, ceil(features / 32)]} .npy of bit masks, bit {@code f % 32} of
 *                        word {@code f / 32} set where feature f fired; written by a generator saesplit cannot
 *                        draw again (SAELens's), absent (null) for saesplit's own, whose tokens are drawn again
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record GroundTruthDocument(int formatVersion, SyntheticHierarchyConfig config, float magnitudeMin,
                           float magnitudeMax, String childRule, List<HierarchyParent> parents,
                           String directionsFile, String childLabelsFile, String featureActivityFile) {

    static final String FILE_NAME = "ground_truth.json";
    static final int FORMAT_VERSION = 1;
    static final String CHILD_RULE = "a firing parent makes exactly one of its children fire, chosen uniformly;"
            + " children never fire without their parent; a child's direction adds to its parent's";
}
