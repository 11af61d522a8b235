-- The organisation's product permissions: what its own product lets a
-- person do ("reports.view"). They grant nothing inside Roster; roles and
-- direct grants hold their keys beside Roster's own.

CREATE TABLE product_permissions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- Immutable once created, and never reused after retirement: the
    -- product reads it, and an old grant must never come to mean
    -- something new. The first segment of Roster's own keys is reserved
    -- (`domain::product_permission::RESERVED_PREFIXES`).
    key             text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'
                                         AND length(key) <= 64
                                         AND split_part(key, '.', 1) NOT IN
                                             ('team', 'members', 'roles', 'organisation', 'audit',
                                              'groups', 'departments', 'sites', 'roster')),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 300),
    -- It lets the holder change who has access, or something as weighty:
    -- acting on a holder needs it too, and the two-factor policy's
    -- "sensitive" setting covers holders.
    sensitive       boolean NOT NULL DEFAULT false,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    retired_at      timestamptz,
    UNIQUE (organisation_id, key)
);
CREATE UNIQUE INDEX product_permissions_live_name ON product_permissions (organisation_id, lower(name))
    WHERE retired_at IS NULL;

-- A person's effective permissions at the organisation's scope: their
-- role's, plus those granted to them directly, once each. Sensitive
-- product permissions come back marked with a leading "!" (a key never
-- starts with one), so that whoever reads a person's permissions knows
-- which of them an actor must hold to act on the person, in the same
-- statement (`domain::permission::PermissionSet::from_keys`).
CREATE OR REPLACE FUNCTION membership_permissions(membership uuid, role_permissions text[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(CASE WHEN p.sensitive THEN '!' || k.key ELSE k.key END ORDER BY k.key),
                    ARRAY[]::text[])
    FROM (SELECT unnest(role_permissions) AS key
          UNION
          SELECT g.permission FROM member_permissions g
          WHERE g.membership_id = membership AND g.scope_kind = 'organisation') k
    LEFT JOIN product_permissions p
           ON p.key = k.key
          AND p.organisation_id = (SELECT organisation_id FROM memberships WHERE id = membership)
$$;

-- Permissions an invitation grants on top of its role, at the
-- organisation's scope: on acceptance they become the new member's direct
-- grants, granted by the inviter.
ALTER TABLE invitations
    ADD COLUMN permissions text[] NOT NULL DEFAULT ARRAY[]::text[]
        CHECK (NOT ('organisation.own' = ANY (permissions)));
