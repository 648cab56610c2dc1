-- Journal receipts (docs/architecture.md, step 6): per unit, the contiguous frontier of its settled events.

-- through_seq: the highest N such that every event 1..N of the unit is settled: journaled, refused for its content
-- (unit_event_refused), or given up by the unit itself (a birth's unconfirmedFrom). Only ever grows; two replicas
-- may both write it (greatest wins). through_boot_seq: the boot that numbered event through_seq.
-- highest_seq: the highest sequence number the unit is known to have handed out (journaled, or a birth's lastSeq);
-- gap_since: since when highest_seq > through_seq, i.e. an event is missing (EVENTS_MISSING once it lasts).
CREATE TABLE unit_journal_frontier (
    unit_id          varchar(64) PRIMARY KEY,
    through_seq      bigint      NOT NULL,
    through_boot_seq bigint      NOT NULL,
    highest_seq      bigint      NOT NULL,
    gap_since        timestamptz,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX unit_journal_frontier_gap_idx ON unit_journal_frontier (gap_since) WHERE gap_since IS NOT NULL;

-- What came before receipts is history: each unit's frontier starts at its highest journaled event, so gaps left
-- by the time when units deleted on PUBACK do not hold its receipts back for ever.
INSERT INTO unit_journal_frontier (unit_id, through_seq, through_boot_seq, highest_seq, updated_at)
SELECT unit_id, max(seq), max(boot_seq), max(seq), now() FROM unit_event GROUP BY unit_id;

-- Events the gateway acknowledged without journaling because their content was refused (SQLSTATE classes 22 and
-- 23, or a payload that failed validation but named its unit and sequence number): settled for the receipts, so a
-- unit does not re-send them for ever; counted in sh_gateway_messages_rejected_total.
CREATE TABLE unit_event_refused (
    unit_id    varchar(64)  NOT NULL,
    seq        bigint       NOT NULL,
    boot_seq   bigint       NOT NULL,
    reason     varchar(32)  NOT NULL,
    refused_at timestamptz  NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
