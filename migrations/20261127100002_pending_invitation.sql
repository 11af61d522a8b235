-- Accepting an invitation with an existing account that has a second
-- factor: the password step leaves the invitation untouched and the
-- pending sign-in names it (by its token's SHA-256, as the invitation
-- stores it), so that the factor step accepts it.
ALTER TABLE pending_sign_ins ADD COLUMN invitation_token_hash bytea;
