-- API clients: other systems (GP systems, shared care records, apps) calling the FHIR API at /fhir/R4.
-- Each client acts through a system account: an app_user of kind 'system' with one membership in its
-- organisation, so the access rules, visibility and audit trail apply to it exactly as to a person.

alter table app_user add column kind text not null default 'person' check (kind in ('person', 'system'));

create table api_client (
  id uuid primary key default gen_random_uuid(),
  -- The system account the client acts as; never signs in with a password.
  user_id uuid not null unique references app_user (id),
  organisation_id uuid not null references organisation (id),
  name text not null check (length(name) between 1 and 200),
  -- argon2id of the client secret, which is shown once when the client is made and never kept.
  secret_hash text not null,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by uuid references app_user (id)
);
create index api_client_organisation on api_client (organisation_id);

-- A client's reach is its one organisation and role: its account can never be given another (say, by the
-- users page's "add a role"); a different reach is a different client.
create function system_account_keeps_one_membership() returns trigger language plpgsql as $$
begin
  if exists (select 1 from app_user where id = new.user_id and kind = 'system')
     and exists (select 1 from membership where user_id = new.user_id) then
    raise exception 'An API client''s account has one organisation and role; add another API client instead';
  end if;
  return new;
end $$;
create trigger membership_of_system_account before insert on membership
  for each row execute function system_account_keeps_one_membership();

-- Bearer tokens issued by the client-credentials grant, keyed by the SHA-256 of the token (as sessions are).
create table api_token (
  token_hash text primary key,
  client_id uuid not null references api_client (id),
  issued_at timestamptz not null,
  expires_at timestamptz not null check (expires_at > issued_at)
);
create index api_token_client on api_token (client_id, expires_at);

-- Observation search by patient and date without a code reads a child's results newest first, a page at a
-- time keyed on (specimen_date, id); the (patient_id, analyte, …) index cannot serve that order.
create index lab_result_patient_date on lab_result (patient_id, specimen_date, id);
