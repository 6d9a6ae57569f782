package dev.saesplit.lm.dataset;

import dev.saesplit.spec.LanguageModelSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/** Small folder corpora for the corpus tests: {@code doc<i>.txt} files and the spec that reads them. */
public final class TextFolders {

    private TextFolders() {
    }

    /** A folder corpus of {@code .txt} files holding out {@code heldOut} of them. */
    public static LanguageModelSpec.Corpus corpus(Path folder, double heldOut) {
        return new LanguageModelSpec.Corpus(LanguageModelSpec.Source.FOLDER, folder, List.of(".txt"), heldOut);
    }

    /** Writes {@code doc0.txt} … with the text {@code text} gives each index. */
    public static void write(Path folder, int count, IntFunction<String> text) throws Exception {
        for (int i = 0; i < count; i++) {
            Files.writeString(folder.resolve("doc" + i + ".txt"), text.apply(i));
        }
    }
}
