package dev.saesplit.lm.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.lm.tokens.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * JSON Lines documents: one JSON object per line, the document being a string field ({@code text} by default, as
 * in most Hugging Face text datasets). Blank lines are not documents. A single file or a folder of {@code .jsonl}
 * files in sorted order. Skipping to a document reads lines but neither parses nor tokenizes them.
 */
public final class JsonlDocuments implements TokenDocuments {

    public static final String DEFAULT_FIELD = "text";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceFiles files;
    private final String field;
    private final Tokenizer tokenizer;
    private String identity;

    public JsonlDocuments(Path fileOrFolder, String field, Tokenizer tokenizer) {
        this.files = SourceFiles.find(fileOrFolder, Set.of(".jsonl"));
        this.field = field;
        this.tokenizer = tokenizer;
    }

    public JsonlDocuments(Path fileOrFolder, Tokenizer tokenizer) {
        this(fileOrFolder, DEFAULT_FIELD, tokenizer);
    }

    @Override
    public DocumentSegments read(DocumentPosition from) {
        return new WholeDocumentSegments(new Lines(from.document()), from);
    }

    @Override
    public boolean pretokenizedContexts() {
        return false;
    }

    @Override
    public OptionalLong documentCount() {
        return OptionalLong.empty(); // counting would read every line
    }

    @Override
    public String describe(long document) {
        return "JSON Lines document " + document + " of " + files.root();
    }

    @Override
    public synchronized String identity() {
        if (identity == null) {
            identity = files.identity("jsonl field=" + field + " tokenizer=" + tokenizer.identity());
        }
        return identity;
    }

    /** Walks the lines of every file in order, counting documents, and tokenizes from the first one asked for. */
    private final class Lines implements WholeDocumentSegments.WholeDocuments {

        private final long firstDocument;
        private int fileIndex = -1;
        private BufferedReader reader;
        private long lineNumber;
        private long documentsSeen;

        Lines(long firstDocument) {
            this.firstDocument = firstDocument;
        }

        @Override
        public int[] next() {
            try {
                String line;
                while ((line = nextLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (documentsSeen++ >= firstDocument) {
                        return tokenizer.encode(textOf(line));
                    }
                }
                return null;
            } catch (CharacterCodingException e) {
                // The same bytes fail on every retry: a fault of the file, named with its line.
                throw new DocumentFormatException(currentFile(), lineNumber + 1,
                        "is not valid UTF-8 (here or a little further on)");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + currentFile(), e);
            }
        }

        @Override
        public String describeLast() {
            return currentFile() + ":" + lineNumber;
        }

        @Override
        public void close() {
            closeReader();
        }

        private String nextLine() throws IOException {
            while (true) {
                if (reader != null) {
                    String line = reader.readLine();
                    if (line != null) {
                        lineNumber++;
                        return line;
                    }
                    closeReader();
                }
                if (fileIndex + 1 >= files.files().size()) {
                    return null;
                }
                fileIndex++;
                lineNumber = 0;
                reader = Files.newBufferedReader(currentFile(), StandardCharsets.UTF_8);
            }
        }

        private String textOf(String line) {
            JsonNode row;
            try {
                row = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new DocumentFormatException(currentFile(), lineNumber,
                        "not valid JSON: " + e.getOriginalMessage());
            }
            JsonNode text = row.path(field);
            if (!text.isTextual()) {
                throw new DocumentFormatException(currentFile(), lineNumber, text.isMissingNode()
                        ? "has no field '" + field + "'"
                        : "field '" + field + "' is " + text.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a string");
            }
            return text.asText();
        }

        private Path currentFile() {
            return files.files().get(Math.max(fileIndex, 0));
        }

        private void closeReader() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // Nothing was written; a failed close of a reader loses nothing.
                }
                reader = null;
            }
        }
    }
}
