-- The owners' audit page: filters by actor, target, action and time range,
-- newest first, in keyset pages on (occurred_at, id). Each index leads with
-- the organisation and ends in the page order, so a filtered page reads at
-- most a page of index entries past the cursor. The expressions here must
-- match the ones in app/src/server/db/audit_view.rs.

-- The unfiltered log, newest first. The first migration's index lacked the
-- id that breaks ties (events of one transaction share their time).
DROP INDEX audit_events_org_time;
CREATE INDEX audit_events_org_time ON audit_events (organisation_id, occurred_at DESC, id DESC);

CREATE INDEX audit_events_org_action ON audit_events (organisation_id, action, occurred_at DESC, id DESC);

-- By who did it, or to whom: the actor suggestions walk the first (one
-- probe per distinct actor), the filters' email matches and a member's
-- page ("done by or to them") use both.
CREATE INDEX audit_events_org_actor ON audit_events (organisation_id, actor_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_org_target ON audit_events (organisation_id, target_id, occurred_at DESC, id DESC);

-- Substring search in the name snapshots (pg_trgm, enabled by
-- 20261123000001_team_view.sql).
CREATE INDEX audit_events_actor_name_trgm ON audit_events USING gin (lower(actor_name) gin_trgm_ops);
CREATE INDEX audit_events_target_name_trgm ON audit_events USING gin (lower(target_name) gin_trgm_ops);
