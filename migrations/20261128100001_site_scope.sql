-- Delegated administration: what a person holds at each site, beside
-- what they hold across the organisation (`membership_permissions`).
--
-- A site role grants its permissions at its site only. An archived site
-- grants nothing: it is closed, and its people stay on it only until
-- changed. Owning is never a site role's (the server refuses it); it is
-- left out here too, so that no stored row could make a site's owner.
-- Which of Roster's permissions hold at the organisation's scope only is
-- the domain's (`domain::scope::ORGANISATION_ONLY`), applied as read.
--
-- Entries are "{site id} {key}", the key marked '!' when it is a
-- sensitive product permission, as `membership_permissions` marks them.
CREATE FUNCTION membership_site_permissions(membership uuid) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(sm.site_id::text || ' ' ||
                              CASE WHEN p.sensitive THEN '!' || k.key ELSE k.key END
                              ORDER BY sm.site_id, k.key),
                    ARRAY[]::text[])
    FROM site_members sm
    JOIN sites s ON s.id = sm.site_id AND s.archived_at IS NULL
    JOIN roles r ON r.id = sm.role_id
    CROSS JOIN LATERAL unnest(r.permissions) AS k (key)
    LEFT JOIN product_permissions p ON p.key = k.key AND p.organisation_id = s.organisation_id
    WHERE sm.membership_id = membership AND k.key <> 'organisation.own'
$$;

-- What an invitation grants at each scope. Across the organisation: its
-- role's permissions, those on top, and its groups' (as before sites).
-- At each of its sites: that site's role, granted there only. Its inviter
-- must hold each part at its scope, at acceptance and whenever what they
-- hold narrows (`domain::invitation::inviter_entitled`).
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
        ARRAY[]::text[])
$$;

-- Entries "{site id} {key}", as `membership_site_permissions` gives them.
CREATE FUNCTION invitation_site_grants(invitation uuid) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(isr.site_id::text || ' ' || k.key ORDER BY isr.site_id, k.key),
                    ARRAY[]::text[])
    FROM invitation_sites isr
    JOIN roles r ON r.id = isr.role_id
    CROSS JOIN LATERAL unnest(r.permissions) AS k (key)
    WHERE isr.invitation_id = invitation AND k.key <> 'organisation.own'
$$;
