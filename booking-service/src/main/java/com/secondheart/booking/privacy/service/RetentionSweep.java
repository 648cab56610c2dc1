package com.secondheart.booking.privacy.service;

import com.secondheart.booking.audit.service.AuditTrail;
import com.secondheart.booking.config.BookingConfig;
import com.secondheart.booking.privacy.repository.PersonalDataRepository;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Applies each clinic's retention (docs/security.md, "Personal data"): every {@code sh.privacy.retention.sweep-every}
 * it erases clients registered before, and with no booking starting since, their clinic's retention months (the
 * clinic's own, else {@code sh.privacy.retention.default-months}), as {@code DELETE /clients/{id}} would, with an
 * audit row each; then asks telemetry to unlink the outcomes of erased clients it has not confirmed yet.
 * Safe with two replicas: the clients are chosen {@code FOR UPDATE SKIP LOCKED} in the erasing transaction, so
 * two sweeps never take the same client, and the erasure itself only acts on a client not erased yet.
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);
    /** The subject of the sweep's audit rows. */
    public static final String SUBJECT = "retention-sweep";

    private final PersonalDataRepository data;
    private final PersonalData personalData;
    private final AuditTrail audit;
    private final BookingConfig config;
    private final FreshContext freshContext;
    private final Clock clock;

    public RetentionSweep(PersonalDataRepository data, PersonalData personalData, AuditTrail audit, BookingConfig config,
                          FreshContext freshContext, Clock clock) {
        this.data = data;
        this.personalData = personalData;
        this.audit = audit;
        this.config = config;
        this.freshContext = freshContext;
        this.clock = clock;
    }

    @Scheduled(identity = "booking-retention-sweep", every = "${sh.privacy.retention.sweep-every:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onSchedule() {
        return sweep(clock.instant()).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("the retention sweep failed (%s); it runs again later", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /** Erases the clients past retention as of {@code now} (one batch); how many this call erased. */
    public Uni<Integer> sweep(Instant now) {
        var retention = config.privacy().retention();
        return freshContext.run(() -> Panache.withTransaction(() -> data.dueForErasure(now, retention.defaultMonths(), retention.batch())
                        .chain(due -> Multi.createFrom().iterable(due)
                                .onItem().transformToUniAndConcatenate(client -> data.erase(client.clientId(), now)
                                        .chain(() -> audit.recordHere(SUBJECT, AuditTrail.SYSTEM_ROLE, "CLIENT_ERASE_RETENTION",
                                                client.clientId(), client.clinicId(), "booking-service")))
                                .collect().asList().map(done -> due.size()))))
                .invoke(erased -> {
                    if (erased > 0) {
                        LOG.infof("retention: %d client(s) erased", erased);
                    }
                })
                .call(() -> unlinkPending());
    }

    /** Asks telemetry to unlink the outcomes of erased clients it has not confirmed yet (one batch). */
    Uni<Void> unlinkPending() {
        return freshContext.run(() -> Panache.withSession(() -> data.erasedNotUnlinked(config.privacy().retention().batch()))
                .chain(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(personalData::unlinkOutcomes)
                        .collect().asList().replaceWithVoid()));
    }
}
