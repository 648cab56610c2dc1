package com.secondheart.gateway.presence.service;

import com.secondheart.gateway.presence.repository.PresenceEntity;
import com.secondheart.protocol.device.EventType;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.UnitState;

import java.time.Instant;

/**
 * How births, deaths and events move a unit's presence. Pure: it changes the row it is given and says what
 * happened, so the rules can be read (and tested) apart from MQTT and the database.
 *
 * <ul>
 *   <li>A birth (bootSeq b) older than the newest boot seen is stale. Otherwise the unit is ONLINE: a new boot ends
 *       any session or latched fault the gateway still showed. A repeated birth of the current boot while the unit
 *       is already shown online changes nothing.</li>
 *   <li>A death (the MQTT Will) whose bootSeq is older than the newest birth's is stale and ignored: it belongs to a
 *       connection the unit already replaced. So is a death of the current boot whose connection number is older
 *       than the newest connection seen (a Will the broker published after the unit's own reconnect took the
 *       connection over, so after the new connection's birth). Otherwise the unit is OFFLINE. A birth of an older
 *       connection than the newest seen is stale too. Units that do not number connections are judged by boot
 *       alone.</li>
 *   <li>An event moves the state only when its sequence number is newer than the last one applied (a replayed
 *       outbox cannot roll the state back), its boot is not older than the newest boot, and it does not come from a
 *       boot already declared dead. session.started and session.phase give IN_SESSION, session.completed and
 *       session.aborted ONLINE, fault.raised FAULTED, fault.cleared ONLINE.</li>
 * </ul>
 */
public final class PresenceRules {

    public enum Outcome {
        /** The state or boot changed: publish the new presence. */
        CHANGED,
        /** Nothing a subscriber would see changed. */
        UNCHANGED,
        /** The message belongs to an older boot than the newest one seen; ignored. */
        STALE
    }

    private PresenceRules() {
    }

    public static Outcome birth(PresenceEntity presence, long bootSeq, Instant at) {
        return birth(presence, bootSeq, null, at);
    }

    public static Outcome birth(PresenceEntity presence, long bootSeq, Long connection, Instant at) {
        if (bootSeq < presence.bootSeq || olderConnection(presence, bootSeq, connection)) {
            return Outcome.STALE;
        }
        noteConnection(presence, bootSeq, connection);
        if (bootSeq == presence.bootSeq && presence.state != UnitState.OFFLINE) {
            return Outcome.UNCHANGED;
        }
        presence.bootSeq = bootSeq;
        moveTo(presence, UnitState.ONLINE, at);
        return Outcome.CHANGED;
    }

    public static Outcome death(PresenceEntity presence, long bootSeq, Instant at) {
        return death(presence, bootSeq, null, at);
    }

    public static Outcome death(PresenceEntity presence, long bootSeq, Long connection, Instant at) {
        if (bootSeq < presence.bootSeq || olderConnection(presence, bootSeq, connection)) {
            return Outcome.STALE;
        }
        noteConnection(presence, bootSeq, connection);
        var changed = bootSeq != presence.bootSeq || presence.state != UnitState.OFFLINE;
        presence.bootSeq = bootSeq;
        if (presence.state != UnitState.OFFLINE) {
            moveTo(presence, UnitState.OFFLINE, at);
        }
        return changed ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    public static Outcome event(PresenceEntity presence, UnitEvent event, Instant at) {
        if (event.bootSeq() < presence.bootSeq) {
            return Outcome.STALE;
        }
        if (event.seq() <= presence.lastEventSeq) {
            return Outcome.UNCHANGED;
        }
        presence.lastEventSeq = event.seq();
        if (presence.state == UnitState.OFFLINE && event.bootSeq() == presence.bootSeq) {
            // The boot this event belongs to was declared dead; only a birth brings the unit back.
            return Outcome.UNCHANGED;
        }
        var bootChanged = event.bootSeq() > presence.bootSeq;
        if (bootChanged) {
            // a new boot numbers its connections from 1 again: the old boot's number would make its birth and Will
            // of connection 1 look like those of an older connection (stale), and its death would never be applied
            presence.connectionSeq = null;
        }
        presence.bootSeq = event.bootSeq();
        var target = targetOf(event.type(), presence.state);
        var stateChanged = target != presence.state;
        if (stateChanged) {
            moveTo(presence, target, at);
        }
        return stateChanged || bootChanged ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    private static UnitState targetOf(EventType type, UnitState current) {
        return switch (type) {
            case SESSION_STARTED -> UnitState.IN_SESSION;
            case SESSION_PHASE -> current == UnitState.FAULTED ? UnitState.FAULTED : UnitState.IN_SESSION;
            case SESSION_COMPLETED, SESSION_ABORTED -> current == UnitState.FAULTED ? UnitState.FAULTED : UnitState.ONLINE;
            case FAULT_RAISED -> UnitState.FAULTED;
            case FAULT_CLEARED -> UnitState.ONLINE;
        };
    }

    /** A status of the current boot from a connection older than the newest one seen (both numbered). */
    private static boolean olderConnection(PresenceEntity presence, long bootSeq, Long connection) {
        return bootSeq == presence.bootSeq && connection != null && presence.connectionSeq != null
                && connection < presence.connectionSeq;
    }

    /** Remembers the newest connection of the boot; a new boot starts over (null when the unit does not number them). */
    private static void noteConnection(PresenceEntity presence, long bootSeq, Long connection) {
        if (bootSeq > presence.bootSeq) {
            presence.connectionSeq = connection;
        } else if (connection != null && (presence.connectionSeq == null || connection > presence.connectionSeq)) {
            presence.connectionSeq = connection;
        }
    }

    private static void moveTo(PresenceEntity presence, UnitState state, Instant at) {
        presence.state = state;
        presence.stateSince = at;
    }
}
