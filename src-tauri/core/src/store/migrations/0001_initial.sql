-- Loop Studio's first schema: projects, models with ordered templates and data blocks,
-- devices, their variables, and run history.
-- Variables hold either a plain `value` or a `sealed` secret (see secret.rs), never both.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE project_variables (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT,
    sealed     BLOB,
    PRIMARY KEY (project_id, name),
    CHECK ((value IS NULL) <> (sealed IS NULL))
) STRICT;

CREATE TABLE models (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (project_id, name)
) STRICT;

-- `body` is the template's JSON object; secret-typed literal values inside it are replaced
-- by {"$sealed": "<base64>"} so no plaintext secret reaches this table.
CREATE TABLE templates (
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (model_id, position)
) STRICT;

CREATE TABLE data_blocks (
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (model_id, position),
    UNIQUE (model_id, name)
) STRICT;

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    -- RESTRICT: a model in use is deleted only by an explicit force, which deletes its
    -- devices first.
    model_id   INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (project_id, name)
) STRICT;

CREATE INDEX devices_by_model ON devices(model_id);

CREATE TABLE device_variables (
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    value     TEXT,
    sealed    BLOB,
    PRIMARY KEY (device_id, name),
    CHECK ((value IS NULL) <> (sealed IS NULL))
) STRICT;

-- One row per connectivity run; `report` is the report JSON of DESIGN.md §3.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    device_id   INTEGER REFERENCES devices(id) ON DELETE SET NULL,
    device_name TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    pass        INTEGER NOT NULL DEFAULT 0,
    warn        INTEGER NOT NULL DEFAULT 0,
    fail        INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    report      TEXT NOT NULL
) STRICT;

CREATE INDEX runs_by_device ON runs(device_id, started_at);
