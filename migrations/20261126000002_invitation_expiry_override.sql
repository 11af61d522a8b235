-- How long this invitation's links last when the inviter chose it in the
-- invite dialog; NULL follows the organisation's setting. Resend and "Create
-- new link" give the new link this duration again instead of the default.
ALTER TABLE invitations ADD COLUMN expiry_hours integer
    CHECK (expiry_hours BETWEEN 1 AND 720);
