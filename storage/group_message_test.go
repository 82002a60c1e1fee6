package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// groupChat saves messages in one group's channel and reads them back.
type groupChat struct {
	t     *testing.T
	db    *storage.DB
	group int64
	start time.Time
}

// say stores a message minute minutes after the chat's start; thread is
// its parent's ts, empty for a top-level message.
func (c *groupChat) say(ts, thread string, author commands.UserID, minute int, text string) {
	c.t.Helper()
	m := &commands.GroupMessage{Group: c.group, Channel: "C1", TS: ts, ThreadTS: thread, Author: author, Text: text,
		Permalink: "https://x.slack.com/p" + ts, PostedAt: c.start.Add(time.Duration(minute) * time.Minute)}
	if err := c.db.SaveGroupMessage(context.Background(), m); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the group's messages by ts.
func (c *groupChat) read() map[string]*commands.GroupMessage {
	c.t.Helper()
	msgs, err := c.db.GroupMessages(context.Background(), c.group, c.start, c.start.Add(24*time.Hour))
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]*commands.GroupMessage{}
	for _, m := range msgs {
		out[m.TS] = m
	}
	return out
}

// counts returns "ts:replies/reactions" for each message, in time order.
func (c *groupChat) counts() string {
	c.t.Helper()
	msgs, err := c.db.GroupMessages(context.Background(), c.group, c.start, c.start.Add(24*time.Hour))
	if err != nil {
		c.t.Fatal(err)
	}
	var parts []string
	for _, m := range msgs {
		parts = append(parts, fmt.Sprintf("%s:%d/%d", m.TS, m.Replies, m.Reactions))
	}
	return strings.Join(parts, " ")
}

func newGroupChat(t *testing.T) *groupChat {
	db, _ := MustOpenDB(t)
	MustCreateMembers(t, db, "U1", "Nadia", "U2", "Ana")
	g := MustCreateGroup(t, db, "achats", "Achats", "C1", "U1")
	return &groupChat{t: t, db: db, group: g.ID, start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
}

func TestGroupMessages(t *testing.T) {
	c := newGroupChat(t)
	ctx := context.Background()
	c.say("100.1", "", "U1", 10, "On commande le papier ensemble ?")
	c.say("100.3", "", "UGONE", 5, "Bonjour") // an author no longer a member
	c.say("100.2", "100.1", "U2", 20, "Oui")
	c.say("100.2", "100.1", "U2", 20, "Oui !") // delivered again: replaced, not counted twice
	c.say("100.4", "", "U2", 60*24, "demain")  // outside the period

	msgs, err := c.db.GroupMessages(ctx, c.group, c.start, c.start.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range msgs {
		order = append(order, m.TS+" "+m.AuthorName)
	}
	if want := []string{"100.3 ", "100.1 Nadia", "100.2 Ana"}; !reflect.DeepEqual(order, want) {
		t.Errorf("messages = %q, want %q (time order, names of members)", order, want)
	}
	want := &commands.GroupMessage{Group: c.group, Channel: "C1", TS: "100.2", ThreadTS: "100.1", Author: "U2", AuthorName: "Ana",
		Text: "Oui !", Permalink: "https://x.slack.com/p100.2", PostedAt: c.start.Add(20 * time.Minute)}
	if got := c.read()["100.2"]; !reflect.DeepEqual(got, want) {
		t.Errorf("reply = %+v\nwant %+v", got, want)
	}
	if got := c.counts(); got != "100.3:0/0 100.1:1/0 100.2:0/0" {
		t.Errorf("counts = %s, want the reply counted once", got)
	}

	at := c.start.Add(time.Hour)
	if found, err := c.db.EditGroupMessage(ctx, "C1", "100.1", "Papier et encre ?", at); err != nil || !found {
		t.Fatalf("edit = %v, %v", found, err)
	}
	if m := c.read()["100.1"]; m.Text != "Papier et encre ?" || !m.EditedAt.Equal(at) {
		t.Errorf("edited = %q at %v", m.Text, m.EditedAt)
	}
	if found, err := c.db.EditGroupMessage(ctx, "C1", "999.9", "x", at); err != nil || found {
		t.Errorf("edit of an unknown message = %v, %v; want not found, no error", found, err)
	}
}

// TestGroupMessageCounters: reactions never go below zero, a reply stored
// before its parent counts once the parent comes, and deleting a reply or
// a parent keeps the counts true.
func TestGroupMessageCounters(t *testing.T) {
	c := newGroupChat(t)
	ctx := context.Background()
	c.say("200.2", "200.1", "U2", 2, "réponse arrivée avant")
	c.say("200.1", "", "U1", 1, "question")
	c.say("200.3", "200.1", "U1", 3, "autre réponse")
	c.say("300.1", "300.1", "U2", 4, "un parent que Slack marque de son propre ts")
	for _, d := range []int{1, 1, -1, -1, -1, 1} {
		if err := c.db.CountReaction(ctx, "C1", "200.1", d); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.db.CountReaction(ctx, "C1", "999.9", 1); err != nil {
		t.Errorf("reaction on a message not stored: %v", err)
	}
	if got := c.counts(); got != "200.1:2/1 200.2:0/0 200.3:0/0 300.1:0/0" {
		t.Errorf("counts = %s", got)
	}
	if err := c.db.DeleteGroupMessage(ctx, "C1", "200.2"); err != nil {
		t.Fatal(err)
	}
	if got := c.counts(); got != "200.1:1/1 200.3:0/0 300.1:0/0" {
		t.Errorf("after deleting a reply: %s", got)
	}
	if err := c.db.DeleteGroupMessage(ctx, "C1", "200.1"); err != nil {
		t.Fatal(err)
	}
	if got := c.counts(); got != "300.1:0/0" {
		t.Errorf("after deleting the parent: %s, want its replies gone too", got)
	}
	if err := c.db.DeleteGroupMessage(ctx, "C1", "999.9"); err != nil {
		t.Errorf("delete a message not stored: %v", err)
	}
}

// TestDeleteMessagesBy: a member who opts out takes their messages away,
// and their replies out of the threads' counts.
func TestDeleteMessagesBy(t *testing.T) {
	c := newGroupChat(t)
	c.say("1.1", "", "U1", 1, "parent")
	c.say("1.2", "1.1", "U2", 2, "réponse d'Ana")
	c.say("1.3", "1.1", "U2", 3, "encore Ana")
	c.say("1.4", "1.1", "U1", 4, "réponse de Nadia")
	c.say("2.1", "", "U2", 5, "sujet d'Ana")
	c.say("2.2", "2.1", "U1", 6, "réponse de Nadia")
	if err := c.db.DeleteMessagesBy(context.Background(), "U2"); err != nil {
		t.Fatal(err)
	}
	if got := c.counts(); got != "1.1:1/0 1.4:0/0 2.2:0/0" {
		t.Errorf("counts = %s", got)
	}
}

func TestOffRecordAndPurge(t *testing.T) {
	c := newGroupChat(t)
	ctx := context.Background()
	for _, ts := range []string{"1.1", "5.1"} {
		if off, err := c.db.IsOffRecord(ctx, "C1", ts); err != nil || off {
			t.Errorf("%s off the record before marking: %v, %v", ts, off, err)
		}
	}
	if err := c.db.MarkOffRecord(ctx, "C1", "1.1", c.start); err != nil {
		t.Fatal(err)
	}
	if err := c.db.MarkOffRecord(ctx, "C1", "1.1", c.start); err != nil {
		t.Errorf("marking twice: %v", err)
	}
	if err := c.db.MarkOffRecord(ctx, "C1", "5.1", c.start.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if off, err := c.db.IsOffRecord(ctx, "C1", "1.1"); err != nil || !off {
		t.Errorf("1.1 off the record = %v, %v", off, err)
	}
	if off, _ := c.db.IsOffRecord(ctx, "C2", "1.1"); off {
		t.Error("the mark leaks to another channel")
	}
	for i := range 4 {
		c.say(fmt.Sprintf("%d.2", i+2), "", "U1", 60*(i+2), "x")
	}
	n, err := c.db.PurgeGroupMessages(ctx, c.start.Add(4*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	if got := c.counts(); got != "4.2:0/0 5.2:0/0" {
		t.Errorf("left = %s", got)
	}
	if off, _ := c.db.IsOffRecord(ctx, "C1", "1.1"); off {
		t.Error("an old mark survived the purge")
	}
	if off, _ := c.db.IsOffRecord(ctx, "C1", "5.1"); !off {
		t.Error("a recent mark was purged")
	}
}

// BenchmarkGroupMessages reads a busy group's week: 2,000 messages by 40
// authors. The digest reads it once per group and period.
func BenchmarkGroupMessages(b *testing.B) {
	db, _ := MustOpenDB(b)
	ctx := context.Background()
	var leads []commands.UserID
	for i := range 40 {
		MustCreateMembers(b, db, fmt.Sprintf("U%02d", i), fmt.Sprintf("Membre %d", i))
		leads = append(leads, commands.UserID(fmt.Sprintf("U%02d", i)))
	}
	g := MustCreateGroup(b, db, "achats", "Achats", "C1", leads[:2]...)
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	text := strings.Repeat("On commande le papier ensemble ce mois-ci ? ", 5)
	for i := range 2000 {
		m := &commands.GroupMessage{Group: g.ID, Channel: "C1", TS: fmt.Sprintf("%d.%06d", 1700000000+i*300, i),
			Author: leads[i%40], Text: text, PostedAt: start.Add(time.Duration(i) * 5 * time.Minute)}
		if i%4 != 0 {
			m.ThreadTS = fmt.Sprintf("%d.%06d", 1700000000+(i-i%4)*300, i-i%4)
		}
		if err := db.SaveGroupMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		msgs, err := db.GroupMessages(ctx, g.ID, start, start.Add(7*24*time.Hour))
		if err != nil || len(msgs) != 2000 || msgs[1999].AuthorName == "" {
			b.Fatalf("read %d messages, %v", len(msgs), err)
		}
	}
}
