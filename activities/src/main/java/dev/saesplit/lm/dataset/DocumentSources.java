package dev.saesplit.lm.dataset;

import dev.saesplit.lm.tokens.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens the document source a spec's {@code dataset} path names, by the kind of its files: {@code .parquet}
 * (pre-tokenized rows), {@code .npy} (token arrays), {@code .jsonl} (a {@code text} field per line) or text files.
 * A folder is read as the kind of the files it holds; a folder mixing kinds is refused rather than guessed.
 */
public final class DocumentSources {

    private static final List<String> KINDS = List.of(".parquet", ".npy", ".jsonl");

    private DocumentSources() {
    }

    /**
     * @param tokenizer needed for text and JSONL; pre-tokenized sources ignore it
     * @throws DocumentFormatException if the path is missing, mixes kinds, or needs a tokenizer that is absent
     */
    public static TokenDocuments open(Path path, Optional<Tokenizer> tokenizer) {
        String kind = kindOf(path);
        return switch (kind) {
            case ".parquet" -> new ParquetTokenDocuments(path);
            case ".npy" -> new NpyTokenDocuments(path);
            case ".jsonl" -> new JsonlDocuments(path, requireTokenizer(path, tokenizer));
            default -> new TextFileDocuments(path, requireTokenizer(path, tokenizer));
        };
    }

    /** Whether the files at {@code path} are token ids already (parquet, npy), so caching needs no tokenizer. */
    public static boolean isPretokenized(Path path) {
        String kind = kindOf(path);
        return kind.equals(".parquet") || kind.equals(".npy");
    }

    private static Tokenizer requireTokenizer(Path path, Optional<Tokenizer> tokenizer) {
        return tokenizer.orElseThrow(() -> new DocumentFormatException(path, "holds text, which needs a tokenizer:"
                + " set activations.tokenizer (gpt2, or a tokenizer.json)"));
    }

    private static String kindOf(Path path) {
        if (Files.isRegularFile(path)) {
            return extension(path).orElse(".txt");
        }
        if (!Files.isDirectory(path)) {
            throw new DocumentFormatException(path, "no such file or folder");
        }
        Set<String> kinds;
        try (Stream<Path> walk = Files.walk(path)) {
            kinds = walk.filter(Files::isRegularFile).map(DocumentSources::extension).flatMap(Optional::stream)
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
        List<String> tokenKinds = KINDS.stream().filter(kinds::contains).toList();
        if (tokenKinds.size() > 1) {
            throw new DocumentFormatException(path, "mixes " + tokenKinds + " files; keep one kind of dataset file"
                    + " per folder");
        }
        return tokenKinds.isEmpty() ? ".txt" : tokenKinds.get(0);
    }

    private static Optional<String> extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return KINDS.stream().filter(name::endsWith).findFirst();
    }
}
