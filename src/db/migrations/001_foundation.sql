-- Foundation: organisations, people and their roles, sessions, patients, growth, diagnoses,
-- care teams, break-glass access and the append-only audit trail.

create table organisation (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Z0-9]{3,10}$'),
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('specialist_centre', 'gp_practice', 'local_hospital', 'allied_service', 'other_service')),
  created_at timestamptz not null default now()
);

create table app_user (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and position('@' in email) > 1),
  display_name text not null check (length(display_name) between 1 and 200),
  password_hash text not null,
  is_active boolean not null default true,
  is_demo boolean not null default false,
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now()
);
create unique index app_user_email on app_user (email);

-- A person's roles. Staff roles belong to an organisation; family roles (parent/carer, young person) to none.
create table membership (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  organisation_id uuid references organisation (id),
  role text not null check (role in (
    'consultant', 'nurse_specialist', 'pharmacist', 'team_administrator',
    'gp', 'practice_nurse', 'practice_pharmacist',
    'local_paediatrician', 'allied_health_professional',
    'parent_carer', 'young_person',
    'service_administrator', 'clinical_safety_officer')),
  check ((role in ('parent_carer', 'young_person')) = (organisation_id is null))
);
create unique index membership_unique on membership (user_id, organisation_id, role) nulls not distinct;
create index membership_organisation on membership (organisation_id);

create table user_session (
  -- SHA-256 of the cookie's token: a copy of this table does not let anyone sign in.
  token_hash text primary key,
  user_id uuid not null references app_user (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index user_session_user on user_session (user_id);

create table patient (
  id uuid primary key default gen_random_uuid(),
  nhs_number text not null check (nhs_number ~ '^[0-9]{10}$'),
  given_name text not null check (length(given_name) between 1 and 100),
  family_name text not null check (length(family_name) between 1 and 100),
  date_of_birth date not null,
  sex text not null check (sex in ('female', 'male', 'indeterminate', 'unknown')),
  postcode text check (postcode ~ '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$'),
  registered_practice_id uuid references organisation (id),
  -- The young person's own account, once they have one.
  user_id uuid unique references app_user (id),
  symptom_onset_date date,
  referral_received_date date,
  first_seen_date date,
  diagnosis_date date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index patient_nhs_number on patient (nhs_number);
create index patient_family_name on patient (lower(family_name) text_pattern_ops, lower(given_name));
create index patient_date_of_birth on patient (date_of_birth);
create index patient_registered_practice on patient (registered_practice_id);

create table patient_carer (
  patient_id uuid not null references patient (id),
  user_id uuid not null references app_user (id),
  relationship text not null check (relationship in ('mother', 'father', 'parent', 'guardian', 'carer', 'other')),
  has_proxy_access boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (patient_id, user_id)
);
create index patient_carer_user on patient_carer (user_id);

create table growth_measurement (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  measured_on date not null,
  weight_kg numeric(5, 2) not null check (weight_kg > 0 and weight_kg < 250),
  height_cm numeric(4, 1) not null check (height_cm >= 30 and height_cm < 230),
  recorded_by uuid not null references app_user (id),
  recorded_at timestamptz not null default now(),
  unique (patient_id, measured_on)
);

create table diagnosis (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  snomed_code text not null check (snomed_code ~ '^[0-9]{6,18}$'),
  diagnosed_on date,
  recorded_by uuid not null references app_user (id),
  recorded_at timestamptz not null default now(),
  unique (patient_id, snomed_code)
);

create table care_team_member (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  organisation_id uuid not null references organisation (id),
  -- A named person, when the role is held by someone in particular (lead consultant, named nurse).
  user_id uuid references app_user (id),
  role text not null check (role in (
    'lead_consultant', 'named_nurse', 'specialist_team', 'gp_practice', 'local_paediatrician', 'local_hospital',
    'physiotherapist', 'occupational_therapist', 'ophthalmologist', 'psychologist', 'pharmacist', 'other')),
  start_date date not null,
  -- The last day of their part in the child's care; open while null.
  end_date date check (end_date is null or end_date >= start_date),
  added_by uuid references app_user (id),
  created_at timestamptz not null default now()
);
create index care_team_by_organisation on care_team_member (organisation_id, patient_id) include (start_date, end_date);
create index care_team_by_patient on care_team_member (patient_id);

create table break_glass (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user (id),
  organisation_id uuid references organisation (id),
  role text not null,
  patient_id uuid not null references patient (id),
  reason text not null check (length(reason) >= 10),
  granted_at timestamptz not null default now(),
  expires_at timestamptz not null check (expires_at > granted_at),
  reviewed_by uuid references app_user (id),
  reviewed_at timestamptz,
  review_outcome text check (review_outcome in ('appropriate', 'inappropriate')),
  review_note text
);
create index break_glass_user_patient on break_glass (user_id, patient_id, expires_at);
create index break_glass_unreviewed on break_glass (granted_at) where reviewed_at is null;

-- Every access to patient data. Each entry carries the hash of the one before it, so that
-- `jointly audit verify` finds any entry changed or removed; the trigger refuses changes outright.
create table audit_event (
  seq bigserial primary key,
  occurred_at timestamptz not null default now(),
  user_id uuid,
  user_email text,
  role text,
  organisation_id uuid,
  patient_id uuid,
  action text not null,
  outcome text not null check (outcome in ('allowed', 'refused')),
  relationship text,
  break_glass_reason text,
  details jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
create index audit_event_patient on audit_event (patient_id, seq desc);
create index audit_event_user on audit_event (user_id, seq desc);
create index audit_event_time on audit_event (occurred_at);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only';
end;
$$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_append_only();
