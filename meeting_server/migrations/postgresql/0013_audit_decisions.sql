-- PostgreSQL twin of ../0013_audit_decisions.sql: the audit log's actions include 'decide'
-- (the chair's follow-up decisions). PostgreSQL changes the CHECK in place.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('view', 'download', 'publish', 'sign_in', 'decide'));
