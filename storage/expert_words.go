package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/french"
)

// How French text becomes search terms, the same way for an expert's
// profile and for a request (docs: /work/shared/notes/ai.md §5): words
// are runs of letters and digits (an apostrophe or a hyphen splits:
// « d'une » gives « d » and « une », « levée-de » « levée » and « de »),
// lower-cased; stop-words go; each word is stemmed with Snowball's French
// stemmer on its accented form, and the stem's accents are folded after.
// Folding first would lose stems: « fiscalité » stems to « fiscal » but
// « fiscalite » to « fiscalit ».

// word is one word of a text, analysed.
type word struct {
	text string // lower-cased, as written
	fold string // lower-cased, accents folded
	stem string // stemmed, then accents folded
}

// words returns the words of text that are not stop-words, in order, with
// repeats.
func words(text string) []word {
	var out []word
	eachWord(text, func(w string) bool {
		if a, ok := analyse(w); ok {
			out = append(out, a)
		}
		return true
	})
	return out
}

// analyse returns a word of text analysed, or false for a stop-word.
func analyse(w string) (word, bool) {
	w = strings.ToLower(w)
	f := fold(w)
	if f == "" || stopWords[f] { // f is empty for a run of combining marks
		return word{}, false
	}
	stem := fold(french.Stem(w, true))
	if root, ok := stemFamilies[stem]; ok {
		stem = root
	}
	return word{text: w, fold: f, stem: stem}, true
}

// stemFamilies joins the stems Snowball leaves apart where a verb and its
// noun change root: « transmettre » stems to « transmettr »,
// « transmission » to « transmiss », « transmissions » to « transm », so
// a member who wants to « transmettre » their company found nobody. Each
// maps to the stem all of its forms begin with.
var stemFamilies = map[string]string{
	"transmettr": "transm", "transmet": "transm", "transmis": "transm", "transmiss": "transm",
}

// eachWord calls fn with each run of letters, digits and combining marks
// in text until fn returns false. SQLite's unicode61 tokenizer cuts text
// at the same places.
func eachWord(text string, fn func(string) bool) {
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !fn(text[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		fn(text[start:])
	}
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// stemText returns text's words stemmed, separated by spaces: what the
// stemmed columns of the search index hold.
func stemText(text string) string {
	var b strings.Builder
	for _, w := range words(text) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.stem)
	}
	return b.String()
}

// fold returns s without its accents: the letters French writes with a
// diacritic lose it (as unicode61's remove_diacritics 2 does), combining
// marks go, and « œ », « æ » become « oe », « ae ».
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		default:
			if base, ok := folded[r]; ok {
				r = base
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// folded maps the lower-case letters with diacritics of Latin-1 and
// Latin Extended-A to their base letter.
var folded = func() map[rune]rune {
	m := map[rune]rune{}
	for base, letters := range map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ď", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥ",
		'i': "ìíîïĩīĭį", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľ", 'n': "ñńņňŉ", 'o': "òóôõöōŏő",
		'r': "ŕŗř", 's': "śŝşš", 't': "ţť", 'u': "ùúûüũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// stopWords are the French words too common to say what a request is
// about, folded: articles, pronouns, prepositions, conjunctions, adverbs
// of degree, forms of être, avoir, faire, pouvoir, vouloir and devoir, and
// the fillers of a request (« bonjour », « besoin », « cherche »). FTS5 has no stop-word list: left in, « de »
// and « la » would score every profile.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a à afin ai ainsi ais ait alors as au auprès aussi autre autres aux avec avez avoir avons ayant
		beaucoup bien
		c ça car ce ceci cela celle celles celui cet cette ces ceux chaque chez comme comment
		d dans de déjà depuis des dois doit donc dont du
		elle elles en encore entre es est et été être eu eux
		fais faire fait faut font
		ici il ils
		j je
		l la le les leur leurs lors lui
		m ma mais me même mes moi mon
		n ne ni nos notre nous
		on ont ou où
		par pas pendant peu peut peuvent peux plus pour pourquoi pourrait pourriez pouvez pouvons près puis
		qu quand que quel quelle quelles quelque quelques quels qui quoi
		s sa sans savoir se ses si sommes son sont sous suis sur
		t ta te tes toi ton tous tout toute toutes très trop tu
		un une
		vers veut veux voudrais voudrions voulez voulons vos votre vous
		y
		bonjour merci besoin besoins cherche chercher cherchons souhaite souhaitons souhaiterais aimerais
		avis aider question questions quelqu
	`) {
		m[fold(w)] = true
	}
	return m
}()
