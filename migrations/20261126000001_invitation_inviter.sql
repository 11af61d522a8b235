-- An invitation stands on its inviter's rights: it is accepted only while
-- the member who sent it is enabled and still holds what it grants. The
-- owner invitation that `roster create-org` makes has no member behind it;
-- this flag says so, rather than reading it from a NULL `invited_by` (which
-- ON DELETE SET NULL also leaves when an inviter's account is removed).
ALTER TABLE invitations ADD COLUMN from_operator boolean NOT NULL DEFAULT false;

-- Until now only `create-org` left `invited_by` empty on an open invitation:
-- deleting a member revokes the open invitations they sent before their
-- account can go.
UPDATE invitations SET from_operator = true WHERE invited_by IS NULL;

-- The open invitations one member sent, found when that member is
-- disabled, demoted or deleted.
CREATE INDEX invitations_open_by_inviter ON invitations (organisation_id, invited_by)
    WHERE revoked_at IS NULL AND accepted_at IS NULL;
