-- Deadlines as the parser reads them (meeting_server/deadlines/), and search the way officials
-- type (docs/search.md).
--
-- A task's deadline is a date, optionally with a time of day (due_time, 'HH:MM'), a recurring
-- schedule (schedule: the value of an iCalendar RRULE; schedule_start: its first occurrence,
-- the DTSTART), or ongoing. For a schedule, due_date is the next occurrence that no progress
-- report was made for, kept in the same transaction as the reports, so the overdue filter and
-- the order by deadline stay plain SQL. due_wording is the deadline as the notice prints it,
-- shown to the secretary before the task is saved; '' for tasks made before this migration
-- (the server words them from the date).
ALTER TABLE tasks ADD COLUMN due_time TEXT
    CHECK (due_time IS NULL OR due_time GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE tasks ADD COLUMN schedule TEXT CHECK (schedule IS NULL OR schedule LIKE 'FREQ=%');
ALTER TABLE tasks ADD COLUMN schedule_start TEXT;
ALTER TABLE tasks ADD COLUMN due_wording TEXT NOT NULL DEFAULT '';

-- A progress report on a recurring task is the report for one occurrence (its due date).
ALTER TABLE task_updates ADD COLUMN occurrence TEXT;
CREATE INDEX task_updates_occurrence ON task_updates(task_id, occurrence)
    WHERE occurrence IS NOT NULL;

-- Search: units are found by their codes as well as their names ("STTTT", "SNV"), with the
-- tasks they lead or support and with the conclusions those tasks come from, and a task by
-- the words of its deadline as the notice prints them. The view search_source of 0005 is
-- made again with those bodies; the triggers of 0005 read it by name, and the triggers below
-- keep a conclusion's entry when its tasks or their units change.
DROP VIEW search_source;
CREATE VIEW search_source (kind, ref, sha256, page, meeting_id, title, body) AS
SELECT 'agenda_item', a.id, NULL, NULL, a.meeting_id, a.title, a.presenter
FROM agenda_items a
UNION ALL
SELECT 'document', d.id, NULL, NULL, d.meeting_id, d.title, ''
FROM documents d
UNION ALL
SELECT 'page', NULL, t.sha256, t.page, NULL, '', t.text
FROM page_texts t
UNION ALL
SELECT 'conclusion', c.id, NULL, NULL, c.meeting_id, '', c.text
       || coalesce(char(10) || (SELECT group_concat(unit, ', ') FROM
              (SELECT DISTINCT u.name || ' (' || u.code || ')' AS unit
               FROM tasks t JOIN units u ON u.id = t.lead_unit_id
                 OR u.id IN (SELECT unit_id FROM task_support_units WHERE task_id = t.id)
               WHERE t.conclusion_id = c.id ORDER BY u.name)), '')
FROM conclusions c
UNION ALL
SELECT 'task', t.id, NULL, NULL, t.meeting_id, t.title,
       coalesce((SELECT name || ' (' || code || ')' FROM units WHERE id = t.lead_unit_id), '')
       || coalesce(char(10) || (SELECT group_concat(unit, ', ') FROM
              (SELECT u.name || ' (' || u.code || ')' AS unit
               FROM task_support_units s JOIN units u ON u.id = s.unit_id
               WHERE s.task_id = t.id ORDER BY u.name)), '')
       || coalesce(char(10) || nullif(t.due_text, ''), '')
       || coalesce(char(10) || nullif(t.due_wording, ''), '')
       || coalesce(char(10) || (SELECT group_concat(note, char(10)) FROM
              (SELECT note FROM task_updates WHERE task_id = t.id ORDER BY id)), '')
FROM tasks t
UNION ALL
SELECT 'publication', p.id, NULL, NULL, p.meeting_id,
       CASE p.kind WHEN 'notice' THEN 'Thông báo kết luận' ELSE 'Biên bản cuộc họp' END
       || coalesce(' số ' || nullif(json_extract(p.fields, '$.number'), ''), ''),
       coalesce((SELECT group_concat(value, char(10)) FROM (
           SELECT value FROM json_tree(p.snapshot,
                                       CASE p.kind WHEN 'notice' THEN '$.conclusions' ELSE '$' END)
           WHERE type = 'text' AND coalesce(key, '') NOT IN ('starts_at', 'due_date')
           UNION ALL
           SELECT value FROM json_tree(p.fields)
           WHERE type = 'text' AND coalesce(key, '') NOT IN ('date', 'number'))), '')
FROM publications p
WHERE p.status = 'published';

-- A task's entry also holds its deadline's wording.
DROP TRIGGER search_tasks_au;
CREATE TRIGGER search_tasks_au AFTER UPDATE OF title, lead_unit_id, due_text, due_wording,
    meeting_id ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = new.id;
END;

-- A conclusion's entry names the units of its tasks.
CREATE TRIGGER search_conclusion_tasks_ai AFTER INSERT ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion' AND ref = new.conclusion_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion' AND ref = new.conclusion_id;
END;

CREATE TRIGGER search_conclusion_tasks_au AFTER UPDATE OF lead_unit_id, conclusion_id
ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion'
        AND ref IN (old.conclusion_id, new.conclusion_id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion'
        AND ref IN (old.conclusion_id, new.conclusion_id);
END;

CREATE TRIGGER search_conclusion_tasks_ad AFTER DELETE ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion' AND ref = old.conclusion_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion' AND ref = old.conclusion_id;
END;

CREATE TRIGGER search_conclusion_support_ai AFTER INSERT ON task_support_units BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion'
        AND ref = (SELECT conclusion_id FROM tasks WHERE id = new.task_id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion'
        AND ref = (SELECT conclusion_id FROM tasks WHERE id = new.task_id);
END;

CREATE TRIGGER search_conclusion_support_ad AFTER DELETE ON task_support_units BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion'
        AND ref = (SELECT conclusion_id FROM tasks WHERE id = old.task_id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion'
        AND ref = (SELECT conclusion_id FROM tasks WHERE id = old.task_id);
END;

-- A unit renamed or recoded: its tasks and their conclusions.
DROP TRIGGER search_units_au;
CREATE TRIGGER search_units_au AFTER UPDATE OF name, code ON units BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref IN (
        SELECT id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT task_id FROM task_support_units WHERE unit_id = new.id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref IN (
        SELECT id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT task_id FROM task_support_units WHERE unit_id = new.id);
    DELETE FROM search_docs WHERE kind = 'conclusion' AND ref IN (
        SELECT conclusion_id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT t.conclusion_id FROM task_support_units s JOIN tasks t ON t.id = s.task_id
        WHERE s.unit_id = new.id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion' AND ref IN (
        SELECT conclusion_id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT t.conclusion_id FROM task_support_units s JOIN tasks t ON t.id = s.task_id
        WHERE s.unit_id = new.id);
END;

-- The entries made before this migration, with the new bodies.
DELETE FROM search_docs WHERE kind IN ('task', 'conclusion');
INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
SELECT * FROM search_source WHERE kind IN ('task', 'conclusion');
