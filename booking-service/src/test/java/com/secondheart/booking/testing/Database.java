package com.secondheart.booking.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The service's PostgreSQL straight over JDBC, for what the API does not show and for arranging rows it cannot write. */
public final class Database {

    private Database() {
    }

    /** Rows of a query with positional parameters, each a column-name-to-value map. */
    public static List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (var connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            var rows = new ArrayList<Map<String, Object>>();
            try (var result = statement.executeQuery()) {
                var meta = result.getMetaData();
                while (result.next()) {
                    var row = new LinkedHashMap<String, Object>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        row.put(meta.getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... parameters) {
        return ((Number) rows(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    /** Runs one statement; the number of rows it changed. */
    public static int execute(String sql, Object... parameters) {
        try (var connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Every table of the service's schema that refers to a client, with the column that does: a foreign key to
     * {@code clients}, or a column named {@code client_id} (the test's own reading of the catalogue).
     */
    public static Map<String, String> tablesReferringToClients() {
        var tables = new LinkedHashMap<String, String>();
        for (var row : rows("""
                select cl.relname as table_name, a.attname as column_name
                  from pg_constraint con
                  join pg_class cl on cl.oid = con.conrelid
                  join pg_namespace n on n.oid = cl.relnamespace
                  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = any(con.conkey)
                 where con.contype = 'f' and con.confrelid = 'clients'::regclass and n.nspname = current_schema()
                union
                select table_name, column_name from information_schema.columns
                 where table_schema = current_schema() and column_name = 'client_id'
                   and table_name in (select table_name from information_schema.tables
                                       where table_schema = current_schema() and table_type = 'BASE TABLE')
                """)) {
            tables.put((String) row.get("table_name"), (String) row.get("column_name"));
        }
        return tables;
    }

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        var url = "jdbc:postgresql://" + config.getValue("sh.db.host", String.class) + ":"
                + config.getValue("sh.db.port", String.class) + "/" + config.getValue("sh.db.name", String.class);
        return DriverManager.getConnection(url, config.getValue("sh.db.user", String.class),
                config.getOptionalValue("sh.db.password", String.class).orElse(""));
    }
}
