-- Issue 7: what a clinic offers, who books it, their contraindication screenings, bookings that cannot clash,
-- and the units' presence as the gateway last reported it.

-- Whole local days a clinic is closed (holidays, refurbishment), in the clinic's own calendar, both ends included.
create table clinic_closures (
    closure_id uuid primary key,
    clinic_id  text not null references clinics (clinic_id) on delete cascade,
    first_day  date not null,
    last_day   date not null,
    reason     text not null check (length(reason) between 1 and 200),
    check (first_day <= last_day)
);

create index clinic_closures_by_clinic on clinic_closures (clinic_id, first_day, last_day);

-- The chain's catalogue: what can be booked, on which type of resource, for how long, and how long the resource
-- stays held for cleaning and turnover afterwards. A compression service names the program check-in starts.
create table services (
    service_id       text    primary key check (service_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name             text    not null check (length(name) between 1 and 200),
    resource_type    text    not null check (resource_type in ('BOOT_UNIT', 'MASSAGE_ROOM', 'THERAPIST')),
    duration_minutes integer not null check (duration_minutes between 5 and 240),
    buffer_minutes   integer not null check (buffer_minutes between 0 and 120),
    program_mode     text    check (program_mode in ('GRADIENT_SEQUENTIAL', 'PERISTALTIC', 'PULSE')),
    intensity        integer check (intensity between 1 and 7),
    created_at       timestamptz not null default now(),
    -- a compression service (boot unit) always says which program to run; other services never do
    constraint services_program_only_for_boots check (
        (resource_type = 'BOOT_UNIT') = (program_mode is not null and intensity is not null)),
    constraint services_compression_length check (resource_type <> 'BOOT_UNIT' or duration_minutes <= 60)
);

-- Clients, with as little personal data as the desk needs: a name to call them by and one way to reach them.
-- Everywhere outside this table (bookings, other services, MQTT payloads, logs, metric labels) a client is only
-- their pseudonymous client_id.
create table clients (
    client_id    uuid        primary key,
    clinic_id    text        not null references clinics (clinic_id),
    display_name text        not null check (length(display_name) between 1 and 100),
    contact      text        check (length(contact) <= 200),
    created_at   timestamptz not null default now()
);

create index clients_by_clinic on clients (clinic_id, created_at);

-- A contraindication screening (BRIEF section 2): one answer per contraindication, when, and who recorded it.
-- Only the latest unexpired screening counts, and only one without a single positive answer allows compression.
create table screenings (
    screening_id                 uuid        primary key,
    client_id                    uuid        not null references clients (client_id),
    screened_at                  timestamptz not null,
    recorded_by                  text        not null,
    dvt                          boolean     not null,
    inflammatory_phlebitis       boolean     not null,
    pulmonary_embolism           boolean     not null,
    uncontrolled_heart_failure   boolean     not null,
    acute_pulmonary_oedema       boolean     not null,
    untreated_limb_infection     boolean     not null,
    limb_fracture_or_open_wound  boolean     not null,
    ischaemic_vascular_disease   boolean     not null
);

create index screenings_latest on screenings (client_id, screened_at desc);

-- Bookings. A booking holds its resource from starts_at to held_until (the service's end plus its cleaning
-- buffer). The exclusion constraint makes two live bookings of one resource with overlapping held ranges
-- impossible, whatever the concurrency: the database refuses the second insert or reschedule (SQLSTATE 23P01),
-- there is no check-then-insert. Cancelled and no-show bookings no longer hold their resource.
create table bookings (
    booking_id         uuid        primary key,
    clinic_id          text        not null references clinics (clinic_id),
    resource_id        text        not null references resources (resource_id),
    service_id         text        not null references services (service_id),
    client_id          uuid        not null references clients (client_id),
    starts_at          timestamptz not null,
    ends_at            timestamptz not null,
    held_until         timestamptz not null,
    status             text        not null check (status in
                           ('BOOKED', 'CHECKED_IN', 'IN_SESSION', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
    -- INSIDE_WINDOW: cancelled less than the cancellation window before the start (late); OUTSIDE_WINDOW: earlier
    cancellation       text        check (cancellation in ('INSIDE_WINDOW', 'OUTSIDE_WINDOW')),
    command_id         uuid,
    session_id         text,
    session_outcome    text        check (session_outcome in ('COMPLETED', 'ABORTED')),
    abort_reason       text,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    checked_in_at      timestamptz,
    session_started_at timestamptz,
    finished_at        timestamptz,
    cancelled_at       timestamptz,
    version            integer     not null default 0,
    check (starts_at < ends_at and ends_at <= held_until),
    check ((status = 'CANCELLED') = (cancellation is not null)),
    constraint bookings_no_overlap exclude using gist (
        resource_id with =,
        tstzrange(starts_at, held_until, '[)') with &&
    ) where (status not in ('CANCELLED', 'NO_SHOW'))
);

create index bookings_by_clinic_start on bookings (clinic_id, starts_at);
create index bookings_by_client on bookings (client_id, starts_at);
-- the no-show sweep: live bookings whose start has passed
create index bookings_open_by_start on bookings (starts_at) where status in ('BOOKED', 'CHECKED_IN');

-- A session end (completed or aborted) whose session no booking knows yet: the end can arrive before the start
-- (push and journal do not keep order across paths). When the start arrives and names the booking, the end is
-- applied at once. Rows for sessions without a booking are pruned after a day.
create table unmatched_session_end (
    session_id   text        primary key,
    outcome      text        not null check (outcome in ('COMPLETED', 'ABORTED')),
    abort_reason text,
    ended_at     timestamptz not null,
    received_at  timestamptz not null default now()
);

-- The units' presence as the gateway reports it (retained UnitPresence on the fleet presence topic). Availability
-- leaves out a unit that is FAULTED or OFFLINE for the next hours. A report older than the stored one is ignored.
create table unit_state (
    unit_id    text        primary key,
    clinic_id  text        not null,
    state      text        not null check (state in ('ONLINE', 'IN_SESSION', 'FAULTED', 'OFFLINE')),
    since      timestamptz not null,
    updated_at timestamptz not null default now()
);

-- Fleet events applied by the fleet consumer (module fleet-consumer): one row per event id, written in the same
-- transaction as the booking it moved, so a redelivered or replayed event changes nothing.
create table processed_event (
    event_id         text        primary key,
    unit_id          text        not null,
    journal_position bigint      not null,
    processed_at     timestamptz not null default now()
);

-- How far into the gateway's event journal every event has been applied.
create table consumer_cursor (
    consumer   text        primary key,
    position   bigint      not null check (position >= 0),
    updated_at timestamptz not null default now()
);
