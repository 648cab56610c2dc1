package com.secondheart.booking.bookings.service;

import com.secondheart.booking.config.BookingConfig;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Marks bookings nobody checked in for by their start plus {@code sh.booking.no-show-grace} as NO_SHOW, every
 * {@code sh.booking.no-show-sweep-every}. One conditional UPDATE: idempotent, and two replicas sweeping at once
 * mark each booking once (the second finds it no longer BOOKED). A checked-in client is never a no-show.
 */
@ApplicationScoped
public class NoShowSweep {

    private static final Logger LOG = Logger.getLogger(NoShowSweep.class);
    /** Session ends without a booking are kept this long in case their start arrives late. */
    private static final Duration KEEP_UNMATCHED_ENDS = Duration.ofDays(1);

    private final BookingWriter writer;
    private final BookingConfig config;
    private final FreshContext freshContext;
    private final java.time.Clock clock;

    public NoShowSweep(BookingWriter writer, BookingConfig config, FreshContext freshContext, java.time.Clock clock) {
        this.clock = clock;
        this.writer = writer;
        this.config = config;
        this.freshContext = freshContext;
    }

    @Scheduled(identity = "booking-no-show-sweep", every = "${sh.booking.no-show-sweep-every:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return freshContext.run(() -> sweep(clock.instant())).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("the no-show sweep failed (%s); it runs again shortly", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** Marks the no-shows as of {@code now}; how many were marked. */
    public Uni<Integer> sweep(Instant now) {
        return writer.markNoShows(now.minus(config.booking().noShowGrace()))
                .invoke(marked -> {
                    if (marked > 0) {
                        LOG.infof("%d booking(s) marked as no-show", marked);
                    }
                })
                .call(() -> writer.pruneUnmatchedEnds(now.minus(KEEP_UNMATCHED_ENDS)));
    }
}
