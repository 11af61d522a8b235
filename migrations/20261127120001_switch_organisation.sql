-- Switching organisation with a second factor: the switch leaves the
-- current session as it is and names the organisation in a pending
-- sign-in, so that the factor step opens the session there.
ALTER TABLE pending_sign_ins
    ADD COLUMN organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE;
