-- Device times outside a sane window (sh.telemetry.trace.device-time-window, 10 min, of the gateway's receive time)
-- are not trusted: such a sample is stored at its receive time, so that a unit with a wrong clock can neither create
-- day partitions far ahead nor write into expired ones, and its row is flagged here (issue #14).
-- V7, not V6: branch privacy adds telemetry's V6__outcomes_unlinked_on_erasure.sql.
alter table pressure_trace add column device_time_suspect boolean not null default false;
