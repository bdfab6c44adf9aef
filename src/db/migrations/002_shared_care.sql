-- Shared care: protocol versions and their approval, agreements and their timeline, medication orders,
-- prescriptions issued, and tasks for the organisations in a child's care.

create table protocol_version (
  id uuid primary key default gen_random_uuid(),
  protocol_id text not null check (protocol_id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  version text not null,
  title text not null,
  traffic_light text not null check (traffic_light in ('amber', 'red')),
  content jsonb not null,
  -- A version's content never changes once stored: agreements made under it keep exactly these rules.
  content_hash text not null,
  origin text not null check (origin in ('shipped', 'uploaded', 'edited')),
  status text not null check (status in ('awaiting-approval', 'approved', 'rejected')),
  uploaded_by uuid references app_user (id),
  uploaded_at timestamptz not null default now(),
  decided_by uuid references app_user (id),
  decided_at timestamptz,
  decision_note text,
  unique (protocol_id, version)
);
create index protocol_version_usable on protocol_version (protocol_id, uploaded_at desc) where status = 'approved';

create table agreement (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  protocol_version_id uuid not null references protocol_version (id),
  specialist_organisation_id uuid not null references organisation (id),
  gp_practice_id uuid not null references organisation (id),
  state text not null check (state in ('draft', 'requested', 'no-response', 'accepted', 'declined', 'consented',
    'active', 'suspended', 'ended', 'withdrawn')),
  requested_on date,
  response_due_on date,
  reminder_sent_on date,
  transfer_date date,
  consented boolean not null default false,
  created_by uuid not null references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index agreement_patient on agreement (patient_id);
create index agreement_practice_state on agreement (gp_practice_id, state);
create index agreement_specialist_state on agreement (specialist_organisation_id, state);
create index agreement_open_requests on agreement (response_due_on) where state = 'requested';

-- The timeline: every step taken, by whom, with the reason where one is needed.
create table agreement_event (
  id uuid primary key default gen_random_uuid(),
  agreement_id uuid not null references agreement (id),
  kind text not null,
  on_date date not null,
  occurred_at timestamptz not null default now(),
  by_user uuid references app_user (id),
  party text not null check (party in ('specialist-team', 'gp-practice', 'family', 'system')),
  reason text,
  details jsonb not null default '{}'
);
create index agreement_event_agreement on agreement_event (agreement_id, occurred_at);

create table medication_order (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  agreement_id uuid references agreement (id),
  protocol_version_id uuid not null references protocol_version (id),
  medicine text not null,
  form text not null,
  route text not null,
  strength_mg numeric(10, 3) not null check (strength_mg > 0),
  dose_mg numeric(10, 3) not null check (dose_mg > 0),
  frequency text not null check (frequency in ('once-weekly', 'daily', 'every-n-days')),
  times_per_day integer check (times_per_day between 1 and 6),
  every_n_days integer check (every_n_days between 1 and 366),
  day_of_week text check (day_of_week in ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')),
  start_date date not null,
  stop_date date check (stop_date is null or stop_date >= start_date),
  -- What the dose was worked out from, as shown to the prescriber.
  calculation jsonb not null,
  override_reason text,
  overridden_by uuid references app_user (id),
  replaces_order_id uuid references medication_order (id),
  created_by uuid not null references app_user (id),
  created_at timestamptz not null default now(),
  check ((frequency = 'once-weekly') = (day_of_week is not null))
);
create index medication_order_patient on medication_order (patient_id, start_date desc);
create index medication_order_agreement on medication_order (agreement_id);

create table prescription_issued (
  id uuid primary key default gen_random_uuid(),
  medication_order_id uuid not null references medication_order (id),
  issued_on date not null,
  quantity numeric(10, 2) not null check (quantity > 0),
  quantity_unit text not null,
  prescriber_id uuid not null references app_user (id),
  organisation_id uuid not null references organisation (id),
  created_at timestamptz not null default now()
);
create index prescription_issued_order on prescription_issued (medication_order_id, issued_on desc);

-- Work one organisation must do for one patient: answer a request, act on a result, chase a test.
create table task (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisation (id),
  patient_id uuid not null references patient (id),
  kind text not null,
  title text not null,
  -- What the task is about (an agreement, an order, a result), so the same task is never opened twice.
  subject_id uuid,
  due_on date,
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  completed_by uuid references app_user (id),
  outcome text
);
create index task_open_by_organisation on task (organisation_id, due_on) where status = 'open';
create unique index task_one_open_per_subject on task (kind, subject_id, organisation_id) where status = 'open';
