package dev.saesplit.lm.train;

import dev.saesplit.digest.Sha256;
import dev.saesplit.lm.dataset.DocumentFormatException;
import dev.saesplit.lm.dataset.DocumentPosition;
import dev.saesplit.lm.dataset.DocumentSegment;
import dev.saesplit.lm.dataset.DocumentSegments;
import dev.saesplit.lm.dataset.TextFileDocuments;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.spec.LanguageModelSpec.Corpus;
import dev.saesplit.spec.LanguageModelSpec.Source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A corpus of text and code files, tokenized with GPT-2's BPE and split into training and held-out documents.
 * A document is held out when a hash of its path relative to the corpus folder falls below the held-out fraction:
 * the split is the same on every run and machine, and a file keeps its side when others are added or removed.
 * The vocabulary cut is counted on the training documents only, so nothing of the held-out text leaks into it.
 */
final class TrainingCorpus {

    private final TextFileDocuments documents;
    private final double heldOutFraction;
    private final String field;
    private List<int[]> training;
    private List<int[]> heldOut;

    private TrainingCorpus(TextFileDocuments documents, double heldOutFraction, String field) {
        this.documents = documents;
        this.heldOutFraction = heldOutFraction;
        this.field = field;
    }

    /** Finds the documents the spec names; they are read and tokenized on first use. */
    static TrainingCorpus open(Corpus spec) {
        boolean stdlib = spec.source() == Source.PYTHON_STDLIB;
        Path root = stdlib ? PythonStdlib.locate() : spec.path();
        Set<String> excluded = stdlib ? PythonStdlib.EXCLUDED_FOLDERS : Set.of();
        String field = stdlib ? "source" : "path";
        try {
            return new TrainingCorpus(new TextFileDocuments(root, new HashSet<>(spec.extensions()), excluded,
                    new Gpt2BpeTokenizer()), spec.heldOut(), field);
        } catch (DocumentFormatException e) {
            throw new CorpusException(field, e.getMessage(), e);
        }
    }

    private void load() {
        read(LmTrainingListener.NONE);
    }

    /**
     * Reads and tokenizes the documents now, unless done already, telling {@code listener} how many are done as it
     * goes (a large corpus takes a while).
     */
    synchronized void read(LmTrainingListener listener) {
        if (training != null) {
            return;
        }
        int[][] all = new int[Math.toIntExact(documents.documentCount().orElseThrow())][];
        try (DocumentSegments segments = documents.read(DocumentPosition.START)) {
            long read = 0;
            while (segments.hasNext()) {
                DocumentSegment segment = segments.next();
                all[(int) segment.document()] = segment.tokens();
                listener.reading(++read, all.length);
            }
        } catch (DocumentFormatException e) {
            throw new CorpusException(field, e.getMessage(), e);
        }
        List<int[]> train = new ArrayList<>();
        List<int[]> held = new ArrayList<>();
        int first = -1;
        double lowest = 2;
        for (int d = 0; d < all.length; d++) {
            if (all[d] == null) {
                continue; // an empty file
            }
            double position = splitPosition(documents.relativeName(d));
            (position < heldOutFraction ? held : train).add(all[d]);
            if (position < lowest) {
                lowest = position;
                first = d;
            }
        }
        if (held.isEmpty() && train.size() > 1) {
            // Too few documents for the fraction to select one: hold out the one the hash puts first.
            int[] chosen = all[first];
            train.removeIf(d -> d == chosen);
            held.add(chosen);
        }
        if (train.isEmpty() || held.isEmpty()) {
            throw new CorpusException(field, documents.describe(0) + ": the corpus holds " + (train.size()
                    + held.size()) + " non-empty documents; training and a held-out loss need at least two");
        }
        training = train;
        heldOut = held;
    }

    /** Uniform in [0, 1), fixed by the document's relative path. */
    static double splitPosition(String relativeName) {
        String hash = Sha256.ofText(relativeName);
        return (Long.parseUnsignedLong(hash.substring(0, 13), 16)) / (double) (1L << 52);
    }

    /** Stable across runs and machines: the files' names, sizes and contents, the tokenizer and the split. */
    String identity() {
        return documents.identity() + " held_out=" + heldOutFraction;
    }

    int trainingDocuments() {
        load();
        return training.size();
    }

    int heldOutDocuments() {
        load();
        return heldOut.size();
    }

    /** GPT-2 tokens in the training documents. */
    long trainingTokens() {
        load();
        return training.stream().mapToLong(d -> d.length).sum();
    }

    /** GPT-2's vocabulary cut to the {@code size} ids the training documents use most (BOS and unknown included). */
    CutVocabulary vocabulary(int size) {
        load();
        long[] counts = new long[new Gpt2BpeTokenizer().vocabSize()];
        for (int[] document : training) {
            for (int id : document) {
                counts[id]++;
            }
        }
        return CutVocabulary.mostFrequent(counts, size);
    }

    /** The training documents as contexts of {@code nCtx} tokens in {@code vocabulary}'s ids. */
    TokenContexts trainingContexts(CutVocabulary vocabulary, int nCtx) {
        load();
        return TokenContexts.of(training, vocabulary, nCtx);
    }

    /** The held-out documents, likewise. */
    TokenContexts heldOutContexts(CutVocabulary vocabulary, int nCtx) {
        load();
        return TokenContexts.of(heldOut, vocabulary, nCtx);
    }
}
