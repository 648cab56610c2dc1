package com.secondheart.booking.messaging;

import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the outbox and the outcomes straight from the test's PostgreSQL, to check what was planned and when. */
final class Outbox {

    record Row(String messageId, String kind, String channel, String status, Instant dueAt, String body, int attempts, String providerId) {
    }

    private Outbox() {
    }

    static List<Row> ofClient(String clientId) {
        return query("""
                select message_id, kind, channel, status, due_at, body, attempts, provider_id from outbox_messages
                 where client_id = cast(? as uuid) order by due_at, seq
                """, clientId);
    }

    /** When the dispatcher will next try a message. */
    static Instant nextAttemptAt(String messageId) {
        try (var connection = connect();
             var statement = connection.prepareStatement("select next_attempt_at from outbox_messages where message_id = cast(? as uuid)")) {
            statement.setString(1, messageId);
            try (var result = statement.executeQuery()) {
                return result.next() ? result.getTimestamp(1).toInstant() : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Integer legsFeel(String bookingId) {
        try (var connection = connect();
             var statement = connection.prepareStatement("select legs_feel from client_reported_outcomes where booking_id = cast(? as uuid)")) {
            statement.setString(1, bookingId);
            try (var result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Row> query(String sql, String parameter) {
        try (var connection = connect(); var statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            var rows = new ArrayList<Row>();
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getString(1), result.getString(2), result.getString(3), result.getString(4),
                            result.getTimestamp(5).toInstant(), result.getString(6), result.getInt(7), result.getString(8)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        var url = "jdbc:postgresql://" + config.getValue("sh.db.host", String.class) + ":"
                + config.getValue("sh.db.port", String.class) + "/" + config.getValue("sh.db.name", String.class);
        return DriverManager.getConnection(url, config.getValue("sh.db.user", String.class),
                config.getOptionalValue("sh.db.password", String.class).orElse(""));
    }
}
