-- The team table at scale: search, filters, sorting and keyset paging that
-- stay fast with 100,000 members in one organisation, and tab counts that
-- cost one row read instead of a count over the whole table.

-- Substring search by name or email uses trigram indexes. pg_trgm is a
-- trusted extension (PostgreSQL 13+), so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Two-factor sign-in is not built yet; the team table already shows and
-- filters on whether it is set up, so the fact gets its column now.
ALTER TABLE accounts ADD COLUMN two_factor_enabled_at timestamptz;

CREATE INDEX accounts_name_trgm ON accounts USING gin (lower(display_name) gin_trgm_ops);
CREATE INDEX accounts_email_trgm ON accounts USING gin (lower(email) gin_trgm_ops);
-- Sorting by name (ties broken by id, which is also the paging cursor's).
CREATE INDEX accounts_name_order ON accounts (lower(display_name), id);

-- Members of one organisation and status, in each membership-side order.
-- The expressions here must match the ones in db/team_view.rs exactly.
CREATE INDEX memberships_org_joined ON memberships (organisation_id, status, joined_at, account_id);
CREATE INDEX memberships_org_sign_in ON memberships
    (organisation_id, status, coalesce(last_sign_in_at, timestamptz 'epoch'), account_id);
CREATE INDEX memberships_org_department ON memberships (organisation_id, department_id);
CREATE INDEX memberships_org_role ON memberships (organisation_id, role_id);

CREATE INDEX invitations_name_trgm ON invitations USING gin (lower(display_name) gin_trgm_ops);
CREATE INDEX invitations_email_trgm ON invitations USING gin (lower(email) gin_trgm_ops);

-- Unfiltered tab counts, kept by triggers in the same transaction as the
-- change. An organisation's row is created with it; the triggers only
-- update, so cascading deletes of an organisation never re-create it.
CREATE TABLE team_counts (
    organisation_id  uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    enabled_members  integer NOT NULL DEFAULT 0,
    disabled_members integer NOT NULL DEFAULT 0,
    -- Neither revoked nor accepted: pending and expired alike.
    open_invitations integer NOT NULL DEFAULT 0
);

INSERT INTO team_counts (organisation_id, enabled_members, disabled_members, open_invitations)
SELECT o.id,
       (SELECT count(*) FROM memberships m WHERE m.organisation_id = o.id AND m.status = 'enabled'),
       (SELECT count(*) FROM memberships m WHERE m.organisation_id = o.id AND m.status = 'disabled'),
       (SELECT count(*) FROM invitations i WHERE i.organisation_id = o.id
                                             AND i.revoked_at IS NULL AND i.accepted_at IS NULL)
FROM organisations o;

CREATE FUNCTION team_counts_new_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO team_counts (organisation_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER team_counts_organisation AFTER INSERT ON organisations
    FOR EACH ROW EXECUTE FUNCTION team_counts_new_organisation();

CREATE FUNCTION team_counts_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE team_counts
        SET enabled_members = enabled_members - (OLD.status = 'enabled')::integer,
            disabled_members = disabled_members - (OLD.status = 'disabled')::integer
        WHERE organisation_id = OLD.organisation_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE team_counts
        SET enabled_members = enabled_members + (NEW.status = 'enabled')::integer,
            disabled_members = disabled_members + (NEW.status = 'disabled')::integer
        WHERE organisation_id = NEW.organisation_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER team_counts_memberships
    AFTER INSERT OR DELETE OR UPDATE OF status, organisation_id ON memberships
    FOR EACH ROW EXECUTE FUNCTION team_counts_memberships();

CREATE FUNCTION team_counts_invitations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE team_counts
        SET open_invitations = open_invitations
                               - (OLD.revoked_at IS NULL AND OLD.accepted_at IS NULL)::integer
        WHERE organisation_id = OLD.organisation_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE team_counts
        SET open_invitations = open_invitations
                               + (NEW.revoked_at IS NULL AND NEW.accepted_at IS NULL)::integer
        WHERE organisation_id = NEW.organisation_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER team_counts_invitations
    AFTER INSERT OR DELETE OR UPDATE OF revoked_at, accepted_at, organisation_id ON invitations
    FOR EACH ROW EXECUTE FUNCTION team_counts_invitations();
