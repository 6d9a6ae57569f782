package dev.saesplit.filter;

import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.data.RowTokens;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.CutVocabularyTokenizer;
import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenTargetChooserTest {

    private static final int TOKEN = 7;
    private static final int OTHER = 3;

    /** Three latents reading one input dimension each (identity encoder and decoder, no biases). */
    private static SaeWeights identitySae() {
        float[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        return new SaeWeights(SaeConfig.of(3, 3, new StandardArchitecture(), "m", "h"), identity.clone(),
                new float[3], identity.clone(), new float[3]);
    }

    private static RowTokens tokens(int... ids) {
        return new RowTokens() {
            public long rows() {
                return ids.length;
            }

            public int tokenId(long row) {
                return ids[(int) row];
            }

            public long context(long row) {
                return 0;
            }

            public int position(long row) {
                return (int) row;
            }
        };
    }

    @Test
    void choosesTheLatentWithTheHighestMeanActivationOnTheTokenAndReportsTheShareOfItsFiringsThere() {
        // Latent 0 fires a little everywhere; latent 1 fires strongly on the token and once elsewhere;
        // latent 2 fires hardest of all, but never on the token.
        float[] rows = {
                1, 2, 0,   // token
                1, 4, 0,   // token
                1, 0, 0,   // token
                1, 0, 9,   // other
                1, 1, 9,   // other
                1, 0, 9};  // other
        int[] ids = {TOKEN, TOKEN, TOKEN, OTHER, OTHER, OTHER};

        TokenTarget chosen = TokenTargetChooser.choose(InMemoryActivationSource.of(rows, 3), tokens(ids),
                identitySae(), "-", TOKEN, 1000);

        assertEquals(1, chosen.latent());
        assertEquals(2.0, chosen.meanActivation(), 1e-6, "(2 + 4 + 0) / 3 rows of the token");
        assertEquals(2.0 / 3.0, chosen.specificity(), 1e-9, "two of its three firings are on the token");
        assertEquals(3, chosen.tokenRows());
        assertEquals(6, chosen.rowsScanned());
        assertEquals(TOKEN, chosen.tokenId());
    }

    @Test
    void scansAtMostTheRowsItIsGiven() {
        float[] rows = {0, 1, 0, 5, 0, 0};
        int[] ids = {TOKEN, TOKEN};

        TokenTarget chosen = TokenTargetChooser.choose(InMemoryActivationSource.of(rows, 3), tokens(ids),
                identitySae(), "-", TOKEN, 1);

        assertEquals(1, chosen.latent(), "the second row, where latent 0 fires harder, is not read");
        assertEquals(1, chosen.rowsScanned());
    }

    @Test
    void aTokenThatNeverOccursIsAClearError() {
        TargetLatentException e = assertThrows(TargetLatentException.class, () -> TokenTargetChooser.choose(
                InMemoryActivationSource.of(new float[] {1, 0, 0}, 3), tokens(OTHER), identitySae(), "-", TOKEN, 10));
        assertTrue(e.getMessage().contains("\"-\" (id 7) occurs in none of the 1 training rows"), e.getMessage());
    }

    @Test
    void theTokenIdIsTheSingleTokenTheTextEncodesAs() {
        Gpt2BpeTokenizer gpt2 = new Gpt2BpeTokenizer();
        assertEquals(12, TokenTargetChooser.tokenId(gpt2, "-"), "GPT-2's '-'");
        assertEquals(532, TokenTargetChooser.tokenId(gpt2, " -"), "GPT-2's ' -', a token of its own");
    }

    @Test
    void textOfSeveralTokensOrOneTheCutVocabularyDroppedIsRefusedNamingIt() {
        TargetLatentException several = assertThrows(TargetLatentException.class,
                () -> TokenTargetChooser.tokenId(new Gpt2BpeTokenizer(), "thread-safe"));
        assertTrue(several.getMessage().contains("\"thread-safe\" is not one token of the model's vocabulary: it "
                + "encodes as 3 token(s) [\"thread\", \"-\", \"safe\"]"), several.getMessage());

        long[] counts = new long[new Gpt2BpeTokenizer().vocabSize()];
        counts[64] = 10; // "a": the only token the corpus used
        CutVocabularyTokenizer cut = new CutVocabularyTokenizer(CutVocabulary.mostFrequent(counts, 3));
        TargetLatentException dropped = assertThrows(TargetLatentException.class,
                () -> TokenTargetChooser.tokenId(cut, "-"));
        assertTrue(dropped.getMessage().contains("\"-\" is not one token of the model's vocabulary: it encodes as 1 "
                + "token(s) [\"<unk>\"]"), dropped.getMessage());
    }
}
