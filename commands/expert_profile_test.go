package commands_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/i18n"
)

func window(d time.Weekday, from, to string) commands.Window {
	at := func(s string) time.Duration {
		t, err := time.Parse("15:04", s)
		if err != nil {
			panic(err)
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return commands.Window{Weekday: d, Start: at(from), End: at(to)}
}

func TestParseWindows(t *testing.T) {
	tue, thu := time.Tuesday, time.Thursday
	tests := []struct {
		in   string
		want []commands.Window
	}{
		{"mardi 14h-17h, jeudi 9h-12h", []commands.Window{window(tue, "14:00", "17:00"), window(thu, "09:00", "12:00")}},
		{"mardi 14h–17h", []commands.Window{window(tue, "14:00", "17:00")}},
		{"mar 14:00-17:00", []commands.Window{window(tue, "14:00", "17:00")}},
		{"Mardi 14h-17h jeudi 9h-12h", []commands.Window{window(tue, "14:00", "17:00"), window(thu, "09:00", "12:00")}},
		{"jeudi 9h-12h\nmardi 14h-17h;", []commands.Window{window(tue, "14:00", "17:00"), window(thu, "09:00", "12:00")}},
		{"mardi et jeudi 9h-12h", []commands.Window{window(tue, "09:00", "12:00"), window(thu, "09:00", "12:00")}},
		{"mardi 9h-12h et 14h-17h30", []commands.Window{window(tue, "09:00", "12:00"), window(tue, "14:00", "17:30")}},
		{"du lundi au mercredi de 8h30 à 10h", []commands.Window{
			window(time.Monday, "08:30", "10:00"), window(tue, "08:30", "10:00"), window(time.Wednesday, "08:30", "10:00")}},
		{"lun-mer 8h30-10h", []commands.Window{
			window(time.Monday, "08:30", "10:00"), window(tue, "08:30", "10:00"), window(time.Wednesday, "08:30", "10:00")}},
		{"mer. 14 h - 17 h", []commands.Window{window(time.Wednesday, "14:00", "17:00")}},
		{"vendredi 14h jusqu'à 18h", []commands.Window{window(time.Friday, "14:00", "18:00")}},
		{"jeudi 9h-midi", []commands.Window{window(thu, "09:00", "12:00")}},
		{"mardi 9h-12h, mardi 11h-14h", []commands.Window{window(tue, "09:00", "14:00")}},
		{"Tuesday 2 pm-5 pm, thu 9am-12pm", []commands.Window{window(tue, "14:00", "17:00"), window(thu, "09:00", "12:00")}},
		{"samedi 9.30-12.00", []commands.Window{window(time.Saturday, "09:30", "12:00")}},
		{"   ", nil},
	}
	for _, tt := range tests {
		got, err := commands.ParseWindows(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseWindows(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseWindowsErrors(t *testing.T) {
	p := printer()
	tests := []struct{ in, want string }{
		{"mardi", "«\u00a0mardi\u00a0»\u00a0: indiquez les heures, par exemple «\u00a0mardi 14h-17h\u00a0»."},
		{"mardi 14h-17h, jeudi", "«\u00a0jeudi\u00a0»\u00a0: indiquez les heures"},
		{"14h-17h", "«\u00a014h-17h\u00a0»\u00a0: indiquez le jour avant les heures"},
		{"mars 14h-17h", "«\u00a0mars\u00a0» n'est pas un jour de la semaine."},
		{"mardi 14h", "«\u00a014h\u00a0»\u00a0: indiquez une heure de début et une heure de fin"},
		{"mardi 17h-14h", "«\u00a017h-14h\u00a0»\u00a0: l'heure de fin doit venir après l'heure de début."},
		{"mardi 25h-26h", "«\u00a025h\u00a0» n'est pas une heure."},
		{"mardi 14h75-15h", "«\u00a014h75\u00a0» n'est pas une heure."},
		{"mardi 1400-1500", "«\u00a01400\u00a0» n'est pas une heure."},
		{"mardi 14hxx-15h", "«\u00a014hxx\u00a0» n'est pas une heure."},
	}
	for _, tt := range tests {
		_, err := commands.ParseWindows(tt.in)
		var e *commands.Error
		if !errors.As(err, &e) || e.Code != commands.EINVALID {
			t.Errorf("ParseWindows(%q) error = %v, want EINVALID", tt.in, err)
			continue
		}
		if got := p.T(e.Key, e.Args...); !strings.Contains(got, tt.want) {
			t.Errorf("ParseWindows(%q) says %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatWindowsReadsBack(t *testing.T) {
	in := "lundi 8h30-10h, mardi 9h-12h et 14h-17h, vendredi 16h-24h"
	ws, err := commands.ParseWindows(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := commands.FormatWindows(ws, printer()); got != in {
		t.Errorf("FormatWindows = %q, want %q", got, in)
	}
	en := commands.FormatWindows(ws, i18n.NewPrinter(i18n.English, nil))
	if back, err := commands.ParseWindows(en); err != nil || !reflect.DeepEqual(back, ws) {
		t.Errorf("English %q reads back as %v, %v", en, back, err)
	}
}

// profileValues are a valid profile form, changed by the pairs given.
func profileValues(kv ...string) map[string]string {
	v := map[string]string{
		"expert_domains": "Recrutement, droit social", "expert_bio": "Ancienne DRH. J'aide les PME à recruter.",
		"expert_languages": "fr", "expert_formats": "visio\npresentiel", "expert_capacity": "4",
		"expert_windows": "mardi 14h-17h, jeudi 9h-12h", "expert_notice": "48", "expert_buffer": "15",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = kv[i+1]
	}
	return v
}

func TestParseExpert(t *testing.T) {
	p := printer()
	e, fe := commands.ParseExpert(profileValues(
		"expert_domains", " Recrutement ; RSE,\trecrutement , Économie de la fonctionnalité,economie de la FONCTIONNALITE, #achats.",
		"expert_languages", "en\nfr\nde", "expert_formats", "telephone\nfax",
		"expert_capacity", "", "expert_notice", " 1 2 ", "expert_buffer", ""), p)
	if fe != nil {
		t.Fatalf("unexpected errors %v", fe)
	}
	want := &commands.Expert{
		Domains: []string{"recrutement", "RSE", "économie de la fonctionnalité", "achats"},
		Bio:     "Ancienne DRH. J'aide les PME à recruter.", Languages: []string{"fr", "en"},
		Formats: []commands.MeetingFormat{commands.FormatPhone}, MonthlyCapacity: 4,
		Availability: []commands.Window{window(time.Tuesday, "14:00", "17:00"), window(time.Thursday, "09:00", "12:00")},
		MinNotice:    12 * time.Hour, Buffer: 15 * time.Minute,
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("expert =\n%+v\nwant\n%+v", e, want)
	}
	_, fe = commands.ParseExpert(map[string]string{
		"expert_domains": "a, b, c, d, e, f, g, h, i", "expert_bio": strings.Repeat("x", 601),
		"expert_languages": "de", "expert_formats": "fax", "expert_capacity": "0",
		"expert_windows": "mars 14h-17h", "expert_notice": "deux jours", "expert_buffer": "999",
	}, p)
	wants := map[string]string{
		"expert_domains":   "8 domaines au plus\u00a0: vous en avez écrit 9.",
		"expert_bio":       "600 caractères au plus\u00a0: celle-ci en compte 601.",
		"expert_languages": "Cochez au moins une langue.",
		"expert_formats":   "Cochez au moins un format de rendez-vous.",
		"expert_capacity":  "entre 1 et 30.",
		"expert_windows":   "«\u00a0mars\u00a0» n'est pas un jour de la semaine.",
		"expert_notice":    "Un nombre d'heures, entre 0 et 720.",
		"expert_buffer":    "Un nombre de minutes, entre 0 et 240.",
	}
	for id, msg := range wants {
		if !strings.Contains(fe[id], msg) {
			t.Errorf("error for %s = %q, want %q", id, fe[id], msg)
		}
	}
	_, fe = commands.ParseExpert(profileValues("expert_domains", " , ", "expert_bio", " ", "expert_windows", ""), p)
	for id, msg := range map[string]string{
		"expert_domains": "Indiquez au moins un domaine", "expert_bio": "Présentez-vous", "expert_windows": "Indiquez au moins un créneau",
	} {
		if !strings.Contains(fe[id], msg) {
			t.Errorf("error for empty %s = %q, want %q", id, fe[id], msg)
		}
	}
	_, fe = commands.ParseExpert(profileValues("expert_domains", "transmission d'entreprise familiale et patrimoniale"), p)
	if !strings.Contains(fe["expert_domains"], "40 caractères au plus par domaine") {
		t.Errorf("long domain: %v", fe)
	}
}
