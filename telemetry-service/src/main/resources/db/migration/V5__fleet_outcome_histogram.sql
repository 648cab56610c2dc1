-- The outcome histogram once more without the clinic: a fleet-wide distribution (all clinics, or one program, or by
-- day) then sums a few thousand rows instead of one row per clinic, day, program, method and bin.
create table fleet_outcome_histogram (
    local_day  date             not null,
    mode       text             not null,
    method     text             not null,
    bin        integer          not null,
    n          integer          not null,
    meaningful integer          not null,
    sum_pct    double precision not null,
    primary key (local_day, mode, method, bin)
);

insert into fleet_outcome_histogram (local_day, mode, method, bin, n, meaningful, sum_pct)
select local_day, mode, method, bin, sum(n), sum(meaningful), sum(sum_pct)
  from outcome_histogram group by 1, 2, 3, 4;

-- A clinic re-dated (time zone changed) moves its outcomes between days: rebuild the clinic, then the fleet copy.
create or replace function rebuild_fleet_outcome_histogram() returns void
language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext('fleet-outcome-histogram'));
    delete from fleet_outcome_histogram;
    insert into fleet_outcome_histogram (local_day, mode, method, bin, n, meaningful, sum_pct)
    select local_day, mode, method, bin, sum(n), sum(meaningful), sum(sum_pct)
      from outcome_histogram group by 1, 2, 3, 4;
end
$$;
