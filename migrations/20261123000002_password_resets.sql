-- Password resets: links that let a person choose a new password, sent by
-- an admin of one of their organisations or asked for by themselves.

-- One reset link. As with invitations, pending and expired are computed
-- when read (expires_at against now()); used and superseded are facts with
-- a time, and at most one of them is set.
CREATE TABLE password_resets (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id        uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- SHA-256 of the link's 256-bit token; the token itself is never stored.
    token_hash        bytea NOT NULL UNIQUE,
    -- The organisation whose admin sent it, and who (a name snapshot, as in
    -- the audit log). All NULL when the person asked for it themselves.
    organisation_id   uuid REFERENCES organisations (id) ON DELETE CASCADE,
    requested_by      uuid REFERENCES accounts (id) ON DELETE SET NULL,
    requested_by_name text CHECK (length(requested_by_name) <= 100),
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    used_at           timestamptz,
    -- When a newer reset for the account, or a completed one, made this
    -- link stop working.
    superseded_at     timestamptz,
    CHECK (used_at IS NULL OR superseded_at IS NULL),
    CHECK ((organisation_id IS NULL) = (requested_by_name IS NULL))
);
-- At most one working link per account: a new reset supersedes the open
-- one in the same transaction, and this index holds even if two race.
CREATE UNIQUE INDEX password_resets_open_account_unique ON password_resets (account_id)
    WHERE used_at IS NULL AND superseded_at IS NULL;
-- The per-account limit counts an account's resets of the last hour.
CREATE INDEX password_resets_account_created ON password_resets (account_id, created_at DESC);
-- A member's page and the team list show the latest reset an
-- organisation's admins sent.
CREATE INDEX password_resets_org_account ON password_resets (organisation_id, account_id, created_at DESC)
    WHERE organisation_id IS NOT NULL;

-- The reset email carries the link: a newer reset supersedes its unsent
-- email, as a resend does an invitation's.
ALTER TABLE outbox_emails
    ADD COLUMN password_reset_id uuid REFERENCES password_resets (id) ON DELETE CASCADE;
CREATE INDEX outbox_emails_password_reset ON outbox_emails (password_reset_id)
    WHERE password_reset_id IS NOT NULL;

-- "Forgot password?" requests, for the per-address limit. Every request is
-- counted, whether or not its email has an account, so reaching the limit
-- says nothing about who has one. No email is stored.
CREATE TABLE password_reset_requests (
    id           bigserial PRIMARY KEY,
    client_ip    text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_requests_ip ON password_reset_requests (client_ip, requested_at);
