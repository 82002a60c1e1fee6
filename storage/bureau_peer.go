package storage

import (
	"context"
	"fmt"
	"time"

	"cercle/commands"
)

var _ commands.PeerStore = (*DB)(nil)

// SetPeer makes a member a peer, or with active false no longer one, and
// records who did it. The row stays when a peer leaves: their declared
// conflicts and panel seats come back with them. Since is when they last
// became a peer.
func (db *DB) SetPeer(ctx context.Context, user commands.UserID, active bool, by commands.UserID) error {
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := memberRowID(ctx, tx, user); err != nil {
			return err
		}
		// Every right-hand side reads the row as it was, so "rejoins" is
		// judged on the old active.
		_, err := tx.ExecContext(ctx, `INSERT INTO bureau_peers (user_id, active, added_by, since) VALUES (?, ?, NULLIF(?, ''), ?)
			ON CONFLICT (user_id) DO UPDATE SET
				since = CASE WHEN bureau_peers.active = 0 AND excluded.active = 1 THEN excluded.since ELSE bureau_peers.since END,
				added_by = CASE WHEN bureau_peers.active = 0 AND excluded.active = 1 THEN excluded.added_by ELSE bureau_peers.added_by END,
				active = excluded.active`, string(user), active, string(by), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("set peer %s: %w", user, err)
		}
		action := "bureau.peer.off"
		if active {
			action = "bureau.peer.on"
		}
		return audit(ctx, tx, by, action, string(user), "")
	})
}

// FindPeers returns the active peers with their members, companies and
// groups, their declared conflicts by name, and their sittings on days
// starting from since on, by member name.
func (db *DB) FindPeers(ctx context.Context, since time.Time) ([]*commands.Peer, error) {
	scan := func(s scanner) (*commands.Peer, error) {
		var (
			p  commands.Peer
			at string
		)
		m, err := scanMember(extraScanner{s, []any{&at, &p.Sittings}})
		if err != nil {
			return nil, err
		}
		p.Member = m
		p.Since, err = parseTime(at)
		return &p, err
	}
	peers, err := queryAll(ctx, db.read, scan, `SELECT `+memberColumns+`, pe.since,
		(SELECT COUNT(*) FROM bureau_panel p JOIN bureau_days d ON d.id = p.day_id WHERE p.user_id = m.user_id AND d.starts_at >= ?)`+
		memberFrom+`JOIN bureau_peers pe ON pe.user_id = m.user_id WHERE pe.active = 1 ORDER BY m.name COLLATE NOCASE, m.id`,
		formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("find peers: %w", err)
	}
	members := make([]*commands.Member, len(peers))
	for i, p := range peers {
		members[i] = p.Member
	}
	if err := fillMemberGroups(ctx, db.read, members); err != nil {
		return nil, err
	}
	return peers, fillConflicts(ctx, db.read, peers)
}

// fillConflicts sets each peer's Conflicts, sorted, in one read.
func fillConflicts(ctx context.Context, q queryer, peers []*commands.Peer) error {
	scan := func(s scanner) ([2]string, error) {
		var pair [2]string
		err := s.Scan(&pair[0], &pair[1])
		return pair, err
	}
	pairs, err := queryAll(ctx, q, scan, `SELECT c.user_id, c.company FROM bureau_conflicts c
		JOIN bureau_peers pe ON pe.user_id = c.user_id AND pe.active = 1 ORDER BY c.user_id, c.company`)
	if err != nil {
		return fmt.Errorf("conflicts of peers: %w", err)
	}
	byUser := map[commands.UserID][]string{}
	for _, p := range pairs {
		byUser[commands.UserID(p[0])] = append(byUser[commands.UserID(p[0])], p[1])
	}
	for _, p := range peers {
		p.Conflicts = byUser[p.Member.UserID]
	}
	return nil
}

// DeclareConflict records that a member has a conflict with a company,
// matched on its folded name: declaring it again, however typed, changes
// nothing. An empty name is EINVALID; an unknown member ENOTFOUND.
func (db *DB) DeclareConflict(ctx context.Context, user commands.UserID, company string) error {
	key := commands.CompanyKey(company)
	if key == "" {
		return commands.Errorf(commands.EINVALID, "bureau.error.conflict_company")
	}
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := memberRowID(ctx, tx, user); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO bureau_conflicts (user_id, company_key, company, declared_at)
			VALUES (?, ?, ?, ?)`, string(user), key, company, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("declare conflict of %s: %w", user, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return audit(ctx, tx, user, "bureau.conflict", string(user), company)
	})
}
