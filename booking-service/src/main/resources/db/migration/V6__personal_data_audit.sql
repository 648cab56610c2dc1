-- Issue 20 (items 4 and 5): a client's personal data that can be shown, kept and erased, and an audit trail.

-- Erasure (DELETE /clients/{id}, and the retention sweep) overwrites the client's personal fields and keeps the row:
-- the pseudonymous client_id stays, so bookings (utilization, no-show rates) keep their client. erased_at says when;
-- outcomes_unlinked_at when telemetry-service confirmed it unlinked the client's outcomes (null after an erasure:
-- the retention sweep asks telemetry again until it answers).
alter table clients
    add column erased_at            timestamptz,
    add column outcomes_unlinked_at timestamptz;
create index clients_erased_not_unlinked on clients (erased_at) where erased_at is not null and outcomes_unlinked_at is null;

-- Retention per clinic: the personal data of a client with no booking (and no registration) for this many months is
-- erased by the retention sweep. Null: the chain's default, sh.privacy.retention.default-months (SH_PRIVACY_RETENTION_DEFAULT_MONTHS).
alter table clinics add column retention_months integer check (retention_months between 1 and 240);

-- The audit trail: every read that returns a client's personal fields and every change by a person. Pseudonymous
-- ids only (never a name or a contact), so erasure never has to rewrite it.
create table audit_log (
    audit_id   bigint generated always as identity primary key,
    at         timestamptz not null,
    -- who: the token's subject (a person's user name, a service's name, or 'retention-sweep')
    subject    text        not null,
    role       text        not null,
    -- what: an operation name (CLIENT_READ, CLIENT_EXPORT, CLIENT_ERASE, BOOKING_CREATE, ...)
    operation  text        not null,
    client_id  uuid,
    clinic_id  text,
    -- from where: the caller's address as the service saw it (behind a proxy: quarkus.http.proxy.* forwarding)
    source     text
);
create index audit_by_client on audit_log (client_id, at) where client_id is not null;
create index audit_by_time on audit_log (at);

-- Append-only, twice over (docs/security.md, "Personal data"):
-- 1. privileges: nobody holds UPDATE, DELETE or TRUNCATE on the table, not even the role that owns it (this
--    migration's role, which deployments share with the service). That refuses the service's own connections
--    whatever bug or injected SQL runs there.
-- 2. a trigger: privileges do not bind a superuser, and the owner may grant itself its privileges back; the trigger
--    refuses every UPDATE, DELETE and TRUNCATE from anyone, so removing a row takes a deliberate, visible schema
--    change (dropping the trigger), never a slip.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
revoke update, delete, truncate on audit_log from public;
revoke update, delete, truncate on audit_log from current_user;
