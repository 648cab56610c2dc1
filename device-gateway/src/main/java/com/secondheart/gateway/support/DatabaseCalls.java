package com.secondheart.gateway.support;

import com.secondheart.gateway.config.GatewayConfig;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Every blocking database call of the gateway (ingest lanes, scheduled jobs) goes through here, with a timeout: a
 * hung PostgreSQL (SIGSTOP, a lock nobody releases, a half-open TCP connection) fails the call after
 * {@code sh.gateway.ingest.db-timeout} instead of holding the lane, and with it every unit on that lane, for ever. The
 * caller treats it as any other failure: nothing acknowledged, tried again. Each timeout is counted
 * ({@code sh_gateway_db_timeouts_total{path}}); a streak is logged once when it starts and once when the database
 * answers again.
 *
 * <p>The work itself is not cancelled: it runs to its end on its Vert.x context (the database answers late or the
 * server's {@code statement_timeout} ends it) so that its session closes and its connection returns to the pool;
 * cancelling a Hibernate Reactive session half-way could leave the connection checked out.
 */
@ApplicationScoped
public class DatabaseCalls {

    private static final Logger LOG = Logger.getLogger(DatabaseCalls.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final AtomicBoolean timingOut = new AtomicBoolean();
    private volatile Instant lastAnswer = Instant.EPOCH;

    private final Clock clock;

    public DatabaseCalls(GatewayConfig config, GatewayMetrics metrics, Clock clock) {
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
    }

    /** Thrown when the database did not answer in time; not a content refusal, so callers retry. */
    public static final class DatabaseTimeout extends RuntimeException {
        public DatabaseTimeout(String path, Duration timeout) {
            super("the database did not answer within " + timeout + " (" + path + ")");
        }
    }

    /** Runs reactive work from a plain thread and waits for it at most {@code sh.gateway.ingest.db-timeout}. */
    public <T> T await(String path, Supplier<Uni<T>> work) {
        return await(path, config.ingest().dbTimeout(), work);
    }

    public <T> T await(String path, Duration timeout, Supplier<Uni<T>> work) {
        var result = new CompletableFuture<T>();
        // Subscribed on a new duplicated Vert.x context, as Hibernate Reactive requires (a Uni with a null item
        // becomes an empty Multi: completion without an item).
        VertxContextSupport.<T>subscribe(() -> work.get().toMulti(), subscribe -> subscribe.with(result::complete,
                result::completeExceptionally, () -> result.complete(null)));
        try {
            var value = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            answered();
            return value;
        } catch (TimeoutException e) {
            timedOut(path, timeout);
            throw new DatabaseTimeout(path, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database (" + path + ")", e);
        } catch (ExecutionException e) {
            // a failure is an answer too (the database is reachable or refused the connection at once)
            var cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Records a call that answered (the journal's committer reports its commits here too). */
    public void answered() {
        lastAnswer = clock.instant();
        if (timingOut.compareAndSet(true, false)) {
            LOG.info("The database answers again");
        }
    }

    /** Records a call that timed out: counted, and logged once per streak. */
    public void timedOut(String path, Duration timeout) {
        metrics.dbTimeout(path);
        if (timingOut.compareAndSet(false, true)) {
            LOG.warnf("The database did not answer within %s (%s); what waited on it fails and is tried again (a "
                    + "message stays unacknowledged); further timeouts are counted in sh_gateway_db_timeouts_total "
                    + "until it answers", timeout, path);
        }
    }

    /** When a database call last succeeded; the redelivery watchdog forces a reconnect only while it answers. */
    public Instant lastAnswer() {
        return lastAnswer;
    }
}
