-- Issue 19: a client's phone (E.164) and email as separate fields, their preferred language, and their consent to
-- be messaged per channel. Personal data, like the rest of this table: it never leaves booking-service.
alter table clients
    add column phone              text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    add column email              text check (length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    add column preferred_language text check (preferred_language ~ '^[a-z]{2}$');

-- The one free-text contact field is kept (older clients and callers still send it); what in it is already an
-- E.164 number or an email address moves into the new fields, so existing clients can be messaged once they consent.
update clients set phone = regexp_replace(contact, '[\s\-().]', '', 'g')
 where contact is not null and regexp_replace(contact, '[\s\-().]', '', 'g') ~ '^\+[1-9][0-9]{6,14}$';
update clients set email = lower(btrim(contact))
 where contact is not null and phone is null and length(btrim(contact)) <= 254
   and btrim(contact) ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$';

-- Consent to be messaged, one row per client and channel: when and how it was given, and when and how it was
-- withdrawn (a STOP reply, or the desk). Only a row without withdrawal allows a message on that channel.
create table client_consents (
    client_id       uuid        not null references clients (client_id) on delete cascade,
    channel         text        not null check (channel in ('WHATSAPP', 'SMS', 'EMAIL')),
    given_at        timestamptz not null,
    given_how       text        not null check (given_how in ('AT_DESK', 'SIGNED_FORM', 'ONLINE_FORM', 'CLIENT_MESSAGE')),
    recorded_by     text        not null,
    withdrawn_at    timestamptz,
    withdrawn_how   text        check (withdrawn_how in ('STOP_REPLY', 'AT_DESK')),
    primary key (client_id, channel),
    check ((withdrawn_at is null) = (withdrawn_how is null))
);

-- Per clinic: quiet hours (local wall clock; a reminder is never sent inside them), the language of a client who
-- named none, and the number clients write to (to put an unknown sender's message into the right clinic's inbox).
alter table clinics
    add column quiet_hours_start time not null default '21:00',
    add column quiet_hours_end   time not null default '08:00',
    add column default_language  text not null default 'en' check (default_language ~ '^[a-z]{2}$'),
    add column messaging_number  text check (messaging_number ~ '^\+[1-9][0-9]{6,14}$');
