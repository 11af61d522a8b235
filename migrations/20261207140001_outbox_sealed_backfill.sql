-- Emails queued before bodies were sealed keep their clear bodies until
-- sent; so that housekeeping scrubs them too once their link expires
-- (with no mail transport they would wait for good), they get the expiry
-- of the link they carry. A verification link lasts 7 days.
UPDATE outbox_emails o SET link_expires_at = i.expires_at
FROM invitations i
WHERE o.invitation_id = i.id AND o.state = 'queued' AND o.link_expires_at IS NULL;

UPDATE outbox_emails o SET link_expires_at = r.expires_at
FROM password_resets r
WHERE o.password_reset_id = r.id AND o.state = 'queued' AND o.link_expires_at IS NULL;

UPDATE outbox_emails SET link_expires_at = created_at + interval '7 days'
WHERE kind = 'email_verification' AND state = 'queued' AND link_expires_at IS NULL;

-- Whatever is not waiting to be sent keeps no body, sealed or clear.
ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_sealed_scrubbed
    CHECK (state = 'queued' OR body_sealed IS NULL);
