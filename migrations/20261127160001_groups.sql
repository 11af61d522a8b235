-- Groups: named sets of an organisation's people ("Night shift"). A group
-- may grant a role's permissions and extra permissions to each of its
-- members, as a grant with a scope (this issue uses the organisation's);
-- a person's effective permissions are their role's, their direct grants
-- and their groups'.

CREATE TABLE groups (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 300),
    -- The role whose permissions each member gets, as the role says them
    -- now (an edit to it reaches them on their next request). Never Owner
    -- (the code refuses it; the function below drops owning anyway).
    -- Deleting the role moves its groups to the role its holders move to,
    -- so no ON DELETE here: a role still granted cannot disappear.
    role_id         uuid REFERENCES roles (id),
    permissions     text[] NOT NULL DEFAULT ARRAY[]::text[]
                    CHECK (NOT ('organisation.own' = ANY (permissions))),
    scope_kind      text NOT NULL DEFAULT 'organisation'
                    CHECK (scope_kind IN ('organisation', 'site', 'department')),
    scope_id        uuid,
    -- Bumped by every edit of what it grants, name or description: an
    -- edit carries the version it read.
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope_kind = 'organisation') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX groups_org_name_unique ON groups (organisation_id, lower(name));
CREATE INDEX groups_role ON groups (role_id) WHERE role_id IS NOT NULL;

CREATE TABLE group_members (
    group_id      uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    membership_id uuid NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    added_by      uuid REFERENCES accounts (id) ON DELETE SET NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, membership_id)
);
-- A person's groups: what every permission check reads.
CREATE INDEX group_members_membership ON group_members (membership_id);

-- A person's effective permissions at the organisation's scope: their
-- role's, their direct grants, and what their groups grant (the group's
-- role's permissions and its extras), once each, sensitive product keys
-- marked with "!" as before.
CREATE OR REPLACE FUNCTION membership_permissions(membership uuid, role_permissions text[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(CASE WHEN p.sensitive THEN '!' || k.key ELSE k.key END ORDER BY k.key),
                    ARRAY[]::text[])
    FROM (SELECT unnest(role_permissions) AS key
          UNION
          SELECT g.permission FROM member_permissions g
          WHERE g.membership_id = membership AND g.scope_kind = 'organisation'
          UNION
          SELECT granted.key
          FROM group_members gm
          JOIN groups gr ON gr.id = gm.group_id AND gr.scope_kind = 'organisation'
          LEFT JOIN roles r ON r.id = gr.role_id
          CROSS JOIN LATERAL unnest(coalesce(r.permissions, ARRAY[]::text[]) || gr.permissions)
               AS granted (key)
          WHERE gm.membership_id = membership AND granted.key <> 'organisation.own') k
    LEFT JOIN product_permissions p
           ON p.key = k.key
          AND p.organisation_id = (SELECT organisation_id FROM memberships WHERE id = membership)
$$;
