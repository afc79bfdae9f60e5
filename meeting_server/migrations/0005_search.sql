-- Full-text search over agenda items, documents (titles, and the text of every page of every
-- version), conclusions, tasks (title, units, deadline words, progress notes) and published
-- minutes and notices. See docs/search.md.
--
-- search_docs has one row per searchable thing, with its text as written (title, body). It is
-- the external content of the FTS5 index search_fts, so snippet() shows the original text with
-- its diacritics. The index is built from a folded copy: unicode61 with remove_diacritics 2
-- folds case and every Vietnamese tone and vowel mark, but not the letter đ/Đ, so the triggers
-- index the text with đ/Đ (and the look-alike ð/Ð) replaced by d/D. One letter for one letter:
-- the tokens stay where they are, and the positions in the index still point into the original.
-- Because the index and its content differ in that letter, the FTS5 commands 'rebuild' and
-- ('integrity-check', 1) would re-read the content unfolded and must not be used: reindex() in
-- store/search.py rebuilds the index. The plain 'integrity-check' and PRAGMA integrity_check
-- check the index itself and pass.
--
-- search_source (a view) says what is indexed. Triggers on the source tables copy its rows into
-- search_docs in the same transaction as the change, whoever writes (the server, the command
-- line import, the background text extraction), and the triggers on search_docs keep the index.

CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL
        CHECK (kind IN ('agenda_item', 'document', 'page', 'conclusion', 'task', 'publication')),
    ref INTEGER,
    sha256 TEXT,
    page INTEGER,
    meeting_id INTEGER,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'page') = (sha256 IS NOT NULL AND page IS NOT NULL AND ref IS NULL))
);
CREATE UNIQUE INDEX search_docs_ref ON search_docs(kind, ref);
CREATE UNIQUE INDEX search_docs_page ON search_docs(sha256, page);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    content = 'search_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');

-- While a row is here, deleting from search_docs leaves the index alone (reindex() empties the
-- index with 'delete-all' instead, which also works when the index went wrong).
CREATE TABLE search_rebuilding (
    flag INTEGER PRIMARY KEY CHECK (flag = 1)
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (
        new.id,
        replace(replace(replace(replace(new.title, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'),
        replace(replace(replace(replace(new.body, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));
END;

CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs
WHEN NOT EXISTS (SELECT 1 FROM search_rebuilding) BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES (
        'delete', old.id,
        replace(replace(replace(replace(old.title, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'),
        replace(replace(replace(replace(old.body, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));
END;

CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES (
        'delete', old.id,
        replace(replace(replace(replace(old.title, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'),
        replace(replace(replace(replace(old.body, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));
    INSERT INTO search_fts (rowid, title, body) VALUES (
        new.id,
        replace(replace(replace(replace(new.title, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'),
        replace(replace(replace(replace(new.body, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));
END;

-- What is indexed. Page texts are keyed by file (sha256), not by document: the same file may be
-- a version of several documents, and the search maps a page to them when it answers.
-- A publication is indexed while it is the published version (not as a draft, not superseded),
-- from the record and the fields it was frozen from: a notice shows the conclusions and its
-- fields, the minutes the whole record.
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
FROM conclusions c
UNION ALL
SELECT 'task', t.id, NULL, NULL, t.meeting_id, t.title,
       coalesce((SELECT name FROM units WHERE id = t.lead_unit_id), '')
       || coalesce(char(10) || (SELECT group_concat(name, ', ') FROM
              (SELECT u.name FROM task_support_units s JOIN units u ON u.id = s.unit_id
               WHERE s.task_id = t.id ORDER BY u.name)), '')
       || coalesce(char(10) || nullif(t.due_text, ''), '')
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

-- Agenda items.
CREATE TRIGGER search_agenda_items_ai AFTER INSERT ON agenda_items BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'agenda_item' AND ref = new.id;
END;

CREATE TRIGGER search_agenda_items_au AFTER UPDATE OF title, presenter, meeting_id
ON agenda_items BEGIN
    DELETE FROM search_docs WHERE kind = 'agenda_item' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'agenda_item' AND ref = new.id;
END;

CREATE TRIGGER search_agenda_items_ad AFTER DELETE ON agenda_items BEGIN
    DELETE FROM search_docs WHERE kind = 'agenda_item' AND ref = old.id;
END;

-- Documents (their titles, page texts follow).
CREATE TRIGGER search_documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'document' AND ref = new.id;
END;

CREATE TRIGGER search_documents_au AFTER UPDATE OF title, meeting_id ON documents BEGIN
    DELETE FROM search_docs WHERE kind = 'document' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'document' AND ref = new.id;
END;

CREATE TRIGGER search_documents_ad AFTER DELETE ON documents BEGIN
    DELETE FROM search_docs WHERE kind = 'document' AND ref = old.id;
END;

-- Page texts, as the background extraction stores them.
CREATE TRIGGER search_page_texts_ai AFTER INSERT ON page_texts BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source
    WHERE kind = 'page' AND sha256 = new.sha256 AND page = new.page;
END;

CREATE TRIGGER search_page_texts_au AFTER UPDATE ON page_texts BEGIN
    DELETE FROM search_docs WHERE sha256 = old.sha256 AND page = old.page;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source
    WHERE kind = 'page' AND sha256 = new.sha256 AND page = new.page;
END;

CREATE TRIGGER search_page_texts_ad AFTER DELETE ON page_texts BEGIN
    DELETE FROM search_docs WHERE sha256 = old.sha256 AND page = old.page;
END;

-- Conclusions.
CREATE TRIGGER search_conclusions_ai AFTER INSERT ON conclusions BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion' AND ref = new.id;
END;

CREATE TRIGGER search_conclusions_au AFTER UPDATE OF text, meeting_id ON conclusions BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'conclusion' AND ref = new.id;
END;

CREATE TRIGGER search_conclusions_ad AFTER DELETE ON conclusions BEGIN
    DELETE FROM search_docs WHERE kind = 'conclusion' AND ref = old.id;
END;

-- Tasks, with what their text is made of: units, deadline words, progress notes.
CREATE TRIGGER search_tasks_ai AFTER INSERT ON tasks BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = new.id;
END;

CREATE TRIGGER search_tasks_au AFTER UPDATE OF title, lead_unit_id, due_text, meeting_id
ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = new.id;
END;

CREATE TRIGGER search_tasks_ad AFTER DELETE ON tasks BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = old.id;
END;

CREATE TRIGGER search_task_updates_ai AFTER INSERT ON task_updates BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = new.task_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = new.task_id;
END;

CREATE TRIGGER search_task_updates_au AFTER UPDATE OF note, task_id ON task_updates BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref IN (old.task_id, new.task_id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref IN (old.task_id, new.task_id);
END;

CREATE TRIGGER search_task_updates_ad AFTER DELETE ON task_updates BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = old.task_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = old.task_id;
END;

CREATE TRIGGER search_task_support_units_ai AFTER INSERT ON task_support_units BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = new.task_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = new.task_id;
END;

CREATE TRIGGER search_task_support_units_ad AFTER DELETE ON task_support_units BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref = old.task_id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref = old.task_id;
END;

CREATE TRIGGER search_units_au AFTER UPDATE OF name ON units BEGIN
    DELETE FROM search_docs WHERE kind = 'task' AND ref IN (
        SELECT id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT task_id FROM task_support_units WHERE unit_id = new.id);
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'task' AND ref IN (
        SELECT id FROM tasks WHERE lead_unit_id = new.id
        UNION SELECT task_id FROM task_support_units WHERE unit_id = new.id);
END;

-- Minutes and notices: in the index while published.
CREATE TRIGGER search_publications_ai AFTER INSERT ON publications
WHEN new.status = 'published' BEGIN
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'publication' AND ref = new.id;
END;

CREATE TRIGGER search_publications_au AFTER UPDATE OF status, snapshot, fields, meeting_id
ON publications WHEN old.status = 'published' OR new.status = 'published' BEGIN
    DELETE FROM search_docs WHERE kind = 'publication' AND ref = old.id;
    INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
    SELECT * FROM search_source WHERE kind = 'publication' AND ref = new.id;
END;

CREATE TRIGGER search_publications_ad AFTER DELETE ON publications
WHEN old.status = 'published' BEGIN
    DELETE FROM search_docs WHERE kind = 'publication' AND ref = old.id;
END;

-- What was there before this migration.
INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)
SELECT * FROM search_source;
