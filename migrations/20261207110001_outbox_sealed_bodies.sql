-- An email waiting in the outbox carries a working link (an invitation, a
-- reset, a verification). With no mail transport configured it can wait
-- for days, so its bodies are sealed with the server's secret key (as
-- authenticator keys are): a copy of the database alone opens no link.
-- Rows queued before this kept their clear bodies and are sent as they
-- are; nothing writes the clear columns any more.
ALTER TABLE outbox_emails ADD COLUMN body_sealed bytea;

-- When the link in the email stops working: an email still waiting then
-- is given up on and its bodies are scrubbed (housekeeping), and no worker
-- sends it. NULL for an email without a link (a notice).
ALTER TABLE outbox_emails ADD COLUMN link_expires_at timestamptz;
