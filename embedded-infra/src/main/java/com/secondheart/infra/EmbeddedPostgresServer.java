package com.secondheart.infra;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server from the zonky binaries (the major of the parent pom), listening on 127.0.0.1.
 *
 * <p>Two kinds: {@link #startSecured} (the one-command fleet) makes every connection, the loopback interface and the
 * Unix socket included, prove a password (SCRAM, pg_hba.conf written by this class), the superuser's too; the
 * throw-away servers of tests ({@link #start}, {@link #startTemporary}) keep zonky's trust authentication, superuser
 * {@value #SUPERUSER} without password, on a random port and a data directory deleted afterwards.
 *
 * <p>PostgreSQL refuses to run as root. How this class copes ({@link #processUser()}):
 * <ul>
 *   <li>not root: the binaries run as the current user;</li>
 *   <li>root and {@code unshare -U} works (any ordinary Debian machine or VM): zonky itself runs
 *       initdb/pg_ctl inside a fresh user namespace, where the process sees itself as uid 65534
 *       while the kernel still treats it (and its files) as root;</li>
 *   <li>root without user namespaces (e.g. a Docker container under the default seccomp profile):
 *       the binaries are started through small wrapper scripts that drop to uid/gid 65534
 *       ({@code nobody}, present on every Debian system) with {@code setpriv} (util-linux, essential
 *       on Debian), keeping only CAP_DAC_READ_SEARCH so a data directory under {@code /root} stays
 *       reachable; the data directory is chowned to 65534.</li>
 * </ul>
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    public static final String HOST = "127.0.0.1";

    /** Forces a root strategy ({@code unshare} or {@code setpriv}); for diagnosing only. */
    static final String ROOT_STRATEGY_PROPERTY = "secondheart.embedded-pg.root-strategy";

    private static final int NOBODY = 65534;
    /** Room for crash recovery after an unclean stop. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    /** First line of the pg_hba.conf {@link #startSecured} writes: how a start tells a secured data directory. */
    static final String SECURED_HBA_MARKER = "# Second Heart: secured by EmbeddedPostgresServer.startSecured";
    private static final String SECURED_HBA = SECURED_HBA_MARKER + "\n"
            + "# Every connection proves a password (SCRAM), the superuser's and connections over 127.0.0.1 included;\n"
            + "# a role may connect only to the databases it has CONNECT on (docs/security.md, \"Database roles\").\n"
            + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
            + "local   all       all                 scram-sha-256\n"
            + "host    all       all   127.0.0.1/32  scram-sha-256\n"
            + "host    all       all   ::1/128       scram-sha-256\n";
    private static final List<String> WRAPPED_BINARIES = List.of("initdb", "pg_ctl", "postgres");

    /** How the PostgreSQL processes are run. */
    public enum ProcessUser {
        /** The JVM does not run as root; PostgreSQL runs as the same user. */
        CURRENT_USER,
        /** Root, PostgreSQL runs in an unprivileged user namespace ({@code unshare -U}). */
        USER_NAMESPACE,
        /** Root, PostgreSQL runs as uid 65534 via {@code setpriv}. */
        NOBODY_VIA_SETPRIV
    }

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final boolean deleteDataDirectoryOnClose;
    private final ProcessUser processUser;
    private final PostgresAdmin admin;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, boolean deleteDataDirectoryOnClose,
                                   ProcessUser processUser, String superuserPassword) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.deleteDataDirectoryOnClose = deleteDataDirectoryOnClose;
        this.processUser = processUser;
        this.admin = new PostgresAdmin(HOST, postgres.getPort(), SUPERUSER, superuserPassword);
        this.shutdownHook = new Thread(this::close, "sh-embedded-pg-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts (initialising on first use) a server on {@code port} (0 = a free random port) whose data
     * lives in {@code dataDirectory}; the data survives {@link #close()}.
     */
    public static EmbeddedPostgresServer start(int port, Path dataDirectory) {
        return start(port, dataDirectory, false, null);
    }

    /**
     * Starts (initialising on first use) a server whose every connection needs a password (SCRAM in pg_hba.conf, for
     * 127.0.0.1 and the Unix socket alike), superuser {@value #SUPERUSER} with {@code superuserPassword}. The caller
     * keeps the password (the fleet launcher: {@code <fleet data dir>/postgres-access.properties}, 0600).
     *
     * <ul>
     *   <li>A new data directory is made by initdb with that password (from a 0600 file deleted after the start) and
     *       the secured pg_hba.conf is in place before the server first starts: no moment without a password.</li>
     *   <li>A data directory of an earlier, trusting start (zonky's {@code -A trust}) is upgraded in place: the
     *       superuser gets the password, pg_hba.conf is replaced and the server restarted on it; data is untouched.</li>
     *   <li>A secured data directory whose superuser password is not {@code superuserPassword} (the caller's copy was
     *       lost) is refused with a plain sentence: nothing is changed.</li>
     * </ul>
     */
    public static EmbeddedPostgresServer startSecured(int port, Path dataDirectory, String superuserPassword) {
        return startSecured(port, dataDirectory, superuserPassword, STARTUP_WAIT);
    }

    /**
     * As {@link #startSecured(int, Path, String)}, giving up after {@code startupWait}: a wrong superuser password is
     * only known once zonky has given up waiting for a query, so a test that checks that case waits less.
     */
    static EmbeddedPostgresServer startSecured(int port, Path dataDirectory, String superuserPassword, Duration startupWait) {
        if (superuserPassword == null || superuserPassword.isBlank()) {
            throw new IllegalArgumentException("a secured PostgreSQL needs a superuser password");
        }
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        EmbeddedPostgresServer server = start(port, dataDir, false, superuserPassword, startupWait);
        try {
            if (!isSecured(dataDir)) {
                // An earlier start's directory (trust for everyone): still trusting now, so the superuser may set its
                // password without one; then pg_hba.conf asks everyone for one, from a restart on (deterministic, unlike
                // waiting for a reload to be picked up).
                new PostgresAdmin(HOST, server.port(), SUPERUSER, "").setPassword(SUPERUSER, superuserPassword);
                server.close();
                writeSecuredHba(dataDir);
                server = start(port == 0 ? server.port() : port, dataDir, false, superuserPassword, startupWait);
            }
            server.admin.checkCanConnect();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static boolean refusedPassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "28P01".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code dataDir}'s pg_hba.conf is the one {@link #startSecured} writes. */
    static boolean isSecured(Path dataDir) {
        var hba = dataDir.resolve("pg_hba.conf");
        try {
            return Files.isRegularFile(hba) && Files.readString(hba, StandardCharsets.UTF_8).startsWith(SECURED_HBA_MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + hba, e);
        }
    }

    /**
     * Replaces the content of pg_hba.conf, keeping the file itself (its owner: uid 65534 when PostgreSQL runs through
     * setpriv, which must still read it).
     */
    private static void writeSecuredHba(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), SECURED_HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + dataDir.resolve("pg_hba.conf"), e);
        }
    }

    /** Starts a throw-away server on {@code port} (0 = random) whose data directory is deleted on {@link #close()}. */
    public static EmbeddedPostgresServer startTemporary(int port) {
        try {
            return start(port, Files.createTempDirectory("sh-embedded-pg-"), true, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary data directory for PostgreSQL", e);
        }
    }

    /** The PostgreSQL major version the embedded binaries run (from the build: pom.xml's binaries version). */
    public static String binariesMajor() {
        try (var in = EmbeddedPostgresServer.class.getResourceAsStream("embedded-postgres.properties")) {
            if (in == null) {
                throw new IllegalStateException("embedded-postgres.properties is missing from embedded-infra's jar");
            }
            var properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version").split("\\.")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A data directory made by another major version (a checkout from before the move to one major everywhere) cannot
     * be started by these binaries: it is moved aside, untouched, to {@code <dir>-pg<major>-<epoch second>}, and a
     * new one is made. Said on standard error, once, with where the old data went.
     */
    static Optional<Path> setAsideIfOfAnotherMajor(Path dataDir) throws IOException {
        var versionFile = dataDir.resolve("PG_VERSION");
        if (!Files.isRegularFile(versionFile)) {
            return Optional.empty();
        }
        var major = Files.readString(versionFile).trim();
        var ours = binariesMajor();
        if (major.equals(ours)) {
            return Optional.empty();
        }
        stopOrphanedPostmaster(dataDir);
        var aside = dataDir.resolveSibling(dataDir.getFileName() + "-pg" + major + "-" + java.time.Instant.now().getEpochSecond());
        Files.move(dataDir, aside);
        System.err.printf("The PostgreSQL data directory %s was made by PostgreSQL %s; this build runs PostgreSQL %s. "
                + "It was moved aside, untouched, to %s, and a new one is made.%n", dataDir, major, ours, aside);
        return Optional.of(aside);
    }

    /** {@code securedWith}: the superuser password of a secured server ({@link #startSecured}), null for trust. */
    private static EmbeddedPostgresServer start(int port, Path dataDirectory, boolean deleteOnClose, String securedWith) {
        return start(port, dataDirectory, deleteOnClose, securedWith, STARTUP_WAIT);
    }

    private static EmbeddedPostgresServer start(int port, Path dataDirectory, boolean deleteOnClose, String securedWith,
                                                Duration startupWait) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        Path passwordFile = null;
        try {
            setAsideIfOfAnotherMajor(dataDir);
            Files.createDirectories(dataDir);
            stopOrphanedPostmaster(dataDir);
            // zonky runs initdb when there is no postgresql.conf yet, as this check does
            boolean initialising = !Files.exists(dataDir.resolve("postgresql.conf"));
            ProcessUser user = processUser();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(startupWait)
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("max_connections", "300")
                    // zonky turns synchronous_commit off: a commit the gateway confirmed to a unit could then vanish
                    // in a crash, and with journal receipts the unit deletes the event on that confirmation. Durable
                    // like any deployed PostgreSQL: both on, set explicitly.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // not zonky's hook: it would race with close() deleting a temporary data directory
                    .setRegisterShutdownHook(false);
            if (securedWith != null) {
                // zonky's start waits until it can run a query as the superuser: with the password from now on
                builder.setConnectConfig("password", securedWith);
            }
            if (securedWith != null && initialising) {
                // zonky passes each "locale" setting to initdb as --key=value: the superuser's password comes from a
                // file (never a command line), and the secured pg_hba.conf replaces initdb's trusting one before the
                // server first starts.
                passwordFile = Files.createTempFile("sh-embedded-pg-superuser-", ".pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(passwordFile, securedWith + "\n", StandardCharsets.UTF_8);
                builder.setLocaleConfig("pwfile", passwordFile.toString());
                builder.setDataDirectoryCustomizer(dir -> writeSecuredHba(dir.toPath()));
            }
            switch (user) {
                case USER_NAMESPACE -> chownIfNeeded(dataDir, 0);
                case NOBODY_VIA_SETPRIV -> {
                    chownIfNeeded(dataDir, NOBODY);
                    builder.setOverrideWorkingDirectory(prepareSetprivBinaries());
                }
                case CURRENT_USER -> { }
            }
            EmbeddedPostgres started;
            try {
                started = builder.start();
            } catch (IOException e) {
                if (securedWith == null) {
                    throw e;
                }
                // zonky gave up waiting for its query and leaves the postmaster running: stop it
                stopOrphanedPostmaster(dataDir);
                if (refusedPassword(e)) {
                    throw new IllegalStateException("The PostgreSQL data directory " + dataDir + " refused the superuser"
                            + " password given for it (28P01): it was secured with another one, whose copy is lost. Restore"
                            + " the file that kept it, or move the data directory away to start on a new one.", e);
                }
                throw e;
            }
            return new EmbeddedPostgresServer(started, dataDir, deleteOnClose, user, securedWith);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        } finally {
            if (passwordFile != null) {
                FileTrees.deleteQuietly(passwordFile);
            }
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return postgres.getPort();
    }

    public String superuser() {
        return SUPERUSER;
    }

    /** The superuser's password: empty for a trusting test server, the one given to {@link #startSecured} otherwise. */
    public String superuserPassword() {
        return admin.password();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public ProcessUser runsAs() {
        return processUser;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}; connect as {@link #superuser()} or a role of your own. */
    public String jdbcUrl(String database) {
        return admin.jdbcUrl(database);
    }

    /** Database and role administration as the superuser. */
    public PostgresAdmin admin() {
        return admin;
    }

    /** Creates {@code name} unless it exists; returns true when it was created. */
    public boolean createDatabaseIfMissing(String name) {
        return admin.createDatabaseIfMissing(name);
    }

    /** Creates {@code name} owned by {@code owner} unless it exists; returns true when it was created. */
    public boolean createDatabaseIfMissing(String name, String owner) {
        return admin.createDatabaseIfMissing(name, owner);
    }

    /** Creates a login role, or resets its password if it exists. */
    public void createRole(String user, String password) {
        admin.createRole(user, password);
    }

    public void dropDatabaseIfExists(String name) {
        admin.dropDatabaseIfExists(name);
    }

    /**
     * Leaves stopping to the caller's {@link #close()}: no JVM shutdown hook of this server's own, which would stop it
     * at the same moment as everything else when the JVM ends. For the fleet launcher, which stops the services that
     * use this server first and this server after them, from its own hook.
     */
    public synchronized EmbeddedPostgresServer withoutShutdownHook() {
        ShutdownHooks.remove(shutdownHook);
        return this;
    }

    /**
     * Stops the server (fast shutdown) and waits until the postmaster has exited. Idempotent. Also
     * runs from a JVM shutdown hook if the server is still running then.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownHooks.remove(shutdownHook);
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop the embedded PostgreSQL in " + dataDirectory, e);
        } finally {
            if (deleteDataDirectoryOnClose) {
                FileTrees.deleteQuietly(dataDirectory);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[" + HOST + ":" + port() + ", data=" + dataDirectory + ", runsAs=" + processUser + "]";
    }

    // ---------------------------------------------------------------------------------------------

    static ProcessUser processUser() {
        if (!isRoot()) {
            return ProcessUser.CURRENT_USER;
        }
        String forced = System.getProperty(ROOT_STRATEGY_PROPERTY, "");
        if ("setpriv".equals(forced)) {
            return ProcessUser.NOBODY_VIA_SETPRIV;
        }
        if ("unshare".equals(forced) || LinuxUtils.isUnshareAvailable()) {
            // zonky prefixes every command with "unshare -U" by itself in this case
            return ProcessUser.USER_NAMESPACE;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv")) && !Files.isExecutable(Path.of("/bin/setpriv"))) {
            throw new IllegalStateException("PostgreSQL cannot run as root, user namespaces are unavailable"
                    + " (unshare -U failed) and setpriv (util-linux) is missing: run as a normal user"
                    + " or install util-linux");
        }
        return ProcessUser.NOBODY_VIA_SETPRIV;
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Extracts the binaries (with zonky's own, cached extraction) into a directory of their own and
     * replaces initdb, pg_ctl and postgres by scripts that drop root to uid 65534 before exec'ing the
     * real binary (renamed to *.real next to it, so PostgreSQL still finds lib/ and share/).
     */
    private static File prepareSetprivBinaries() throws IOException {
        File workDir = new File(System.getProperty("java.io.tmpdir"), "second-heart-embedded-pg-setpriv");
        Files.createDirectories(workDir.toPath());
        try (RandomAccessFile lockFile = new RandomAccessFile(new File(workDir, ".wrap-lock"), "rw");
             FileLock ignored = lockFile.getChannel().lock()) {
            File pgDir = zonkyPrepareBinaries(workDir);
            Path bin = pgDir.toPath().resolve("bin");
            boolean changed = false;
            for (String name : WRAPPED_BINARIES) {
                Path wrapper = bin.resolve(name);
                Path real = bin.resolve(name + ".real");
                if (!Files.exists(real)) {
                    Files.move(wrapper, real, StandardCopyOption.ATOMIC_MOVE);
                    changed = true;
                }
                String script = wrapperScript(name);
                if (!Files.exists(wrapper) || !script.equals(Files.readString(wrapper, StandardCharsets.UTF_8))) {
                    Files.writeString(wrapper, script, StandardCharsets.UTF_8);
                    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
                    changed = true;
                }
            }
            if (changed) {
                // zonky re-extracts when anything in the directory is newer than its ".exists" marker
                File marker = new File(pgDir, ".exists");
                if (!marker.setLastModified(System.currentTimeMillis() + 1000)) {
                    throw new IOException("Could not touch " + marker);
                }
            }
            return workDir;
        }
    }

    private static File zonkyPrepareBinaries(File workDir) throws IOException {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            return (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, workDir);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("This zonky embedded-postgres version has no prepareBinaries(PgBinaryResolver, File);"
                    + " the setpriv fallback for root needs it (written against 2.2.2)", e);
        } catch (InvocationTargetException e) {
            throw new IOException("Could not extract the PostgreSQL binaries into " + workDir, e.getCause());
        }
    }

    private static String wrapperScript(String name) {
        return "#!/bin/sh\n"
                + "# Written by com.secondheart.infra.EmbeddedPostgresServer: PostgreSQL refuses to run as root,\n"
                + "# so root drops to uid/gid 65534 (nobody) and keeps only the right to traverse directories.\n"
                + "real=\"$(dirname \"$0\")/" + name + ".real\"\n"
                + "if [ \"$(id -u)\" = 0 ]; then\n"
                + "  exec setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups"
                + " --inh-caps=+dac_read_search --ambient-caps=+dac_read_search -- \"$real\" \"$@\"\n"
                + "fi\n"
                + "exec \"$real\" \"$@\"\n";
    }

    private static void chownIfNeeded(Path dataDir, int uid) throws IOException {
        Object owner = Files.getAttribute(dataDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (Integer.valueOf(uid).equals(owner)) {
            return;
        }
        run(List.of("chown", "-R", uid + ":" + uid, dataDir.toString()));
    }

    /**
     * A JVM killed with SIGKILL cannot stop its postmaster; the next start on the same data directory
     * would then fail. Stop such a leftover (fast shutdown, then kill) before starting.
     */
    private static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable pid file: PostgreSQL itself will complain or overwrite it
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres") || c.endsWith("postgres.real")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = process.get();
        run(List.of("kill", "-INT", Long.toString(pid)));
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly();
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.get(0), e);
        }
    }
}
