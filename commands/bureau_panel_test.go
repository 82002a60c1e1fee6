package commands

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func peer(id, name, company, sector string, sittings int, conflicts ...string) *Peer {
	return &Peer{Member: &Member{UserID: UserID(id), Name: name, Company: &Company{Name: company, Sector: sector}},
		Sittings: sittings, Conflicts: conflicts}
}

func seatIDs(p PanelProposal) []UserID {
	var out []UserID
	for _, s := range p.Seats {
		out = append(out, s.Peer.Member.UserID)
	}
	return out
}

func TestRecusal(t *testing.T) {
	app := &Application{ID: 1, Applicant: "boss", Company: "Vignobles de l'Étang", Sector: "Viticulture"}
	tests := []struct {
		name string
		peer *Peer
		want Recusal
	}{
		{"the applicant", peer("boss", "Boss", "Autre", "BTP", 0), RecusedApplicant},
		{"same company, spelled otherwise", peer("p1", "A", "VIGNOBLES DE L'ETANG", "Négoce", 0), RecusedCompany},
		{"same sector, accents aside", peer("p2", "B", "Cave Dupont", "viticulture", 0), RecusedSector},
		{"declared conflict", peer("p3", "C", "Numérique Sud", "Numérique", 0, "vignobles de l’étang", "Vignobles de l'Etang"), RecusedConflict},
		{"another sector, no conflict", peer("p4", "D", "Numérique Sud", "Numérique", 0, "Autre SARL"), ""},
		{"no company on file", &Peer{Member: &Member{UserID: "p5"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := recusalOf(tt.peer.Member, tt.peer.Conflicts, app); got != tt.want {
				t.Errorf("recusalOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProposePanelMixesSectorsAndAvoidsConflicts(t *testing.T) {
	apps := []*Application{
		{ID: 1, Applicant: "a1", Company: "Vignobles de l'Étang", Sector: "Viticulture"},
		{ID: 2, Applicant: "a2", Company: "Logiciels Garrigue", Sector: "Numérique"},
	}
	peers := []*Peer{
		peer("vit", "Viticultrice", "Mas Dupont", "Viticulture", 0),                      // sits out 1
		peer("num1", "Numérique Un", "Octet Sud", "Numérique", 0),                        // sits out 2
		peer("num2", "Numérique Deux", "Pixel & Co", "Numérique", 0),                     // same sector as num1
		peer("btp", "Bâtisseur", "BTP Hérault", "BTP", 0),                                // hears both
		peer("conf", "Conflit", "Transports Gard", "Transport", 0, "Logiciels Garrigue"), // sits out 2
		peer("tour", "Tourisme", "Camping des Pins", "Tourisme", 0),                      // hears both
		peer("none", "Sans Voix", "Logiciels Garrigue", "Viticulture", 0),                // hears none
	}
	if short := ProposePanel(peers, apps, 3).Short; !reflect.DeepEqual(short, []int64{2}) {
		t.Errorf("three seats: short = %v, want [2]: only btp and tour hear Logiciels Garrigue", short)
	}
	prop := ProposePanel(peers, apps, 4)
	got := seatIDs(prop)
	// Both who hear everything first (by name); then each helps one
	// short hearing, by name; then the fourth seat goes to the one who
	// makes Logiciels Garrigue's hearing whole, not to Numérique Un.
	want := []UserID{"btp", "tour", "conf", "vit"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("panel = %v, want %v", got, want)
	}
	for _, s := range prop.Seats {
		if s.Peer.Member.UserID == "conf" && s.Recused[2] != RecusedConflict {
			t.Errorf("conf recusal on 2 = %q, want conflict", s.Recused[2])
		}
		if s.Peer.Member.UserID == "vit" && (s.Recused[1] != RecusedSector || s.Hears != 1) {
			t.Errorf("vit = %+v, want sector recusal on 1 and one hearing", s)
		}
	}
	if len(prop.Short) != 0 {
		t.Errorf("short = %v, want none", prop.Short)
	}
	for _, u := range got {
		if u == "none" {
			t.Error("a peer who can hear nobody was seated")
		}
	}
}

func TestProposePanelSpreadsLoad(t *testing.T) {
	apps := []*Application{{ID: 1, Applicant: "a", Company: "Cave", Sector: "Viticulture"}}
	peers := []*Peer{
		peer("busy", "Anne", "A", "BTP", 6),
		peer("idle", "Zoé", "Z", "BTP", 0),
		peer("mid", "Marc", "M", "BTP", 2),
	}
	got := seatIDs(ProposePanel(peers, apps, 2))
	if want := []UserID{"idle", "mid"}; !reflect.DeepEqual(got, want) {
		t.Errorf("panel = %v, want the two who sat least %v", got, want)
	}
}

func TestHearingLife(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	day := &HearingDay{ID: 4, StartsAt: now.Add(48 * time.Hour), Hearings: 6, HearingMinutes: 45, BufferMinutes: 15}
	if got := day.SlotStart(3); !got.Equal(day.StartsAt.Add(2 * time.Hour)) {
		t.Errorf("slot 3 starts %v", got)
	}
	if got := day.EndsAt(); !got.Equal(day.StartsAt.Add(5*time.Hour + 45*time.Minute)) {
		t.Errorf("day ends %v", got)
	}
	a := &Application{ID: 9, Status: ApplicationEligible}
	if err := decideSchedule(a, day, 1, now); ErrorCode(err) != ECONFLICT {
		t.Errorf("scheduling an undecided application: %v", err)
	}
	a.Status = ApplicationAccepted
	for _, n := range []int{0, 7} {
		if err := decideSchedule(a, day, n, now); ErrorCode(err) != EINVALID {
			t.Errorf("slot %d: %v", n, err)
		}
	}
	if err := decideSchedule(a, day, 2, day.SlotStart(2)); ErrorCode(err) != EINVALID {
		t.Errorf("a slot begun: %v", err)
	}
	if err := decideSchedule(a, day, 2, now); err != nil || a.Status != ApplicationScheduled || a.HearingSeq != 1 {
		t.Fatalf("schedule: %v %+v", err, a)
	}
	if decideHeard(a, day, day.SlotEnd(2).Add(-time.Minute)) {
		t.Error("heard before its slot ended")
	}
	if err := decideOpinion(a, Opinion{Verdict: VerdictRework}, "p1", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("opinion before the hearing: %v", err)
	}
	if !decideHeard(a, day, day.SlotEnd(2)) || a.Status != ApplicationHeard {
		t.Fatalf("not heard at its slot's end: %+v", a)
	}
	if err := decideSeal(a, "fac", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("sealing an unwritten opinion: %v", err)
	}
	if err := decideOpinion(a, Opinion{Verdict: "bof"}, "p1", now); ErrorCode(err) != EINVALID {
		t.Errorf("unknown verdict: %v", err)
	}
	for _, by := range []UserID{"p1", "p2", "p1", "p3", "p2"} {
		if err := decideOpinion(a, Opinion{Strengths: "s", Verdict: VerdictRework}, by, now); err != nil {
			t.Fatal(err)
		}
	}
	if a.Opinion.WrittenBy != "p1" || !reflect.DeepEqual(a.Opinion.AmendedBy, []UserID{"p2", "p3"}) {
		t.Errorf("authors = %s then %v", a.Opinion.WrittenBy, a.Opinion.AmendedBy)
	}
	if err := decideSeal(a, "fac", now); err != nil || a.Status != ApplicationAdvised {
		t.Fatalf("seal: %v", err)
	}
	if err := decideOpinion(a, Opinion{Verdict: VerdictValidated}, "p1", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("amending a sealed opinion: %v", err)
	}
	if followUpDue(a, now.Add(FollowUpAfter-time.Hour)) || !followUpDue(a, now.Add(FollowUpAfter)) {
		t.Error("follow-up not due at three months exactly")
	}
	if err := decideApplicationFollowUp(a, 6, "", now); ErrorCode(err) != EINVALID {
		t.Errorf("score 6: %v", err)
	}
	if err := decideApplicationFollowUp(a, 4, "utile", now); err != nil {
		t.Fatal(err)
	}
	if err := decideApplicationFollowUp(a, 5, "", now); ErrorCode(err) != ECONFLICT {
		t.Errorf("answering twice: %v", err)
	}
}

// BenchmarkProposePanel is a large network's day: 500 peers over 40
// sectors, 6 hearings, a panel of 5.
func BenchmarkProposePanel(b *testing.B) {
	var peers []*Peer
	for i := range 500 {
		peers = append(peers, peer(fmt.Sprintf("p%03d", i), fmt.Sprintf("Pair %03d", i), fmt.Sprintf("Entreprise %d", i),
			fmt.Sprintf("Secteur %d", i%40), i%7, fmt.Sprintf("Candidate %d", i%11)))
	}
	var apps []*Application
	for i := range 6 {
		apps = append(apps, &Application{ID: int64(i + 1), Applicant: UserID(fmt.Sprint("a", i)), Company: fmt.Sprintf("Candidate %d", i), Sector: fmt.Sprintf("Secteur %d", i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if p := ProposePanel(peers, apps, DefaultPanelSize); len(p.Seats) != DefaultPanelSize {
			b.Fatal(len(p.Seats))
		}
	}
}

func TestProposePanelLeavesOutPeersHeardThatDay(t *testing.T) {
	apps := []*Application{
		{ID: 1, Applicant: "boss", Company: "Verrerie du Nord", Sector: "Verre"},
		{ID: 2, Applicant: "a2", Company: "Cave", Sector: "Viticulture"},
	}
	peers := []*Peer{
		peer("boss", "Boss", "Verrerie du Nord", "Verre", 0),      // heard that day
		peer("colleague", "Col", "Verrerie du Nord", "Négoce", 0), // their company is
		peer("other", "Other", "BTP Hérault", "BTP", 0),
	}
	if got := seatIDs(ProposePanel(peers, apps, 3)); !reflect.DeepEqual(got, []UserID{"other"}) {
		t.Errorf("panel = %v, want only the peer with no stake in the day", got)
	}
}

func TestCompanyKey(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"Métallerie Secrète", "METALLERIE SECRETE SARL"},
		{"Dupont & Cie", "dupont"},
		{"L'Atelier du Lez (SAS)", "l atelier du lez"},
	} {
		if CompanyKey(tt.a) != CompanyKey(tt.b) {
			t.Errorf("CompanyKey(%q) = %q, CompanyKey(%q) = %q", tt.a, CompanyKey(tt.a), tt.b, CompanyKey(tt.b))
		}
	}
	if CompanyKey("Métallerie Secrète") == CompanyKey("Métallerie Ouverte") {
		t.Error("two companies share a key")
	}
	app := &Application{Applicant: "a", Company: "Métallerie Secrète SARL", Sector: "Métallurgie"}
	if got := recusalOf(&Member{UserID: "p"}, []string{"metallerie secrete"}, app); got != RecusedConflict {
		t.Errorf("a conflict declared without the legal form: %q", got)
	}
}
