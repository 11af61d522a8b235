-- Two-factor policy: an organisation requires a second factor of nobody
-- (optional), of those holding sensitive permissions, or of everyone,
-- with a grace period of 0 to 30 days. The grace runs per membership from
-- the moment that person became subject to the policy
-- (`two_factor_required_since`, NULL while they are not); a role change or
-- a new policy sets or clears it (`memberships::refresh_two_factor_requirement`).
ALTER TABLE organisations
    ADD COLUMN two_factor_policy text NOT NULL DEFAULT 'optional'
        CHECK (two_factor_policy IN ('optional', 'sensitive', 'everyone')),
    ADD COLUMN two_factor_grace_days integer NOT NULL DEFAULT 7
        CHECK (two_factor_grace_days BETWEEN 0 AND 30);

ALTER TABLE memberships ADD COLUMN two_factor_required_since timestamptz;

-- When a member must have a second factor by: the end of their grace, or
-- NULL when the policy does not cover them or they have one. One
-- definition for every query that reads it (the session's actor, the team
-- table), so that they cannot disagree.
CREATE FUNCTION two_factor_due(
    factor_enabled_at timestamptz,
    required_since timestamptz,
    grace_days integer
) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
RETURN CASE WHEN factor_enabled_at IS NULL AND required_since IS NOT NULL
            THEN required_since + make_interval(days => grace_days) END;
