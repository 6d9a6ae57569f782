package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The narrow SAE latent whose split is studied. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TargetLatent.Index.class, name = "index"),
        @JsonSubTypes.Type(value = TargetLatent.MatchingParent.class, name = "parent"),
        @JsonSubTypes.Type(value = TargetLatent.Token.class, name = "token")})
public sealed interface TargetLatent {

    /** A latent named by its index in the narrow SAE (the seed study's latent 240). */
    record Index(int value) implements TargetLatent {
        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    /**
     * For a synthetic source: whichever narrow latent best matches the ground-truth parent feature
     * {@code parent}, chosen once the narrow SAE is trained.
     */
    record MatchingParent(int parent) implements TargetLatent {
        @Override
        public String toString() {
            return "parent " + parent;
        }
    }

    /**
     * For a language-model source: whichever narrow latent has the highest mean activation on the token
     * {@code token} (one token of the model's vocabulary, e.g. {@code "-"}), chosen once the narrow SAE is trained
     * and reported with its specificity (the share of its firings that are on that token).
     */
    record Token(String token) implements TargetLatent {
        @Override
        public String toString() {
            return "token \"" + token + "\"";
        }
    }
}
