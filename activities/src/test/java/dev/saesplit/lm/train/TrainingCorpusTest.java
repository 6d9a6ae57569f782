package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.CorpusDocuments;
import dev.saesplit.lm.dataset.CorpusException;
import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.lm.dataset.TextFolders;
import dev.saesplit.spec.LanguageModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingCorpusTest {

    @TempDir
    Path temp;

    private LanguageModelSpec.Corpus folder(double heldOut) {
        return TextFolders.corpus(temp, heldOut);
    }

    private void writeDocuments(int count) throws Exception {
        TextFolders.write(temp, count, i -> "document number " + i + " has some words - and a dash");
    }

    @Test
    void aDocumentIsHeldOutByAHashOfItsPathSoTheSplitIsFixedAndSurvivesNewFiles() throws Exception {
        writeDocuments(40);
        long expected = IntStream.range(0, 40).filter(i -> CorpusDocuments.splitPosition("doc" + i + ".txt") < 0.25)
                .count();

        TrainingCorpus corpus = TrainingCorpus.open(folder(0.25));
        assertEquals(expected, corpus.heldOutDocuments());
        assertEquals(40 - expected, corpus.trainingDocuments());
        assertTrue(expected > 3 && expected < 17, "about a quarter held out: " + expected);

        String before = corpus.identity();
        Files.writeString(temp.resolve("extra.txt"), "a new document");
        boolean extraHeldOut = CorpusDocuments.splitPosition("extra.txt") < 0.25;
        TrainingCorpus grown = TrainingCorpus.open(folder(0.25));
        assertEquals(expected + (extraHeldOut ? 1 : 0), grown.heldOutDocuments());
        assertNotEquals(before, grown.identity(), "the content key sees the new file");
    }

    @Test
    void aCorpusOfOneDocumentCannotGiveAHeldOutLossAndSaysSoNamingTheField() throws Exception {
        writeDocuments(1);

        CorpusException e = assertThrows(CorpusException.class, () -> TrainingCorpus.open(folder(0.1))
                .trainingDocuments());
        assertTrue(e.getMessage().startsWith("dataset.path: "), e.getMessage());
        assertTrue(e.getMessage().contains("at least two"), e.getMessage());
    }

    @Test
    void thePythonStdlibCorpusIsTheInterpretersLibWithoutTestsOrInstalledPackages() {
        Path stdlib = PythonStdlib.locate();
        assertTrue(Files.isRegularFile(stdlib.resolve("os.py")), stdlib + " holds no os.py");

        String identity = TrainingCorpus.open(new LanguageModelSpec.Corpus(LanguageModelSpec.Source.PYTHON_STDLIB,
                null, List.of(".py"), 0.05)).identity();
        assertTrue(identity.contains("excluding[__pycache__, dist-packages, idle_test, site-packages, test, tests]"),
                identity);
    }
}
