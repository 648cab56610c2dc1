package com.secondheart.launcher;

import java.util.Map;

/** Says in words why a child process ended, from its exit value (128 + n means it was ended by signal n). */
final class ExitReason {

    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT",
            9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    /** What a JVM started with {@code -XX:+ExitOnOutOfMemoryError} exits with when it runs out of heap. */
    static final int OUT_OF_MEMORY = 3;

    private ExitReason() {
    }

    static String describe(int exitValue) {
        if (exitValue > 128 && exitValue < 160) {
            var signal = exitValue - 128;
            var name = SIGNALS.get(signal);
            return "was killed by signal " + signal + (name == null ? "" : " (" + name + ")");
        }
        if (exitValue == OUT_OF_MEMORY) {
            return "exited with code 3 (out of memory: the JVM ends itself when its heap is full)";
        }
        return "exited with code " + exitValue;
    }
}
