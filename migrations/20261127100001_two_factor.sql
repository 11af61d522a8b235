-- Two-factor sign-in with an authenticator app (issue 15).

-- An account's authenticator app (TOTP, RFC 6238). The secret is sealed
-- with AES-256-GCM under a key kept outside the database
-- (ROSTER_SECRET_KEY_FILE), bound to the account's id. Until confirmed_at
-- is set the row is a setup in progress, which counts for nothing.
CREATE TABLE totp_factors (
    account_id    uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret_sealed bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    -- The newest 30-second step whose code was accepted: a code of this
    -- step or an earlier one is refused (replay), however fast it comes.
    last_step     bigint NOT NULL DEFAULT 0,
    last_used_at  timestamptz
);

-- One-time codes for when the authenticator is lost. Only their SHA-256
-- is stored; each has 80 random bits.
CREATE TABLE recovery_codes (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- A sign-in between the right password and the second factor. The browser
-- holds only this token (256 bits; the SHA-256 is stored), for 5 minutes,
-- and it opens nothing but the factor step.
CREATE TABLE pending_sign_ins (
    token_hash      bytea PRIMARY KEY,
    account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- Where the person was going (a checked local path), if anywhere.
    next_path       text,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX pending_sign_ins_expiry ON pending_sign_ins (expires_at);
