-- Failures of the checks that come after a sign-in's password: a second
-- factor's code (at the factor step, in a step-up, when changing the
-- factor) and the password asked again inside an open session.
--
-- They are counted apart from the sign-in's wrong passwords
-- (`sign_in_attempts`), which anyone who knows an address can make: those
-- must never slow the account's owner at their factor or in their session.
-- `attempt_key` names who made the attempt: 'pending:{token hash}' for the
-- browser of a sign-in that passed the password, 'session:{id}' for an
-- open session. A success of a factor deletes the account's factor rows:
-- the account-wide ceiling counts failures since the last success.
CREATE TABLE credential_failures (
    id          bigserial PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('factor', 'password')),
    attempt_key text NOT NULL,
    failed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX credential_failures_account ON credential_failures (account_id, kind, failed_at);
CREATE INDEX credential_failures_key ON credential_failures (attempt_key, kind, failed_at);
CREATE INDEX credential_failures_age ON credential_failures (failed_at);
