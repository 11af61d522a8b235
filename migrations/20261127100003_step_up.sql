-- Step-up: when the holder of a session last proved who they are (signing
-- in with the password and, where they have one, the second factor; or
-- confirming it again within the session). Risky actions ask for a proof
-- within the last 15 minutes. Sessions already open count from now.
ALTER TABLE sessions ADD COLUMN verified_at timestamptz NOT NULL DEFAULT now();
