package dev.saesplit.lm.dataset;

import dev.saesplit.digest.Sha256;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.spec.LanguageModelSpec.Corpus;
import dev.saesplit.spec.LanguageModelSpec.Source;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A corpus ({@code dataset: {source: python-stdlib}} or a folder): its files, and their split into training and
 * held-out documents. A document is held out when a hash of its path relative to the corpus folder falls below the
 * held-out fraction, so the split is the same on every run and machine, and a file keeps its side when others are
 * added or removed. The language model's training and the model stage read the same split: an SAE is trained on the
 * language model's own training documents, as gelu-1l's SAEs were, and the held-out files stay unseen by both.
 */
public final class CorpusDocuments {

    private CorpusDocuments() {
    }

    /** The corpus's files, tokenized with {@code tokenizer} when read. */
    public static TextFileDocuments open(Corpus corpus, Tokenizer tokenizer) {
        boolean stdlib = corpus.source() == Source.PYTHON_STDLIB;
        Path root = stdlib ? PythonStdlib.locate() : corpus.path();
        Set<String> excluded = stdlib ? PythonStdlib.EXCLUDED_FOLDERS : Set.of();
        try {
            return new TextFileDocuments(root, new HashSet<>(corpus.extensions()), excluded, tokenizer);
        } catch (DocumentFormatException e) {
            throw new CorpusException(field(corpus), e.getMessage(), e);
        }
    }

    /** The spec field that names the corpus's files, for messages: {@code source} or {@code path}. */
    public static String field(Corpus corpus) {
        return corpus.source() == Source.PYTHON_STDLIB ? "source" : "path";
    }

    /**
     * The corpus's training documents, tokenized with the caller's tokenizer (the trained model's cut vocabulary);
     * held-out ones are numbered but empty, so they are never read.
     */
    public static TokenDocuments training(Corpus corpus, Tokenizer tokenizer) {
        TextFileDocuments all = open(corpus, tokenizer);
        boolean[] heldOut = heldOut(all, corpus.heldOut());
        return all.without(d -> heldOut[(int) d], "training split held_out=" + corpus.heldOut());
    }

    /**
     * Which documents are held out: those whose path hashes below the fraction, or, when that selects none of
     * several, the non-empty one the hash puts first. A file is empty exactly when it has no bytes (any text encodes
     * to at least one token), so the sizes decide without tokenizing; an empty file is on neither side.
     */
    public static boolean[] heldOut(TextFileDocuments documents, double fraction) {
        int count = Math.toIntExact(documents.documentCount().orElseThrow());
        boolean[] held = new boolean[count];
        int nonEmpty = 0;
        int first = -1;
        double lowest = 2;
        boolean any = false;
        for (int d = 0; d < count; d++) {
            if (documents.fileSize(d) == 0) {
                continue;
            }
            nonEmpty++;
            double position = splitPosition(documents.relativeName(d));
            held[d] = position < fraction;
            any |= held[d];
            if (position < lowest) {
                lowest = position;
                first = d;
            }
        }
        if (!any && nonEmpty > 1) {
            held[first] = true;
        }
        return held;
    }

    /** Uniform in [0, 1), fixed by the document's relative path. */
    public static double splitPosition(String relativeName) {
        String hash = Sha256.ofText(relativeName);
        return (Long.parseUnsignedLong(hash.substring(0, 13), 16)) / (double) (1L << 52);
    }
}
