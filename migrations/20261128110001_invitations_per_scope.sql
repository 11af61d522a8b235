-- One open invitation per address *per inviting scope*, not per
-- organisation. A site manager who invites an address with an open
-- invitation they cannot see (one for sites outside theirs) must be
-- answered exactly as for a new address, so a second open invitation for
-- that address has to be possible. Which scope sees which invitation is a
-- question of sites, which an index cannot ask: `invitations::invite`
-- decides it under the organisation's invitation-sends lock, which every
-- invitation takes before it is written, so two inviters racing for one
-- address still end with one invitation per scope.
DROP INDEX invitations_open_email_unique;
CREATE INDEX invitations_open_email ON invitations (organisation_id, lower(email))
    WHERE revoked_at IS NULL AND accepted_at IS NULL;
