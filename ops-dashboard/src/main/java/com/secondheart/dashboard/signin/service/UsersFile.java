package com.secondheart.dashboard.signin.service;

import com.secondheart.credentials.PasswordHash;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The demo users file ({@code sh.dashboard.sign-in.users-file}), one user per line:
 * {@code username:role:clinicIds-comma-separated-or-empty:PBKDF2$sha512$<iterations>$<salt>$<hash>}; blank lines and
 * lines starting with {@code #} are ignored. A line that cannot be read is skipped with a warning naming its line
 * number (never its content, which holds a hash). The file is read again when it changes.
 */
public final class UsersFile {

    private static final Logger LOG = Logger.getLogger(UsersFile.class);

    private final Path path;
    private final Set<String> knownRoles;
    private FileTime readAt;
    private Map<String, DemoUser> users = Map.of();

    public UsersFile(Path path, Set<String> knownRoles) {
        this.path = path;
        this.knownRoles = knownRoles;
    }

    public Path path() {
        return path;
    }

    /** The user, read from the file as it is now. */
    public synchronized Optional<DemoUser> find(String username) {
        refresh();
        return Optional.ofNullable(users.get(username));
    }

    /** The most iterations any user's hash uses: what checking an unknown name should cost. */
    public synchronized int typicalIterations() {
        refresh();
        return users.values().stream().mapToInt(user -> user.password().iterations()).max().orElse(210_000);
    }

    public synchronized int size() {
        refresh();
        return users.size();
    }

    private void refresh() {
        try {
            var modified = Files.getLastModifiedTime(path);
            if (modified.equals(readAt)) {
                return;
            }
            users = parse(Files.readAllLines(path, StandardCharsets.UTF_8));
            readAt = modified;
            LOG.infof("Sign-in: %d user(s) read from %s", users.size(), path);
        } catch (IOException e) {
            if (readAt != null || users.isEmpty()) {
                LOG.warnf("Sign-in: the users file %s cannot be read (%s); nobody can sign in with a password",
                        path, e.getMessage());
            }
            users = Map.of();
            readAt = null;
        }
    }

    Map<String, DemoUser> parse(List<String> lines) {
        var parsed = new LinkedHashMap<String, DemoUser>();
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            var fields = line.split(":", 4);
            var lineNumber = i + 1;
            if (fields.length != 4 || fields[0].isBlank()) {
                LOG.warnf("Sign-in: line %d of %s is not username:role:clinics:hash; skipped", lineNumber, path);
                continue;
            }
            var role = fields[1].strip();
            if (!knownRoles.contains(role)) {
                LOG.warnf("Sign-in: line %d of %s names role '%s', which the dashboard does not know; skipped",
                        lineNumber, path, role);
                continue;
            }
            var hash = PasswordHash.parse(fields[3]);
            if (hash.isEmpty()) {
                LOG.warnf("Sign-in: line %d of %s has no PBKDF2$sha512 hash; skipped", lineNumber, path);
                continue;
            }
            var clinics = Arrays.stream(fields[2].split(",")).map(String::strip).filter(id -> !id.isEmpty()).toList();
            parsed.put(fields[0].strip(), new DemoUser(fields[0].strip(), role, clinics, hash.get()));
        }
        return Map.copyOf(parsed);
    }
}
