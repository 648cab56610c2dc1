-- refresh_daily recomputes many unit-days and their clinic-days in one call: a batch of pushed events or a journal
-- page of a burst touches hundreds of units, and one statement per unit-day was a round trip each (on a busy 2-core
-- machine, milliseconds of waiting for a CPU every time). The order is the one every writer keeps (V8): clinic-day by
-- clinic-day, in byte order of the clinic id and then the day (collation "C", as Java sorts strings), each clinic-day's
-- units in byte order, then the clinic's own row; so two transactions take the clinic-day locks in one order and wait
-- for each other instead of deadlocking. p_rows is a JSON array of {"clinic_id", "local_day", "unit_id"}.
create function refresh_daily(p_rows jsonb) returns void
language plpgsql as $$
declare
    clinic_day record;
    unit record;
begin
    for clinic_day in
        select r.clinic_id, r.local_day
          from jsonb_to_recordset(p_rows) as r(clinic_id text, local_day date, unit_id text)
         group by r.clinic_id, r.local_day
         order by r.clinic_id collate "C", r.local_day
    loop
        for unit in
            select r.unit_id
              from jsonb_to_recordset(p_rows) as r(clinic_id text, local_day date, unit_id text)
             where r.clinic_id = clinic_day.clinic_id and r.local_day = clinic_day.local_day
             group by r.unit_id
             order by r.unit_id collate "C"
        loop
            perform refresh_unit_daily(clinic_day.clinic_id, unit.unit_id, clinic_day.local_day);
        end loop;
        perform refresh_clinic_daily(clinic_day.clinic_id, clinic_day.local_day);
    end loop;
end
$$;
