-- +goose Up
-- The peers who volunteer to sit on panels (the role « pair »): a member
-- who leaves keeps the row with active = 0, and with it loses sight of
-- every application of the panels they sat on.
CREATE TABLE bureau_peers (
    user_id  TEXT    PRIMARY KEY REFERENCES members (user_id),
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    added_by TEXT    REFERENCES members (user_id),
    since    TEXT    NOT NULL
);
-- A peer's declared conflicts, by company name as typed and folded
-- (company_key, commands.CompanyKey: folded, without punctuation nor legal form): the key is what applications match.
CREATE TABLE bureau_conflicts (
    user_id      TEXT NOT NULL REFERENCES members (user_id),
    company_key  TEXT NOT NULL,
    company      TEXT NOT NULL,
    declared_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, company_key)
);
-- Hearing days (« séances »): hearings slots of hearing_minutes, apart
-- by buffer_minutes, from starts_at.
CREATE TABLE bureau_days (
    id              INTEGER PRIMARY KEY,
    starts_at       TEXT    NOT NULL,
    place           TEXT    NOT NULL DEFAULT '',
    video_url       TEXT    NOT NULL DEFAULT '',
    hearings        INTEGER NOT NULL CHECK (hearings BETWEEN 1 AND 12),
    hearing_minutes INTEGER NOT NULL CHECK (hearing_minutes BETWEEN 10 AND 240),
    buffer_minutes  INTEGER NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 120),
    created_by      TEXT    REFERENCES members (user_id),
    created_at      TEXT    NOT NULL,
    -- A cancelled day keeps its row; its hearings went back to be
    -- scheduled again.
    cancelled_at    TEXT    NOT NULL DEFAULT '',
    cancelled_by    TEXT    REFERENCES members (user_id)
);
CREATE INDEX bureau_days_starts_at ON bureau_days (starts_at);
-- A day's panel.
CREATE TABLE bureau_panel (
    day_id   INTEGER NOT NULL REFERENCES bureau_days (id) ON DELETE CASCADE,
    user_id  TEXT    NOT NULL REFERENCES members (user_id),
    PRIMARY KEY (day_id, user_id)
);
CREATE INDEX bureau_panel_user ON bureau_panel (user_id);

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
                    ('submitted', 'eligible', 'to_decide', 'accepted', 'refused', 'withdrawn',
                     'scheduled', 'heard', 'advised')),
    misses          TEXT    NOT NULL DEFAULT '[]',
    decision_reason TEXT    NOT NULL DEFAULT '',
    decided_by      TEXT    REFERENCES members (user_id),
    decided_at      TEXT    NOT NULL DEFAULT '',
    -- The company's name as commands.CompanyKey writes it, which declared conflicts
    -- are matched on.
    company_key     TEXT    NOT NULL DEFAULT '',
    -- The hearing: day and slot (from 1) once scheduled; hearing_seq
    -- rises each time it is given or moved.
    day_id          INTEGER REFERENCES bureau_days (id),
    slot            INTEGER NOT NULL DEFAULT 0 CHECK (slot >= 0),
    hearing_seq     INTEGER NOT NULL DEFAULT 0,
    -- The panel's opinion: experts is a JSON list of user ids, amended_by
    -- too; verdict is '' until written.
    opinion_strengths       TEXT NOT NULL DEFAULT '',
    opinion_risks           TEXT NOT NULL DEFAULT '',
    opinion_recommendations TEXT NOT NULL DEFAULT '',
    opinion_contacts        TEXT NOT NULL DEFAULT '',
    opinion_experts         TEXT NOT NULL DEFAULT '[]',
    opinion_verdict         TEXT NOT NULL DEFAULT '' CHECK (opinion_verdict IN
                            ('', 'validated', 'rework', 'not_advised')),
    opinion_written_by      TEXT REFERENCES members (user_id),
    opinion_amended_by      TEXT NOT NULL DEFAULT '[]',
    opinion_written_at      TEXT NOT NULL DEFAULT '',
    opinion_sealed_by       TEXT REFERENCES members (user_id),
    opinion_sealed_at       TEXT NOT NULL DEFAULT '',
    -- Three months on, whether the opinion helped.
    followup_asked_at    TEXT    NOT NULL DEFAULT '',
    followup_answered_at TEXT    NOT NULL DEFAULT '',
    followup_score       INTEGER NOT NULL DEFAULT 0 CHECK (followup_score BETWEEN 0 AND 5),
    followup_comment     TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- An applicant's own applications, and those a facilitator filed.
CREATE INDEX bureau_applications_applicant ON bureau_applications (applicant, created_at);
CREATE INDEX bureau_applications_filed_by ON bureau_applications (filed_by, created_at);
-- The facilitators' queue: pending applications, oldest first.
CREATE INDEX bureau_applications_status ON bureau_applications (status, created_at);
-- One application per slot of a day, among those still to be heard or
-- heard: a withdrawn one frees its slot.
CREATE UNIQUE INDEX bureau_applications_slot ON bureau_applications (day_id, slot)
    WHERE day_id IS NOT NULL AND status IN ('scheduled', 'heard', 'advised');

-- The company's revenue band, as its leader last gave it (issue 12).
ALTER TABLE companies ADD COLUMN revenue_band TEXT NOT NULL DEFAULT '' CHECK (revenue_band IN
    ('', '<300k', '300k-1M', '1M-5M', '5M-20M', '>20M'));

-- +goose Down
ALTER TABLE companies DROP COLUMN revenue_band;
DROP TABLE bureau_applications;
DROP TABLE bureau_panel;
DROP TABLE bureau_days;
DROP TABLE bureau_conflicts;
DROP TABLE bureau_peers;
