package com.secondheart.dashboard.signin;

import com.secondheart.credentials.PasswordHash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A users file like the one the fleet launcher writes, with known passwords and few PBKDF2 iterations (so tests are
 * quick): {@code ops} (operations), {@code harbour.desk} (clinic-staff of clinic-harbour), {@code fleet.admin}.
 */
public final class TestUsers {

    public static final String OPS = "ops";
    public static final String HARBOUR_DESK = "harbour.desk";
    public static final String FLEET_ADMIN = "fleet.admin";
    public static final String PASSWORD_SUFFIX = "-correct-horse";

    private static final Path FILE = write();

    private TestUsers() {
    }

    public static String password(String username) {
        return username + PASSWORD_SUFFIX;
    }

    public static Path file() {
        return FILE;
    }

    private static Path write() {
        try {
            var file = Files.createTempFile("sh-dashboard-users-", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, String.join("\n",
                    "# Second Heart demo users: username:role:clinics:hash",
                    "",
                    line(OPS, "operations", ""),
                    line(HARBOUR_DESK, "clinic-staff", "clinic-harbour"),
                    line(FLEET_ADMIN, "fleet-admin", ""),
                    "broken line without fields",
                    line("robot", "service", ""),
                    ""));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(String username, String role, String clinics) {
        return username + ":" + role + ":" + clinics + ":" + PasswordHash.of(password(username), 1000).encoded();
    }
}
