-- A unit's outcome distribution (GET /aggregates?unitId=) reads the unit's completed outcomes through this index
-- instead of every clinic's outcomes of the range.
create index outcomes_aggregate_unit on outcomes (unit_id, local_day)
    include (clinic_id, method, mode, change_pct, meaningful) where change_pct is not null;
