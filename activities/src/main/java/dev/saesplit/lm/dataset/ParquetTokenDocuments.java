package dev.saesplit.lm.dataset;

import org.duckdb.DuckDBDriver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;

/**
 * Parquet shards of a pre-tokenized Hugging Face dataset (such as {@code NeelNanda/c4-code-tokenized-2b}): each row
 * of a {@code list<int>} column ({@code tokens} by default) is one context. A single shard or a folder of them in
 * sorted order. Read with an in-memory DuckDB whose results stream, so memory stays bounded by the fetch size
 * whatever the shard size; shard row counts come from parquet metadata, so resuming skips whole shards unread.
 */
public final class ParquetTokenDocuments implements TokenDocuments {

    public static final String DEFAULT_COLUMN = "tokens";
    /** What DuckDB's file readers take as glob syntax in a path. */
    static final String GLOB_CHARACTERS = "*?[]{}";
    /** Rows fetched per round trip: a few MiB of tokens at a context of 1024. */
    static final int FETCH_ROWS = 256;

    private final SourceFiles shards;
    private final String column;
    /** starts[i] is the global index of shard i's first row; starts[shards] is the total. */
    private final long[] starts;
    private String identity;

    public ParquetTokenDocuments(Path fileOrFolder, String column) {
        this.shards = SourceFiles.find(fileOrFolder, Set.of(".parquet"));
        this.column = column;
        this.starts = new long[shards.files().size() + 1];
        for (Path shard : shards.files()) {
            if (shard.toString().chars().anyMatch(c -> GLOB_CHARACTERS.indexOf(c) >= 0)) {
                throw new DocumentFormatException(shard, "its path holds one of " + GLOB_CHARACTERS + ", which DuckDB "
                        + "expands as a wildcard, reading other files; rename the file or its folder");
            }
        }
        try (Connection connection = connect(shards.files())) {
            for (int i = 0; i < shards.files().size(); i++) {
                Path shard = shards.files().get(i);
                requireTokenColumn(connection, shard);
                starts[i + 1] = starts[i] + rowCount(connection, shard);
            }
        } catch (SQLException e) {
            throw new DocumentFormatException(fileOrFolder, "cannot be read as parquet: " + e.getMessage(), e);
        }
    }

    public ParquetTokenDocuments(Path fileOrFolder) {
        this(fileOrFolder, DEFAULT_COLUMN);
    }

    @Override
    public DocumentSegments read(DocumentPosition from) {
        return new WholeDocumentSegments(new ParquetRows(this, from.document()), from);
    }

    @Override
    public boolean pretokenizedContexts() {
        return true;
    }

    @Override
    public OptionalLong documentCount() {
        return OptionalLong.of(starts[starts.length - 1]);
    }

    @Override
    public String describe(long document) {
        int shard = shardOf(document);
        return shards.files().get(shard) + " row " + (document - starts[shard]);
    }

    @Override
    public synchronized String identity() {
        if (identity == null) {
            identity = shards.identity("parquet column=" + column);
        }
        return identity;
    }

    List<Path> shards() {
        return shards.files();
    }

    long firstRowOf(int shard) {
        return starts[shard];
    }

    int shardOf(long document) {
        int shard = 0;
        while (shard + 1 < starts.length - 1 && starts[shard + 1] <= document) {
            shard++;
        }
        return shard;
    }

    String selectFrom(long firstRow) {
        return "SELECT " + quoted(column) + " FROM read_parquet(?, file_row_number = true)"
                + (firstRow > 0 ? " WHERE file_row_number >= " + firstRow : "");
    }

    /**
     * An in-memory DuckDB that can read {@code shards} and nothing else: no other file, no network, no extension
     * installed or loaded on its own, and the settings locked so no query can loosen them.
     */
    static Connection connect(List<Path> shards) throws SQLException {
        Properties properties = new Properties();
        // Without this the driver materialises the whole result before returning the first row.
        properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SET autoinstall_known_extensions = false");
            sql.execute("SET autoload_known_extensions = false");
            sql.execute("SET allowed_paths = [" + String.join(", ", shards.stream()
                    .map(shard -> "'" + shard.toAbsolutePath().toString().replace("'", "''") + "'").toList()) + "]");
            sql.execute("SET enable_external_access = false");
            sql.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void requireTokenColumn(Connection connection, Path shard) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT * FROM read_parquet(?) LIMIT 0")) {
            query.setString(1, shard.toAbsolutePath().toString());
            try (ResultSet rows = query.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    columns.add(meta.getColumnName(c));
                    if (meta.getColumnName(c).equals(column)) {
                        requireIntegerList(shard, meta.getColumnTypeName(c));
                        return;
                    }
                }
                throw new DocumentFormatException(shard, "has no column '" + column + "'; its columns are "
                        + columns);
            }
        }
    }

    private void requireIntegerList(Path shard, String type) {
        Set<String> integerLists = Set.of("INTEGER[]", "BIGINT[]", "SMALLINT[]", "USMALLINT[]", "UINTEGER[]",
                "UBIGINT[]", "TINYINT[]", "UTINYINT[]", "HUGEINT[]");
        if (!integerLists.contains(type)) {
            throw new DocumentFormatException(shard, "column '" + column + "' is " + type
                    + ", not a list of integer token ids");
        }
    }

    /** The shard's rows, after checking that DuckDB read that one file and no other. */
    private static long rowCount(Connection connection, Path shard) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*), count(DISTINCT filename), "
                + "min(filename) FROM read_parquet(?, filename = true)")) {
            query.setString(1, shard.toAbsolutePath().toString());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                long count = rows.getLong(1);
                String read = rows.getString(3);
                if (count > 0 && (rows.getLong(2) != 1 || !shard.toAbsolutePath().toString().equals(read))) {
                    throw new DocumentFormatException(shard, "was read by DuckDB as " + rows.getLong(2)
                            + " files; a shard is exactly one file");
                }
                return count;
            }
        }
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
