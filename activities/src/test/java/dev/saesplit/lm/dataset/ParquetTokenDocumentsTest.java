package dev.saesplit.lm.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static dev.saesplit.lm.dataset.TextFileDocumentsTest.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetTokenDocumentsTest {

    /** Writes a shard whose rows are {@code [first + 10 * r, first + 10 * r + 1, ...]} of {@code width} tokens. */
    static Path shard(Path folder, String name, String column, int first, int rows, int width) throws SQLException {
        Path file = folder.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement sql = connection.createStatement()) {
            sql.execute("COPY (SELECT list_transform(range(" + width + "), i -> (" + first + " + 10 * r + i)::INTEGER)"
                    + " AS " + column + ", r AS row_id FROM range(" + rows + ") t(r) ORDER BY r)"
                    + " TO '" + file + "' (FORMAT parquet)");
        }
        return file;
    }

    @Test
    void readsTheTokensColumnOfEveryShardInSortedOrder(@TempDir Path folder) throws SQLException {
        shard(folder, "train-00001.parquet", "tokens", 1000, 2, 4);
        shard(folder, "train-00000.parquet", "tokens", 0, 3, 4);
        ParquetTokenDocuments documents = new ParquetTokenDocuments(folder);
        List<DocumentSegment> read = segments(documents, DocumentPosition.START);
        assertEquals(OptionalLong.of(5), documents.documentCount());
        assertEquals(5, read.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, read.get(0).tokens());
        assertArrayEquals(new int[] {20, 21, 22, 23}, read.get(2).tokens());
        assertArrayEquals(new int[] {1010, 1011, 1012, 1013}, read.get(4).tokens());
        assertEquals(4, read.get(4).document());
        assertTrue(documents.describe(4).endsWith("train-00001.parquet row 1"), documents.describe(4));
    }

    @Test
    void resumesInsideALaterShardWithoutReadingEarlierOnes(@TempDir Path folder) throws SQLException {
        shard(folder, "a.parquet", "tokens", 0, 3, 4);
        shard(folder, "b.parquet", "tokens", 500, 3, 4);
        ContextBatcher batcher = new ContextBatcher(new ParquetTokenDocuments(folder),
                ContextSettings.saeLensDefaults(3), OptionalInt.of(0));
        try (ContextStream contexts = batcher.contexts(batcher.cursorAt(4))) {
            TokenContext context = contexts.next();
            assertEquals(4, context.index());
            assertArrayEquals(new int[] {510, 511, 512}, context.tokenIds(), "rows are cut to the context size");
            assertEquals(4, context.document(0));
        }
    }

    @Test
    void aMissingColumnIsBadInputNamingTheShardAndItsColumns(@TempDir Path folder) throws SQLException {
        Path file = shard(folder, "ids.parquet", "input_ids", 0, 2, 4);
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> new ParquetTokenDocuments(file));
        assertEquals(file + ": has no column 'tokens'; its columns are [input_ids, row_id]", error.getMessage());
    }

    @Test
    void aColumnThatIsNotAListOfIdsIsBadInput(@TempDir Path folder) throws SQLException {
        Path file = shard(folder, "ids.parquet", "tokens", 0, 2, 4);
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> new ParquetTokenDocuments(file, "row_id"));
        assertTrue(error.getMessage().startsWith(file + ": column 'row_id' is BIGINT"), error.getMessage());
    }

    @Test
    void aFolderWithoutShardsIsBadInput(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("readme.txt"), "no shards");
        assertThrows(DocumentFormatException.class, () -> new ParquetTokenDocuments(folder));
    }

    @Test
    void aShardPathWithAWildcardIsRefusedInsteadOfReadingItsSiblings(@TempDir Path folder) throws Exception {
        Path wild = Files.createDirectories(folder.resolve("data*"));
        shard(wild, "a.parquet", "tokens", 0, 2, 4);
        shard(Files.createDirectories(folder.resolve("data-extra")), "a.parquet", "tokens", 100, 3, 4);

        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> new ParquetTokenDocuments(wild));

        assertTrue(e.getMessage().contains("wildcard"), e.getMessage());
    }

    @Test
    void duckDbCannotReadFilesOtherThanTheShards(@TempDir Path folder) throws Exception {
        Path shard = shard(folder, "a.parquet", "tokens", 0, 2, 4);
        Path other = shard(folder, "other.parquet", "tokens", 0, 2, 4);

        try (Connection connection = ParquetTokenDocuments.connect(List.of(shard));
             Statement sql = connection.createStatement()) {
            sql.executeQuery("SELECT count(*) FROM read_parquet('" + shard + "')").close();
            assertThrows(SQLException.class,
                    () -> sql.executeQuery("SELECT count(*) FROM read_parquet('" + other + "')"));
            assertThrows(SQLException.class, () -> sql.execute("SET enable_external_access = true"));
            assertThrows(SQLException.class, () -> sql.execute("INSTALL httpfs"));
        }
    }
}
