-- Links prove nothing about the mailbox: an invitation's copyable link may
-- be pasted anywhere, so only accepting through the link that was emailed
-- shows that the person reads that address. Accounts record when their
-- address was proven; an account made through a copied link waits for a
-- verification link sent to it (or a completed password reset, whose link
-- went there too).

-- Accounts made before this change are taken as verified: nothing told
-- the two links apart then, and marking every existing person unverified,
-- with no verification email on its way to them, would only be noise.
ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;
UPDATE accounts SET email_verified_at = created_at;

-- Each invitation has two links, both 256-bit tokens stored as SHA-256
-- hashes, single-use and with the same expiry: `token_hash` is the emailed
-- one, `copy_token_hash` the one the inviter may copy.
ALTER TABLE invitations ADD COLUMN copy_token_hash bytea UNIQUE;
-- An open invitation's only link may have been copied as well as emailed:
-- it becomes the copied link, so accepting through it proves nothing, and
-- the emailed token is replaced by the hash of a value nobody knows (the
-- next resend issues a real one).
UPDATE invitations
SET copy_token_hash = token_hash,
    token_hash = sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));
ALTER TABLE invitations ALTER COLUMN copy_token_hash SET NOT NULL;

-- A link that proves an account's address, sent when the account was made
-- through a copied invitation link. Only the hash of its 256-bit token is
-- stored; it works once, until it expires, and only for the address it
-- was sent to.
CREATE TABLE email_verifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX email_verifications_account ON email_verifications (account_id);
