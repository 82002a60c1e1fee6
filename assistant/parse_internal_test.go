package assistant

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

func TestParseBullets(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("mutualiser ", 60) // 660 runes
	six := `{"bullets":[` + strings.Repeat(`{"kind":"question","text":"Q ?","cites":["1"]},`, 5) + `{"kind":"question","text":"Sixième ?","cites":["1"]}]}`
	tests := []struct {
		name    string
		content string
		want    []commands.SummaryBullet
	}{
		{"Kinds", `{"bullets":[{"kind":"Decision","text":"a","cites":["1"]},{"kind":"next-step","text":"b","cites":["2"]},{"kind":"quote","text":"c","cites":["3"]},{"kind":"question","text":"  ","cites":["4"]}]}`,
			[]commands.SummaryBullet{{Kind: "decision", Text: "a", Cites: []string{"1"}}, {Kind: "next_step", Text: "b", Cites: []string{"2"}}}},
		{"Control", "{\"bullets\":[{\"kind\":\"decision\",\"text\":\"Prix\\nfixe\\t\\u0007sur\\u202e 24\u00a0mois\\r\\n\",\"cites\":[\" 1 \\n\"]}]}",
			[]commands.SummaryBullet{{Kind: "decision", Text: "Prix fixe sur 24\u00a0mois", Cites: []string{"1"}}}},
		{"CitesLoose", `{"bullets":[{"kind":"decision","text":"a","cites":[1795421520.000100,"1795421520.000100","",null]},{"kind":"question","text":"b","cites":"1795423620.000200"},{"kind":"question","text":"c"}]}`,
			[]commands.SummaryBullet{{Kind: "decision", Text: "a", Cites: []string{"1795421520.000100"}}, {Kind: "question", Text: "b", Cites: []string{"1795423620.000200"}}, {Kind: "question", Text: "c", Cites: []string{}}}},
		{"BraceBefore", `Réponse {brouillon} puis {"bullets":[{"kind":"decision","text":"a","cites":["1"]}]} fin }`,
			[]commands.SummaryBullet{{Kind: "decision", Text: "a", Cites: []string{"1"}}}},
		{"FiveAtMost", six, func() []commands.SummaryBullet {
			var b []commands.SummaryBullet
			for range 5 {
				b = append(b, commands.SummaryBullet{Kind: "question", Text: "Q ?", Cites: []string{"1"}})
			}
			return b
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBullets(tt.content)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
	t.Run("Long", func(t *testing.T) {
		got, err := parseBullets(`{"bullets":[{"kind":"decision","text":"` + long + `","cites":["1"]}]}`)
		if err != nil {
			t.Fatal(err)
		}
		text := []rune(got[0].Text)
		if len(text) > maxBulletRunes || !strings.HasSuffix(got[0].Text, "mutualiser…") {
			t.Errorf("text of %d runes ends %q, want at most %d ending at a word with …", len(text), string(text[len(text)-12:]), maxBulletRunes)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{"-3", 0, true},
		{"99999999999", maxRetryAfter + time.Second, true},
		{"Mon, 30 Nov 2026 08:00:20 GMT", 20 * time.Second, true},
		{"Mon, 30 Nov 2026 07:00:00 GMT", 0, true},
		{"bientôt", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	s := &backend{backoff: time.Second}
	for attempt, ceiling := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		for range 20 {
			if d := s.wait(attempt, retryAfter{}); d < ceiling/2 || d > ceiling {
				t.Errorf("wait(%d) = %v, want within [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
	if d := s.wait(0, retryAfter{d: time.Hour, set: true}); d != maxRetryAfter {
		t.Errorf("wait with Retry-After of an hour = %v, want %v", d, maxRetryAfter)
	}
}
