-- Site surveys (issue 16): one row per survey of a project, so two surveys of a site can be
-- compared ("mqtts 8883: blocked → reachable"). `document` is the survey's JSON (endpoints,
-- the firewall request and every device report); like a run's report it holds no secret.
-- The counts are copied out of it so the history lists without parsing documents.

CREATE TABLE surveys (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    devices    INTEGER NOT NULL,
    endpoints  INTEGER NOT NULL,
    reachable  INTEGER NOT NULL,
    blocked    INTEGER NOT NULL,
    failed     INTEGER NOT NULL,
    document   TEXT NOT NULL
) STRICT;

CREATE INDEX surveys_by_project ON surveys(project_id, started_at);
