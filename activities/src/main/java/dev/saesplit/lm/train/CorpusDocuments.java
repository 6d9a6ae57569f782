package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.DocumentFormatException;
import dev.saesplit.lm.dataset.TextFileDocuments;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.spec.LanguageModelSpec.Corpus;
import dev.saesplit.spec.LanguageModelSpec.Source;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A corpus ({@code dataset: {source: python-stdlib}} or a folder) as the model stage reads it: the same files and
 * the same deterministic held-out split as {@link TrainingCorpus}, but tokenized with the caller's tokenizer (the
 * trained model's cut vocabulary) and only the <em>training</em> documents kept. An SAE is trained on the
 * language model's own training distribution, as gelu-1l's SAEs were; the held-out files stay unseen by both.
 */
public final class CorpusDocuments {

    private CorpusDocuments() {
    }

    /** The corpus's training documents; held-out ones are numbered but empty, so they are never read. */
    public static TokenDocuments training(Corpus corpus, Tokenizer tokenizer) {
        boolean stdlib = corpus.source() == Source.PYTHON_STDLIB;
        Path root = stdlib ? PythonStdlib.locate() : corpus.path();
        Set<String> excluded = stdlib ? PythonStdlib.EXCLUDED_FOLDERS : Set.of();
        TextFileDocuments all;
        try {
            all = new TextFileDocuments(root, new HashSet<>(corpus.extensions()), excluded, tokenizer);
        } catch (DocumentFormatException e) {
            throw new CorpusException(stdlib ? "source" : "path", e.getMessage(), e);
        }
        boolean[] heldOut = heldOut(all, corpus.heldOut());
        return all.without(d -> heldOut[(int) d], "training split held_out=" + corpus.heldOut());
    }

    /**
     * Which documents {@link TrainingCorpus} holds out: those whose path hashes below the fraction, or, when that
     * selects none of several, the non-empty one the hash puts first. A file is empty exactly when it has no
     * bytes (any text encodes to at least one token), so the sizes decide without tokenizing.
     */
    static boolean[] heldOut(TextFileDocuments documents, double fraction) {
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
            double position = TrainingCorpus.splitPosition(documents.relativeName(d));
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
}
