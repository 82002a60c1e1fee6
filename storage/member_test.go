package storage_test

import (
	"context"
	"testing"

	"cercle/commands"
)

// TestMemberDigestAndOptOut: a new member gets the weekly digest and keeps
// their messages in summaries; both change through UpdateMember and read
// back on every member read, cached or not. The core's empty frequency
// means weekly.
func TestMemberDigestAndOptOut(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if err := db.CreateMember(ctx, &commands.Member{UserID: "U1", Name: "Nadia"}); err != nil {
		t.Fatal(err)
	}
	check := func(what string, digest commands.DigestFrequency, optOut bool) {
		t.Helper()
		reads := map[string]func() (*commands.Member, error){
			"FindMemberByUserID": func() (*commands.Member, error) { return db.FindMemberByUserID(ctx, "U1") },
			"FindMembersByName": func() (*commands.Member, error) {
				ms, err := db.FindMembersByName(ctx, "nadia")
				if err != nil || len(ms) != 1 {
					return nil, err
				}
				return ms[0], nil
			},
			"ListMembers": func() (*commands.Member, error) {
				ms, err := db.ListMembers(ctx)
				if err != nil || len(ms) != 1 {
					return nil, err
				}
				return ms[0], nil
			},
		}
		for name, read := range reads {
			m, err := read()
			if err != nil || m == nil {
				t.Fatalf("%s, %s: %v, %v", what, name, m, err)
			}
			if m.Digest != digest || m.SummariesOptOut != optOut {
				t.Errorf("%s, %s: digest %q, opt-out %v; want %q, %v", what, name, m.Digest, m.SummariesOptOut, digest, optOut)
			}
		}
	}
	check("new member", commands.DigestWeekly, false)

	monthly, yes := commands.DigestMonthly, true
	m, err := db.UpdateMember(ctx, "U1", commands.MemberUpdate{Digest: &monthly, SummariesOptOut: &yes})
	if err != nil || m.Digest != monthly || !m.SummariesOptOut {
		t.Fatalf("UpdateMember = %+v, %v", m, err)
	}
	check("after the update", monthly, true)

	empty, no := commands.DigestFrequency(""), false
	if _, err := db.UpdateMember(ctx, "U1", commands.MemberUpdate{Digest: &empty, SummariesOptOut: &no}); err != nil {
		t.Fatal(err)
	}
	check("back to the default", commands.DigestWeekly, false)

	off := &commands.Member{UserID: "U2", Name: "Bo", Digest: commands.DigestOff, SummariesOptOut: true}
	if err := db.CreateMember(ctx, off); err != nil {
		t.Fatal(err)
	}
	if m, err := db.FindMemberByUserID(ctx, "U2"); err != nil || m.Digest != commands.DigestOff || !m.SummariesOptOut {
		t.Errorf("created with digest off and opted out: %+v, %v", m, err)
	}
}

// TestCompanyRevenue: the revenue band a leader gives is kept with the
// company, created or updated, and read back by every member read.
func TestCompanyRevenue(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	mustMembers(t, db, "U1")
	check := func(what string, want commands.RevenueBand) {
		t.Helper()
		m, err := db.FindMemberByUserID(ctx, "U1")
		if err != nil || m.Company == nil || m.Company.Revenue != want {
			t.Errorf("%s: FindMemberByUserID = %+v, %v; want revenue %q", what, m, err, want)
		}
		list, err := db.ListMembers(ctx)
		if err != nil || len(list) != 1 || list[0].Company == nil || list[0].Company.Revenue != want {
			t.Errorf("%s: ListMembers = %v, %v; want revenue %q", what, list, err, want)
		}
		named, err := db.FindMembersByName(ctx, "Nom U1")
		if err != nil || len(named) != 1 || named[0].Company == nil || named[0].Company.Revenue != want {
			t.Errorf("%s: FindMembersByName = %v, %v; want revenue %q", what, named, err, want)
		}
	}
	saved, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Métallerie", Revenue: commands.Revenue300kTo1M})
	if err != nil || saved.Revenue != commands.Revenue300kTo1M {
		t.Fatalf("SaveCompany = %+v, %v", saved, err)
	}
	check("created", commands.Revenue300kTo1M)
	if _, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Métallerie", Revenue: commands.Revenue1MTo5M}); err != nil {
		t.Fatal(err)
	}
	check("updated", commands.Revenue1MTo5M)
	if _, err := db.SaveCompany(ctx, "U1", &commands.Company{Name: "Métallerie", Revenue: "about a million"}); err == nil {
		t.Error("an unknown band was stored")
	}
}
