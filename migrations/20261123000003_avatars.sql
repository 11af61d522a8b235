-- Profile pictures. Only what the server itself encoded is stored (a
-- 256×256 JPEG with no metadata, see app/src/server/avatar.rs), in the
-- database rather than on one machine's disk, so that every server process
-- serves it. A table apart from accounts keeps the bytes out of the rows
-- that every team-table page reads.
CREATE TABLE avatars (
    account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    image      bytea NOT NULL CHECK (octet_length(image) BETWEEN 1 AND 1048576),
    -- Part of the picture's address (`?v=`), so that browsers may cache one
    -- picture for good and still see a new one at once.
    updated_at timestamptz NOT NULL DEFAULT now()
);
