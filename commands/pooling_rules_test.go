package commands

import (
	"reflect"
	"testing"
)

func TestSuggestIntention(t *testing.T) {
	// Rows: importance from high to low; columns: efficiency low, medium,
	// high. The seed's examples: low and low → outsource (or pool); high
	// importance, low efficiency → strengthen, possibly with others.
	want := map[Level][3]Intention{
		LevelHigh:   {IntentKeep, IntentKeep, IntentKeep},
		LevelMedium: {IntentPool, IntentPool, IntentKeep},
		LevelLow:    {IntentOutsource, IntentOutsource, IntentPool},
	}
	for imp, row := range want {
		for i, eff := range Levels {
			got, hint := SuggestIntention(eff, imp)
			if got != row[i] || hint == "" {
				t.Errorf("SuggestIntention(%s, %s) = %s %q, want %s", eff, imp, got, hint, row[i])
			}
		}
	}
	if _, hint := SuggestIntention(LevelLow, LevelHigh); hint != "pooling.hint.strengthen_with_others" {
		t.Errorf("high importance, low efficiency: hint %q", hint)
	}
	if _, hint := SuggestIntention(LevelLow, LevelLow); hint != "pooling.hint.outsource_or_pool" {
		t.Errorf("low and low: hint %q", hint)
	}
}

func TestParseFunctions(t *testing.T) {
	fs, key, _ := ParseFunctions(DefaultFunctions)
	if key != "" || len(fs) < 15 {
		t.Fatalf("default list: %d functions, %q", len(fs), key)
	}
	keys := map[string]bool{}
	for _, f := range fs {
		if keys[f.Key] || !slugPattern.MatchString(f.Key) {
			t.Errorf("key %q repeated or not a slug", f.Key)
		}
		keys[f.Key] = true
	}
	if got := FunctionsText(fs); got != DefaultFunctions {
		t.Errorf("round trip:\n%s", got)
	}
	fs, _, _ = ParseFunctions("Achats\n- Énergie\n  -  Énergie \n\nR&D et innovation\n")
	want := []PoolFunction{{Key: "achats", Name: "Achats"}, {Key: "energie", Name: "Énergie", Parent: "achats"},
		{Key: "energie-2", Name: "Énergie", Parent: "achats"}, {Key: "r-d-et-innovation", Name: "R&D et innovation"}}
	if !reflect.DeepEqual(fs, want) {
		t.Errorf("parsed %+v", fs)
	}
	for text, wantKey := range map[string]string{
		"":              "pooling.error.no_function",
		"- Recrutement": "pooling.error.sub_first",
		"Une fonction dont le nom dépasse de loin les soixante caractères permis": "pooling.error.function_long",
	} {
		if _, key, _ := ParseFunctions(text); key != wantKey {
			t.Errorf("ParseFunctions(%q) = %q, want %q", text, key, wantKey)
		}
	}
}

func TestSynthesizeCountsAndNamesOnlySharers(t *testing.T) {
	c := &Campaign{ID: 1, Functions: []PoolFunction{{Key: "achats", Name: "Achats"}, {Key: "paie", Name: "Paie"}}, Companies: []int64{1, 2, 3}}
	answers := []*CompanyAnswers{
		{Company: 1, CompanyName: "Zinc & Co", Shared: true, Answers: map[string]PoolAnswer{
			"achats": {Efficiency: LevelLow, Importance: LevelMedium, Intention: IntentPool}}},
		{Company: 2, CompanyName: "Atelier Secret", Answers: map[string]PoolAnswer{
			"achats": {Efficiency: LevelHigh, Importance: LevelHigh, Intention: IntentPool},
			"paie":   {Efficiency: LevelLow, Importance: LevelLow, Intention: IntentOutsource}}},
		{Company: 3, CompanyName: "Bois du Nord", Shared: true, Answers: map[string]PoolAnswer{
			"achats":  {Efficiency: LevelMedium, Importance: LevelLow, Intention: IntentKeep},
			"inconnu": {Efficiency: LevelLow, Importance: LevelLow, Intention: IntentPool}}},
	}
	got := Synthesize(c, answers)
	a := got[0]
	if a.Answered != 3 || a.Intentions[IntentPool] != 2 || a.Intentions[IntentKeep] != 1 ||
		a.Efficiency != [3]int{1, 1, 1} || a.Importance != [3]int{1, 1, 1} {
		t.Errorf("achats = %+v", a)
	}
	if !reflect.DeepEqual(a.Poolers, []string{"Zinc & Co"}) {
		t.Errorf("poolers = %v: only a company that shares is named", a.Poolers)
	}
	if p := got[1]; p.Answered != 1 || p.Intentions[IntentOutsource] != 1 || len(p.Poolers) != 0 {
		t.Errorf("paie = %+v", p)
	}
}

func TestWhoSeesPoolingAnswers(t *testing.T) {
	c := &Campaign{Companies: []int64{7}}
	member := &Member{UserID: "m", CompanyID: 7, Role: RoleMember}
	outsider := &Member{UserID: "o", CompanyID: 8, Role: RoleMember}
	noCompany := &Member{UserID: "n", Role: RoleMember}
	staff := &Member{UserID: "f", Role: RoleFacilitator}
	for _, tt := range []struct {
		m                  *Member
		answers, synthesis bool
	}{{member, true, true}, {outsider, false, false}, {noCompany, false, false}, {staff, true, true}} {
		if got := canSeeAnswers(tt.m, 7); got != tt.answers {
			t.Errorf("%s sees company 7's answers: %v", tt.m.UserID, got)
		}
		if got := canSeeSynthesis(tt.m, c); got != tt.synthesis {
			t.Errorf("%s sees the synthesis: %v", tt.m.UserID, got)
		}
	}
	if canSeeAnswers(noCompany, 0) {
		t.Error("a member without a company sees company 0's answers")
	}
}

func TestListsTypedOnOneLine(t *testing.T) {
	fs, key, _ := ParseFunctions("Achats; - Énergie ;Informatique")
	if key != "" || len(fs) != 3 || fs[1].Parent != "achats" || fs[2].Parent != "" {
		t.Errorf("one-line list: %+v %q", fs, key)
	}
	ids, unknown := matchCompanies([]*Company{{ID: 1, Name: "Fontaine Textile"}, {ID: 2, Name: "Métallerie Haddad"}, {ID: 3, Name: "fontaine textile"}},
		"metallerie haddad ; Fontaine textile;Inconnue")
	if !reflect.DeepEqual(ids, []int64{2, 1, 3}) || !reflect.DeepEqual(unknown, []string{"Inconnue"}) {
		t.Errorf("companies: %v, unknown %v", ids, unknown)
	}
}

func TestCountsHiddenFromMembers(t *testing.T) {
	fs := FunctionSynthesis{Function: PoolFunction{Key: "achats"}, Answered: 5, Shared: 1}
	mine := &CompanyAnswers{Answers: map[string]PoolAnswer{"achats": {}}}
	sharing := &CompanyAnswers{Shared: true, Answers: map[string]PoolAnswer{"achats": {}}}
	for _, tt := range []struct {
		name   string
		fs     FunctionSynthesis
		own    *CompanyAnswers
		open   bool
		hidden bool
	}{
		{"open: differences between two looks would tell newcomers", fs, nil, true, true},
		{"closed, 4 unknown to an outsider", fs, nil, false, false},
		{"closed, 3 unknown once the reader's own answer is set aside", fs, mine, false, false},
		{"closed, 2 unknown: the rest would be read", FunctionSynthesis{Function: fs.Function, Answered: 4, Shared: 1}, mine, false, true},
		{"closed, a sharing reader is already among the named", FunctionSynthesis{Function: fs.Function, Answered: 4, Shared: 1}, sharing, false, false},
		{"no answer, nothing to hide", FunctionSynthesis{Function: fs.Function}, nil, true, false},
	} {
		if got := tt.fs.hiddenFrom(tt.own, tt.open); got != tt.hidden {
			t.Errorf("%s: hidden %v", tt.name, got)
		}
	}
}

func TestPlacedCountsOnlyTheCampaignsFunctions(t *testing.T) {
	c := &Campaign{Functions: []PoolFunction{{Key: "achats"}, {Key: "paie-et-salaires"}}}
	ca := &CompanyAnswers{Answers: map[string]PoolAnswer{"achats": {}, "paie": {}}} // « paie » renamed since
	if n := placed(c, ca); n != 1 {
		t.Errorf("placed = %d, want 1: a renamed function is still to answer", n)
	}
}
