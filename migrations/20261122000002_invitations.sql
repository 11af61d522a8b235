-- Invitations and the email outbox.

-- An invitation to join one organisation. Whether it is pending or expired is
-- computed when read (expires_at against now()), never stored as a state, so
-- no job has to flip rows when time passes. Revoked and accepted are facts
-- with a time, and at most one of them is set.
CREATE TABLE invitations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id     uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name        text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    role_id             uuid NOT NULL REFERENCES roles (id),
    department_id       uuid REFERENCES departments (id) ON DELETE SET NULL,
    -- SHA-256 of the link's 256-bit token; the token itself is never stored.
    token_hash          bytea NOT NULL UNIQUE,
    -- NULL for the owner invitation that `roster create-org` makes.
    invited_by          uuid REFERENCES accounts (id) ON DELETE SET NULL,
    invited_by_name     text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- When the current link was issued (creation, resend, new link).
    sent_at             timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    resend_count        integer NOT NULL DEFAULT 0,
    revoked_at          timestamptz,
    revoked_by_name     text,
    accepted_at         timestamptz,
    accepted_account_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
    CHECK (revoked_at IS NULL OR accepted_at IS NULL)
);
-- At most one open invitation per person and organisation: two admins
-- inviting the same email at the same moment end with exactly one.
CREATE UNIQUE INDEX invitations_open_email_unique ON invitations (organisation_id, lower(email))
    WHERE revoked_at IS NULL AND accepted_at IS NULL;
CREATE INDEX invitations_org_created ON invitations (organisation_id, created_at DESC);

-- Emails waiting to be sent, and what became of them. A worker in every
-- server process claims due rows with SKIP LOCKED, so several processes
-- share the work and a crash mid-send only delays a retry.
CREATE TABLE outbox_emails (
    id              bigserial PRIMARY KEY,
    organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
    invitation_id   uuid REFERENCES invitations (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    -- The bodies carry secret links: both are set to NULL once the email is
    -- sent or superseded, so no table keeps a usable link.
    body_text       text,
    body_html       text,
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'failed', 'superseded')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- Set while a worker is sending; a claim that outlives it is retried.
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK (state = 'queued' OR (body_text IS NULL AND body_html IS NULL))
);
CREATE INDEX outbox_emails_due ON outbox_emails (next_attempt_at) WHERE state = 'queued';
CREATE INDEX outbox_emails_invitation ON outbox_emails (invitation_id, id DESC);
