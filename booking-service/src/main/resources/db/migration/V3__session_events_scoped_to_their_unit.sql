-- Ids a device sends are scoped to that device (docs/security.md, "Attacks"): a remembered session end belongs to
-- the unit that sent it, so that another unit's end naming the same (predictable) session id neither completes the
-- booking nor keeps the real end from being remembered. Rows from before this migration have no unit ('').
alter table unmatched_session_end add column unit_id text not null default '';
alter table unmatched_session_end drop constraint unmatched_session_end_pkey;
alter table unmatched_session_end add primary key (session_id, unit_id);
