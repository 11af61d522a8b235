-- Groups chosen at invite: a pending invitation keeps them (editable while
-- it is open), and accepting it puts the new member in each. A group
-- deleted meanwhile simply drops out of the invitation.

CREATE TABLE invitation_groups (
    invitation_id uuid NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    group_id      uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, group_id)
);
-- The team table's group filter, from the group's side.
CREATE INDEX invitation_groups_group ON invitation_groups (group_id);

-- Everything an invitation grants: its role's permissions, those on top,
-- and its groups' (each group's role's permissions and extras, as they
-- are now). Whether its inviter may still send it is judged on this, at
-- acceptance and whenever the inviter's own permissions narrow.
CREATE FUNCTION invitation_grants(invitation uuid, role_permissions text[], extras text[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT role_permissions || extras || coalesce(
        (SELECT array_agg(granted.key)
         FROM invitation_groups ig
         JOIN groups g ON g.id = ig.group_id
         LEFT JOIN roles r ON r.id = g.role_id
         CROSS JOIN LATERAL unnest(coalesce(r.permissions, ARRAY[]::text[]) || g.permissions)
              AS granted (key)
         WHERE ig.invitation_id = invitation AND granted.key <> 'organisation.own'),
        ARRAY[]::text[])
$$;
