-- Events kept aside instead of journaled (issue #14): an event arrived under an id ({unit}:{seq}) the journal already
-- holds for another event (another boot or type). Not a redelivery: the unit lost its whole state (disk replaced,
-- re-imaged) and numbers from 1 again. Such an event used to be dropped as a duplicate and its receipt then deleted it
-- on the unit; now it is kept here, in the same transaction as the batch (before the PUBACK and the receipt), counted
-- in sh_gateway_event_ids_reused_total, shown as UNIT_STATE_LOST (GET /events/conflicts, the dashboard's alarm feed),
-- and the unit's next receipt carries seqFloor so that it numbers again above the journal's highest number.
-- journaled_boot_seq / journaled_type: what the journal holds under the id. payload: the UnitEvent as sent.
-- One row per distinct event: a re-send of the same event (same id, boot and payload) is kept once.
CREATE TABLE journal_conflicts (
    id                 bigserial    PRIMARY KEY,
    event_id           varchar(100) NOT NULL,
    unit_id            varchar(64)  NOT NULL,
    clinic_id          varchar(64)  NOT NULL,
    seq                bigint       NOT NULL,
    boot_seq           bigint       NOT NULL,
    type               varchar(32)  NOT NULL,
    journaled_boot_seq bigint       NOT NULL,
    journaled_type     varchar(32)  NOT NULL,
    device_time        timestamptz  NOT NULL,
    received_at        timestamptz  NOT NULL,
    payload            jsonb        NOT NULL,
    payload_md5        char(32)     NOT NULL,
    UNIQUE (event_id, boot_seq, payload_md5)
);
CREATE INDEX journal_conflicts_unit_idx ON journal_conflicts (unit_id, received_at);
