package dev.saesplit.lm.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CutVocabularyTest {

    private static final Gpt2BpeTokenizer GPT2 = new Gpt2BpeTokenizer();

    @TempDir
    Path temp;

    /** GPT-2 counts of {@code text}'s tokens. */
    private static long[] counts(String text) {
        long[] counts = new long[GPT2.vocabSize()];
        for (int id : GPT2.encode(text)) {
            counts[id]++;
        }
        return counts;
    }

    @Test
    void keepsTheMostFrequentTokensAfterBosAndUnknownBreakingTiesByGpt2Id() {
        // " a" three times, " b" twice, " c" and " d" once each: " c" (id 269) wins the tie with " d" (288).
        CutVocabulary vocabulary = CutVocabulary.mostFrequent(counts(" a a a b b c d"), 5);

        assertEquals(5, vocabulary.size());
        assertEquals(Gpt2BpeTokenizer.END_OF_TEXT, vocabulary.gpt2Id(CutVocabulary.BOS));
        assertEquals(-1, vocabulary.gpt2Id(CutVocabulary.UNKNOWN));
        assertArrayEquals(GPT2.encode(" a b c"), new int[] {vocabulary.gpt2Id(2), vocabulary.gpt2Id(3),
                vocabulary.gpt2Id(4)});
        assertEquals(CutVocabulary.UNKNOWN, vocabulary.cutId(GPT2.encode(" d")[0]));
    }

    @Test
    void aCorpusWithFewerDistinctTokensGivesASmallerVocabulary() {
        assertEquals(3, CutVocabulary.mostFrequent(counts(" a a"), 100).size());
    }

    @Test
    void encodesDroppedTokensAsUnknownAndDecodesThemAsUnk() {
        CutVocabularyTokenizer tokenizer = new CutVocabularyTokenizer(
                CutVocabulary.mostFrequent(counts("x = a - b"), 20));

        int[] ids = tokenizer.encode("x = a + b");
        assertEquals(CutVocabulary.UNKNOWN, ids[3]);
        assertEquals("x = a<unk> b", tokenizer.decode(ids));
        assertEquals(" -", tokenizer.tokenText(tokenizer.encode(" -")[0]));
        assertEquals(0, tokenizer.bosTokenId().getAsInt());
    }

    @Test
    void savedBesideAModelItOpensAsThatModelsTokenizerWithTheSameIds() throws Exception {
        CutVocabulary vocabulary = CutVocabulary.mostFrequent(counts("def f(x):\n    return x - 1\n"), 50);
        vocabulary.write(temp);

        try (Tokenizer reopened = Tokenizers.open(temp.toString())) {
            assertInstanceOf(CutVocabularyTokenizer.class, reopened);
            String text = "def g(y):\n    return y - 2\n";
            assertArrayEquals(new CutVocabularyTokenizer(vocabulary).encode(text), reopened.encode(text));
            assertEquals(vocabulary.identity(), reopened.identity());
        }
        assertEquals(vocabulary.identity(), CutVocabulary.read(temp.resolve(CutVocabulary.FILE_NAME)).identity());
    }

    @Test
    void aVocabularyFileListingAnIdTwiceIsRefusedNamingTheEntry() throws Exception {
        Path file = temp.resolve(CutVocabulary.FILE_NAME);
        Files.writeString(file, "{\"base\": \"gpt2\", \"gpt2_ids\": [50256, -1, 12, 12]}");

        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> CutVocabulary.read(file));
        assertTrue(e.getMessage().contains("gpt2_ids[3]"), e.getMessage());
    }
}
