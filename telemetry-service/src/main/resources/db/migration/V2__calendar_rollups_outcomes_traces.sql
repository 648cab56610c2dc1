-- Issue 6: clinic calendars, the daily rollup behind the aggregates, swelling outcomes and pressure traces.

-- ---------------------------------------------------------------------------------------------------------------
-- Clinic calendars: each clinic's time zone and weekly opening minutes, kept here because aggregates need them on
-- every query (booking-service owns clinics; this copy is PUT by an operator, a service or the demo seeder).
-- A clinic with no row is read in UTC and has no opening hours (its utilization is not computed).
create table clinic_calendar (
    clinic_id       text        primary key,
    zone_id         text        not null,
    -- opening minutes per ISO weekday: index 1 = Monday ... 7 = Sunday
    opening_minutes integer[]   not null check (array_length(opening_minutes, 1) = 7),
    updated_at      timestamptz not null default now()
);

-- The clinic-local calendar day of an instant (UTC for a clinic without a calendar).
create function clinic_local_day(p_clinic text, p_at timestamptz) returns date
language sql stable as $$
    select (p_at at time zone coalesce((select zone_id from clinic_calendar where clinic_id = p_clinic), 'UTC'))::date
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Sessions: the platform may now close a session the unit never closed (UNIT_LOST: no end long after the planned
-- end; UNIT_RESTARTED: the unit started again with a higher boot sequence). Such a close is provisional: the unit's
-- own completed/aborted event, if it ever comes, replaces it.
alter table sessions drop constraint sessions_abort_reason_check;
alter table sessions add constraint sessions_abort_reason_check
    check (abort_reason in ('STOPPED', 'EMERGENCY_STOP', 'FAULT', 'AGENT_RESTART', 'UNIT_LOST', 'UNIT_RESTARTED'));
alter table sessions add column boot_seq bigint;
-- Whether the outcome was inferred by the platform rather than reported by the unit.
alter table sessions add column closed_by_platform boolean not null default false;
-- The clinic-local day of the session (of its start, else of its end), in the clinic's zone when it was written.
alter table sessions add column local_day date;

update sessions set local_day = (coalesce(started_at, ended_at) at time zone 'UTC')::date;
alter table sessions alter column local_day set not null;

create index sessions_clinic_unit_day on sessions (clinic_id, unit_id, local_day);
-- The sweep's only question: which sessions are still running.
create index sessions_running on sessions (start_received_at) where outcome = 'RUNNING';

-- ---------------------------------------------------------------------------------------------------------------
-- Daily rollup: one row per clinic, unit, program (mode) and clinic-local day, recomputed from sessions by
-- refresh_session_daily() inside the transaction that changed a session of that unit and day. Aggregates read
-- this table (at most clinics x days x units x 3 rows), never the sessions.
create table session_daily (
    clinic_id    text    not null,
    local_day    date    not null,
    unit_id      text    not null,
    -- the program's mode; 'UNKNOWN' while only the session's end has arrived
    mode         text    not null,
    sessions     integer not null,
    completed    integer not null,
    aborted      integer not null,
    -- aborted on a safety fault (abort_reason FAULT)
    faulted      integer not null,
    running      integer not null,
    run_seconds  bigint  not null,
    primary key (clinic_id, local_day, unit_id, mode)
);
create index session_daily_day on session_daily (local_day);

create function refresh_session_daily(p_clinic text, p_unit text, p_day date) returns void
language plpgsql as $$
begin
    -- One writer per unit-day at a time: a second transaction waits here, then reads the first one's commit.
    perform pg_advisory_xact_lock(hashtext(p_clinic || '|' || p_unit), p_day - date '2000-01-01');
    delete from session_daily where clinic_id = p_clinic and unit_id = p_unit and local_day = p_day;
    insert into session_daily (clinic_id, local_day, unit_id, mode, sessions, completed, aborted, faulted,
                               running, run_seconds)
    select clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN'),
           count(*),
           count(*) filter (where outcome = 'COMPLETED'),
           count(*) filter (where outcome = 'ABORTED'),
           count(*) filter (where abort_reason = 'FAULT'),
           count(*) filter (where outcome = 'RUNNING'),
           coalesce(sum(run_seconds), 0)
      from sessions
     where clinic_id = p_clinic and unit_id = p_unit and local_day = p_day
     group by clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN');
end
$$;

-- Rebuilds a whole clinic (after its time zone changed) from its sessions.
create function rebuild_clinic_daily(p_clinic text) returns void
language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext('clinic-rebuild|' || p_clinic));
    delete from session_daily where clinic_id = p_clinic;
    insert into session_daily (clinic_id, local_day, unit_id, mode, sessions, completed, aborted, faulted,
                               running, run_seconds)
    select clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN'),
           count(*),
           count(*) filter (where outcome = 'COMPLETED'),
           count(*) filter (where outcome = 'ABORTED'),
           count(*) filter (where abort_reason = 'FAULT'),
           count(*) filter (where outcome = 'RUNNING'),
           coalesce(sum(run_seconds), 0)
      from sessions
     where clinic_id = p_clinic
     group by clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN');
end
$$;

insert into session_daily (clinic_id, local_day, unit_id, mode, sessions, completed, aborted, faulted, running,
                           run_seconds)
select clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN'), count(*),
       count(*) filter (where outcome = 'COMPLETED'), count(*) filter (where outcome = 'ABORTED'),
       count(*) filter (where abort_reason = 'FAULT'), count(*) filter (where outcome = 'RUNNING'),
       coalesce(sum(run_seconds), 0)
  from sessions
 group by clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN');

-- ---------------------------------------------------------------------------------------------------------------
-- Swelling outcomes: circumference measurements of one client before and after a session, per leg. The client is
-- the pseudonymous client id from booking-service (no name, no contact data here).
create table outcomes (
    outcome_id          uuid        primary key,
    client_id           uuid        not null,
    clinic_id           text        not null,
    session_id          text,
    booking_id          text,
    -- copied from the session when it is known at write time, for per-unit and per-program aggregates
    unit_id             text,
    mode                text,
    -- CIRCUMFERENCES (every interval_cm from the ankle up, truncated cones) or FIGURE_OF_EIGHT (ankle, cm)
    method              text        not null check (method in ('CIRCUMFERENCES', 'FIGURE_OF_EIGHT')),
    interval_cm         numeric(4, 1),
    -- {"LEFT": [cm, ...], "RIGHT": [...]}: the measurements as taken
    before_cm           jsonb       not null,
    after_cm            jsonb,
    before_taken_at     timestamptz not null,
    after_taken_at      timestamptz,
    -- per leg and total: volume in mL (CIRCUMFERENCES) or figure-of-eight length in cm
    before_total        double precision not null,
    after_total         double precision,
    change_abs          double precision,
    change_pct          double precision,
    meaningful          boolean,
    legs                jsonb       not null,
    local_day           date        not null,
    recorded_at         timestamptz not null default now(),
    check ((after_cm is null) = (change_pct is null))
);
create index outcomes_session on outcomes (session_id) where session_id is not null;
-- Aggregates read only completed outcomes (after measured): clinic and day first, values in the index.
create index outcomes_aggregate on outcomes (clinic_id, local_day)
    include (method, unit_id, mode, change_pct, meaningful) where change_pct is not null;
create index outcomes_aggregate_day on outcomes (local_day)
    include (clinic_id, method, unit_id, mode, change_pct, meaningful) where change_pct is not null;

-- ---------------------------------------------------------------------------------------------------------------
-- Pressure traces: per-second telemetry downsampled to one row per session and bucket (sh.telemetry.trace.bucket),
-- per zone the mean of the means and the max of the maxima, zones ordered left 1..n then right 1..n.
-- Partitioned by day on the sample's time: TraceMaintenance creates partitions ahead and drops whole partitions
-- older than sh.telemetry.trace.retention, so neither inserts nor retention ever scan old data.
create table pressure_trace (
    session_id    text          not null,
    sample_time   timestamptz   not null,
    unit_id       text          not null,
    clinic_id     text          not null,
    zones_per_leg smallint      not null,
    samples       smallint      not null,
    set_point     real[]        not null,
    mean_mmhg     real[]        not null,
    max_mmhg      real[]        not null,
    primary key (session_id, sample_time)
) partition by range (sample_time);
