-- +goose Up
-- Experts: members (or guests with a workspace account, who get a member
-- row all the same) who take confidential meeting requests. One row per
-- member; the company is the member's own (members.company_id), never
-- copied here, so a change of company counts at once when requests of the
-- expert's own company are kept away from them. domains, languages,
-- formats and availability are JSON lists (availability: {"day", "start",
-- "end"} in minutes after midnight, in the network's zone); durations are
-- whole minutes.
CREATE TABLE experts (
    member_id          INTEGER PRIMARY KEY REFERENCES members (id),
    domains            TEXT    NOT NULL DEFAULT '[]',
    bio                TEXT    NOT NULL DEFAULT '',
    languages          TEXT    NOT NULL DEFAULT '[]',
    formats            TEXT    NOT NULL DEFAULT '[]',
    monthly_capacity   INTEGER NOT NULL DEFAULT 0 CHECK (monthly_capacity >= 0),
    availability       TEXT    NOT NULL DEFAULT '[]',
    min_notice_minutes INTEGER NOT NULL DEFAULT 0 CHECK (min_notice_minutes >= 0),
    buffer_minutes     INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0),
    paused_until       TEXT    NOT NULL DEFAULT '',
    active             INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);

-- What finds an expert for a request: their domains and bio, each twice.
-- domains and bio are the text as written; the tokenizer lower-cases it
-- and folds its accents, so « fiscalite » typed without accents finds
-- « fiscalité », and snippet() quotes the bio as written. domains_stem and
-- bio_stem hold the same words stemmed in Go (SQLite has no French
-- stemmer), accents folded after stemming and stop-words dropped, so
-- « recruter » finds « recrutements ». The rowid is the expert's member
-- id; SaveExpert rewrites the entry in the transaction that saves the
-- profile. Only the storage package builds queries on it (see
-- storage/expert_search.go): user text never reaches MATCH as is.
CREATE VIRTUAL TABLE expert_search USING fts5 (
    domains, bio, domains_stem, bio_stem,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A member's confidential request for a meeting with an expert, from its
-- submission to the meeting and the member's rating. requester and expert
-- are user ids (members.user_id) as the core names people; expert is
-- NULL until the request is routed. tried and slots are JSON lists (user
-- ids; instants as stored everywhere). company_id is the requester's
-- company when they asked, kept as it was then (0: none), so the experts
-- of that company stay away from it. version rises on every write: a
-- change decided on a stale copy is refused.
CREATE TABLE expert_requests (
    id               INTEGER PRIMARY KEY,
    requester        TEXT    NOT NULL REFERENCES members (user_id),
    company_id       INTEGER NOT NULL DEFAULT 0,
    problem          TEXT    NOT NULL,
    domain           TEXT    NOT NULL DEFAULT '',
    urgency          TEXT    NOT NULL DEFAULT '',
    format           TEXT    NOT NULL DEFAULT '',
    periods          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'new' CHECK (status IN
                     ('new', 'proposed', 'accepted', 'scheduled', 'done', 'declined', 'cancelled', 'expired')),
    expert           TEXT    REFERENCES members (user_id),
    tried            TEXT    NOT NULL DEFAULT '[]',
    routed_at        TEXT    NOT NULL DEFAULT '',
    answer_by        TEXT    NOT NULL DEFAULT '',
    slots            TEXT    NOT NULL DEFAULT '[]',
    slot             TEXT    NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0),
    place            TEXT    NOT NULL DEFAULT '',
    sequence         INTEGER NOT NULL DEFAULT 0,
    decline_reason   TEXT    NOT NULL DEFAULT '',
    rating           INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    comment          TEXT    NOT NULL DEFAULT '',
    follow_up        TEXT    NOT NULL DEFAULT '',
    first_answer_at  TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
-- A member's own requests, newest first.
CREATE INDEX expert_requests_requester ON expert_requests (requester, created_at);
-- An expert's requests by status, and their scheduled meetings by slot
-- (what a new slot must not overlap).
CREATE INDEX expert_requests_expert ON expert_requests (expert, status, slot);
-- Proposed requests whose answer is due (the job that passes them on),
-- and scheduled ones by slot (reminders, follow-ups); full indexes, not
-- partial ones (see 00003).
CREATE INDEX expert_requests_answer ON expert_requests (status, answer_by);
CREATE INDEX expert_requests_slot ON expert_requests (status, slot);

-- +goose Down
DROP TABLE expert_requests;
DROP TABLE expert_search;
DROP TABLE experts;
