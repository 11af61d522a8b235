-- Departments become the organisation's to manage: renamed, archived
-- (they leave the pickers but stay on people until changed), within the
-- same name rules as roles.
ALTER TABLE departments DROP CONSTRAINT departments_name_check;
ALTER TABLE departments ADD CONSTRAINT departments_name_check CHECK (length(name) BETWEEN 1 AND 80);
ALTER TABLE departments ADD COLUMN archived_at timestamptz;
