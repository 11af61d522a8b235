-- Sorting the team table by role or by name, served by one index each.
--
-- A member's name lives in accounts and their role's rank in roles, so no
-- index on memberships could serve ORDER BY rank, name: sorting by role
-- read and sorted every member of the tab (p95 136 ms at 100,000 members),
-- and sorting by name walked the name index of every organisation's
-- accounts. Copies of both on the membership, kept by the triggers below in
-- the changing transaction, let an index per order serve the first page
-- and each next one. The expressions must match db/team_view.rs.

ALTER TABLE memberships ADD COLUMN role_rank integer, ADD COLUMN sort_name text;

UPDATE memberships m SET role_rank = r.rank FROM roles r WHERE r.id = m.role_id;
UPDATE memberships m SET sort_name = lower(a.display_name) FROM accounts a WHERE a.id = m.account_id;

ALTER TABLE memberships ALTER COLUMN role_rank SET NOT NULL,
                        ALTER COLUMN sort_name SET NOT NULL;

-- A new membership, or one that changes role or account, copies the rank
-- and the name. Nothing else writes these columns.
CREATE FUNCTION memberships_order_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.role_rank := (SELECT rank FROM roles WHERE id = NEW.role_id);
    NEW.sort_name := (SELECT lower(display_name) FROM accounts WHERE id = NEW.account_id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER memberships_order_keys
    BEFORE INSERT OR UPDATE OF role_id, account_id, role_rank, sort_name ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_order_keys();

-- A renamed account renames it in each of its organisations.
CREATE FUNCTION accounts_sort_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memberships SET sort_name = lower(NEW.display_name) WHERE account_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER accounts_sort_name
    AFTER UPDATE OF display_name ON accounts
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION accounts_sort_name();

-- A role moved in the order moves its members.
CREATE FUNCTION roles_rank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE memberships SET role_rank = NEW.rank WHERE role_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER roles_rank
    AFTER UPDATE OF rank ON roles
    FOR EACH ROW WHEN (OLD.rank IS DISTINCT FROM NEW.rank)
    EXECUTE FUNCTION roles_rank();

CREATE INDEX memberships_org_name_order ON memberships (organisation_id, status, sort_name, account_id);
CREATE INDEX memberships_org_role_order
    ON memberships (organisation_id, status, role_rank, sort_name, account_id);
