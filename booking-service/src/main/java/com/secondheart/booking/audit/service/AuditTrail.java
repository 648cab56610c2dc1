package com.secondheart.booking.audit.service;

import com.secondheart.booking.audit.repository.AuditRepository;
import com.secondheart.booking.audit.repository.AuditRepository.Entry;
import com.secondheart.fleetconsumer.service.FreshContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes and reads the audit trail. A row holds the pseudonymous client id and never a name or contact, so a
 * client's erasure leaves it as it is. Rows are written in a transaction of their own, after the audited call
 * succeeded and before its answer leaves (a failed write fails the answer).
 */
@ApplicationScoped
public class AuditTrail {

    /** The subject and role of rows the retention sweep writes. */
    public static final String SYSTEM_ROLE = "system";

    private final AuditRepository audit;
    private final FreshContext freshContext;
    private final Clock clock;

    public AuditTrail(AuditRepository audit, FreshContext freshContext, Clock clock) {
        this.audit = audit;
        this.freshContext = freshContext;
        this.clock = clock;
    }

    /** Appends one row in a transaction of its own, on a fresh context (safe from a response filter). */
    public Uni<Void> record(String subject, String role, String operation, UUID clientId, String clinicId, String source) {
        var at = clock.instant();
        return freshContext.run(() -> Panache.withTransaction(
                () -> audit.insert(at, subject, role, operation, clientId, clinicId, source)));
    }

    /** Appends one row inside the caller's transaction (the retention sweep's erasures). */
    public Uni<Void> recordHere(String subject, String role, String operation, UUID clientId, String clinicId,
                                String source) {
        return audit.insert(clock.instant(), subject, role, operation, clientId, clinicId, source);
    }

    @WithSession
    public Uni<List<Entry>> find(UUID clientId, Instant from, Instant to, int page, int size) {
        return audit.find(clientId, from, to, page, size);
    }
}
