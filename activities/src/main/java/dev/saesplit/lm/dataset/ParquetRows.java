package dev.saesplit.lm.dataset;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The rows of {@link ParquetTokenDocuments}' shards from a row on, one streamed query per shard. */
final class ParquetRows implements WholeDocumentSegments.WholeDocuments {

    private final ParquetTokenDocuments source;
    private final Connection connection;
    /** Global index of the row the next call returns. */
    private long row;
    private int shard;
    private PreparedStatement query;
    private ResultSet rows;

    ParquetRows(ParquetTokenDocuments source, long firstRow) {
        this.source = source;
        this.row = firstRow;
        this.shard = source.shardOf(firstRow);
        try {
            this.connection = ParquetTokenDocuments.connect(source.shards());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB", e);
        }
    }

    @Override
    public int[] next() {
        try {
            while (true) {
                if (rows == null && !openShard()) {
                    return null;
                }
                if (rows.next()) {
                    return tokensOf(rows.getArray(1), row++);
                }
                closeQuery();
                shard++;
            }
        } catch (SQLException e) {
            throw new DocumentFormatException(source.describe(row), "cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public String describeLast() {
        return source.describe(row - 1);
    }

    @Override
    public void close() {
        try (Connection ignored = connection) {
            closeQuery();
        } catch (SQLException e) {
            // Read-only in-memory database: a failed close loses nothing.
        }
    }

    private boolean openShard() throws SQLException {
        if (shard >= source.shards().size() || row >= source.documentCount().orElseThrow()) {
            return false;
        }
        query = connection.prepareStatement(source.selectFrom(row - source.firstRowOf(shard)));
        query.setString(1, source.shards().get(shard).toAbsolutePath().toString());
        query.setFetchSize(ParquetTokenDocuments.FETCH_ROWS);
        rows = query.executeQuery();
        return true;
    }

    private int[] tokensOf(Array array, long document) throws SQLException {
        if (array == null) {
            throw new DocumentFormatException(source.describe(document), "token list is null");
        }
        Object[] values = (Object[]) array.getArray();
        int[] tokens = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            long id = values[i] == null ? -1 : ((Number) values[i]).longValue();
            if (id < 0 || id > Integer.MAX_VALUE) {
                throw new DocumentFormatException(source.describe(document), "token " + i + " is " + values[i]
                        + ", not a token id");
            }
            tokens[i] = (int) id;
        }
        return tokens;
    }

    private void closeQuery() throws SQLException {
        if (rows != null) {
            rows.close();
            rows = null;
        }
        if (query != null) {
            query.close();
            query = null;
        }
    }
}
