-- A membership made by accepting an invitation's copied link with an
-- account whose address nobody had proven: whoever held the link may not
-- be the address's owner (they may have made the account themselves).
-- When the owner proves the address by completing a password reset, they
-- take the account back without these memberships, and are told so; a
-- verification link followed first (the owner saying the account is
-- theirs) keeps them.
ALTER TABLE memberships ADD COLUMN joined_unproven boolean NOT NULL DEFAULT false;
