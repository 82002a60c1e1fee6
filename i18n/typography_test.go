package i18n_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// French typography in fr.json, one convention everywhere:
//
//   - U+00A0 NO-BREAK SPACE before « : » and inside guillemets, after « and
//     before »;
//   - U+202F NARROW NO-BREAK SPACE before « ; », « ! » and « ? ».
//
// Slack renders both and never breaks a line there, so a colon or a question
// mark is never left alone at the start of a line.
const (
	nbsp  = '\u00a0'
	nnbsp = '\u202f'
)

// codeKey reports whether a key's whole message is code shown verbatim (a
// command line in a code span), where no typography rule applies and no
// no-break space may go: members copy it into Slack's command box.
func codeKey(key string) bool {
	return strings.HasSuffix(key, ".cmd.usage") || strings.HasSuffix(key, ".command")
}

var (
	// urlRE is a URL up to the next whitespace: its "://" and any "?" in it are
	// code, not prose.
	urlRE = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s\x{a0}\x{202f}]*`)
	// codeSpanRE is a Markdown code span.
	codeSpanRE = regexp.MustCompile("`[^`]*`")
	// spaceRunRE is two spacing characters in a row, of any kind.
	spaceRunRE = regexp.MustCompile(`[ \x{a0}\x{202f}]{2}`)
	// commandNBSPRE is a no-break space in a command line: after /cercle, or
	// inside a URL scheme or a time written 18:30.
	commandNBSPRE = regexp.MustCompile(`/cercle[\x{a0}\x{202f}]|[\x{a0}\x{202f}]://|\d[\x{a0}\x{202f}]:\d|\d:[\x{a0}\x{202f}]\d`)
)

// frenchTypography returns what is wrong with one fr.json message. The
// exceptions are exactly: code keys (codeKey), Markdown code spans, URLs
// (urlRE), and a colon between two digits (a time such as 18:30).
func frenchTypography(key, msg string) []string {
	var errs []string
	if m := commandNBSPRE.FindString(msg); m != "" {
		errs = append(errs, fmt.Sprintf("no-break space inside a command, URL or time: %q", m))
	}
	if codeKey(key) {
		if strings.ContainsRune(msg, nbsp) || strings.ContainsRune(msg, nnbsp) {
			errs = append(errs, "no-break space in a command line")
		}
		return errs
	}
	if m := spaceRunRE.FindString(msg); m != "" {
		errs = append(errs, fmt.Sprintf("two spaces in a row: %q", m))
	}
	exempt := make([]bool, len(msg))
	for _, re := range []*regexp.Regexp{urlRE, codeSpanRE} {
		for _, loc := range re.FindAllStringIndex(msg, -1) {
			for i := loc[0]; i < loc[1]; i++ {
				exempt[i] = true
			}
		}
	}
	runes := []rune(msg)
	offsets := make([]int, len(runes))
	off := 0
	for i, r := range runes {
		offsets[i] = off
		off += len(string(r))
	}
	before := func(i int) rune {
		if i == 0 {
			return 0
		}
		return runes[i-1]
	}
	after := func(i int) rune {
		if i+1 == len(runes) {
			return 0
		}
		return runes[i+1]
	}
	for i, r := range runes {
		if exempt[offsets[i]] {
			continue
		}
		switch r {
		case ':':
			if unicode.IsDigit(before(i)) && unicode.IsDigit(after(i)) {
				continue // a time: 18:30
			}
			if before(i) != nbsp {
				errs = append(errs, fmt.Sprintf("want U+00A0 before %q at %q", r, around(runes, i)))
			}
		case ';', '!', '?':
			if before(i) != nnbsp {
				errs = append(errs, fmt.Sprintf("want U+202F before %q at %q", r, around(runes, i)))
			}
		case '«':
			if after(i) != nbsp {
				errs = append(errs, fmt.Sprintf("want U+00A0 after « at %q", around(runes, i)))
			}
		case '»':
			if before(i) != nbsp {
				errs = append(errs, fmt.Sprintf("want U+00A0 before » at %q", around(runes, i)))
			}
		case '"', '“', '”':
			errs = append(errs, fmt.Sprintf("want « guillemets » instead of %q at %q", r, around(runes, i)))
		}
	}
	return errs
}

func around(runes []rune, i int) string {
	return string(runes[max(0, i-12):min(len(runes), i+12)])
}

// englishLeaks returns the French that crept into one en.json message:
// French typography (no-break spaces, guillemets, a space before : ; ! ?),
// accented letters, which no English message needs, and French words that
// show a French command name or an untranslated sentence. Code keys may hold
// "/cercle ?" (an alias of help), so the space rule skips them.
func englishLeaks(key, msg string) []string {
	var errs []string
	if strings.ContainsAny(msg, "\u00a0\u202f«»") {
		errs = append(errs, "French typography (no-break space or guillemets)")
	}
	if m := spaceBeforePunctRE.FindString(msg); m != "" && !codeKey(key) {
		errs = append(errs, fmt.Sprintf("space before punctuation: %q", m))
	}
	if m := accentRE.FindString(msg); m != "" {
		errs = append(errs, fmt.Sprintf("accented letter %q", m))
	}
	if m := frenchWordRE.FindString(msg); m != "" {
		errs = append(errs, fmt.Sprintf("French word %q", m))
	}
	if strings.Contains(msg, "Agenda") {
		errs = append(errs, `"Agenda" (Google's product is Google Calendar in English)`)
	}
	return errs
}

var (
	spaceBeforePunctRE = regexp.MustCompile(`\s[:;!?]`)
	accentRE           = regexp.MustCompile(`[àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ]`)
	// frenchWordRE lists French command names and arguments (members typing
	// in English get the English aliases) and common French words.
	frenchWordRE = regexp.MustCompile(`(?i)\b(aide|commandes?|numero|inscrire|inscrits?|inscriptions?|evenements?|annuler|annoncer|appel|langue|profil|nouveau|lien|modifier|publier|membres?|animateurs?|animation|plenieres?|liste|attente|vous|votre|vos|les|une|pour|avec)\b`)
)

func readCatalog(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestFrenchTypography checks every fr.json message against the no-break
// space convention above.
func TestFrenchTypography(t *testing.T) {
	for key, msg := range readCatalog(t, "fr.json") {
		for _, e := range frenchTypography(key, msg) {
			t.Errorf("fr.json %s: %s", key, e)
		}
	}
}

// TestEnglishHasNoFrench checks that en.json speaks English only.
func TestEnglishHasNoFrench(t *testing.T) {
	for key, msg := range readCatalog(t, "en.json") {
		for _, e := range englishLeaks(key, msg) {
			t.Errorf("en.json %s: %s", key, e)
		}
	}
}

// TestTypographyRules pins the rules and their exceptions on small cases, so
// a change to the checks is a visible change here.
func TestTypographyRules(t *testing.T) {
	fr := []struct {
		key, msg string
		bad      bool
	}{
		{"k", "Référence\u00a0: %s.", false},
		{"k", "Référence : %s.", true},
		{"k", "Référence: %s.", true},
		{"k", "Référence\u202f: %s.", true},
		{"k", "Annuler\u202f?", false},
		{"k", "Annuler ?", true},
		{"k", "Annuler\u00a0?", true},
		{"k", "prévu\u202f; annulé", false},
		{"k", "prévu ; annulé", true},
		{"k", "Bravo\u202f!", false},
		{"k", "Bravo!", true},
		{"k", "«\u00a0%s\u00a0»", false},
		{"k", "« %s »", true},
		{"k", "«%s»", true},
		{"k", "\"%s\"", true},
		{"k", "à\u00a0\u00a0: x", true},
		{"k", "écrivez 2027-03-18 18:30.", false},
		{"k", "écrivez 18\u00a0:30.", true},
		{"k", "Adresse\u00a0: https://cercle.example/feed?token=abc", false},
		{"k", "Adresse\u00a0:\u00a0https\u00a0://x", true},
		{"k", "tapez `/cercle ?` ici", false},
		{"k", "tapez /cercle\u00a0aide", true},
		{"x.cmd.usage", "/cercle aide [commande]", false},
		{"x.command", "/cercle ?", false},
		{"x.command", "/cercle\u00a0aide", true},
	}
	for _, tt := range fr {
		if got := frenchTypography(tt.key, tt.msg); (len(got) > 0) != tt.bad {
			t.Errorf("frenchTypography(%q, %q) = %q, want bad=%v", tt.key, tt.msg, got, tt.bad)
		}
	}
	en := []struct {
		key, msg string
		bad      bool
	}{
		{"k", "Reference: %s.", false},
		{"k", "Cancel the registration?", false},
		{"k", "Reference : %s.", true},
		{"k", "Cancel?\u00a0", true},
		{"k", "\"%s\" is full", false},
		{"k", "«\u00a0%s\u00a0» is full", true},
		{"k", "Add to: Google Calendar", false},
		{"k", "Add to: Google Agenda", true},
		{"k", "Unreadable date: type 2027-03-18 18:30.", false},
		{"k", "For details on a command: /cercle help <command>", false},
		{"k", "For details on a command: /cercle aide <commande>", true},
		{"k", "Numbers are shown by /cercle evenements.", true},
		{"k", "Registered on", false},
		{"k", "Détails", true},
		{"k", "List as an Excel file:", false},
		{"k", "Vous inscrit", true},
		{"x.command", "/cercle ?", false},
		{"k", "Did you mean /cercle profile ?", true},
	}
	for _, tt := range en {
		if got := englishLeaks(tt.key, tt.msg); (len(got) > 0) != tt.bad {
			t.Errorf("englishLeaks(%q, %q) = %q, want bad=%v", tt.key, tt.msg, got, tt.bad)
		}
	}
}
