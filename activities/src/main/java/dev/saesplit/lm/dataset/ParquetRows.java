package dev.saesplit.lm.dataset;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.NoSuchElementException;

/** The rows of {@link ParquetTokenDocuments}' shards from a position on, one streamed query per shard. */
final class ParquetRows implements DocumentSegments {

    private final ParquetTokenDocuments source;
    private final Connection connection;
    private long document;
    private long firstOffset;
    private int shard;
    private PreparedStatement query;
    private ResultSet rows;
    private DocumentSegment pending;

    ParquetRows(ParquetTokenDocuments source, DocumentPosition from) {
        this.source = source;
        this.document = from.document();
        this.firstOffset = from.offset();
        this.shard = source.shardOf(from.document());
        try {
            this.connection = ParquetTokenDocuments.connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB", e);
        }
    }

    @Override
    public boolean hasNext() {
        try {
            while (pending == null) {
                if (rows == null && !openShard()) {
                    return false;
                }
                if (!rows.next()) {
                    closeQuery();
                    shard++;
                    continue;
                }
                int[] tokens = tokensOf(rows.getArray(1));
                long offset = firstOffset;
                firstOffset = 0;
                if (offset < tokens.length) {
                    int[] part = offset == 0 ? tokens : Arrays.copyOfRange(tokens, (int) offset,
                            tokens.length);
                    pending = new DocumentSegment(document, offset, part);
                }
                document++;
            }
            return true;
        } catch (SQLException e) {
            throw new DocumentFormatException(source.describe(document), "cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public DocumentSegment next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        DocumentSegment segment = pending;
        pending = null;
        return segment;
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
        if (shard >= source.shards().size() || document >= source.documentCount().orElseThrow()) {
            return false;
        }
        query = connection.prepareStatement(source.selectFrom(document - source.firstRowOf(shard)));
        query.setString(1, source.shards().get(shard).toString());
        query.setFetchSize(ParquetTokenDocuments.FETCH_ROWS);
        rows = query.executeQuery();
        return true;
    }

    private int[] tokensOf(Array array) throws SQLException {
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
