package dev.saesplit.data;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.files.BadFileException;
import dev.saesplit.lm.ModelWeightsException;
import dev.saesplit.lm.dataset.DocumentFormatException;
import dev.saesplit.lm.tokens.TokenizerFileException;
import dev.saesplit.pipeline.BadInput;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Every reader's "this file is wrong" failure names the file and the problem the same way, and is never retried. */
class BadFileFailuresTest {

    private static final Path FILE = Path.of("runs", "a", "shard-0.npy");

    @Test
    void eachReadersFailureNamesTheFileThenTheProblemAndIsBadInput() {
        List<BadFileException> failures = List.of(
                new ActivationFormatException(FILE, "is float64, not float32"),
                new TokenizerFileException(FILE, "is not a tokenizer.json"),
                new DocumentFormatException(FILE, "is not valid UTF-8 text"));
        for (BadFileException failure : failures) {
            assertEquals(FILE + ": " + failure.problem(), failure.getMessage());
            assertSame(FILE, failure.file());
            assertInstanceOf(BadInput.class, failure, "the retry classifier never retries " + failure);
        }
    }

    @Test
    void aCorruptArtifactNamesTheItemBetweenTheFileAndTheProblem() {
        ArtifactCorruptException corrupt = new ModelWeightsException(FILE, ModelWeightsException.tensor("W_E"),
                "has shape [3] where [4] is expected");

        assertEquals(FILE + ": tensor 'W_E': has shape [3] where [4] is expected", corrupt.getMessage());
        assertEquals("tensor 'W_E'", corrupt.item());
        assertEquals("has shape [3] where [4] is expected", corrupt.problem());
        assertSame(FILE, corrupt.file());
        assertInstanceOf(BadInput.class, corrupt);
    }

    @Test
    void aDocumentProblemSaysTheLineOrTheRowItIsIn() {
        DocumentFormatException line = new DocumentFormatException(FILE, 17, "is not JSON");
        DocumentFormatException row = new DocumentFormatException("shard-0.parquet row 3", "token list is null");

        assertEquals(FILE + ":17: is not JSON", line.getMessage());
        assertSame(FILE, line.file());
        assertEquals("shard-0.parquet row 3: token list is null", row.getMessage());
        assertNull(row.file());
    }

    @Test
    void theCauseIsKept() {
        IllegalStateException cause = new IllegalStateException("decoder said no");
        assertSame(cause, new ActivationFormatException(FILE, "cannot be mapped", cause).getCause());
        assertSame(cause, new ArtifactCorruptException(FILE, "header", "is not JSON", cause).getCause());
    }
}
