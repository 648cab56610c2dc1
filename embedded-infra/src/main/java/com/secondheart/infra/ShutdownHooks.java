package com.secondheart.infra;

final class ShutdownHooks {

    private ShutdownHooks() {
    }

    /** Removes {@code hook} unless the JVM is already shutting down (then the hook itself is what runs). */
    static void remove(Thread hook) {
        if (hook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run; close() is idempotent
        }
    }
}
