-- Sites: an organisation's locations ("Berlin", "Lyon"). A person belongs
-- to any number of them, each with a site role: an ordinary role of the
-- organisation, whose permissions it grants for that site only.

CREATE TABLE sites (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    address         text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    -- A name from pg_timezone_names, checked by the code when saved.
    time_zone       text NOT NULL,
    -- Archived sites leave the pickers and stay on their people.
    archived_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sites_org_name_unique ON sites (organisation_id, lower(name));

CREATE TABLE site_members (
    site_id       uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    membership_id uuid NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    -- Never Owner (the code refuses it). Deleting the role moves its site
    -- holders to the role its holders move to, so no ON DELETE here.
    role_id       uuid NOT NULL REFERENCES roles (id),
    added_by      uuid REFERENCES accounts (id) ON DELETE SET NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, membership_id)
);
-- A person's sites (their page, their team row).
CREATE INDEX site_members_membership ON site_members (membership_id);
-- The team table's site role filter, within a site or across them.
CREATE INDEX site_members_site_role ON site_members (site_id, role_id, membership_id);
CREATE INDEX site_members_role ON site_members (role_id, membership_id);

-- Sites chosen at invite, each with its site role: a pending invitation
-- keeps them (editable while it is open), and accepting it puts the new
-- member on each. Deleting a role moves these with its other holders.
CREATE TABLE invitation_sites (
    invitation_id uuid NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    site_id       uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    role_id       uuid NOT NULL REFERENCES roles (id),
    PRIMARY KEY (invitation_id, site_id)
);
CREATE INDEX invitation_sites_site ON invitation_sites (site_id);
CREATE INDEX invitation_sites_role ON invitation_sites (role_id);

-- What an invitation grants now counts its site roles too: the inviter
-- must hold them (at the organisation's scope until sites scope grants),
-- at acceptance and whenever what they hold narrows.
CREATE OR REPLACE FUNCTION invitation_grants(invitation uuid, role_permissions text[], extras text[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT role_permissions || extras || coalesce(
        (SELECT array_agg(granted.key)
         FROM invitation_groups ig
         JOIN groups g ON g.id = ig.group_id
         LEFT JOIN roles r ON r.id = g.role_id
         CROSS JOIN LATERAL unnest(coalesce(r.permissions, ARRAY[]::text[]) || g.permissions)
              AS granted (key)
         WHERE ig.invitation_id = invitation AND granted.key <> 'organisation.own'),
        ARRAY[]::text[]) || coalesce(
        (SELECT array_agg(granted.key)
         FROM invitation_sites isr
         JOIN roles r ON r.id = isr.role_id
         CROSS JOIN LATERAL unnest(r.permissions) AS granted (key)
         WHERE isr.invitation_id = invitation AND granted.key <> 'organisation.own'),
        ARRAY[]::text[])
$$;
