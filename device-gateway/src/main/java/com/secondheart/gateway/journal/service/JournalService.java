package com.secondheart.gateway.journal.service;

import com.secondheart.gateway.journal.repository.JournalRepository;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.SchemaVersion;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** The journal feed consumers catch up from: every accepted event once, in journal order. */
@ApplicationScoped
public class JournalService {

    private static final Logger LOG = Logger.getLogger(JournalService.class);

    /** Largest page of the feed. */
    public static final int MAX_LIMIT = 1000;

    private final JournalRepository journal;

    private final ProtocolCodec codec = ProtocolCodec.shared();

    JournalService(JournalRepository journal) {
        this.journal = journal;
    }

    @WithSession
    public Uni<List<FleetEvent>> after(long position, int limit) {
        if (position < 0) {
            throw ProblemException.badRequest("after must be 0 or a journal position, was " + position + ".");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", was " + limit + ".");
        }
        return journal.after(position, limit)
                .map(entries -> entries.stream().map(this::toFleetEvent).filter(Objects::nonNull).toList());
    }

    /** The FleetEvent of a journal row, exactly as it was (or would have been) handed on. */
    public FleetEvent toFleetEvent(JournalRepository.Entry entry) {
        var decoded = codec.decodeEvent(entry.payload().getBytes(StandardCharsets.UTF_8));
        if (!decoded.isValid()) {
            // Only validated events are journaled, so this means the codec changed incompatibly.
            LOG.errorf("Journal position %d no longer decodes: %s", entry.position(), decoded);
            return null;
        }
        return new FleetEvent(SchemaVersion.CURRENT, entry.clinicId(), entry.receiveTime(), entry.position(),
                decoded.message());
    }

    public static FleetEvent fleetEvent(JournalRepository.Entry entry, UnitEvent event) {
        return new FleetEvent(SchemaVersion.CURRENT, entry.clinicId(), entry.receiveTime(), entry.position(), event);
    }
}
