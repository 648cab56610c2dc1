package com.secondheart.gateway.command.service;

import com.secondheart.gateway.support.DatabaseCalls;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Runs the command sweep on a schedule; every replica may run it, its updates are conditional and idempotent. */
@ApplicationScoped
public class CommandSweeper {

    private final DatabaseCalls database;

    private static final Logger LOG = Logger.getLogger(CommandSweeper.class);

    private final CommandService commands;

    CommandSweeper(DatabaseCalls database, CommandService commands) {
        this.database = database;
        this.commands = commands;
    }

    @Scheduled(every = "${sh.gateway.commands.sweep-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            var result = database.await("commands.sweep", commands::sweep);
            if (result.expired() + result.timedOut() + result.resent() > 0) {
                LOG.infof("Command sweep: %d expired, %d timed out, %d re-sent", result.expired(), result.timedOut(),
                        result.resent());
            }
        } catch (RuntimeException e) {
            LOG.warnf("Command sweep failed: %s", e.getMessage());
        }
    }
}
