-- telemetry-service schema, owned by Flyway (Hibernate never changes it).

-- Fleet consumer bookkeeping (package fleet): one row per applied event id, written in the same transaction as
-- the event's effect, so a redelivered or replayed event changes nothing.
create table processed_event (
    event_id         text        primary key,
    unit_id          text        not null,
    journal_position bigint      not null,
    processed_at     timestamptz not null default now()
);

-- How far into the gateway's event journal every event has been applied; moved in the same transaction as the
-- events of the page read.
create table consumer_cursor (
    consumer   text        primary key,
    position   bigint      not null check (position >= 0),
    updated_at timestamptz not null default now()
);

-- One row per compression session, merged from its session.started and its session.completed/aborted in
-- whatever order they arrive. A terminal outcome is never turned back into RUNNING.
create table sessions (
    session_id        text        primary key,
    unit_id           text        not null,
    clinic_id         text        not null,
    booking_id        text,
    command_id        text,
    mode              text        check (mode in ('GRADIENT_SEQUENTIAL', 'PERISTALTIC', 'PULSE')),
    intensity         integer     check (intensity between 1 and 7),
    zones_per_leg     integer     check (zones_per_leg between 2 and 8),
    planned_seconds   integer     check (planned_seconds > 0),
    outcome           text        not null check (outcome in ('RUNNING', 'COMPLETED', 'ABORTED')),
    abort_reason      text        check (abort_reason in ('STOPPED', 'EMERGENCY_STOP', 'FAULT', 'AGENT_RESTART')),
    fault_code        text,
    run_seconds       integer     check (run_seconds >= 0),
    cycles            integer     check (cycles >= 0),
    zones             jsonb,
    -- device time of the start and of the end; received_* are the gateway's receive times
    started_at        timestamptz,
    start_received_at timestamptz,
    start_event_id    text,
    ended_at          timestamptz,
    end_received_at   timestamptz,
    end_event_id      text,
    sort_time         timestamptz generated always as (coalesce(started_at, ended_at)) stored,
    updated_at        timestamptz not null default now(),
    check (outcome = 'RUNNING' or ended_at is not null),
    check (outcome <> 'ABORTED' or abort_reason is not null)
);

create index sessions_newest on sessions (sort_time desc, session_id desc);
create index sessions_clinic_newest on sessions (clinic_id, sort_time desc);
create index sessions_unit_newest on sessions (unit_id, sort_time desc);
