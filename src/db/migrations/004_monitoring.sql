-- Blood monitoring: results and their outcomes, alerts and their acknowledgement, each course's monitoring
-- schedule and overdue ladder, and the e-mail outbox.

-- An organisation's shared inbox for notices (tasks, alerts); its members are written to when it has none.
alter table organisation add column email text check (email is null or (email = lower(email) and position('@' in email) > 1));

-- Where the child's blood tests are taken once the GP practice shares care.
alter table agreement add column blood_tests_at text not null default 'gp-surgery'
  check (blood_tests_at in ('gp-surgery', 'hospital', 'home'));

-- Whether the specialist team lets the family see results in plain words.
alter table patient add column results_released_to_family boolean not null default false;

create table lab_result (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  analyte text not null,
  -- In the one unit Jointly uses for the analyte; what was reported is kept beside it.
  value numeric not null,
  unit text not null,
  reported_value numeric not null,
  reported_unit text not null,
  range_low numeric,
  range_high numeric,
  range_source text check (range_source in ('laboratory', 'paediatric-table')),
  specimen_date date not null,
  outcome text not null check (outcome in ('normal', 'outside-range', 'amber', 'red')),
  -- Each rule that fired, with the protocol's wording and source.
  findings jsonb not null default '[]',
  source text not null check (source in ('form', 'csv', 'api', 'hl7', 'fhir')),
  entered_by uuid references app_user (id),
  entered_by_organisation_id uuid references organisation (id),
  -- The laboratory, interface or API client it came through, when not a person.
  entered_via text,
  -- The sender's own identifier, so a result sent twice is stored once.
  external_id text,
  recorded_at timestamptz not null default now(),
  check ((range_source is null) = (range_low is null and range_high is null))
);
create index lab_result_patient_analyte on lab_result (patient_id, analyte, specimen_date desc, recorded_at desc);
create unique index lab_result_external on lab_result (source, external_id) where external_id is not null;

-- A result once recorded is never changed or removed: a correction is a new result.
create function lab_result_is_kept() returns trigger language plpgsql as $$
begin
  raise exception 'Results are kept as recorded; record a corrected result instead';
end $$;
create trigger lab_result_kept before update or delete on lab_result
  for each row execute function lab_result_is_kept();

-- A red or amber result waiting for someone to decide what to do.
create table result_alert (
  id uuid primary key default gen_random_uuid(),
  result_id uuid not null unique references lab_result (id),
  patient_id uuid not null references patient (id),
  outcome text not null check (outcome in ('red', 'amber')),
  specialist_organisation_id uuid references organisation (id),
  responsible_organisation_id uuid references organisation (id),
  respond_by timestamptz not null,
  created_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid references app_user (id),
  decision text check (decision in ('continue', 'withhold', 'reduce', 'repeat-test')),
  decision_note text,
  escalated_at timestamptz,
  check ((acknowledged_at is null) = (decision is null)),
  check ((acknowledged_at is null) = (acknowledged_by is null))
);
create index result_alert_waiting_by_specialist on result_alert (specialist_organisation_id, created_at)
  where acknowledged_at is null;
create index result_alert_waiting_by_responsible on result_alert (responsible_organisation_id, created_at)
  where acknowledged_at is null;
create index result_alert_escalation on result_alert (respond_by) where acknowledged_at is null and escalated_at is null;
create index result_alert_patient on result_alert (patient_id);

-- One row per medicine a child takes under a protocol with blood monitoring: when the next tests are due,
-- who arranges them and where. Recomputed by the schedule rules whenever the course or its results change;
-- swept for every child at once by one set of statements.
create table monitoring_course (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  medicine text not null check (medicine = lower(medicine)),
  protocol_version_id uuid not null references protocol_version (id),
  agreement_id uuid references agreement (id),
  specialist_organisation_id uuid references organisation (id),
  responsible_organisation_id uuid references organisation (id),
  place text not null check (place in ('gp-surgery', 'hospital', 'home')),
  started_on date not null,
  stopped_on date,
  -- Null when no routine test is due (stopped, or a protocol without blood monitoring).
  next_due_on date,
  next_due_panels text[] not null default '{}',
  last_tested_on date,
  -- The protocol's overdue ladder, in days, copied here so that one statement can sweep every course.
  reminder_days_before integer not null check (reminder_days_before >= 0),
  practice_task_days_after integer not null check (practice_task_days_after >= 0),
  team_alert_days_after integer not null check (team_alert_days_after >= 0),
  withhold_advice_days_after integer not null check (withhold_advice_days_after >= 0),
  status text not null default 'up-to-date'
    check (status in ('up-to-date', 'due-soon', 'due', 'overdue', 'seriously-overdue', 'not-monitored')),
  status_on date,
  -- How far up the overdue ladder this due date has gone: 0 none, 1 family reminded, 2 practice task, 3 team
  -- alerted, 4 advice to consider withholding. Back to 0 whenever the due date changes.
  ladder_step smallint not null default 0 check (ladder_step between 0 and 4),
  updated_at timestamptz not null default now(),
  unique (patient_id, medicine)
);
create index monitoring_course_due on monitoring_course (next_due_on) where next_due_on is not null;
create index monitoring_course_responsible on monitoring_course (responsible_organisation_id, next_due_on)
  where next_due_on is not null;
create index monitoring_course_specialist on monitoring_course (specialist_organisation_id, next_due_on)
  where next_due_on is not null;
-- One index per ladder step over the courses that have not reached it, keyed by the day they reach it: the
-- hourly sweep reads only the courses whose next step is due, however many courses there are.
create index monitoring_course_reminder_step on monitoring_course ((next_due_on - reminder_days_before))
  where ladder_step < 1 and next_due_on is not null;
create index monitoring_course_practice_step on monitoring_course ((next_due_on + practice_task_days_after))
  where ladder_step < 2 and next_due_on is not null;
create index monitoring_course_team_step on monitoring_course ((next_due_on + team_alert_days_after))
  where ladder_step < 3 and next_due_on is not null;
create index monitoring_course_withhold_step on monitoring_course ((next_due_on + withhold_advice_days_after))
  where ladder_step < 4 and next_due_on is not null;

-- Each step of the overdue ladder taken, for one due date: the history of what was done and when.
create table monitoring_step (
  course_id uuid not null references monitoring_course (id),
  due_on date not null,
  step text not null check (step in ('family-reminder', 'practice-task', 'team-alert', 'withhold-advice')),
  taken_at timestamptz not null default now(),
  primary key (course_id, due_on, step)
);

-- E-mail waiting to go, sent, or given up on. A link only: never clinical detail.
create table email_outbox (
  id uuid primary key default gen_random_uuid(),
  to_address text not null,
  subject text not null,
  body text not null,
  kind text not null,
  -- What the e-mail is about (a task, an alert, a due test), so one notice is queued once per address.
  about_id uuid,
  created_at timestamptz not null default now(),
  send_after timestamptz not null default now(),
  attempts integer not null default 0,
  last_error text,
  -- A sender holds a message until then; if it stops mid-send, another may take it after.
  claimed_until timestamptz,
  sent_at timestamptz,
  failed_at timestamptz
);
create unique index email_outbox_once on email_outbox (about_id, to_address, kind) where about_id is not null;
create index email_outbox_waiting on email_outbox (send_after) where sent_at is null and failed_at is null;
