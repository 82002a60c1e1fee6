package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// mustMembers creates members by user id, each named after it.
func mustMembers(t *testing.T, db *storage.DB, users ...commands.UserID) {
	t.Helper()
	for _, u := range users {
		if err := db.CreateMember(context.Background(), &commands.Member{UserID: u, Name: "Nom " + string(u)}); err != nil {
			t.Fatal(err)
		}
	}
}

// errKey returns the catalog key of an application error, or "".
func errKey(err error) string {
	var e *commands.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

func TestSaveExpert(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	clock := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustMembers(t, db, "U1")
	company, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Métallerie Haddad"})
	if err != nil {
		t.Fatal(err)
	}
	e := &commands.Expert{
		User: "U1", Domains: []string{"fiscalité", "levée de fonds"}, Bio: "Expert-comptable à Lille.",
		Languages: []string{"fr", "en"}, Formats: []commands.MeetingFormat{commands.FormatVideo, commands.FormatInPerson},
		MonthlyCapacity: 3, Availability: []commands.Window{
			{Weekday: time.Tuesday, Start: 9 * time.Hour, End: 12*time.Hour + 30*time.Minute},
			{Weekday: time.Thursday, Start: 14 * time.Hour, End: 18 * time.Hour},
		},
		MinNotice: 48 * time.Hour, Buffer: 15 * time.Minute, PausedUntil: clock.Add(7 * 24 * time.Hour), Active: true,
	}
	if err := db.SaveExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	want := *e
	want.Name, want.CompanyID, want.CreatedAt, want.UpdatedAt = "Nom U1", company.ID, clock, clock
	if !reflect.DeepEqual(e, &want) {
		t.Errorf("saved expert = %+v, want %+v", e, &want)
	}
	got, err := db.FindExpert(ctx, "U1")
	if err != nil || !reflect.DeepEqual(got, &want) {
		t.Errorf("FindExpert = %+v, %v; want %+v", got, err, &want)
	}

	// Saved again: a replacement, created when it was first saved.
	later := clock.Add(time.Hour)
	clock = later
	e.Domains, e.Languages, e.Formats, e.Availability, e.PausedUntil, e.Active = nil, nil, nil, nil, time.Time{}, false
	if err := db.SaveExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err = db.FindExpert(ctx, "U1")
	want = *e
	want.CreatedAt, want.UpdatedAt = clock.Add(-time.Hour), later
	if err != nil || !reflect.DeepEqual(got, &want) {
		t.Errorf("after replacing: %+v, %v; want %+v", got, err, &want)
	}
}

func TestSaveExpertUnknownMember(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	err := db.SaveExpert(ctx, &commands.Expert{User: "UNOPE", Domains: []string{"export"}, Active: true})
	if commands.ErrorCode(err) != commands.ENOTFOUND || errKey(err) != "member.error.not_found" {
		t.Errorf("SaveExpert(unknown member) = %v, want ENOTFOUND member.error.not_found", err)
	}
	if _, err := db.FindExpert(ctx, "UNOPE"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("FindExpert(unknown) = %v, want ENOTFOUND", err)
	}
	if ms, err := db.SearchExperts(ctx, "export", 5); err != nil || len(ms) != 0 {
		t.Errorf("search after a refused save = %d matches, %v; want none", len(ms), err)
	}
}

// TestListExperts: every expert, active or not, by name; the company is
// the member's, read when the expert is.
func TestListExperts(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	for _, m := range []*commands.Member{{UserID: "U1", Name: "Zoé"}, {UserID: "U2", Name: "eric"}, {UserID: "U3", Name: "Bruno"}, {UserID: "U4", Name: "Anna"}} {
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []commands.UserID{"U1", "U2", "U3"} {
		if err := db.SaveExpert(ctx, &commands.Expert{User: u, Active: u != "U3"}); err != nil {
			t.Fatal(err)
		}
	}
	company, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Filature"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.ListExperts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	if want := []string{"Bruno", "eric", "Zoé"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ListExperts = %q, want %q", names, want)
	}
	if list[2].CompanyID != company.ID || list[0].CompanyID != 0 || list[0].Active {
		t.Errorf("experts = %+v, %+v; want Zoé's company %d, Bruno inactive without one", list[0], list[2], company.ID)
	}
}
