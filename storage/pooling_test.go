package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// poolingDB returns a database with the facilitator F1 and four company
// leaders, its file, its clock (fixed until the test moves it) and the
// companies' ids by leader: U1 « Scierie Vidal », U2 « atelier Brun »,
// U3 « Boulangerie Roux », U4 « atelier Brun » (a namesake).
func poolingDB(t *testing.T) (*storage.DB, string, *time.Time, map[commands.UserID]int64) {
	t.Helper()
	db, path := MustOpenDB(t)
	clock := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustMembers(t, db, "F1", "U1", "U2", "U3", "U4")
	ids := map[commands.UserID]int64{}
	for u, name := range map[commands.UserID]string{
		"U1": "Scierie Vidal", "U2": "atelier Brun", "U3": "Boulangerie Roux", "U4": "atelier Brun",
	} {
		c, err := db.SaveCompany(context.Background(), u, &commands.Company{Name: name, Sector: "Artisanat", City: "Lodève",
			Headcount: 12, FoundedYear: 1987, Revenue: commands.Revenue1MTo5M})
		if err != nil {
			t.Fatal(err)
		}
		ids[u] = c.ID
	}
	return db, path, &clock, ids
}

// poolFunctions is a campaign's list: two functions, one with a
// sub-function.
var poolFunctions = []commands.PoolFunction{
	{Key: "rh", Name: "Ressources humaines"},
	{Key: "paie", Name: "Paie", Parent: "rh"},
	{Key: "achats", Name: "Achats"},
}

// mustCampaign stores c, by F1 in allies mode unless set, and returns it.
func mustCampaign(t *testing.T, db *storage.DB, c *commands.Campaign) *commands.Campaign {
	t.Helper()
	if c.Name == "" {
		c.Name = "Fonctions support 2027"
	}
	if c.Mode == "" {
		c.Mode = commands.ModeAllies
	}
	if c.CreatedBy == "" {
		c.CreatedBy = "F1"
	}
	if err := db.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// wantError fails unless err is an application error with code, key and
// args.
func wantError(t *testing.T, what string, err error, code, key string, args ...any) {
	t.Helper()
	var e *commands.Error
	if commands.ErrorCode(err) != code || errKey(err) != key {
		t.Errorf("%s: %v, want %s %s", what, err, code, key)
	} else if errors.As(err, &e) && len(args) > 0 && !reflect.DeepEqual(e.Args, args) {
		t.Errorf("%s: args %v, want %v", what, e.Args, args)
	}
}

func TestCampaignRoundTrip(t *testing.T) {
	db, path, clock, co := poolingDB(t)
	ctx := context.Background()
	deadline := time.Date(2027, 4, 15, 16, 0, 0, 0, time.UTC)
	c := mustCampaign(t, db, &commands.Campaign{
		Name: "Cluster du Lodévois", Mode: commands.ModeCluster, Functions: poolFunctions,
		Companies: []int64{co["U3"], co["U1"], co["U3"]}, Deadline: deadline,
	})
	if c.ID == 0 || c.Status != commands.CampaignOpen || !c.CreatedAt.Equal(*clock) || !c.UpdatedAt.Equal(*clock) {
		t.Errorf("created: id %d, status %q, at %v / %v", c.ID, c.Status, c.CreatedAt, c.UpdatedAt)
	}
	if want := []int64{min(co["U1"], co["U3"]), max(co["U1"], co["U3"])}; !slices.Equal(c.Companies, want) {
		t.Errorf("Companies = %v, want %v: sorted, each once", c.Companies, want)
	}
	got, err := db.FindCampaign(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("FindCampaign = %+v, %v\nwant %+v", got, err, c)
	}

	bare := mustCampaign(t, db, &commands.Campaign{Status: commands.CampaignClosed})
	got, err = db.FindCampaign(ctx, bare.ID)
	if err != nil || got.Functions != nil || got.Companies != nil || !got.Deadline.IsZero() || got.Status != commands.CampaignClosed {
		t.Errorf("bare campaign = %+v, %v; want nil lists, no deadline, closed", got, err)
	}

	_, err = db.FindCampaign(ctx, c.ID+100)
	wantError(t, "FindCampaign(unknown)", err, commands.ENOTFOUND, "pooling.error.not_found", c.ID+100)
	err = db.CreateCampaign(ctx, &commands.Campaign{Name: "X", Mode: commands.ModeAllies, Companies: []int64{co["U1"], 999}})
	wantError(t, "unknown company", err, commands.ENOTFOUND, "pooling.error.company", int64(999))
	err = db.CreateCampaign(ctx, &commands.Campaign{Name: "X", Mode: commands.ModeAllies, CreatedBy: "nobody"})
	wantError(t, "unknown creator", err, commands.ENOTFOUND, "member.error.not_found")
	if list, err := db.FindCampaigns(ctx, commands.CampaignFilter{}); err != nil || len(list) != 2 {
		t.Errorf("campaigns = %d, %v; want the 2 created, none of the refused", len(list), err)
	}
	trail := auditTrail(t, path)
	if want := []string{fmt.Sprintf("F1 pooling.campaign %d", c.ID), fmt.Sprintf("F1 pooling.campaign %d", bare.ID)}; !slices.Equal(trail[len(trail)-2:], want) {
		t.Errorf("audit = %v, want it to end with %v", trail, want)
	}
}

func TestUpdateCampaign(t *testing.T) {
	db, _, clock, co := poolingDB(t)
	ctx := context.Background()
	c := mustCampaign(t, db, &commands.Campaign{Functions: poolFunctions, Companies: []int64{co["U1"], co["U2"]}})
	created := *clock
	*clock = clock.Add(time.Hour)

	upd := *c
	upd.Name, upd.Mode, upd.Status = "Renommée", commands.ModeCluster, commands.CampaignClosed
	upd.Functions = poolFunctions[2:]
	upd.Companies = []int64{co["U4"], co["U2"]}
	upd.Deadline = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := db.UpdateCampaign(ctx, &upd); err != nil {
		t.Fatal(err)
	}
	if !upd.UpdatedAt.Equal(*clock) {
		t.Errorf("UpdatedAt = %v, want %v", upd.UpdatedAt, *clock)
	}
	got, err := db.FindCampaign(ctx, c.ID)
	want := upd
	want.Companies = []int64{min(co["U2"], co["U4"]), max(co["U2"], co["U4"])}
	if err != nil || !reflect.DeepEqual(got, &want) || !got.CreatedAt.Equal(created) {
		t.Errorf("after update = %+v, %v\nwant %+v", got, err, &want)
	}

	// A refused update changes nothing, companies included.
	bad := want
	bad.Name, bad.Companies = "Jamais", []int64{co["U1"], 999}
	wantError(t, "unknown company", db.UpdateCampaign(ctx, &bad), commands.ENOTFOUND, "pooling.error.company", int64(999))
	if got, err := db.FindCampaign(ctx, c.ID); err != nil || !reflect.DeepEqual(got, &want) {
		t.Errorf("after a refused update = %+v, %v\nwant %+v", got, err, &want)
	}
	empty := want
	empty.Companies, empty.Functions = []int64{}, []commands.PoolFunction{}
	if err := db.UpdateCampaign(ctx, &empty); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindCampaign(ctx, c.ID); err != nil || got.Companies != nil || got.Functions != nil {
		t.Errorf("emptied = %+v, %v; want nil lists", got, err)
	}
	unknown := want
	unknown.ID = c.ID + 100
	wantError(t, "unknown campaign", db.UpdateCampaign(ctx, &unknown), commands.ENOTFOUND, "pooling.error.not_found", c.ID+100)
}

func TestFindCampaigns(t *testing.T) {
	db, _, clock, co := poolingDB(t)
	ctx := context.Background()
	old := mustCampaign(t, db, &commands.Campaign{Name: "2025", Companies: []int64{co["U1"]}, Status: commands.CampaignClosed})
	*clock = clock.Add(time.Hour)
	mid := mustCampaign(t, db, &commands.Campaign{Name: "2026", Companies: []int64{co["U1"], co["U2"]}})
	twin := mustCampaign(t, db, &commands.Campaign{Name: "2026 bis", Companies: []int64{co["U3"]}}) // same instant
	*clock = clock.Add(time.Hour)
	last := mustCampaign(t, db, &commands.Campaign{Name: "2027", Companies: []int64{co["U2"]}})
	for _, tt := range []struct {
		f    commands.CampaignFilter
		want []int64
	}{
		{commands.CampaignFilter{}, []int64{last.ID, twin.ID, mid.ID, old.ID}},
		{commands.CampaignFilter{Company: co["U1"]}, []int64{mid.ID, old.ID}},
		{commands.CampaignFilter{Open: true}, []int64{last.ID, twin.ID, mid.ID}},
		{commands.CampaignFilter{Company: co["U1"], Open: true}, []int64{mid.ID}},
		{commands.CampaignFilter{Company: co["U4"]}, nil},
		{commands.CampaignFilter{Limit: 2}, []int64{last.ID, twin.ID}},
	} {
		list, err := db.FindCampaigns(ctx, tt.f)
		var ids []int64
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		if err != nil || !slices.Equal(ids, tt.want) {
			t.Errorf("FindCampaigns(%+v) = %v, %v; want %v", tt.f, ids, err, tt.want)
		}
		if tt.f.Company != 0 && len(list) > 0 && len(list[0].Companies) == 0 {
			t.Errorf("FindCampaigns(%+v): companies not filled", tt.f)
		}
	}
	list, _ := db.FindCampaigns(ctx, commands.CampaignFilter{})
	if !slices.Equal(list[2].Companies, mid.Companies) {
		t.Errorf("companies of %q = %v, want %v", list[2].Name, list[2].Companies, mid.Companies)
	}
}

// answer is a PoolAnswer as a read returns it for key.
func answer(key string, e, i commands.Level, in commands.Intention, chosen bool, comment string) commands.PoolAnswer {
	return commands.PoolAnswer{Function: key, Efficiency: e, Importance: i, Intention: in, Chosen: chosen, Comment: comment}
}

func TestSaveAnswers(t *testing.T) {
	db, _, clock, co := poolingDB(t)
	ctx := context.Background()
	c := mustCampaign(t, db, &commands.Campaign{Functions: poolFunctions, Companies: []int64{co["U1"], co["U2"]}})
	first := &commands.CompanyAnswers{Campaign: c.ID, Company: co["U1"], AnsweredBy: "U1", Answers: map[string]commands.PoolAnswer{
		// The map's key names the function; Function may be left empty.
		"rh":   {Efficiency: commands.LevelLow, Importance: commands.LevelHigh, Intention: commands.IntentPool},
		"paie": answer("paie", commands.LevelMedium, commands.LevelLow, commands.IntentOutsource, true, "Trop chère"),
	}}
	if err := db.SaveAnswers(ctx, first); err != nil {
		t.Fatal(err)
	}
	if !first.UpdatedAt.Equal(*clock) {
		t.Errorf("UpdatedAt = %v, want %v", first.UpdatedAt, *clock)
	}
	*clock = clock.Add(time.Hour)
	second := &commands.CompanyAnswers{Campaign: c.ID, Company: co["U1"], AnsweredBy: "F1", Shared: true, Answers: map[string]commands.PoolAnswer{
		"achats": answer("achats", commands.LevelHigh, commands.LevelHigh, commands.IntentKeep, false, ""),
		"paie":   answer("paie", commands.LevelLow, commands.LevelMedium, commands.IntentAbandon, false, "Revu"),
	}}
	if err := db.SaveAnswers(ctx, second); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindAnswers(ctx, c.ID, co["U1"])
	want := &commands.CompanyAnswers{Campaign: c.ID, Company: co["U1"], CompanyName: "Scierie Vidal", Shared: true,
		AnsweredBy: "F1", UpdatedAt: *clock, Answers: map[string]commands.PoolAnswer{
			"rh":     answer("rh", commands.LevelLow, commands.LevelHigh, commands.IntentPool, false, ""),
			"paie":   second.Answers["paie"],
			"achats": second.Answers["achats"],
		}}
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("FindAnswers = %v, %v\nwant %+v", got, err, want)
	}

	// Taking back the agreement to share, with no answer, keeps them all.
	if err := db.SaveAnswers(ctx, &commands.CompanyAnswers{Campaign: c.ID, Company: co["U1"], AnsweredBy: "U1"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.FindAnswers(ctx, c.ID, co["U1"]); err != nil || got[0].Shared || got[0].AnsweredBy != "U1" || len(got[0].Answers) != 3 {
		t.Errorf("after a bare save = %+v, %v; want 3 answers, not shared, by U1", got[0], err)
	}

	refused := &commands.CompanyAnswers{Campaign: c.ID, Company: co["U3"], AnsweredBy: "U3", Answers: first.Answers}
	wantError(t, "company not taking part", db.SaveAnswers(ctx, refused), commands.ENOTFOUND, "pooling.error.not_found", c.ID)
	refused.Campaign, refused.Company = c.ID+100, co["U1"]
	wantError(t, "unknown campaign", db.SaveAnswers(ctx, refused), commands.ENOTFOUND, "pooling.error.not_found", c.ID+100)
	if got, err := db.FindAnswers(ctx, c.ID, co["U3"]); err != nil || len(got) != 0 {
		t.Errorf("answers of U3 = %v, %v; want none", got, err)
	}
}

func TestFindAnswers(t *testing.T) {
	db, _, clock, co := poolingDB(t)
	ctx := context.Background()
	all := []int64{co["U1"], co["U2"], co["U3"], co["U4"]}
	c := mustCampaign(t, db, &commands.Campaign{Functions: poolFunctions, Companies: all})
	other := mustCampaign(t, db, &commands.Campaign{Functions: poolFunctions, Companies: all})
	rh := answer("rh", commands.LevelLow, commands.LevelHigh, commands.IntentPool, false, "")
	save := func(campaign int64, u commands.UserID, answers map[string]commands.PoolAnswer) {
		t.Helper()
		a := &commands.CompanyAnswers{Campaign: campaign, Company: co[u], AnsweredBy: u, Answers: answers}
		if err := db.SaveAnswers(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// U3 has not answered this campaign; U4 saved only its standing.
	save(c.ID, "U1", map[string]commands.PoolAnswer{"rh": rh})
	save(c.ID, "U4", nil)
	save(c.ID, "U2", map[string]commands.PoolAnswer{"rh": rh, "achats": answer("achats", commands.LevelHigh, commands.LevelLow, commands.IntentKeep, true, "")})
	save(other.ID, "U3", map[string]commands.PoolAnswer{"rh": rh})

	got, err := db.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// By name ignoring case, namesakes by id: « atelier Brun » (U2, then
	// U4) before « Scierie Vidal ».
	var lines []string
	for _, a := range got {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range a.Answers {
				if !yield(k) {
					return
				}
			}
		})
		lines = append(lines, fmt.Sprintf("%d %s %d %v %s %v", a.Campaign, a.CompanyName, a.Company, keys, a.AnsweredBy, a.UpdatedAt.Equal(*clock)))
	}
	want := []string{
		fmt.Sprintf("%d atelier Brun %d [achats rh] U2 true", c.ID, min(co["U2"], co["U4"])),
		fmt.Sprintf("%d atelier Brun %d [] U4 true", c.ID, max(co["U2"], co["U4"])),
		fmt.Sprintf("%d Scierie Vidal %d [rh] U1 true", c.ID, co["U1"]),
	}
	if co["U4"] < co["U2"] {
		want[0], want[1] = fmt.Sprintf("%d atelier Brun %d [] U4 true", c.ID, co["U4"]), fmt.Sprintf("%d atelier Brun %d [achats rh] U2 true", c.ID, co["U2"])
	}
	if !slices.Equal(lines, want) {
		t.Errorf("FindAnswers(all) =\n%v\nwant\n%v", lines, want)
	}
	if got[2].Answers["rh"] != rh {
		t.Errorf("rh of U1 = %+v, want %+v", got[2].Answers["rh"], rh)
	}
	if one, err := db.FindAnswers(ctx, c.ID, co["U2"]); err != nil || len(one) != 1 || one[0].Company != co["U2"] || len(one[0].Answers) != 2 {
		t.Errorf("FindAnswers(U2) = %v, %v; want U2's 2 answers", one, err)
	}
	if none, err := db.FindAnswers(ctx, c.ID, co["U3"]); err != nil || none != nil {
		t.Errorf("FindAnswers(U3) = %v, %v; want none", none, err)
	}
	if o, err := db.FindAnswers(ctx, other.ID, 0); err != nil || len(o) != 1 || o[0].CompanyName != "Boulangerie Roux" {
		t.Errorf("answers to the other campaign = %v, %v; want U3's alone", o, err)
	}
}

func TestPoolDecisions(t *testing.T) {
	db, path, clock, co := poolingDB(t)
	ctx := context.Background()
	c := mustCampaign(t, db, &commands.Campaign{Functions: poolFunctions, Companies: []int64{co["U1"], co["U2"]}})
	g := MustCreateGroup(t, db, "paie", "Paie partagée", "C1")
	paie := &commands.PoolDecision{Campaign: c.ID, Function: "paie", Way: commands.WaySharedProvider,
		Companies: []int64{co["U2"], co["U1"]}, Note: "Un cabinet pour tous", Group: g.ID, DecidedBy: "F1"}
	achats := &commands.PoolDecision{Campaign: c.ID, Function: "achats", Way: commands.WayInHouse}
	for _, d := range []*commands.PoolDecision{paie, achats} {
		if err := db.SaveDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		if !d.DecidedAt.Equal(*clock) {
			t.Errorf("DecidedAt of %s = %v, want %v", d.Function, d.DecidedAt, *clock)
		}
	}
	got, err := db.FindDecisions(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, []*commands.PoolDecision{achats, paie}) {
		t.Errorf("FindDecisions = %+v, %v\nwant %+v, %+v", got, err, achats, paie)
	}

	*clock = clock.Add(time.Hour)
	again := &commands.PoolDecision{Campaign: c.ID, Function: "paie", Way: commands.WayGroupBuying, DecidedBy: "U1"}
	if err := db.SaveDecision(ctx, again); err != nil {
		t.Fatal(err)
	}
	got, err = db.FindDecisions(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, []*commands.PoolDecision{achats, again}) {
		t.Errorf("after a second decision on paie = %+v, %v\nwant %+v, %+v", got, err, achats, again)
	}
	err = db.SaveDecision(ctx, &commands.PoolDecision{Campaign: c.ID + 100, Function: "rh", Way: commands.WayJointRD})
	wantError(t, "unknown campaign", err, commands.ENOTFOUND, "pooling.error.not_found", c.ID+100)
	err = db.SaveDecision(ctx, &commands.PoolDecision{Campaign: c.ID, Function: "rh", Way: commands.WayJointRD, DecidedBy: "nobody"})
	wantError(t, "unknown decider", err, commands.ENOTFOUND, "member.error.not_found")
	if got, _ := db.FindDecisions(ctx, c.ID); len(got) != 2 {
		t.Errorf("%d decisions, want 2: none of the refused", len(got))
	}
	trail := auditTrail(t, path)
	want := []string{fmt.Sprintf("F1 pooling.decision %d", c.ID), fmt.Sprintf(" pooling.decision %d", c.ID), fmt.Sprintf("U1 pooling.decision %d", c.ID)}
	if !slices.Equal(trail[len(trail)-3:], want) {
		t.Errorf("audit = %v, want it to end with %v", trail, want)
	}
}

func TestListCompanies(t *testing.T) {
	db, _, clock, co := poolingDB(t)
	got, err := db.ListCompanies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%d %s", c.ID, c.Name))
	}
	brun := []int64{min(co["U2"], co["U4"]), max(co["U2"], co["U4"])}
	want := []string{
		fmt.Sprintf("%d atelier Brun", brun[0]), fmt.Sprintf("%d atelier Brun", brun[1]),
		fmt.Sprintf("%d Boulangerie Roux", co["U3"]), fmt.Sprintf("%d Scierie Vidal", co["U1"]),
	}
	if !slices.Equal(lines, want) {
		t.Errorf("ListCompanies = %v, want %v", lines, want)
	}
	// Every field, as a member's company reads.
	m, err := db.FindMemberByUserID(context.Background(), "U1")
	if err != nil || !reflect.DeepEqual(got[3], m.Company) || !got[3].UpdatedAt.Equal(*clock) {
		t.Errorf("company = %+v, %v\nwant %+v", got[3], err, m.Company)
	}
}

// BenchmarkFindAnswers reads every answer to a campaign of 300 companies
// that each answered 30 functions, as the group's synthesis does.
func BenchmarkFindAnswers(b *testing.B) {
	const companies, functions = 300, 30
	db, _ := MustOpenDB(b)
	ctx := context.Background()
	var fs []commands.PoolFunction
	for i := range functions {
		fs = append(fs, commands.PoolFunction{Key: fmt.Sprintf("f%02d", i), Name: fmt.Sprintf("Fonction %d", i)})
	}
	var ids []int64
	for i := range companies {
		u := commands.UserID(fmt.Sprintf("U%03d", i))
		MustCreateMembers(b, db, string(u), fmt.Sprintf("Dirigeant %d", i))
		c, err := db.SaveCompany(ctx, u, &commands.Company{Name: fmt.Sprintf("Entreprise %03d", companies-i)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	c := &commands.Campaign{Name: "Support", Mode: commands.ModeCluster, Functions: fs, Companies: ids}
	if err := db.CreateCampaign(ctx, c); err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		a := &commands.CompanyAnswers{Campaign: c.ID, Company: id, Shared: i%2 == 0, AnsweredBy: commands.UserID(fmt.Sprintf("U%03d", i)),
			Answers: map[string]commands.PoolAnswer{}}
		for j, f := range fs {
			a.Answers[f.Key] = commands.PoolAnswer{Efficiency: commands.Levels[(i+j)%3], Importance: commands.Levels[j%3],
				Intention: commands.Intentions[(i*j)%4], Chosen: j%5 == 0, Comment: map[bool]string{true: "À revoir en juin"}[j%7 == 0]}
		}
		if err := db.SaveAnswers(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		all, err := db.FindAnswers(ctx, c.ID, 0)
		if err != nil || len(all) != companies || len(all[0].Answers) != functions || all[0].CompanyName != "Entreprise 001" {
			b.Fatalf("read %d companies, %v", len(all), err)
		}
	}
}
