package com.secondheart.launcher;

import com.secondheart.credentials.PasswordHash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's people: one per role, with passwords made fresh at every start and printed once. Only PBKDF2 hashes
 * reach the file the dashboard's sign-in reads ({@code SH_DASHBOARD_SIGN_IN_USERS_FILE}).
 */
final class DemoUsers {

    record User(String username, String role, List<String> clinics, String password) {
    }

    private static final int ITERATIONS = 210_000;

    private DemoUsers() {
    }

    /** {@code ops}, one desk user per clinic given ({@code <clinic>.desk}, that clinic only), {@code fleet.admin}. */
    static List<User> create(String... staffClinics) {
        var users = new ArrayList<User>();
        users.add(new User("ops", "operations", List.of(), newPassword()));
        for (var clinic : staffClinics) {
            users.add(new User(clinic + ".desk", "clinic-staff", List.of(clinic), newPassword()));
        }
        users.add(new User("fleet.admin", "fleet-admin", List.of(), newPassword()));
        return List.copyOf(users);
    }

    /** {@code username:role:clinic,clinic:PBKDF2$sha512$iterations$salt$hash}, one line per user, owner-readable only. */
    static void write(List<User> users, Path file) throws IOException {
        var lines = new ArrayList<String>();
        lines.add("# Demo users of the one-command fleet, rewritten at every start. Format: username:role:clinics:hash");
        for (var user : users) {
            lines.add(user.username() + ":" + user.role() + ":" + String.join(",", user.clinics()) + ":" + hash(user.password()));
        }
        Files.write(file, lines);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static String newPassword() {
        return PasswordHash.randomSecret(12);
    }

    private static String hash(String password) {
        return PasswordHash.of(password, ITERATIONS).encoded();
    }
}
