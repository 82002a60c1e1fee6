package commands_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"cercle/commands"
)

func TestParseCommandLine(t *testing.T) {
	tests := []struct {
		in       string
		name     string
		args     []string
		wantCode string
	}{
		{"", "", nil, ""},
		{"   ", "", nil, ""},
		{"aide", "aide", nil, ""},
		{"AIDE profil", "aide", []string{"profil"}, ""},
		{"/cercle aide", "aide", nil, ""},
		{"role <@U123|claire> animateur", "role", []string{"<@U123|claire>", "animateur"}, ""},
		{`groupe "Achats groupés" rejoindre`, "groupe", []string{"Achats groupés", "rejoindre"}, ""},
		{"groupe « Achats groupés »", "groupe", []string{"Achats groupés"}, ""},
		{"groupe “RSE et climat”", "groupe", []string{"RSE et climat"}, ""},
		{"inscrire\t42\n", "inscrire", []string{"42"}, ""},
		{`groupe "sans fin`, "", nil, commands.EINVALID},
		{"aide \xff", "", nil, commands.EINVALID},
		{strings.Repeat("a", commands.MaxCommandLength+1), "", nil, commands.EINVALID},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.30q", tt.in), func(t *testing.T) {
			name, args, err := commands.ParseCommandLine(tt.in)
			if code := commands.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("error code = %q (%v), want %q", code, err, tt.wantCode)
			}
			if name != tt.name || fmt.Sprint(args) != fmt.Sprint(tt.args) {
				t.Errorf("got %q %q, want %q %q", name, args, tt.name, tt.args)
			}
		})
	}
}

func TestParseMention(t *testing.T) {
	tests := []struct {
		in   string
		want commands.UserID
		ok   bool
	}{
		{"<@U123>", "U123", true},
		{"<@U123|claire>", "U123", true},
		{"@claire", "claire", true},
		{"W0G8A2H1", "W0G8A2H1", true},
		{"<!channel>", "", false},
		{"<@>", "", false},
		{"@", "", false},
		{"<@U1 2>", "", false},
		{"a;DROP TABLE members", "", false},
	}
	for _, tt := range tests {
		got, ok := commands.ParseMention(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMention(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseCommandLine checks that no text crashes the parser and that
// what it accepts is sane. Its seeds run with the normal tests.
func FuzzParseCommandLine(f *testing.F) {
	for _, s := range []string{"", "aide", "role <@U1|a> animateur", `"a b" c`, "« x »", "“y”", "\xff", `"`, "«", "a\x00b", strings.Repeat(" x", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		name, args, err := commands.ParseCommandLine(in)
		if err != nil {
			if commands.ErrorCode(err) != commands.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if name == "" && len(args) > 0 {
			t.Fatalf("arguments %q without a command name", args)
		}
		for _, s := range append([]string{name}, args...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		if name != strings.ToLower(name) {
			t.Fatalf("name %q not lower-cased", name)
		}
	})
}
