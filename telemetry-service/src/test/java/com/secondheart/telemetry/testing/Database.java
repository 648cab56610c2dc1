package com.secondheart.telemetry.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.DriverManager;
import java.sql.SQLException;

/** Reads the service's database directly over JDBC, for what the API does not show (the journal cursor). */
public final class Database {

    private Database() {
    }

    public static long journalCursor() {
        return queryLong("select coalesce(max(position), 0) from consumer_cursor");
    }

    /** The first column of the first row of a query, as a long. */
    public static long queryLong(String sql) {
        try (var connection = connect();
             var statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String sql) {
        try (var connection = connect(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.sql.Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        var url = "jdbc:postgresql://" + config.getValue("sh.db.host", String.class) + ":"
                + config.getValue("sh.db.port", String.class) + "/" + config.getValue("sh.db.name", String.class);
        return DriverManager.getConnection(url, config.getValue("sh.db.user", String.class),
                config.getOptionalValue("sh.db.password", String.class).orElse(null));
    }
}
