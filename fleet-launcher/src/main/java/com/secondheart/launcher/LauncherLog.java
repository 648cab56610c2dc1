package com.secondheart.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One of the launcher's own log files ({@code <data dir>/logs/fleet-launcher.log}, {@code demo-desk.log}): one line per
 * event, INFO or WARN only. Nothing the launcher does on its own is an ERROR, and no stack trace is ever written:
 * an acceptance test reads every log the launcher writes and fails on either.
 */
final class LauncherLog {

    private final String source;
    private final Writer out;
    private final boolean echo;

    private LauncherLog(String source, Writer out, boolean echo) {
        this.source = source;
        this.out = out;
        this.echo = echo;
    }

    /** Appends to {@code file}; with {@code echo} every line is also printed on the launcher's console. */
    static LauncherLog open(Path file, String source, boolean echo) {
        try {
            Files.createDirectories(file.getParent());
            return new LauncherLog(source, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), echo);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the launcher's log " + file, e);
        }
    }

    void info(String format, Object... args) {
        write("INFO", String.format(format, args));
    }

    void warn(String format, Object... args) {
        write("WARN", String.format(format, args));
    }

    private synchronized void write(String level, String message) {
        // one line per event, whatever the message holds (a reply body may span lines)
        var line = Instant.now() + " " + String.format("%-4s", level) + " [" + source + "] "
                + message.replace('\n', ' ').replace('\r', ' ');
        try {
            out.write(line);
            out.write(System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            // the log file is gone (data directory removed?): the console still gets the line below
        }
        if (echo) {
            System.out.println("  " + level + " " + message);
            System.out.flush();
        }
    }
}
