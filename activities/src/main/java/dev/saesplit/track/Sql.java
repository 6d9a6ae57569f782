package dev.saesplit.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The few one-statement JDBC calls tracking delivery makes. */
final class Sql {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sql() {
    }

    static String queryString(DataSource database, String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            bind(select, values);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void update(DataSource database, String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, values);
            statement.executeUpdate();
        }
    }

    static JsonNode json(String text) {
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
