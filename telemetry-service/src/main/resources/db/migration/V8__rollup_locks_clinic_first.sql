-- refresh_session_daily takes its two advisory locks the other way round: the clinic-day first, then the unit-day.
-- A transaction that applies many fleet events (a page of the journal, a batch of pushed events) refreshes several
-- units of one clinic-day; with the unit-day lock first, such a transaction (holding the clinic-day after its first
-- unit) and another one holding a later unit's lock while waiting for the clinic-day deadlocked (40P01, seen in the
-- ingest burst). Every transaction now refreshes its unit-days last, sorted by clinic, day and unit (DailyRollup), so
-- with the clinic-day lock first all of them take these locks in one order. What the function computes is unchanged.
-- Its two halves are now functions of their own, so that a transaction that refreshes many units of one clinic-day
-- sums the clinic's day once, after the last of them (1,000 units of one clinic in the ingest burst).
create function refresh_unit_daily(p_clinic text, p_unit text, p_day date) returns void
language plpgsql as $$
begin
    -- The clinic's day first: every writer of that clinic-day passes here one at a time, each after the previous one
    -- committed, so the clinic's sum (refresh_clinic_daily) is always over committed unit rows plus this
    -- transaction's own.
    perform pg_advisory_xact_lock(hashtext('clinic|' || p_clinic), p_day - date '2000-01-01');
    -- One writer per unit-day at a time (already so under the clinic-day lock; kept for writers of a unit-day alone).
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
end
$$;

create function refresh_clinic_daily(p_clinic text, p_day date) returns void
language plpgsql as $$
begin
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

create or replace function refresh_session_daily(p_clinic text, p_unit text, p_day date) returns void
language plpgsql as $$
begin
    perform refresh_unit_daily(p_clinic, p_unit, p_day);
    perform refresh_clinic_daily(p_clinic, p_day);
end
$$;
