package com.secondheart.gateway.ingest.service;

import com.secondheart.gateway.registry.service.UnitAdmission;
import com.secondheart.protocol.RejectReason;

/** What handling a message decided: acknowledged afterwards by the lane, or (deferred) by the group commit. */
public sealed interface Disposition {

    /** Accepted and committed; {@code afterAck} (hand-off publishing, command dispatch) runs after the PUBACK. */
    record Accepted(Runnable afterAck) implements Disposition {
    }

    /** Refused for its content or origin: counted, logged once per unit and reason, acknowledged so it won't loop. */
    record Rejected(RejectReason reason, String detail) implements Disposition {
    }

    /**
     * Handed to the journal's group commit, which acknowledges it after its batch commits (or rejects it): the lane
     * acknowledges nothing and goes on with its next message.
     */
    record Deferred() implements Disposition {
    }

    static Disposition deferred() {
        return new Deferred();
    }

    static Disposition accepted(Runnable afterAck) {
        return new Accepted(afterAck);
    }

    static Disposition rejected(RejectReason reason, String detail) {
        return new Rejected(reason, detail);
    }

    /** The registry refused the unit (unknown or decommissioned). */
    static Rejected refused(UnitAdmission.Refused refused) {
        return new Rejected(refused.reason(), refused.detail());
    }

    /** A payload naming another unit than the topic it arrived on. */
    static Rejected topicMismatch(String what, String payloadUnit, String topicUnit) {
        return new Rejected(RejectReason.TOPIC_MISMATCH,
                what + " names unit '" + payloadUnit + "' but arrived on the topic of unit '" + topicUnit + "'");
    }
}
