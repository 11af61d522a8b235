-- Departments a person belongs to besides their primary one
-- (`memberships.department_id`): the team table's department filter and
-- its CSV count them too. Never the primary one as well (the code takes a
-- department out of here when it becomes the primary).
CREATE TABLE member_departments (
    membership_id uuid NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    department_id uuid NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (membership_id, department_id)
);
-- The department filter reads a department's people from here.
CREATE INDEX member_departments_department ON member_departments (department_id, membership_id);
