package dev.saesplit.lm.dataset;

import dev.saesplit.lm.tokens.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Plain-text documents, one per file: a single file, or a folder read recursively in sorted path order, keeping
 * files with the chosen extensions. Files are read as UTF-8 and tokenized as they are read.
 */
public final class TextFileDocuments implements TokenDocuments {

    public static final Set<String> DEFAULT_EXTENSIONS = Set.of(".txt", ".md", ".py");

    private final SourceFiles files;
    private final Set<String> extensions;
    private final Set<String> excludedFolders;
    private final Tokenizer tokenizer;
    private String identity;

    public TextFileDocuments(Path fileOrFolder, Set<String> extensions, Tokenizer tokenizer) {
        this(fileOrFolder, extensions, Set.of(), tokenizer);
    }

    /** As above, skipping every file inside a folder (at any depth) named one of {@code excludedFolders}. */
    public TextFileDocuments(Path fileOrFolder, Set<String> extensions, Set<String> excludedFolders,
                             Tokenizer tokenizer) {
        this.extensions = Set.copyOf(extensions);
        this.excludedFolders = Set.copyOf(excludedFolders);
        this.files = SourceFiles.find(fileOrFolder, this.extensions, this.excludedFolders);
        this.tokenizer = tokenizer;
    }

    /** Files ending in .txt, .md or .py. */
    public TextFileDocuments(Path fileOrFolder, Tokenizer tokenizer) {
        this(fileOrFolder, DEFAULT_EXTENSIONS, tokenizer);
    }

    @Override
    public DocumentSegments read(DocumentPosition from) {
        // Skipping a file costs nothing: it is neither read nor tokenized.
        return WholeDocumentSegments.indexed(files.files().size(),
                document -> tokenizer.encode(readText(files.files().get((int) document))), this::describe, from);
    }

    /**
     * These documents with those {@code leftOut} names read as empty (neither read nor tokenized; they keep their
     * numbers); {@code label} describes the choice in the identity, e.g. {@code training split, held_out=0.05}.
     */
    public TokenDocuments without(java.util.function.LongPredicate leftOut, String label) {
        TextFileDocuments all = this;
        return new TokenDocuments() {
            @Override
            public DocumentSegments read(DocumentPosition from) {
                return WholeDocumentSegments.indexed(files.files().size(), document -> leftOut.test(document)
                        ? new int[0] : tokenizer.encode(readText(files.files().get((int) document))),
                        all::describe, from);
            }

            @Override
            public boolean pretokenizedContexts() {
                return false;
            }

            @Override
            public java.util.OptionalLong documentCount() {
                return all.documentCount();
            }

            @Override
            public String describe(long document) {
                return all.describe(document);
            }

            @Override
            public String identity() {
                return all.identity() + " " + label;
            }
        };
    }

    /** The size in bytes of document {@code document}'s file. */
    public long fileSize(long document) {
        try {
            return Files.size(files.files().get((int) document));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + describe(document), e);
        }
    }

    @Override
    public boolean pretokenizedContexts() {
        return false;
    }

    @Override
    public OptionalLong documentCount() {
        return OptionalLong.of(files.files().size());
    }

    @Override
    public String describe(long document) {
        return files.files().get((int) document).toString();
    }

    /** Document {@code document}'s path relative to the folder, with '/' separators (its file name for one file). */
    public String relativeName(long document) {
        return files.nameOf(files.files().get((int) document));
    }

    @Override
    public synchronized String identity() {
        if (identity == null) {
            String excluded = excludedFolders.isEmpty() ? "" : " excluding" + excludedFolders.stream().sorted().toList();
            identity = files.identity("text" + extensions.stream().sorted().toList() + excluded + " tokenizer="
                    + tokenizer.identity());
        }
        return identity;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DocumentFormatException(file, "is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
