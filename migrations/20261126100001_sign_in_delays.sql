-- Growing sign-in delays instead of a lockout (issue 13, items 8 and 10).

-- Browsers that signed in to an account before. The cookie carries 256
-- random bits; only their SHA-256 is stored. Such a browser is exempt from
-- the account's delay (not from its address's), so someone guessing an
-- account's password cannot keep its owner out.
CREATE TABLE known_devices (
    token_hash   bytea NOT NULL,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX known_devices_account ON known_devices (account_id);

-- When an account's owner was last told that its sign-ins are delayed:
-- at most once a day.
CREATE TABLE sign_in_delay_notices (
    account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    notified_at timestamptz NOT NULL
);

-- The account's failures count from its latest success: that lookup, and
-- the purge of rows older than 30 days, each get an index.
CREATE INDEX sign_in_attempts_email_success ON sign_in_attempts (email_lower, attempted_at) WHERE succeeded;
CREATE INDEX sign_in_attempts_age ON sign_in_attempts (attempted_at);
CREATE INDEX password_reset_requests_age ON password_reset_requests (requested_at);

COMMENT ON COLUMN sign_in_attempts.client_ip IS
    'The limit key of the client: an IPv4 address, or an IPv6 /64';
