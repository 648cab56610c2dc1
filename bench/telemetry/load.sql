-- Loads a realistic telemetry history into a database that telemetry-service's Flyway has migrated:
-- 50 clinics in 10 time zones, 10 boot units each, :sessions sessions spread over the :days days before today,
-- each session's outcome, and swelling outcomes for :outcome_share of completed sessions. Deterministic: the same
-- seed gives the same data. Run with psql -v sessions=1000000 -v days=90 -v seed=0.42 -v outcome_share=0.3.
\set ON_ERROR_STOP on
select setseed(:seed);

truncate session_daily, clinic_daily, clinic_units, outcome_histogram, fleet_outcome_histogram, outcomes, sessions, clinic_calendar;

-- Clinic c01..c50, opening Mon-Fri 07:00-21:00, Sat 08:00-16:00, closed on Sunday.
insert into clinic_calendar (clinic_id, zone_id, opening_minutes)
select 'clinic-' || lpad(c::text, 2, '0'),
       (array['Europe/Berlin','Europe/London','Europe/Zurich','America/New_York','America/Chicago',
              'America/Los_Angeles','Asia/Tokyo','Asia/Singapore','Australia/Sydney','Europe/Madrid'])[1 + c % 10],
       array[840, 840, 840, 840, 840, 480, 0]
  from generate_series(1, 50) c;

-- Sessions: clinic and unit round-robin, day uniformly over the range, start within opening hours (local),
-- programs 60 % gradient / 25 % peristaltic / 15 % pulse, 20/30/40 minutes; 93 % completed, 3 % stopped,
-- 2.5 % faulted, 1 % agent restart, 0.5 % lost.
create temporary table gen as
select g,
       1 + g % 50 as c,
       1 + (g / 50) % 10 as u,
       random() as r_day, random() as r_min, random() as r_mode, random() as r_len, random() as r_out, random() as r_run
  from generate_series(1, :sessions) g;

insert into sessions (session_id, unit_id, clinic_id, booking_id, command_id, mode, intensity, zones_per_leg,
                      planned_seconds, outcome, abort_reason, fault_code, run_seconds, cycles, zones, started_at,
                      start_received_at, start_event_id, ended_at, end_received_at, end_event_id, boot_seq,
                      closed_by_platform, local_day)
select 'bench-' || g,
       'unit-' || lpad(c::text, 2, '0') || '-' || lpad(u::text, 2, '0'),
       s.clinic_id,
       'bk-' || g, 'cmd-' || g,
       case when r_mode < 0.60 then 'GRADIENT_SEQUENTIAL' when r_mode < 0.85 then 'PERISTALTIC' else 'PULSE' end,
       1 + (g % 7), 5, planned,
       case when r_out < 0.93 then 'COMPLETED' else 'ABORTED' end,
       case when r_out < 0.93 then null when r_out < 0.96 then 'STOPPED' when r_out < 0.985 then 'FAULT'
            when r_out < 0.995 then 'AGENT_RESTART' else 'UNIT_LOST' end,
       case when r_out >= 0.96 and r_out < 0.985 then 'LEAK' end,
       run, run / 75, null,
       started, started + interval '250 milliseconds', 'unit:' || g,
       started + make_interval(secs => run), started + make_interval(secs => run) + interval '250 milliseconds',
       'unit:' || g || 'e', 1, r_out >= 0.995,
       (started at time zone s.zone_id)::date
  from (select gen.*, cal.clinic_id, cal.zone_id,
               (array[1200, 1800, 2400])[1 + floor(r_len * 3)::int] as planned,
               ((current_date - 1 - floor(r_day * :days)::int) + time '07:00' + make_interval(mins => floor(r_min * 780)::int))
                   at time zone cal.zone_id as started
          from gen join clinic_calendar cal on cal.clinic_id = 'clinic-' || lpad(gen.c::text, 2, '0')) s
  cross join lateral (select case when s.r_out < 0.93 then s.planned else floor(s.r_run * s.planned)::int end as run) x;

-- The rollup, exactly as refresh_session_daily() keeps it.
insert into session_daily (clinic_id, local_day, unit_id, mode, sessions, completed, aborted, faulted, running,
                           run_seconds)
select clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN'), count(*),
       count(*) filter (where outcome = 'COMPLETED'), count(*) filter (where outcome = 'ABORTED'),
       count(*) filter (where abort_reason = 'FAULT'), count(*) filter (where outcome = 'RUNNING'),
       coalesce(sum(run_seconds), 0)
  from sessions
 group by clinic_id, local_day, unit_id, coalesce(mode, 'UNKNOWN');

-- The clinic rollup and the units' service days, as refresh_session_daily() keeps them.
insert into clinic_daily (clinic_id, local_day, mode, sessions, completed, aborted, faulted, running, run_seconds)
select clinic_id, local_day, mode, sum(sessions), sum(completed), sum(aborted), sum(faulted), sum(running), sum(run_seconds)
  from session_daily group by clinic_id, local_day, mode;
insert into clinic_units (clinic_id, unit_id, first_day, last_day)
select clinic_id, unit_id, min(local_day), max(local_day) from session_daily group by clinic_id, unit_id;

-- Outcomes for a share of completed sessions: 90 % circumferences (7 sites, 4 cm), 10 % figure-of-eight.
-- Percent change roughly normal around -2 % (sd 3 %), so about a fifth are beyond the 3.8 % error.
insert into outcomes (outcome_id, client_id, clinic_id, session_id, booking_id, unit_id, mode, method, interval_cm,
                      before_cm, after_cm, before_taken_at, after_taken_at, before_total, after_total, change_abs,
                      change_pct, meaningful, legs, local_day)
select gen_random_uuid(), gen_random_uuid(), s.clinic_id, s.session_id, s.booking_id, s.unit_id, s.mode,
       m.method, case when m.method = 'CIRCUMFERENCES' then 4 end,
       '{}'::jsonb, '{}'::jsonb, s.started_at - interval '10 minutes', s.ended_at + interval '5 minutes',
       m.before, m.before * (1 + m.pct / 100), m.before * m.pct / 100, m.pct,
       case when m.method = 'CIRCUMFERENCES' then abs(m.pct) > 3.8 else abs(m.before * m.pct / 100) > 0.5 end,
       '[]'::jsonb, s.local_day
  from (select sessions.*, random() as r_share, random() as r_method, random() as r1, random() as r2, random() as r3,
               random() as r4
          from sessions where outcome = 'COMPLETED') s
  -- every draw is a column of s, so that each outcome gets its own (a lateral subquery of random() alone would be
  -- computed once for all rows)
  cross join lateral (select case when s.r_method < 0.9 then 'CIRCUMFERENCES' else 'FIGURE_OF_EIGHT' end as method,
                             -2 + 3 * (s.r1 + s.r2 + s.r3 - 1.5) * 1.41 as pct,
                             2800 + 800 * s.r4 as before) m
 where s.r_share < :outcome_share;

-- The outcome histogram, as the outcomes API keeps it (one count per completed outcome).
insert into outcome_histogram (clinic_id, local_day, mode, method, bin, n, meaningful, sum_pct)
select clinic_id, local_day, coalesce(mode, 'UNKNOWN'), method, floor(change_pct / 0.5)::int, count(*),
       count(*) filter (where meaningful), sum(change_pct)
  from outcomes where change_pct is not null
 group by 1, 2, 3, 4, 5;

insert into fleet_outcome_histogram (local_day, mode, method, bin, n, meaningful, sum_pct)
select local_day, mode, method, bin, sum(n), sum(meaningful), sum(sum_pct)
  from outcome_histogram group by 1, 2, 3, 4;

-- What autovacuum would do soon after a bulk load: statistics and the visibility map (index-only scans).
vacuum analyze clinic_calendar;
vacuum analyze sessions;
vacuum analyze session_daily;
vacuum analyze clinic_daily;
vacuum analyze clinic_units;
vacuum analyze outcomes;
vacuum analyze outcome_histogram;
vacuum analyze fleet_outcome_histogram;

select (select count(*) from sessions) as sessions, (select count(*) from session_daily) as rollup_rows,
       (select count(*) from outcomes) as outcomes, (select count(*) from clinic_daily) as clinic_rows,
       (select count(*) from outcome_histogram) as histogram_rows,
       (select min(local_day) from sessions) as first_day, (select max(local_day) from sessions) as last_day;
