package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.CorpusDocuments;
import dev.saesplit.lm.dataset.CorpusException;
import dev.saesplit.lm.dataset.DocumentFormatException;
import dev.saesplit.lm.dataset.DocumentPosition;
import dev.saesplit.lm.dataset.DocumentSegment;
import dev.saesplit.lm.dataset.DocumentSegments;
import dev.saesplit.lm.dataset.TextFileDocuments;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.spec.LanguageModelSpec.Corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * A corpus of text and code files, tokenized with GPT-2's BPE and split into training and held-out documents as
 * {@link CorpusDocuments#heldOut} splits it. The vocabulary cut is counted on the training documents only, so
 * nothing of the held-out text leaks into it.
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
        return new TrainingCorpus(CorpusDocuments.open(spec, new Gpt2BpeTokenizer()), spec.heldOut(),
                CorpusDocuments.field(spec));
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
        boolean[] heldOutDocument = CorpusDocuments.heldOut(documents, heldOutFraction);
        List<int[]> train = new ArrayList<>();
        List<int[]> held = new ArrayList<>();
        for (int d = 0; d < all.length; d++) {
            if (all[d] != null) { // null: an empty file
                (heldOutDocument[d] ? held : train).add(all[d]);
            }
        }
        if (train.isEmpty() || held.isEmpty()) {
            throw new CorpusException(field, documents.describe(0) + ": the corpus holds " + (train.size()
                    + held.size()) + " non-empty documents; training and a held-out loss need at least two");
        }
        training = train;
        heldOut = held;
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
