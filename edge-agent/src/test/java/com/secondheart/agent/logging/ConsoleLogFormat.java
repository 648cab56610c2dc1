package com.secondheart.agent.logging;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;

/** Formats a record the way the running application's console handler would write it. */
final class ConsoleLogFormat {

    private ConsoleLogFormat() {
    }

    static String format(String message) {
        var consoles = new ArrayList<ConsoleHandler>();
        for (var handler : LogContext.getLogContext().getLogger("").getHandlers()) {
            collectConsoles(handler, consoles);
        }
        if (consoles.isEmpty()) {
            throw new AssertionError("no console handler under the root logger");
        }
        var record = new ExtLogRecord(Level.INFO, message, ConsoleLogFormat.class.getName());
        record.setLoggerName("com.secondheart.agent.logging");
        return consoles.get(0).getFormatter().format(record);
    }

    // Quarkus wraps its handlers (delayed start, async); the console handler sits somewhere below the root.
    private static void collectConsoles(Handler handler, List<ConsoleHandler> out) {
        if (handler instanceof ConsoleHandler console) {
            out.add(console);
        }
        if (handler instanceof ExtHandler ext) {
            for (var child : ext.getHandlers()) {
                collectConsoles(child, out);
            }
        }
    }
}
