-- Laboratory results over HL7 v2 (ORU^R01 by MLLP): each message received once, the administrator's
-- laboratory code map, and the queue of messages a person has to finish (patient not matched, code not mapped).

-- Every accepted message, kept for reconciliation and audit. `raw` holds patient data: it lives here only and is
-- never logged. One row per sending facility and control id, so a message sent twice is stored once.
create table hl7_message (
  id uuid primary key default gen_random_uuid(),
  sending_facility text not null check (length(sending_facility) between 1 and 227),
  control_id text not null check (length(control_id) between 1 and 199),
  message_type text not null,
  version text not null,
  received_at timestamptz not null default now(),
  -- stored: its results were recorded on arrival; reconciliation: waiting for a person; resolved: recorded after.
  status text not null check (status in ('stored', 'reconciliation', 'resolved')),
  -- The child the results belong to, once known (on arrival, or matched by an administrator).
  patient_id uuid references patient (id),
  results_recorded integer not null default 0 check (results_recorded >= 0),
  raw text not null,
  -- Why it waits, in words without patient data.
  error text,
  unique (sending_facility, control_id),
  check (status = 'reconciliation' or patient_id is not null)
);
create index hl7_message_waiting on hl7_message (received_at) where status = 'reconciliation';
create index hl7_message_patient on hl7_message (patient_id);

-- A laboratory's test code mapped to a Jointly analyte by a service administrator. The LOINC defaults live in
-- src/interop/loinc.ts and are consulted after this table.
create table lab_code_map (
  id uuid primary key default gen_random_uuid(),
  code_system text not null check (code_system in ('LN', 'SCT') or code_system ~ '^local:.+$'),
  code text not null check (length(code) between 1 and 100),
  analyte text not null,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  unique (code_system, code)
);

-- One thing a person must do before a waiting message's results can be recorded.
create table reconciliation_item (
  id uuid primary key default gen_random_uuid(),
  message_id uuid not null references hl7_message (id),
  reason text not null check (reason in ('patient-not-matched', 'code-not-mapped')),
  -- What did not match (the problem, the codes), without more patient data than needed.
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid references app_user (id),
  resolution jsonb,
  unique (message_id, reason),
  check ((resolved_at is null) = (resolved_by is null)),
  check ((resolved_at is null) = (resolution is null))
);
create index reconciliation_item_waiting on reconciliation_item (created_at) where resolved_at is null;
