package commands_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// newService returns a service on a real SQLite file; configure adjusts
// its configuration first.
func newService(tb testing.TB, dir commands.Directory, configure ...func(*commands.Config)) (*commands.Service, *storage.DB) {
	tb.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "cercle.db"), storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cfg := commands.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if dir != nil {
		cfg.Directory = dir
	}
	for _, c := range configure {
		c(&cfg)
	}
	return commands.NewService(cfg), db
}

func slash(s *commands.Service, user commands.UserID, text string) string {
	return console.Render(s.Handle(context.Background(), &commands.Request{
		Kind: commands.KindSlash, Text: text, User: commands.User{ID: user, Name: string(user)},
	}))
}

// directory is a stand-in for Slack's users.info, which may be down.
type directory struct {
	down  bool
	calls int
}

func (d *directory) LookupUser(_ context.Context, id commands.UserID) (*commands.Profile, error) {
	d.calls++
	if d.down {
		return nil, errors.New("slack unreachable")
	}
	return &commands.Profile{ID: id, Name: "Claire Vasseur", Locale: "fr-FR", TimeZone: "Europe/Paris"}, nil
}

func (d *directory) ListUsers(context.Context) ([]*commands.Profile, error) {
	if d.down {
		return nil, errors.New("slack unreachable")
	}
	return []*commands.Profile{
		{ID: "U1", Name: "Claire Vasseur", Locale: "fr-FR", TimeZone: "Europe/Paris"},
		{ID: "U2", Name: "Ann Smith", Locale: "en-GB", TimeZone: "Europe/London"},
		{ID: "B1", Name: "Un bot", IsBot: true},
		{ID: "U3", Name: "Parti", Deleted: true},
	}, nil
}

func TestSyncMembersFromTheWorkspace(t *testing.T) {
	dir := &directory{}
	s, db := newService(t, dir)
	ctx := context.Background()
	slash(s, "U1", "langue en") // already a member, with a choice of its own
	for range 2 {
		if err := s.SyncMembers(ctx); err != nil {
			t.Fatal(err)
		}
	}
	members, err := db.ListMembers(ctx)
	if err != nil || len(members) != 2 {
		t.Fatalf("members = %d, %v; want U1 and U2 (no bot, no deleted account)", len(members), err)
	}
	ann, _ := db.FindMemberByUserID(ctx, "U2")
	if ann.Name != "Ann Smith" || ann.Lang != "en" || ann.TimeZone != "Europe/London" {
		t.Errorf("synced member = %+v", ann)
	}
	if u1, _ := db.FindMemberByUserID(ctx, "U1"); u1.Lang != "en" {
		t.Errorf("sync changed an existing member's language: %+v", u1)
	}
	dir.down = true
	if err := s.SyncMembers(ctx); err == nil {
		t.Error("sync with Slack down reported no error")
	}
}

func TestMemberCompletedAfterSlackOutage(t *testing.T) {
	dir := &directory{down: true}
	s, db := newService(t, dir)
	ctx := context.Background()
	if out := slash(s, "U1", "aide"); !strings.Contains(out, "Commandes Cercle") {
		t.Fatalf("while Slack is down: %s", out)
	}
	m, _ := db.FindMemberByUserID(ctx, "U1")
	if m.Name != "U1" || !m.SyncedAt.IsZero() {
		t.Fatalf("member created during the outage = %+v", m)
	}
	s.SyncProfiles(ctx) // the background sync meets the outage
	dir.down = false
	slash(s, "U1", "aide") // still incomplete: asks again
	s.SyncProfiles(ctx)
	m, _ = db.FindMemberByUserID(ctx, "U1")
	if m.Name != "Claire Vasseur" || m.SyncedAt.IsZero() {
		t.Errorf("member after Slack came back = %+v, want completed", m)
	}
	calls := dir.calls
	slash(s, "U1", "aide")
	s.SyncProfiles(ctx)
	if dir.calls != calls {
		t.Errorf("a synced member is looked up again on every command")
	}
}

func TestHelpDetail(t *testing.T) {
	s, _ := newService(t, nil)
	out := slash(s, "U1", "aide profil")
	for _, want := range []string{"/cercle profil", "Ouvre un formulaire", "Utilisation\u00a0: /cercle profil", "Autres noms\u00a0: profile"} {
		if !strings.Contains(out, want) {
			t.Errorf("help detail lacks %q:\n%s", want, out)
		}
	}
	if out := slash(s, "U1", "aide inscrir"); !strings.Contains(out, "Je ne connais pas la commande «\u00a0inscrir\u00a0»") {
		t.Errorf("help for an unknown command:\n%s", out)
	}
}

func TestEveryCommandIsDocumented(t *testing.T) {
	s, _ := newService(t, nil)
	for _, c := range s.Commands() {
		for _, key := range []string{c.Usage, c.Summary, c.Detail} {
			if key == "" || !hasKey(key) {
				t.Errorf("command %s: catalog key %q missing", c.Name, key)
			}
		}
	}
}

func TestParseCompany(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	p := printer()
	c, fe := commands.ParseCompany(map[string]string{
		"company_name": "  Métallerie\tHaddad \x00 ", "company_headcount": "1 200", "company_founded": "1995",
	}, now, p)
	if fe != nil {
		t.Fatalf("unexpected errors %v", fe)
	}
	if c.Name != "Métallerie Haddad" || c.Headcount != 1200 || c.FoundedYear != 1995 {
		t.Errorf("company = %+v", c)
	}
	_, fe = commands.ParseCompany(map[string]string{
		"company_name": strings.Repeat("x", 121), "company_headcount": "-3", "company_founded": "2027", "company_city": strings.Repeat("y", 81),
	}, now, p)
	for _, id := range []string{"company_name", "company_headcount", "company_founded", "company_city"} {
		if fe[id] == "" {
			t.Errorf("no error for %s: %v", id, fe)
		}
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	s, db := newService(t, nil)
	ctx := context.Background()
	for range 2 {
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.CountMembers(ctx)
	if err != nil || n != 56 {
		t.Fatalf("members = %d, %v; want 56: the network, its experts and three guests heard by the Bureau des pairs", n, err)
	}
	m, _ := db.FindMemberByUserID(ctx, "claire")
	if m.Role != commands.RoleFacilitator || m.Company == nil || m.Company.City != "Lille" {
		t.Errorf("claire = %+v", m)
	}
}

func TestInternalErrorShowsOnlyAReference(t *testing.T) {
	var logs strings.Builder
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "cercle.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := commands.NewService(commands.Config{Store: db, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	db.Close() // every query now fails with a driver error
	out := slash(s, "U1", "aide")
	if !strings.Contains(out, "Un problème technique") || strings.Contains(out, "sql") {
		t.Fatalf("reply = %q, want the French sentence without the Go error", out)
	}
	_, ref, _ := strings.Cut(out, "Référence\u00a0: ")
	ref, _, _ = strings.Cut(ref, ".")
	if len(ref) != 8 || !strings.Contains(logs.String(), "err_ref="+ref) || !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("reference %q not found with the error in the log:\n%s", ref, logs.String())
	}
}

func TestChosenLanguageSurvivesSync(t *testing.T) {
	dir := &directory{down: true}
	s, db := newService(t, dir)
	slash(s, "U1", "langue en")
	s.SyncProfiles(context.Background())
	dir.down = false // Slack comes back and says fr-FR
	slash(s, "U1", "aide")
	s.SyncProfiles(context.Background())
	if out := slash(s, "U1", "aide"); !strings.Contains(out, "Cercle commands") {
		t.Errorf("after the first sync, help is:\n%s", out)
	}
	m, _ := db.FindMemberByUserID(context.Background(), "U1")
	if m.Lang != "en" || m.SyncedAt.IsZero() {
		t.Errorf("member = %+v, want English kept and synced", m)
	}
}

func TestDemoProgramme(t *testing.T) {
	s, db := newService(t, nil)
	ctx := context.Background()
	for range 2 {
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.FindEvents(ctx, commands.EventFilter{Statuses: []commands.EventStatus{commands.EventPublished}})
	var evs []*commands.Event
	meetings := 0
	for _, ev := range all {
		if ev.Group != 0 {
			meetings++
		} else {
			evs = append(evs, ev)
		}
	}
	if err != nil || len(evs) != 3 || meetings != 1 {
		t.Fatalf("events = %d and %d group meetings, %v; want the three of the programme and one meeting, once", len(evs), meetings, err)
	}
	groups, err := db.FindGroups(ctx, commands.GroupFilter{})
	if err != nil || len(groups) != 3 {
		t.Fatalf("groups = %d, %v; want 3, once", len(groups), err)
	}
	// Last week's messages make the digest's summaries.
	if out := slash(s, "marc", "digest apercu"); !strings.Contains(out, "Achats groupés") || !strings.Contains(out, "consultation") {
		t.Errorf("Marc's digest lacks his group's week:\n%s", out)
	}
	if evs[1].Registered != 3 || evs[1].Waitlisted != 0 || evs[0].Registered != 4 {
		t.Errorf("seats: %d/%d and %d", evs[0].Registered, evs[0].Capacity, evs[1].Registered)
	}
}

// racingDirectory answers users.info after running during, as a member
// acting while the background sync waits on Slack.
type racingDirectory struct {
	directory
	during func()
}

func (d *racingDirectory) LookupUser(ctx context.Context, id commands.UserID) (*commands.Profile, error) {
	d.during()
	return d.directory.LookupUser(ctx, id)
}

func TestLanguageChosenDuringTheFirstSyncWins(t *testing.T) {
	dir := &racingDirectory{}
	s, db := newService(t, dir)
	dir.during = func() { slash(s, "U1", "langue en") }
	slash(s, "U1", "aide") // first contact: the sync is asked for
	s.SyncProfiles(context.Background())
	m, _ := db.FindMemberByUserID(context.Background(), "U1")
	if m.Lang != "en" || !m.LangChosen || m.Name != "Claire Vasseur" {
		t.Errorf("member = %+v, want English as chosen, and the directory's name", m)
	}
}
