-- Rollups for fleet-wide aggregates at scale (docs/benchmarks.md, "Telemetry aggregates"):
-- clinic_daily folds session_daily's units away, clinic_units says which units served a clinic when, and
-- outcome_histogram keeps the outcome distribution per clinic, day, program and method in 0.5-point bins.

-- One row per clinic, clinic-local day and program: session_daily summed over the clinic's units.
create table clinic_daily (
    clinic_id    text    not null,
    local_day    date    not null,
    mode         text    not null,
    sessions     integer not null,
    completed    integer not null,
    aborted      integer not null,
    faulted      integer not null,
    running      integer not null,
    run_seconds  bigint  not null,
    primary key (clinic_id, local_day, mode)
);
create index clinic_daily_day on clinic_daily (local_day);

-- The units that ran sessions at a clinic, and the first and last local day they did: a unit in service during a
-- date range counts towards the clinic's capacity (utilization) for that range.
create table clinic_units (
    clinic_id text not null,
    unit_id   text not null,
    first_day date not null,
    last_day  date not null,
    primary key (clinic_id, unit_id)
);

-- For a unit's own aggregates (session_daily's key starts with the clinic).
create index session_daily_unit on session_daily (unit_id, local_day);

insert into clinic_daily (clinic_id, local_day, mode, sessions, completed, aborted, faulted, running, run_seconds)
select clinic_id, local_day, mode, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running), sum(run_seconds)
  from session_daily group by clinic_id, local_day, mode;

insert into clinic_units (clinic_id, unit_id, first_day, last_day)
select clinic_id, unit_id, min(local_day), max(local_day) from session_daily group by clinic_id, unit_id;

-- refresh_session_daily now also recomputes the clinic's row of that day and widens the unit's service days.
create or replace function refresh_session_daily(p_clinic text, p_unit text, p_day date) returns void
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

    if found then
        insert into clinic_units (clinic_id, unit_id, first_day, last_day)
        values (p_clinic, p_unit, p_day, p_day)
        on conflict (clinic_id, unit_id) do update
            set first_day = least(clinic_units.first_day, excluded.first_day),
                last_day = greatest(clinic_units.last_day, excluded.last_day);
    end if;

    -- The clinic's day: every unit's writer of that clinic-day passes here one at a time, each after the previous
    -- one committed, so the sum is always over committed unit rows plus this transaction's own.
    perform pg_advisory_xact_lock(hashtext('clinic|' || p_clinic), p_day - date '2000-01-01');
    delete from clinic_daily where clinic_id = p_clinic and local_day = p_day;
    insert into clinic_daily (clinic_id, local_day, mode, sessions, completed, aborted, faulted, running, run_seconds)
    select clinic_id, local_day, mode, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running),
           sum(run_seconds)
      from session_daily
     where clinic_id = p_clinic and local_day = p_day
     group by clinic_id, local_day, mode;
end
$$;

-- Outcome distribution: completed outcomes counted per clinic, clinic-local day, program, method and 0.5-point bin
-- of the percent change (bin b holds b*0.5 <= change_pct < (b+1)*0.5). Quartiles are interpolated within a bin
-- (within 0.25 points); count, mean (sum_pct / n) and share meaningful are exact.
create table outcome_histogram (
    clinic_id  text             not null,
    local_day  date             not null,
    mode       text             not null,
    method     text             not null,
    bin        integer          not null,
    n          integer          not null,
    meaningful integer          not null,
    sum_pct    double precision not null,
    primary key (clinic_id, local_day, mode, method, bin)
);
create index outcome_histogram_day on outcome_histogram (local_day);

insert into outcome_histogram (clinic_id, local_day, mode, method, bin, n, meaningful, sum_pct)
select clinic_id, local_day, coalesce(mode, 'UNKNOWN'), method, floor(change_pct / 0.5)::int, count(*),
       count(*) filter (where meaningful), sum(change_pct)
  from outcomes where change_pct is not null
 group by 1, 2, 3, 4, 5;

-- Rebuilding a clinic (its time zone changed) rebuilds every rollup of it.
create or replace function rebuild_clinic_daily(p_clinic text) returns void
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

    delete from clinic_daily where clinic_id = p_clinic;
    insert into clinic_daily (clinic_id, local_day, mode, sessions, completed, aborted, faulted, running, run_seconds)
    select clinic_id, local_day, mode, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running),
           sum(run_seconds)
      from session_daily where clinic_id = p_clinic group by clinic_id, local_day, mode;

    delete from clinic_units where clinic_id = p_clinic;
    insert into clinic_units (clinic_id, unit_id, first_day, last_day)
    select clinic_id, unit_id, min(local_day), max(local_day) from session_daily
     where clinic_id = p_clinic group by clinic_id, unit_id;

    delete from outcome_histogram where clinic_id = p_clinic;
    insert into outcome_histogram (clinic_id, local_day, mode, method, bin, n, meaningful, sum_pct)
    select clinic_id, local_day, coalesce(mode, 'UNKNOWN'), method, floor(change_pct / 0.5)::int, count(*),
           count(*) filter (where meaningful), sum(change_pct)
      from outcomes where change_pct is not null and clinic_id = p_clinic
     group by 1, 2, 3, 4, 5;
end
$$;
