-- A unit can be deactivated (merged, renamed into another, dissolved): it is no longer given
-- new tasks or users, and keeps what it has.
ALTER TABLE units ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
