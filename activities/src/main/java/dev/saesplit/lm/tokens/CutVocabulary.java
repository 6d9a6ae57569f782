package dev.saesplit.lm.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.digest.Sha256;
import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * GPT-2's vocabulary cut to a corpus's most frequent tokens: a small model's embedding and unembedding then spend
 * no rows on tokens the corpus never uses. Id 0 is GPT-2's {@code <|endoftext|>} (the BOS and document
 * separator), id 1 the unknown token every other GPT-2 token maps to, and ids 2.. the kept GPT-2 tokens, most
 * frequent first. Saved as {@value #FILE_NAME} beside a model's weights, so the cut is reproducible and the model
 * stage tokenizes as training did.
 */
public final class CutVocabulary {

    public static final String FILE_NAME = "vocabulary.json";
    public static final int BOS = 0;
    public static final int UNKNOWN = 1;
    static final String UNKNOWN_TEXT = "<unk>";
    private static final String BASE = "gpt2";
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A cut vocabulary lists at most GPT-2's 50,257 ids; a file far larger than that is not one. */
    private static final int MAX_FILE_BYTES = 4 << 20;
    private static final int GPT2_SIZE = new Gpt2BpeTokenizer().vocabSize();

    /** {@code gpt2Ids[cut id]}; -1 for the unknown token. */
    private final int[] gpt2Ids;
    /** {@code cutIds[gpt2 id]}. */
    private final int[] cutIds;

    private CutVocabulary(int[] gpt2Ids) {
        this.gpt2Ids = gpt2Ids;
        this.cutIds = new int[GPT2_SIZE];
        Arrays.fill(cutIds, UNKNOWN);
        for (int id = 0; id < gpt2Ids.length; id++) {
            if (id != UNKNOWN) {
                cutIds[gpt2Ids[id]] = id;
            }
        }
    }

    /**
     * The {@code size} ids: BOS, unknown, and the {@code size - 2} GPT-2 tokens most frequent in {@code counts}
     * (indexed by GPT-2 id), ties broken by the lower GPT-2 id so the cut depends on the counts alone. Tokens that
     * never occur are not kept, so the vocabulary may be smaller than {@code size}.
     */
    public static CutVocabulary mostFrequent(long[] counts, int size) {
        if (counts.length != GPT2_SIZE || size < 3) {
            throw new IllegalArgumentException("need GPT-2's " + GPT2_SIZE + " counts and a size of at least 3, got "
                    + counts.length + " and " + size);
        }
        Integer[] order = new Integer[GPT2_SIZE];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
        int[] ids = new int[size];
        ids[BOS] = Gpt2BpeTokenizer.END_OF_TEXT;
        ids[UNKNOWN] = -1;
        int next = 2;
        for (int i = 0; i < order.length && next < size; i++) {
            if (order[i] != Gpt2BpeTokenizer.END_OF_TEXT && counts[order[i]] > 0) {
                ids[next++] = order[i];
            }
        }
        return new CutVocabulary(Arrays.copyOf(ids, next));
    }

    /** Reads {@code file} (a {@value #FILE_NAME}). */
    public static CutVocabulary read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(RegularFiles.read(file, MAX_FILE_BYTES));
        } catch (NoSuchFileException e) {
            throw new TokenizerFileException(file, "no such file");
        } catch (UnreadableFileException e) {
            throw new TokenizerFileException(file, e.problem().replace("such a file", "a cut vocabulary"), e);
        } catch (IOException e) {
            throw new TokenizerFileException(file, "is not readable JSON: " + e.getMessage(), e);
        }
        if (root == null || !BASE.equals(root.path("base").asText()) || !root.path("gpt2_ids").isArray()) {
            throw new TokenizerFileException(file, "is not a cut GPT-2 vocabulary: it needs \"base\": \"gpt2\" and"
                    + " a \"gpt2_ids\" array");
        }
        JsonNode list = root.get("gpt2_ids");
        int[] ids = new int[list.size()];
        boolean[] seen = new boolean[GPT2_SIZE];
        for (int i = 0; i < ids.length; i++) {
            JsonNode value = list.get(i);
            boolean unknownSlot = i == UNKNOWN;
            if (!value.isInt() || (unknownSlot ? value.asInt() != -1
                    : value.asInt() < 0 || value.asInt() >= GPT2_SIZE || seen[value.asInt()])) {
                throw new TokenizerFileException(file, "gpt2_ids[" + i + "] is " + value + "; expected "
                        + (unknownSlot ? "-1 (the unknown token)" : "a GPT-2 id not listed before"));
            }
            ids[i] = value.asInt();
            if (!unknownSlot) {
                seen[ids[i]] = true;
            }
        }
        if (ids.length < 2 || ids[BOS] != Gpt2BpeTokenizer.END_OF_TEXT) {
            throw new TokenizerFileException(file, "gpt2_ids must start with " + Gpt2BpeTokenizer.END_OF_TEXT
                    + " (<|endoftext|>) and -1 (unknown)");
        }
        return new CutVocabulary(ids);
    }

    /** Writes {@value #FILE_NAME} into {@code directory}. */
    public void write(Path directory) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("base", BASE);
        root.put("description", "id i of the model is GPT-2 token gpt2_ids[i]; id 1 (-1 here) is the unknown "
                + "token every other GPT-2 token maps to");
        ArrayNode list = root.putArray("gpt2_ids");
        for (int id : gpt2Ids) {
            list.add(id);
        }
        try {
            Files.writeString(directory.resolve(FILE_NAME), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(root).replaceAll("\\n\\s+(-?\\d+)", " $1"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(FILE_NAME), e);
        }
    }

    public int size() {
        return gpt2Ids.length;
    }

    /** The cut id of GPT-2 token {@code gpt2Id}: {@link #UNKNOWN} for a token not kept. */
    public int cutId(int gpt2Id) {
        return cutIds[gpt2Id];
    }

    /** The GPT-2 id of cut id {@code id}; -1 for the unknown token. */
    public int gpt2Id(int id) {
        return gpt2Ids[id];
    }

    /** Maps GPT-2 ids to cut ids in place and returns them. */
    public int[] cutInPlace(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            ids[i] = cutIds[ids[i]];
        }
        return ids;
    }

    /** A hash of the mapping, for content keys. */
    public String identity() {
        return "gpt2-cut:" + size() + ":sha256=" + Sha256.ofText(Arrays.toString(gpt2Ids));
    }
}
