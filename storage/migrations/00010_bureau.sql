-- +goose Up
-- The Bureau des pairs' applications (issue 12): a company's confidential
-- application to be heard by a panel of peers. applicant and filed_by are
-- user ids (members.user_id) as the core names people; a guest filed for
-- by a facilitator has a member row all the same; filed_by is NULL when
-- the applicant filed it. The company's fields are copied as given, not
-- read from companies: the application keeps what was judged. misses is a
-- JSON list of {"criterion", "want", "got"}: the criteria missed when it
-- was submitted. Instants are stored as everywhere (see db.go); version
-- rises on every write, so a decision taken on a stale copy is refused.
CREATE TABLE bureau_applications (
    id              INTEGER PRIMARY KEY,
    applicant       TEXT    NOT NULL REFERENCES members (user_id),
    filed_by        TEXT    REFERENCES members (user_id),
    company_name    TEXT    NOT NULL,
    sector          TEXT    NOT NULL DEFAULT '',
    city            TEXT    NOT NULL DEFAULT '',
    founded_year    INTEGER NOT NULL DEFAULT 0 CHECK (founded_year >= 0),
    revenue_band    TEXT    NOT NULL DEFAULT '' CHECK (revenue_band IN
                    ('', '<300k', '300k-1M', '1M-5M', '5M-20M', '>20M')),
    headcount       INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
    kind            TEXT    NOT NULL CHECK (kind IN
                    ('numerique', 'energetique', 'responsable', 'organisationnelle', 'autre')),
    project         TEXT    NOT NULL,
    expectations    TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN
                    ('submitted', 'eligible', 'to_decide', 'accepted', 'refused', 'withdrawn')),
    misses          TEXT    NOT NULL DEFAULT '[]',
    decision_reason TEXT    NOT NULL DEFAULT '',
    decided_by      TEXT    REFERENCES members (user_id),
    decided_at      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- An applicant's own applications, and those a facilitator filed.
CREATE INDEX bureau_applications_applicant ON bureau_applications (applicant, created_at);
CREATE INDEX bureau_applications_filed_by ON bureau_applications (filed_by, created_at);
-- The facilitators' queue: pending applications, oldest first.
CREATE INDEX bureau_applications_status ON bureau_applications (status, created_at);

-- +goose Down
DROP TABLE bureau_applications;
