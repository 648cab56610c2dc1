-- Issue 20: a client's erasure in booking-service unlinks their outcomes here (POST /outcomes/unlink, service only).
-- The measurements and computed changes stay for the per-clinic, per-unit and per-program aggregates; what tied them
-- to a person goes: the pseudonymous client id, the booking and the session (whose booking names the client).
alter table outcomes alter column client_id drop not null;
alter table outcomes add column unlinked_at timestamptz;
alter table outcomes add constraint outcomes_linked_or_unlinked check ((client_id is null) = (unlinked_at is not null));
