package com.secondheart.gateway.command.repository;

import com.secondheart.gateway.command.CommandState;
import com.secondheart.protocol.fleet.UnitState;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class CommandRepository implements PanacheRepositoryBase<CommandEntity, UUID> {

    /**
     * Claims a PENDING, unexpired command for sending: only one caller wins, so a command is published once even
     * when a birth and a REST request race to send it.
     */
    public Uni<Boolean> claimForSending(UUID commandId, Instant now) {
        return update("state = :sent, sentAt = :now, updatedAt = :now "
                        + "where commandId = :id and state = :pending and expiresAt > :now",
                Parameters.with("sent", CommandState.SENT).and("now", now).and("id", commandId)
                        .and("pending", CommandState.PENDING))
                .map(count -> count == 1);
    }

    /** Gives a claimed command back when publishing it failed, so that it is tried again. */
    public Uni<Integer> releaseClaim(UUID commandId, Instant now) {
        return update("state = :pending, sentAt = null, updatedAt = :now where commandId = :id and state = :sent",
                Parameters.with("pending", CommandState.PENDING).and("now", now).and("id", commandId)
                        .and("sent", CommandState.SENT));
    }

    public Uni<List<CommandEntity>> pendingFor(String unitId, Instant now) {
        return list("unitId = ?1 and state = ?2 and expiresAt > ?3 order by createdAt", unitId, CommandState.PENDING, now);
    }

    /** PENDING commands of units that are online now: sends that a failure or a crash left behind. */
    public Uni<List<CommandEntity>> pendingForOnlineUnits(Instant now, Instant createdBefore, int limit) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select c from CommandEntity c, PresenceEntity p where p.unitId = c.unitId "
                                + "and c.state = :pending and c.expiresAt > :now and c.createdAt < :before "
                                + "and p.state <> :offline order by c.createdAt", CommandEntity.class)
                .setParameter("pending", CommandState.PENDING)
                .setParameter("now", now)
                .setParameter("before", createdBefore)
                .setParameter("offline", UnitState.OFFLINE)
                .setMaxResults(limit)
                .getResultList());
    }

    public Uni<Integer> expirePending(Instant now) {
        return update("state = :expired, reason = :reason, updatedAt = :now where state = :pending and expiresAt <= :now",
                Parameters.with("expired", CommandState.EXPIRED)
                        .and("reason", "the command expired before the unit came online")
                        .and("now", now).and("pending", CommandState.PENDING));
    }

    public Uni<Integer> timeOutSent(Instant now, Instant expiredBefore) {
        return update("state = :timedOut, reason = :reason, updatedAt = :now where state = :sent and expiresAt <= :before",
                Parameters.with("timedOut", CommandState.TIMED_OUT)
                        .and("reason", "the unit did not answer before the command expired")
                        .and("now", now).and("sent", CommandState.SENT).and("before", expiredBefore));
    }
}
