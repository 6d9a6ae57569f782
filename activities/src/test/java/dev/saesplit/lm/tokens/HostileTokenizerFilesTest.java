package dev.saesplit.lm.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizer files built to make the native tokenizers library backtrack until it panics, which would abort the
 * JVM: each is refused when opened, as bad input naming the file and the regex's place, before the library sees
 * it.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileTokenizerFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @TempDir
    Path dir;

    @Test
    void aNestedRepetitionInThePreTokenizerIsRefusedNamingTheFileAndPlace() throws IOException {
        Path file = withPreTokenizer("{\"type\": \"Split\", \"pattern\": {\"Regex\": \"(a+)+$\"}, "
                + "\"behavior\": \"Isolated\", \"invert\": false}");

        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> Tokenizers.open(file.toString()));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("pre_tokenizer.pattern.Regex repeats a group"), e.getMessage());
    }

    @Test
    void aRepeatedAlternationInsideASequenceIsRefused() throws IOException {
        Path file = withPreTokenizer("{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", "
                + "\"pattern\": {\"Regex\": \"(?:x|xx){2,}y\"}, \"behavior\": \"Isolated\", \"invert\": false}]}");

        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> Tokenizers.open(file.toString()));

        assertTrue(e.getMessage().contains("pretokenizers[0].pattern.Regex"), e.getMessage());
    }

    @Test
    void publishedPreTokenizerPatternsPass() {
        assertNull(TokenizerRegexCheck.problem(GPT2_PATTERN));
        assertNull(TokenizerRegexCheck.problem(LLAMA3_PATTERN));
        assertTrue(TokenizerRegexCheck.problem("(a*)*") != null && TokenizerRegexCheck.problem("(\\w+\\s?)+$") != null);
    }

    private Path withPreTokenizer(String preTokenizer) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(TokenFixtures.path("tokenizer.json").toFile());
        root.set("pre_tokenizer", JSON.readTree(preTokenizer));
        Path file = dir.resolve("tokenizer.json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }
}
