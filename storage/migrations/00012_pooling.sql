-- +goose Up
-- Pooling campaigns (issue 13): companies map their support functions on
-- an efficiency × importance matrix and the group decides how to pool
-- each. functions is a JSON list of {"key", "name", "parent"}; instants
-- are stored as everywhere (see db.go). The tables keyed by campaign are
-- WITHOUT ROWID, so a campaign's rows lie together in key order: the
-- synthesis reads every answer of a campaign at once.
CREATE TABLE pool_campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    mode       TEXT    NOT NULL CHECK (mode IN ('allies', 'cluster')),
    functions  TEXT    NOT NULL DEFAULT '[]',
    deadline   TEXT    NOT NULL DEFAULT '',
    status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by TEXT    REFERENCES members (user_id),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
-- The companies taking part.
CREATE TABLE pool_campaign_companies (
    campaign_id INTEGER NOT NULL REFERENCES pool_campaigns (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    PRIMARY KEY (campaign_id, company_id)
) WITHOUT ROWID;
CREATE INDEX pool_campaign_companies_company ON pool_campaign_companies (company_id);
-- A company's answer for one function. chosen: the company chose its
-- intention rather than take the matrix's suggestion.
CREATE TABLE pool_answers (
    campaign_id  INTEGER NOT NULL REFERENCES pool_campaigns (id) ON DELETE CASCADE,
    company_id   INTEGER NOT NULL REFERENCES companies (id),
    function_key TEXT    NOT NULL,
    efficiency   TEXT    NOT NULL CHECK (efficiency IN ('low', 'medium', 'high')),
    importance   TEXT    NOT NULL CHECK (importance IN ('low', 'medium', 'high')),
    intention    TEXT    NOT NULL CHECK (intention IN ('keep', 'pool', 'outsource', 'abandon')),
    chosen       INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0, 1)),
    comment      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, company_id, function_key)
) WITHOUT ROWID;
-- A company's standing in a campaign: its agreement to share its answers
-- with the group, who last answered, and when.
CREATE TABLE pool_responses (
    campaign_id INTEGER NOT NULL REFERENCES pool_campaigns (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies (id),
    shared      INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    answered_by TEXT    REFERENCES members (user_id),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, company_id)
) WITHOUT ROWID;
-- The group's decision for a function; companies is a JSON list of
-- company ids; group_id the working group it created.
CREATE TABLE pool_decisions (
    campaign_id  INTEGER NOT NULL REFERENCES pool_campaigns (id) ON DELETE CASCADE,
    function_key TEXT    NOT NULL,
    way          TEXT    NOT NULL CHECK (way IN ('shared_team', 'group_buying', 'shared_provider', 'joint_rd', 'in_house')),
    companies    TEXT    NOT NULL DEFAULT '[]',
    note         TEXT    NOT NULL DEFAULT '',
    group_id     INTEGER REFERENCES groups (id),
    decided_by   TEXT    REFERENCES members (user_id),
    decided_at   TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, function_key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE pool_decisions;
DROP TABLE pool_responses;
DROP TABLE pool_answers;
DROP TABLE pool_campaign_companies;
DROP TABLE pool_campaigns;
