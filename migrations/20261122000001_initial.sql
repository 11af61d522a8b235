-- The first cut of Roster's data model. Forward-only: never edit a migration
-- that has landed; add a new one.

-- A person. One account per email across the deployment; the same account may
-- belong to several organisations through memberships.
CREATE TABLE accounts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name  text NOT NULL CHECK (length(display_name) <= 100),
    -- Argon2id in PHC string format; NULL until the person sets a password.
    password_hash text,
    time_zone     text NOT NULL DEFAULT 'UTC',
    locale        text NOT NULL DEFAULT 'en',
    phone         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email));

CREATE TABLE organisations (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    time_zone                text NOT NULL DEFAULT 'UTC',
    primary_contact_id       uuid REFERENCES accounts (id) ON DELETE SET NULL,
    -- How long a new invitation stays valid: 1 hour to 30 days.
    invitation_expiry_hours  integer NOT NULL DEFAULT 48
                             CHECK (invitation_expiry_hours BETWEEN 1 AND 720),
    created_at               timestamptz NOT NULL DEFAULT now()
);

-- Roles are rows with a set of permission keys. Built-in roles (Owner, Admin,
-- Member) have no organisation and a stable key; custom roles will belong to
-- one organisation. Code asks for permissions, never for a role's name.
CREATE TABLE roles (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
    key             text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,62}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    permissions     text[] NOT NULL DEFAULT '{}',
    -- Lower ranks are listed first in role pickers.
    rank            integer NOT NULL DEFAULT 100,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roles_builtin_key_unique ON roles (key) WHERE organisation_id IS NULL;
CREATE UNIQUE INDEX roles_org_key_unique ON roles (organisation_id, key) WHERE organisation_id IS NOT NULL;

INSERT INTO roles (key, name, permissions, rank) VALUES
    ('owner', 'Owner',
     ARRAY['team.view', 'members.invite', 'members.manage', 'roles.manage', 'organisation.manage', 'audit.view'], 0),
    ('admin', 'Admin',
     ARRAY['team.view', 'members.invite', 'members.manage'], 10),
    ('member', 'Member', ARRAY[]::text[], 20);

CREATE TABLE departments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_org_name_unique ON departments (organisation_id, lower(name));

CREATE TABLE memberships (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role_id         uuid NOT NULL REFERENCES roles (id),
    department_id   uuid REFERENCES departments (id) ON DELETE SET NULL,
    status          text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
    position        text CHECK (length(position) <= 100),
    joined_at       timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz,
    UNIQUE (account_id, organisation_id)
);
CREATE INDEX memberships_org ON memberships (organisation_id, status);

-- Only a SHA-256 of the session token is stored: a database leak gives no
-- usable cookies. A session is bound to one organisation.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash      bytea NOT NULL UNIQUE,
    account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    client_ip       text,
    user_agent      text
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

-- Sign-in attempts, for the per-account and per-address limits. Kept in the
-- database so that the limits hold across restarts and several processes.
CREATE TABLE sign_in_attempts (
    id           bigserial PRIMARY KEY,
    email_lower  text NOT NULL,
    client_ip    text NOT NULL,
    succeeded    boolean NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email_lower, attempted_at) WHERE NOT succeeded;
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (client_ip, attempted_at) WHERE NOT succeeded;

-- Append-only history. No foreign keys, so events outlive what they name; the
-- names are snapshots taken when the event happened.
CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    organisation_id uuid,
    actor_id        uuid,
    actor_name      text,
    action          text NOT NULL,
    target_type     text,
    target_id       uuid,
    target_name     text,
    before          jsonb,
    after           jsonb,
    request_id      text,
    client_ip       text
);
CREATE INDEX audit_events_org_time ON audit_events (organisation_id, occurred_at DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
