package commands_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"cercle/assistant"
	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// Size of the benchmarked network: the figures.
const (
	benchMembers  = 5000
	benchGroups   = 40
	benchMessages = 2000 // in the week, spread over the groups
	benchEvents   = 10
)

// BenchmarkDigests measures one weekly digest run for 5,000 members in 40
// groups that wrote 2,000 messages in the week: every group summarised
// (by a model behind a local OpenAI-compatible server, so the model's own
// time is not counted), every member's digest built and queued in the
// outbox. Each run starts from a copy of the same database, with no
// summary and no digest yet. It reports the process's CPU time per run
// (user and system) and its peak resident memory.
//
//	go test -tags "…" -run '^$' -bench Digests -benchtime 3x ./commands/
func BenchmarkDigests(b *testing.B) {
	ctx := context.Background()
	model := newFakeModel(b)
	template := benchNetwork(b)
	now := paris("2026-12-07 09:00")
	var cpu time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), fmt.Sprintf("run%d.db", i))
		if err := template.Backup(ctx, path); err != nil {
			b.Fatal(err)
		}
		db, err := storage.Open(ctx, path, storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Now = func() time.Time { return now }
		sum, err := assistant.NewSummarizer(assistant.Config{APIKey: "bench", BaseURL: model.srv.URL + "/v1"})
		if err != nil {
			b.Fatal(err)
		}
		s := commands.NewService(commands.Config{Store: db, Summarizer: sum, Channels: console.Channels{},
			Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		before := cpuTime()
		b.StartTimer()
		if err := s.SendDigests(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - before
		if _, total, err := db.CountMessages(ctx, "digest:"); err != nil || total != benchMembers {
			b.Fatalf("%d digests queued (err %v), want %d", total, err, benchMembers)
		}
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(maxRSS())/(1<<20), "maxrss-MiB")
}

// benchNetwork writes the benchmark's network once: members (each in two
// or three groups), groups, a week of messages and events with
// registrations.
func benchNetwork(b *testing.B) *storage.DB {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "template.db"), storage.Options{Synchronous: "OFF"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	clk := &clock{t: paris("2026-11-02 09:00")}
	db.Now = clk.Now
	s := commands.NewService(commands.Config{Store: db, Now: clk.Now, Channels: console.Channels{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for i := range benchMembers {
		m := &commands.Member{UserID: commands.UserID(fmt.Sprintf("U%05d", i)), Name: fmt.Sprintf("Membre %d", i), Role: commands.RoleMember}
		if err := db.CreateMember(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	groups := make([]*commands.Group, benchGroups)
	for g := range benchGroups {
		groups[g] = &commands.Group{Slug: fmt.Sprintf("groupe-%d", g), Name: fmt.Sprintf("Groupe %d", g),
			Channel: commands.ChannelID(fmt.Sprintf("C%03d", g)), CreatedBy: "U00000"}
		if err := db.CreateGroup(ctx, groups[g], nil); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchMembers {
		for k := range 2 + i%2 {
			if _, err := db.JoinGroup(ctx, groups[(i*7+k*13)%benchGroups].ID, commands.UserID(fmt.Sprintf("U%05d", i))); err != nil {
				b.Fatal(err)
			}
		}
	}
	for e := range benchEvents {
		start := paris("2026-12-10 18:00").AddDate(0, 0, 3*e)
		ev := &commands.Event{Kind: commands.KindPlenary, Title: fmt.Sprintf("Plénière %d", e), Place: "CCI", Start: start,
			End: start.Add(2 * time.Hour), Capacity: 300, CancelCutoff: start.Add(-48 * time.Hour), Status: commands.EventPublished,
			UID: fmt.Sprintf("bench-%d", e), CreatedBy: "U00000"}
		if err := db.CreateEvent(ctx, ev); err != nil {
			b.Fatal(err)
		}
		for i := range 100 {
			slash(s, commands.UserID(fmt.Sprintf("U%05d", (e*100+i)%benchMembers)), fmt.Sprintf("inscrire %d", ev.ID))
		}
	}
	clk.Set(paris("2026-12-01 09:00"))
	for i := range benchMessages {
		g := groups[i%benchGroups]
		at := clk.Now().Add(time.Duration(i) * time.Minute)
		err := s.ChannelMessage(ctx, &commands.ChannelMessage{Channel: g.Channel, TS: fmt.Sprintf("%d.%06d", at.Unix(), i),
			Author: commands.UserID(fmt.Sprintf("U%05d", (i*37)%benchMembers)), At: at,
			Text:      "Retour d'expérience sur la mutualisation des achats d'énergie : devis reçus, prochaine réunion à fixer.",
			Permalink: fmt.Sprintf("https://cercle.slack.com/archives/%s/p%d", g.Channel, i)})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is the process's peak resident memory, in bytes (Linux reports
// kilobytes).
func maxRSS() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss * 1024
}
