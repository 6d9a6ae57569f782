package dev.saesplit.lm.tokens;

import dev.saesplit.pipeline.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizersTest {

    @Test
    void gpt2NamesTheBuiltInVocabulary() {
        try (Tokenizer tokenizer = Tokenizers.open("gpt2")) {
            assertInstanceOf(Gpt2BpeTokenizer.class, tokenizer);
        }
    }

    @Test
    void aDirectoryMeansTheTokenizerJsonInsideIt() {
        Path directory = TokenFixtures.path("tokenizer.json").getParent();
        try (Tokenizer tokenizer = Tokenizers.open(directory.toString())) {
            assertEquals(300, tokenizer.vocabSize());
        }
    }

    @Test
    void aMissingFileIsBadInputNamingIt(@TempDir Path directory) {
        Path missing = directory.resolve("nope/tokenizer.json");
        TokenizerFileException error = assertThrows(TokenizerFileException.class,
                () -> Tokenizers.open(missing.toString()));
        assertInstanceOf(BadInput.class, error);
        assertTrue(error.getMessage().startsWith(missing.toString()), error.getMessage());
    }

    @Test
    void aFileThatIsNotJsonIsBadInputNamingIt(@TempDir Path directory) throws IOException {
        Path broken = Files.writeString(directory.resolve("tokenizer.json"), "{ not json");
        TokenizerFileException error = assertThrows(TokenizerFileException.class,
                () -> Tokenizers.open(broken.toString()));
        assertTrue(error.getMessage().startsWith(broken.toString()), error.getMessage());
    }

    @Test
    void jsonThatIsNotATokenizerIsBadInputNamingIt(@TempDir Path directory) throws IOException {
        Path wrong = Files.writeString(directory.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
        TokenizerFileException error = assertThrows(TokenizerFileException.class,
                () -> Tokenizers.open(wrong.toString()));
        assertTrue(error.getMessage().contains(wrong.toString()), error.getMessage());
    }
}
