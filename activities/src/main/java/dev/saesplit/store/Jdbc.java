package dev.saesplit.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Runs JDBC work in one transaction: committed when it returns, rolled back when it throws. */
final class Transactions {

    /** Work on a connection whose transaction {@link #run} manages. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    /** The work's result; a database failure becomes {@link DatabaseUnavailableException} saying {@code what}. */
    static <T> T run(DataSource dataSource, String what, Work<T> work) {
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
}
