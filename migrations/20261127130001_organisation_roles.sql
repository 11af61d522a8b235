-- Roles become the organisation's own. Owner stays one global row that no
-- organisation can change (it holds every permission by being Owner: see
-- `domain::permission`); Admin and Member become ordinary roles that each
-- organisation has a copy of, under the same keys, to edit as it likes.

ALTER TABLE roles
    ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 300),
    -- Bumped by every edit: an edit carries the version it read, and one
    -- saved over a newer version is refused.
    ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE roles DROP CONSTRAINT roles_name_check;
ALTER TABLE roles ADD CONSTRAINT roles_name_check CHECK (length(name) BETWEEN 1 AND 80);
-- Names are unique in an organisation, ignoring case; "Owner" is reserved
-- for the global row.
CREATE UNIQUE INDEX roles_org_name_unique ON roles (organisation_id, lower(name))
    WHERE organisation_id IS NOT NULL;
ALTER TABLE roles ADD CONSTRAINT roles_owner_reserved
    CHECK (organisation_id IS NULL OR lower(name) <> 'owner');

-- The roles every organisation starts with.
CREATE FUNCTION seed_organisation_roles(org uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO roles (organisation_id, key, name, description, permissions, rank) VALUES
        (org, 'admin', 'Admin', 'Sees the team, invites people and manages members.',
         ARRAY['team.view', 'members.invite', 'members.manage'], 10),
        (org, 'member', 'Member', 'Uses the organisation''s product; no access to Roster''s admin pages.',
         ARRAY[]::text[], 20)
$$;

-- However an organisation is made (the command line, the demo, the tests),
-- it has its roles in the same transaction.
CREATE FUNCTION organisations_seed_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM seed_organisation_roles(NEW.id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER organisations_seed_roles AFTER INSERT ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_seed_roles();

-- The organisations already here: their copies, then everything that
-- pointed at the global rows points at the copy with the same key.
SELECT seed_organisation_roles(id) FROM organisations;
UPDATE memberships m SET role_id = copy.id
FROM roles global, roles copy
WHERE m.role_id = global.id AND global.organisation_id IS NULL AND global.key IN ('admin', 'member')
  AND copy.organisation_id = m.organisation_id AND copy.key = global.key;
UPDATE invitations i SET role_id = copy.id
FROM roles global, roles copy
WHERE i.role_id = global.id AND global.organisation_id IS NULL AND global.key IN ('admin', 'member')
  AND copy.organisation_id = i.organisation_id AND copy.key = global.key;
DELETE FROM roles WHERE organisation_id IS NULL AND key IN ('admin', 'member');

-- Owning the organisation is one permission that implies every other,
-- present and future (`domain::permission`), and only the global Owner row
-- holds it: nobody can grant it, and no role of an organisation can
-- contain it.
UPDATE roles SET permissions = ARRAY['organisation.own'] WHERE organisation_id IS NULL AND key = 'owner';
ALTER TABLE roles ADD CONSTRAINT roles_ownership_not_grantable
    CHECK (organisation_id IS NULL OR NOT ('organisation.own' = ANY (permissions)));

-- Permissions granted to a person directly, on top of their role. Every
-- grant has a scope: the organisation (no scope id), or, with sites and
-- departments, one of them (its id). A key is Roster's own or one of the
-- organisation's product permissions (those never take a Roster key).
CREATE TABLE member_permissions (
    membership_id uuid NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    permission    text NOT NULL CHECK (permission ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'
                                       AND length(permission) <= 64
                                       AND permission <> 'organisation.own'),
    scope_kind    text NOT NULL DEFAULT 'organisation'
                  CHECK (scope_kind IN ('organisation', 'site', 'department')),
    scope_id      uuid,
    granted_by    uuid REFERENCES accounts (id) ON DELETE SET NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope_kind = 'organisation') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX member_permissions_unique ON member_permissions
    (membership_id, permission, scope_kind, coalesce(scope_id, '00000000-0000-0000-0000-000000000000'));

-- A person's effective permissions at the organisation's scope: their
-- role's, plus those granted to them directly. Every query that asks what
-- a person may do reads this one function (inlined by the planner, so the
-- actor's query stays one statement), so no check can see less or more
-- than another.
CREATE FUNCTION membership_permissions(membership uuid, role_permissions text[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT role_permissions || coalesce(
        (SELECT array_agg(g.permission ORDER BY g.permission)
         FROM member_permissions g
         WHERE g.membership_id = membership AND g.scope_kind = 'organisation'),
        ARRAY[]::text[])
$$;
