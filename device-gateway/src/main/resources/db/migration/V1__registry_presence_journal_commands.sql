-- device-gateway schema. Flyway owns it; Hibernate only maps it.

-- The registry: which units exist and which clinic each belongs to now.
CREATE TABLE units (
    unit_id            varchar(64)  PRIMARY KEY,
    clinic_id          varchar(64)  NOT NULL,
    model              varchar(64)  NOT NULL,
    zones_per_leg      integer      NOT NULL CHECK (zones_per_leg BETWEEN 2 AND 8),
    firmware           varchar(64),
    active             boolean      NOT NULL DEFAULT true,
    mqtt_username      varchar(64)  NOT NULL UNIQUE,
    -- PBKDF2 hash of the per-unit MQTT password; the password itself is shown once, at registration.
    mqtt_password_hash varchar(255) NOT NULL,
    created_at         timestamptz  NOT NULL,
    decommissioned_at  timestamptz,
    CHECK (active = (decommissioned_at IS NULL))
);
CREATE INDEX units_clinic_idx ON units (clinic_id, unit_id);

-- What the gateway knows of each unit's presence, from births, deaths (the Will) and events.
CREATE TABLE unit_presence (
    unit_id        varchar(64) PRIMARY KEY REFERENCES units (unit_id),
    state          varchar(16) NOT NULL CHECK (state IN ('ONLINE', 'IN_SESSION', 'FAULTED', 'OFFLINE')),
    -- newest boot sequence seen; a death older than it is stale
    boot_seq       bigint      NOT NULL DEFAULT 0,
    -- sequence number of the newest event whose effect on the state was applied (older replays change nothing)
    last_event_seq bigint      NOT NULL DEFAULT 0,
    last_seen      timestamptz,
    state_since    timestamptz NOT NULL
);
CREATE INDEX unit_presence_state_idx ON unit_presence (state);

-- The event journal: every accepted unit event once, in the order it was committed.
-- Writers take a transaction-scoped advisory lock before inserting, so positions become visible in order
-- and a reader resuming "after position N" never skips a row committed later with a smaller position.
CREATE TABLE unit_event (
    position     bigserial    PRIMARY KEY,
    event_id     varchar(100) NOT NULL UNIQUE,
    unit_id      varchar(64)  NOT NULL,
    clinic_id    varchar(64)  NOT NULL,
    seq          bigint       NOT NULL,
    boot_seq     bigint       NOT NULL,
    type         varchar(32)  NOT NULL,
    device_time  timestamptz  NOT NULL,
    receive_time timestamptz  NOT NULL,
    -- the UnitEvent as the protocol codec writes it
    payload      jsonb        NOT NULL
);
CREATE INDEX unit_event_unit_idx ON unit_event (unit_id, seq);

-- Commands to units and what became of them.
CREATE TABLE unit_command (
    command_id  uuid         PRIMARY KEY,
    unit_id     varchar(64)  NOT NULL REFERENCES units (unit_id),
    type        varchar(32)  NOT NULL,
    -- the UnitCommand JSON exactly as it is (or will be) published on the unit's commands topic
    payload     text         NOT NULL,
    state       varchar(16)  NOT NULL
        CHECK (state IN ('PENDING', 'SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED', 'TIMED_OUT')),
    reason      varchar(500),
    session_id  varchar(64),
    booking_id  varchar(64),
    created_at  timestamptz  NOT NULL,
    expires_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    sent_at     timestamptz
);
CREATE INDEX unit_command_unit_state_idx ON unit_command (unit_id, state);
CREATE INDEX unit_command_open_idx ON unit_command (expires_at) WHERE state IN ('PENDING', 'SENT');
