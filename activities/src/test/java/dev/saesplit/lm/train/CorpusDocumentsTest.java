package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.CorpusDocuments;
import dev.saesplit.lm.dataset.DocumentPosition;
import dev.saesplit.lm.dataset.DocumentSegment;
import dev.saesplit.lm.dataset.DocumentSegments;
import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.lm.dataset.TextFileDocuments;
import dev.saesplit.lm.dataset.TextFolders;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.spec.LanguageModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusDocumentsTest {

    @TempDir
    Path temp;

    private LanguageModelSpec.Corpus folder(double heldOut) {
        return TextFolders.corpus(temp, heldOut);
    }

    private void writeDocuments(int count) throws Exception {
        TextFolders.write(temp, count, i -> "document " + i + " is thread-safe, " + "x".repeat(i));
    }

    /** Every segment of {@code documents}, at most {@code limit} of them. */
    private static List<DocumentSegment> read(TokenDocuments documents, int limit) {
        List<DocumentSegment> segments = new ArrayList<>();
        try (DocumentSegments all = documents.read(DocumentPosition.START)) {
            while (all.hasNext() && segments.size() < limit) {
                segments.add(all.next());
            }
        }
        return segments;
    }

    @Test
    void theModelStageReadsExactlyTheDocumentsTheLanguageModelTrainedOn() throws Exception {
        writeDocuments(40);
        TrainingCorpus trained = TrainingCorpus.open(folder(0.25));

        List<DocumentSegment> read = read(CorpusDocuments.training(folder(0.25), new Gpt2BpeTokenizer()), 1000);

        assertEquals(trained.trainingDocuments(), read.size());
        assertEquals(trained.trainingTokens(), read.stream().mapToLong(s -> s.tokens().length).sum());
        assertTrue(trained.heldOutDocuments() > 3, "some held out: " + trained.heldOutDocuments());
        TextFileDocuments all = new TextFileDocuments(temp, Set.of(".txt"), new Gpt2BpeTokenizer());
        for (DocumentSegment segment : read) {
            double position = CorpusDocuments.splitPosition(all.relativeName(segment.document()));
            assertTrue(position >= 0.25, "document " + segment.document() + " is a training document");
        }
    }

    @Test
    void whenTheFractionHoldsOutNoneTheDocumentTheHashPutsFirstIsHeldOutAsInTraining() throws Exception {
        writeDocuments(3);
        TrainingCorpus trained = TrainingCorpus.open(folder(1e-9));

        List<DocumentSegment> read = read(CorpusDocuments.training(folder(1e-9), new Gpt2BpeTokenizer()), 10);

        assertEquals(1, trained.heldOutDocuments());
        assertEquals(2, read.size());
        assertEquals(trained.trainingTokens(), read.stream().mapToLong(s -> s.tokens().length).sum());
    }

    @Test
    void thePythonStdlibSourceReadsTheInterpretersLibraryWithoutItsHeldOutFilesOrTestSuites() {
        LanguageModelSpec.Corpus stdlib = new LanguageModelSpec.Corpus(LanguageModelSpec.Source.PYTHON_STDLIB, null,
                List.of(".py"), 0.05);
        TokenDocuments documents = CorpusDocuments.training(stdlib, new Gpt2BpeTokenizer());
        TextFileDocuments all = new TextFileDocuments(PythonStdlib.locate(), Set.of(".py"),
                PythonStdlib.EXCLUDED_FOLDERS, new Gpt2BpeTokenizer());

        List<DocumentSegment> first = read(documents, 200);

        assertEquals(200, first.size());
        Set<Long> seen = new HashSet<>();
        for (DocumentSegment segment : first) {
            seen.add(segment.document());
            String name = all.relativeName(segment.document());
            assertTrue(CorpusDocuments.splitPosition(name) >= 0.05, name + " is not held out");
            assertFalse(name.startsWith("test/") || name.contains("/tests/"), name);
        }
        long last = first.get(first.size() - 1).document();
        long skipped = 0;
        for (long d = 0; d <= last; d++) {
            boolean heldOut = CorpusDocuments.splitPosition(all.relativeName(d)) < 0.05;
            assertEquals(!heldOut && all.fileSize(d) > 0, seen.contains(d), all.relativeName(d));
            skipped += heldOut ? 1 : 0;
        }
        assertTrue(skipped > 0, "the first " + last + " files include a held-out one");
        assertTrue(documents.identity().endsWith("training split held_out=0.05"), documents.identity());
    }
}
