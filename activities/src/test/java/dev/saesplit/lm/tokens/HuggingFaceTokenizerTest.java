package dev.saesplit.lm.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuggingFaceTokenizerTest {

    private static HuggingFaceTokenizer tokenizer;
    private static JsonNode expected;

    @BeforeAll
    static void open() throws IOException {
        tokenizer = TokenFixtures.tinyTokenizer();
        expected = new ObjectMapper().readTree(TokenFixtures.path("expected_ids.json").toFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesAsThePythonTokenizersLibraryDoes() {
        for (JsonNode encoding : expected.get("encodings")) {
            int[] ids = StreamSupport.stream(encoding.get("ids").spliterator(), false).mapToInt(JsonNode::asInt)
                    .toArray();
            assertArrayEquals(ids, tokenizer.encode(encoding.get("text").asText()), encoding.get("text").asText());
        }
    }

    @Test
    void addsNoSpecialTokensWhenEncoding() {
        int[] ids = tokenizer.encode("The quick brown fox.");
        assertTrue(ids[0] != expected.get("bos_id").asInt(), "the post-processor's BOS must not be added");
    }

    @Test
    void takesBosFromThePostProcessorTemplate() {
        assertEquals(OptionalInt.of(expected.get("bos_id").asInt()), tokenizer.bosTokenId());
    }

    @Test
    void countsTheVocabularyWithAddedTokens() {
        assertEquals(expected.get("vocab_size").asInt(), tokenizer.vocabSize());
    }

    @Test
    void decodingTheEncodingGivesBackTheText() {
        String text = "  leading spaces and\nnew lines";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void tokenTextOfAByteLevelTokenIsItsDecodedString() {
        int[] ids = tokenizer.encode("The quick");
        StringBuilder joined = new StringBuilder();
        for (int id : ids) {
            joined.append(tokenizer.tokenText(id));
        }
        assertEquals("The quick", joined.toString());
    }

    @Test
    void identityNamesTheKindAndHashesTheFile() {
        assertTrue(tokenizer.identity().matches("huggingface:sha256=[0-9a-f]{64}"), tokenizer.identity());
    }

    @Test
    void encodesLongTextsWithoutTruncating() {
        String sentence = "The quick brown fox jumps over the lazy dog. ";
        int once = tokenizer.encode(sentence).length;
        assertEquals(once * 200, tokenizer.encode(sentence.repeat(200)).length);
    }
}
