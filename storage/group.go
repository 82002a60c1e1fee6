package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"cercle/commands"
)

// groupColumns reads a group with its member count; fillLeads adds its
// leads.
const groupColumns = `g.id, g.slug, g.name, g.description, g.private, COALESCE(g.channel_id, ''), g.channel_created,
	g.archived_at, g.created_by, g.created_at, (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = g.id)`

func scanGroup(s scanner) (*commands.Group, error) {
	var (
		g                                     commands.Group
		channel, archived, createdBy, created string
	)
	err := s.Scan(&g.ID, &g.Slug, &g.Name, &g.Description, &g.Private, &channel, &g.ChannelCreated,
		&archived, &createdBy, &created, &g.Members)
	if err != nil {
		return nil, err
	}
	g.Channel, g.CreatedBy = commands.ChannelID(channel), commands.UserID(createdBy)
	if g.ArchivedAt, err = parseTime(archived); err != nil {
		return nil, err
	}
	g.CreatedAt, err = parseTime(created)
	return &g, err
}

// CreateGroup stores a new group with its leads as members. Leads must
// be members already.
func (db *DB) CreateGroup(ctx context.Context, g *commands.Group, leads []commands.UserID) error {
	leads = distinctUsers(leads)
	defer db.invalidateMembers(leads)
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkGroupFree(ctx, tx, g); err != nil {
			return err
		}
		g.CreatedAt = tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO groups (slug, name, description, private, channel_id, channel_created,
			archived_at, created_by, created_at) VALUES (?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
			g.Slug, g.Name, g.Description, g.Private, string(g.Channel), g.ChannelCreated,
			formatTime(g.ArchivedAt), string(g.CreatedBy), formatTime(g.CreatedAt))
		if err != nil {
			return formatError(fmt.Errorf("create group %s: %w", g.Slug, err))
		}
		if g.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := setLeads(ctx, tx, g.ID, leads); err != nil {
			return err
		}
		stored, err := findGroup(ctx, tx, "g.id = ?", g.ID)
		if err != nil {
			return err
		}
		g.Members, g.Leads = stored.Members, stored.Leads
		return audit(ctx, tx, g.CreatedBy, "group.create", fmt.Sprint(g.ID), g.Slug)
	})
}

// checkGroupFree refuses a slug or a name already taken, saying which.
// Names are compared with Go's case folding, which knows "É" is "é";
// SQLite's NOCASE, behind the unique index, folds ASCII letters only.
// Groups are few: reading every name costs nothing.
func checkGroupFree(ctx context.Context, tx *Tx, g *commands.Group) error {
	var slugs int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM groups WHERE slug = ?`, g.Slug).Scan(&slugs); err != nil {
		return fmt.Errorf("check group slug: %w", err)
	}
	if slugs > 0 {
		return commands.Errorf(commands.ECONFLICT, "group.error.slug_taken", g.Slug)
	}
	names, err := queryAll(ctx, tx, scanValue[string], `SELECT name FROM groups`)
	if err != nil {
		return fmt.Errorf("check group name: %w", err)
	}
	for _, name := range names {
		if strings.EqualFold(name, g.Name) {
			return commands.Errorf(commands.ECONFLICT, "group.error.name_taken", g.Name)
		}
	}
	return nil
}

// FindGroupBySlug returns a group, archived or not.
func (db *DB) FindGroupBySlug(ctx context.Context, slug string) (*commands.Group, error) {
	return findGroup(ctx, db.read, "g.slug = ?", slug)
}

// FindGroupByChannel returns the group whose channel ch is.
func (db *DB) FindGroupByChannel(ctx context.Context, ch commands.ChannelID) (*commands.Group, error) {
	return findGroup(ctx, db.read, "g.channel_id = ?", string(ch))
}

func findGroup(ctx context.Context, q queryer, where string, arg any) (*commands.Group, error) {
	g, err := scanGroup(q.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM groups g WHERE `+where, arg))
	if err != nil {
		return nil, formatError(err)
	}
	return g, fillLeads(ctx, q, g)
}

// FindGroups returns the groups f selects, by name.
func (db *DB) FindGroups(ctx context.Context, f commands.GroupFilter) ([]*commands.Group, error) {
	var (
		where []string
		args  []any
	)
	if !f.Archived {
		where = append(where, "g.archived_at = ''")
	}
	if f.Member != "" {
		where = append(where, `g.id IN (SELECT group_id FROM group_members WHERE member_id = (SELECT id FROM members WHERE user_id = ?))`)
		args = append(args, string(f.Member))
	}
	query := `SELECT ` + groupColumns + ` FROM groups g`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	out, err := queryAll(ctx, db.read, scanGroup, query+" ORDER BY g.name COLLATE NOCASE, g.id", args...)
	if err != nil {
		return nil, fmt.Errorf("find groups: %w", err)
	}
	return out, fillLeads(ctx, db.read, out...)
}

// fillLeads sets each group's Leads, by name.
func fillLeads(ctx context.Context, q queryer, gs ...*commands.Group) error {
	for _, g := range gs {
		leads, err := queryAll(ctx, q, scanValue[commands.UserID], `SELECT m.user_id FROM group_members gm JOIN members m ON m.id = gm.member_id
			WHERE gm.group_id = ? AND gm.lead = 1 ORDER BY m.name COLLATE NOCASE, m.id`, g.ID)
		if err != nil {
			return fmt.Errorf("leads of group %d: %w", g.ID, err)
		}
		g.Leads = leads
	}
	return nil
}

// ArchiveGroup marks a group archived at at (now if zero); archiving it
// again keeps the first date.
func (db *DB) ArchiveGroup(ctx context.Context, id int64, actor commands.UserID, at time.Time) error {
	var members []commands.UserID
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		when := at
		if when.IsZero() {
			when = tx.now
		}
		res, err := tx.ExecContext(ctx, `UPDATE groups SET archived_at = CASE WHEN archived_at = '' THEN ? ELSE archived_at END
			WHERE id = ?`, formatTime(when), id)
		if err != nil {
			return fmt.Errorf("archive group %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return formatError(sql.ErrNoRows)
		}
		if members, err = groupUsers(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "group.archive", fmt.Sprint(id), "")
	})
	// Their Member.Groups lose it.
	db.invalidateMembers(members)
	return err
}

// SetGroupLeads makes leads the group's only leads, adding those who were
// not members.
func (db *DB) SetGroupLeads(ctx context.Context, id int64, actor commands.UserID, leads []commands.UserID) error {
	leads = distinctUsers(leads)
	defer db.invalidateMembers(leads)
	return db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkGroupExists(ctx, tx, id); err != nil {
			return err
		}
		if err := setLeads(ctx, tx, id, leads); err != nil {
			return err
		}
		detail := make([]string, len(leads))
		for i, u := range leads {
			detail[i] = string(u)
		}
		return audit(ctx, tx, actor, "group.leads", fmt.Sprint(id), strings.Join(detail, ","))
	})
}

// setLeads makes leads the group's leads, joining them if needed, and
// every other member a plain member.
func setLeads(ctx context.Context, tx *Tx, groupID int64, leads []commands.UserID) error {
	if _, err := tx.ExecContext(ctx, `UPDATE group_members SET lead = 0 WHERE group_id = ? AND lead = 1`, groupID); err != nil {
		return fmt.Errorf("clear leads of group %d: %w", groupID, err)
	}
	for _, u := range leads {
		memberID, err := memberRowID(ctx, tx, u)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO group_members (group_id, member_id, lead, joined_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (group_id, member_id) DO UPDATE SET lead = 1`, groupID, memberID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("make %s lead of group %d: %w", u, groupID, err)
		}
	}
	return nil
}

// JoinGroup adds a member to a group.
func (db *DB) JoinGroup(ctx context.Context, id int64, user commands.UserID) (bool, error) {
	var joined bool
	defer db.members.invalidate(user)
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		memberID, err := groupAndMember(ctx, tx, id, user)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO group_members (group_id, member_id, lead, joined_at) VALUES (?, ?, 0, ?)
			ON CONFLICT (group_id, member_id) DO NOTHING`, id, memberID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("join group %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		joined = n > 0
		return err
	})
	return joined && err == nil, err
}

// LeaveGroup removes a member from a group.
func (db *DB) LeaveGroup(ctx context.Context, id int64, user commands.UserID) (bool, error) {
	var left bool
	defer db.members.invalidate(user)
	err := db.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		memberID, err := groupAndMember(ctx, tx, id, user)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = ? AND member_id = ?`, id, memberID)
		if err != nil {
			return fmt.Errorf("leave group %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		left = n > 0
		return err
	})
	return left && err == nil, err
}

// groupAndMember checks the group exists and returns the member's row id.
func groupAndMember(ctx context.Context, tx *Tx, groupID int64, user commands.UserID) (int64, error) {
	if err := checkGroupExists(ctx, tx, groupID); err != nil {
		return 0, err
	}
	return memberRowID(ctx, tx, user)
}

func checkGroupExists(ctx context.Context, q queryer, id int64) error {
	var one int
	return formatError(q.QueryRowContext(ctx, `SELECT 1 FROM groups WHERE id = ?`, id).Scan(&one))
}

// memberRowID returns a member's row id; an unknown member is the error
// the core gives for a name it cannot find.
func memberRowID(ctx context.Context, q queryer, user commands.UserID) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM members WHERE user_id = ?`, string(user)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, commands.Errorf(commands.ENOTFOUND, "member.error.not_found", string(user))
	}
	if err != nil {
		return 0, fmt.Errorf("member %s: %w", user, err)
	}
	return id, nil
}

// GroupMembers returns a group's members, leads first, then by name; none
// for an unknown group.
func (db *DB) GroupMembers(ctx context.Context, id int64) ([]*commands.GroupMember, error) {
	scan := func(s scanner) (*commands.GroupMember, error) {
		var (
			gm           commands.GroupMember
			user, joined string
		)
		if err := s.Scan(&user, &gm.Name, &gm.Company, &gm.Lead, &joined); err != nil {
			return nil, err
		}
		gm.User = commands.UserID(user)
		var err error
		gm.JoinedAt, err = parseTime(joined)
		return &gm, err
	}
	// A join filtered on the group's id is compiled at each use: a list
	// someone asked for can afford it.
	out, err := queryAll(ctx, db.read, scan, `SELECT m.user_id, m.name, COALESCE(c.name, ''), gm.lead, gm.joined_at
		FROM group_members gm JOIN members m ON m.id = gm.member_id LEFT JOIN companies c ON c.id = m.company_id
		WHERE gm.group_id = ? ORDER BY gm.lead DESC, m.name COLLATE NOCASE, m.id`, id)
	if err != nil {
		return nil, fmt.Errorf("members of group %d: %w", id, err)
	}
	return out, nil
}

// GroupMemberships returns every active group's members, by name; a group
// without members has an empty entry.
func (db *DB) GroupMemberships(ctx context.Context) (map[int64][]commands.UserID, error) {
	type row struct {
		group int64
		user  sql.NullString
	}
	scan := func(s scanner) (row, error) {
		var r row
		err := s.Scan(&r.group, &r.user)
		return r, err
	}
	rows, err := queryAll(ctx, db.read, scan, `SELECT g.id, m.user_id FROM groups g
		LEFT JOIN group_members gm ON gm.group_id = g.id LEFT JOIN members m ON m.id = gm.member_id
		WHERE g.archived_at = '' ORDER BY g.id, m.name COLLATE NOCASE, m.id`)
	if err != nil {
		return nil, fmt.Errorf("group memberships: %w", err)
	}
	out := map[int64][]commands.UserID{}
	for _, r := range rows {
		users := out[r.group]
		if r.user.Valid {
			users = append(users, commands.UserID(r.user.String))
		}
		out[r.group] = users
	}
	return out, nil
}

// groupUsers returns the user ids of a group's members.
func groupUsers(ctx context.Context, q queryer, id int64) ([]commands.UserID, error) {
	users, err := queryAll(ctx, q, scanValue[commands.UserID], `SELECT m.user_id FROM group_members gm JOIN members m ON m.id = gm.member_id
		WHERE gm.group_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("members of group %d: %w", id, err)
	}
	return users, nil
}

// invalidateMembers forgets the cached members given, and no one when
// none is (invalidate with no ids forgets everyone).
func (db *DB) invalidateMembers(ids []commands.UserID) {
	if len(ids) > 0 {
		db.members.invalidate(ids...)
	}
}

// distinctUsers returns ids without repeats, in their first order.
func distinctUsers(ids []commands.UserID) []commands.UserID {
	seen := make(map[commands.UserID]bool, len(ids))
	var out []commands.UserID
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
