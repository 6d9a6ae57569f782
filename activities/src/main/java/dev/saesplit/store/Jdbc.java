package dev.saesplit.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The JDBC helpers the store and tracking delivery share: work in one transaction, and the one-statement
 * queries and updates with positional values.
 */
public final class Jdbc {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Work on a connection whose transaction {@link #inTransaction} manages. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns, rolled back when it throws, and gives its
     * result; a database failure becomes {@link DatabaseUnavailableException} saying {@code what}.
     */
    public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row {@code sql} selects, or null when it selects none. */
    public static String queryString(DataSource database, String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            bind(select, values);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Runs one update on its own connection. */
    public static void update(DataSource database, String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection()) {
            update(c, sql, values);
        }
    }

    /** Runs one update on {@code connection} (inside its transaction, if any) and gives the rows it changed. */
    public static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            return statement.executeUpdate();
        }
    }

    /** A JSON column's text, parsed. */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the database holds malformed JSON: " + text, e);
        }
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }
}
