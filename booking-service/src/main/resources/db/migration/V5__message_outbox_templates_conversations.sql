-- Issue 19: messages to clients. Written to the outbox in the same transaction as the booking change that causes
-- them, sent by the dispatcher (messaging.service.Dispatcher) through one channel adapter each.

-- What a message says, per clinic (null: the chain's default) and language. The body is plain text with
-- placeholders {name} {clinic} {service} {date} {time}; it must carry no health details (there are none to fill
-- in). whatsapp_template names the approved WhatsApp template used outside the 24-hour window, whose body
-- parameters are, in order: name, clinic, service, date, time.
create table message_templates (
    template_id       uuid primary key,
    clinic_id         text references clinics (clinic_id) on delete cascade,
    kind              text not null check (kind in ('CONFIRMATION', 'RESCHEDULED', 'CANCELLED', 'REMINDER_24H',
                                                    'REMINDER_2H', 'NO_SHOW_FOLLOW_UP', 'CHECK_IN')),
    language          text not null check (language ~ '^[a-z]{2}$'),
    subject           text not null check (length(subject) between 1 and 200),
    body              text not null check (length(body) between 1 and 1000),
    whatsapp_template text check (whatsapp_template ~ '^[a-z0-9_]+$' and length(whatsapp_template) <= 512),
    updated_at        timestamptz not null default now()
);
create unique index message_templates_one_per_kind on message_templates (coalesce(clinic_id, ''), kind, language);

insert into message_templates (template_id, clinic_id, kind, language, subject, body, whatsapp_template) values
 ('00000000-0000-4000-8000-000000000001', null, 'CONFIRMATION', 'en', 'Your booking at {clinic}',
  'Hi {name}, your {service} at {clinic} is booked for {date} at {time}. See you then!', 'booking_confirmation'),
 ('00000000-0000-4000-8000-000000000002', null, 'RESCHEDULED', 'en', 'Your booking at {clinic} has moved',
  'Hi {name}, your {service} at {clinic} is now on {date} at {time}.', 'booking_rescheduled'),
 ('00000000-0000-4000-8000-000000000003', null, 'CANCELLED', 'en', 'Your booking at {clinic} is cancelled',
  'Hi {name}, your {service} at {clinic} on {date} at {time} is cancelled. Reply to book again.', 'booking_cancelled'),
 ('00000000-0000-4000-8000-000000000004', null, 'REMINDER_24H', 'en', 'See you tomorrow at {clinic}',
  'Hi {name}, a reminder: your {service} at {clinic} is tomorrow, {date} at {time}.', 'booking_reminder'),
 ('00000000-0000-4000-8000-000000000005', null, 'REMINDER_2H', 'en', 'See you soon at {clinic}',
  'Hi {name}, see you soon: your {service} at {clinic} starts at {time} today.', 'booking_reminder_soon'),
 ('00000000-0000-4000-8000-000000000006', null, 'NO_SHOW_FOLLOW_UP', 'en', 'We missed you at {clinic}',
  'Hi {name}, we missed you at {clinic} on {date} at {time}. Reply to find a new time.', 'booking_missed'),
 ('00000000-0000-4000-8000-000000000007', null, 'CHECK_IN', 'en', 'How do your legs feel?',
  'Hi {name}, thank you for visiting {clinic}. How do your legs feel? Reply with a number from 1 (heavy) to 5 (light).', 'session_check_in'),
 ('00000000-0000-4000-8000-000000000011', null, 'CONFIRMATION', 'de', 'Ihre Buchung bei {clinic}',
  'Hallo {name}, Ihr Termin {service} bei {clinic} ist am {date} um {time} gebucht. Bis dann!', 'booking_confirmation'),
 ('00000000-0000-4000-8000-000000000012', null, 'RESCHEDULED', 'de', 'Ihr Termin bei {clinic} wurde verschoben',
  'Hallo {name}, Ihr Termin {service} bei {clinic} ist jetzt am {date} um {time}.', 'booking_rescheduled'),
 ('00000000-0000-4000-8000-000000000013', null, 'CANCELLED', 'de', 'Ihr Termin bei {clinic} ist storniert',
  'Hallo {name}, Ihr Termin {service} bei {clinic} am {date} um {time} ist storniert. Antworten Sie, um neu zu buchen.', 'booking_cancelled'),
 ('00000000-0000-4000-8000-000000000014', null, 'REMINDER_24H', 'de', 'Bis morgen bei {clinic}',
  'Hallo {name}, zur Erinnerung: Ihr Termin {service} bei {clinic} ist morgen, {date} um {time}.', 'booking_reminder'),
 ('00000000-0000-4000-8000-000000000015', null, 'REMINDER_2H', 'de', 'Bis gleich bei {clinic}',
  'Hallo {name}, bis gleich: Ihr Termin {service} bei {clinic} beginnt heute um {time}.', 'booking_reminder_soon'),
 ('00000000-0000-4000-8000-000000000016', null, 'NO_SHOW_FOLLOW_UP', 'de', 'Wir haben Sie bei {clinic} vermisst',
  'Hallo {name}, wir haben Sie am {date} um {time} bei {clinic} vermisst. Antworten Sie für einen neuen Termin.', 'booking_missed'),
 ('00000000-0000-4000-8000-000000000017', null, 'CHECK_IN', 'de', 'Wie fühlen sich Ihre Beine an?',
  'Hallo {name}, danke für Ihren Besuch bei {clinic}. Wie fühlen sich Ihre Beine an? Antworten Sie mit einer Zahl von 1 (schwer) bis 5 (leicht).', 'session_check_in');

-- The outbox. Rows are never deleted by the dispatcher; status tells what became of each:
--   PENDING     waiting for its due time (next_attempt_at), or for a retry after a failure that surely sent nothing
--   SENDING     claimed by a dispatcher, the request may be on its way (a claim past its lease becomes UNKNOWN)
--   SENT / DELIVERED / READ   accepted by the provider, then its status callbacks
--   UNKNOWN     the request left and no answer came (a timeout): never resent blindly; a provider status callback
--               settles it
--   FAILED      refused by the provider, or given up after sh.messaging.give-up-after
--   DROPPED     not sent on purpose: a reminder whose time fell in quiet hours with no useful time after them, or
--               whose booking's start came too close; counted
--   SUPERSEDED  a reminder of a booking that moved or ended before it went out
--   WITHDRAWN   the client withdrew consent on the channel before it went out
create table outbox_messages (
    message_id      uuid        primary key,
    seq             bigserial   not null,
    clinic_id       text        not null references clinics (clinic_id),
    client_id       uuid        not null references clients (client_id),
    booking_id      uuid        references bookings (booking_id),
    kind            text        not null check (kind in ('CONFIRMATION', 'RESCHEDULED', 'CANCELLED', 'REMINDER_24H',
                                                         'REMINDER_2H', 'NO_SHOW_FOLLOW_UP', 'CHECK_IN', 'STAFF_REPLY')),
    channel         text        not null check (channel in ('WHATSAPP', 'SMS', 'EMAIL')),
    language        text        not null,
    subject         text,
    body            text        not null,
    whatsapp_template text,
    template_params text,
    due_at          timestamptz not null,
    -- a reminder is only worth sending before this (its booking's start less sh.messaging.reminder-min-lead)
    useful_until    timestamptz,
    status          text        not null check (status in ('PENDING', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'UNKNOWN',
                                                           'FAILED', 'DROPPED', 'SUPERSEDED', 'WITHDRAWN')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    lease_until     timestamptz,
    provider_id     text,
    last_error      text,
    sent_by         text,
    created_at      timestamptz not null,
    sent_at         timestamptz,
    updated_at      timestamptz not null
);
create index outbox_due on outbox_messages (next_attempt_at) where status = 'PENDING';
create index outbox_by_client on outbox_messages (client_id, due_at, seq);
create index outbox_by_booking on outbox_messages (booking_id) where booking_id is not null;
create index outbox_sending on outbox_messages (lease_until) where status = 'SENDING';
create unique index outbox_provider_id on outbox_messages (channel, provider_id) where provider_id is not null;

-- Messages clients sent us (WhatsApp and SMS webhooks). client_id null: an unknown sender, in the clinic's
-- unassigned inbox (clinic_id null when the number they wrote to belongs to no clinic).
create table inbound_messages (
    inbound_id   uuid        primary key,
    channel      text        not null check (channel in ('WHATSAPP', 'SMS')),
    provider_id  text        not null,
    clinic_id    text        references clinics (clinic_id),
    client_id    uuid        references clients (client_id),
    sender       text        not null,
    body         text        not null,
    received_at  timestamptz not null,
    -- what the message did besides landing in the conversation: STOP (consent withdrawn), CHECK_IN_ANSWER
    effect       text        check (effect in ('STOP', 'CHECK_IN_ANSWER')),
    unique (channel, provider_id)
);
create index inbound_by_client on inbound_messages (client_id, received_at);
create index inbound_unassigned on inbound_messages (clinic_id, received_at) where client_id is null;

-- The client's own answer to the check-in after a completed session ("How do your legs feel?", 1 heavy to 5
-- light), beside the swelling measurements telemetry keeps; one per booking, the first answer counts.
create table client_reported_outcomes (
    booking_id  uuid        primary key references bookings (booking_id),
    client_id   uuid        not null references clients (client_id),
    clinic_id   text        not null references clinics (clinic_id),
    legs_feel   integer     not null check (legs_feel between 1 and 5),
    channel     text        not null,
    reported_at timestamptz not null
);
