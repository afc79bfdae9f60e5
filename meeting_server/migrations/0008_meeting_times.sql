-- When a meeting actually started and ended, and since when the item under discussion has been
-- under discussion: the console's and the tablets' timers (elapsed, and each item against its
-- planned duration).
ALTER TABLE meetings ADD COLUMN started_at TEXT;
ALTER TABLE meetings ADD COLUMN ended_at TEXT;
ALTER TABLE meetings ADD COLUMN current_item_at TEXT;
