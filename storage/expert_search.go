package storage

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"cercle/commands"
)

// The search of experts is the only place FTS5 query syntax is written:
// the query is built here from the request's words, each quoted, never
// from its text, so no input can break it (« fiscalité AND », « NEAR( »,
// a lone « " » are words or nothing once cut up).

const (
	// maxSearchTerms bounds a query's terms (a word gives one or two): a
	// request of a few paragraphs has fewer distinct words, and a pasted
	// document costs no more than it.
	maxSearchTerms = 30
	// maxSearchWords bounds the words read from the text, so a huge input
	// made of the same few words is not stemmed to its end.
	maxSearchWords = 400
	// minPrefixStem is the shortest stem matched as a prefix: « recrut »
	// finds « recrutement » and « fiscal » « fiscalite », but « vent »
	// would find « ventilation » and « fond » « fondateur ».
	minPrefixStem = 5
	// defaultSearchLimit is how many experts a search returns when asked
	// for none in particular.
	defaultSearchLimit = 20
)

// searchRank weighs the index's columns (domains, bio, domains_stem,
// bio_stem) for bm25: a domain an expert declares says more than a word
// of their bio. FTS5's bm25 adds each term's weighted count over the
// columns, then saturates it (k1 = 1.2, capped at 2.2 times the term's
// rarity), so a domain hit, counted in domains and domains_stem, is near
// the cap at any weight above 5: the lever is the bio's weight. Measured
// on the test directory (expert_search_test.go), the ratio of a domain
// expert's score to that of one whose bio names the word in passing
// (« recrutement », « achats », « économie », « reprise »): 1.01–1.37
// with equal weights, 1.15–1.24 with bio ×2, 1.32–1.51 with bio ×1,
// 1.67–2.07 with bio ×0.5. Bio ×1 keeps a declared domain clearly first
// and still lets the bio count, where a long request's details find their
// words: five long requests got the same best expert, and the same five
// first (once in another order), with ×1 as with ×2.
const searchRank = `bm25(expert_search, 10.0, 1.0, 10.0, 1.0)`

// queryWord is a word of a request and the terms it adds to the query.
type queryWord struct {
	word
	prefix   bool // the stem is matched as a prefix
	withFold bool // the folded word is a term too
}

// searchWords returns the distinct words of text that make the query,
// within maxSearchTerms terms.
func searchWords(text string) []queryWord {
	var (
		out          []queryWord
		terms, read  int
		seenWords    = map[string]bool{}
		seenTerms    = map[string]bool{}
		termsOfWords []string
	)
	eachWord(text, func(raw string) bool {
		read++
		w, ok := analyse(raw)
		if !ok || seenWords[w.text] {
			return read < maxSearchWords
		}
		q := queryWord{word: w, prefix: utf8.RuneCountInString(w.stem) >= minPrefixStem}
		// The folded word adds nothing when the stem, as a prefix,
		// already finds it.
		q.withFold = q.fold != q.stem && !(q.prefix && strings.HasPrefix(q.fold, q.stem))
		termsOfWords = termsOfWords[:0]
		for _, t := range q.terms() {
			if !seenTerms[t] {
				termsOfWords = append(termsOfWords, t)
			}
		}
		if terms+len(termsOfWords) > maxSearchTerms {
			return false
		}
		for _, t := range termsOfWords {
			seenTerms[t] = true
		}
		terms += len(termsOfWords)
		seenWords[q.text] = true
		out = append(out, q)
		return read < maxSearchWords
	})
	return out
}

// terms returns the word's FTS5 terms, quoted: its stem (a prefix if long
// enough) and, when it adds something, the word folded.
func (q queryWord) terms() []string {
	stem := quoteTerm(q.stem)
	if q.prefix {
		stem += "*"
	}
	if !q.withFold {
		return []string{stem}
	}
	return []string{stem, quoteTerm(q.fold)}
}

// quoteTerm makes s an FTS5 string: whatever it holds is a term, never
// an operator.
func quoteTerm(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// matchQuery returns the FTS5 query for words: any of their terms, in any
// column.
func matchQuery(ws []queryWord) string {
	var terms []string
	seen := map[string]bool{}
	for _, w := range ws {
		for _, t := range w.terms() {
			if !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
	}
	return strings.Join(terms, " OR ")
}

// matches reports whether a word of a profile answers to the query word
// as the index does: the stem (or its prefix) in the stemmed columns or
// the folded text, or the folded word.
func (q queryWord) matches(p word) bool {
	if q.prefix && (strings.HasPrefix(p.stem, q.stem) || strings.HasPrefix(p.fold, q.stem)) ||
		!q.prefix && (p.stem == q.stem || p.fold == q.stem) {
		return true
	}
	return q.withFold && (p.fold == q.fold || p.stem == q.fold)
}

// SearchExperts returns the active experts whose domains and bio match
// text, best first, at most limit (20 if limit is not positive), with
// the domains and words that matched and an excerpt of the bio. A text
// of stop-words only finds no one.
func (db *DB) SearchExperts(ctx context.Context, text string, limit int) ([]*commands.ExpertMatch, error) {
	ws := searchWords(text)
	if len(ws) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	scan := func(s scanner) (*commands.ExpertMatch, error) {
		var m commands.ExpertMatch
		e, err := scanExpert(extraScanner{s, []any{&m.Score, &m.Excerpt}})
		m.Expert = e
		return &m, err
	}
	out, err := queryAll(ctx, db.read, scan, `SELECT `+expertColumns+`, -`+searchRank+` AS score,
		snippet(expert_search, 1, '«', '»', '…', 20)
		FROM expert_search JOIN experts e ON e.member_id = expert_search.rowid JOIN members m ON m.id = e.member_id
		WHERE expert_search MATCH ? AND e.active ORDER BY score DESC, e.member_id LIMIT ?`, matchQuery(ws), limit)
	if err != nil {
		return nil, fmt.Errorf("search experts: %w", err)
	}
	for _, m := range out {
		explain(m, ws)
	}
	return out, nil
}

// explain sets the domains of the expert and the words of the query that
// matched.
func explain(m *commands.ExpertMatch, ws []queryWord) {
	found := make([]bool, len(ws))
	look := func(text string) bool {
		hit := false
		for _, p := range words(text) {
			for i, q := range ws {
				if q.matches(p) {
					found[i], hit = true, true
				}
			}
		}
		return hit
	}
	for _, d := range m.Expert.Domains {
		if look(d) {
			m.Domains = append(m.Domains, d)
		}
	}
	look(m.Expert.Bio)
	for i, q := range ws {
		if found[i] {
			m.Words = append(m.Words, q.text)
		}
	}
}

// extraScanner scans a row's trailing columns, after those s's caller
// asks for, into more.
type extraScanner struct {
	s    scanner
	more []any
}

func (x extraScanner) Scan(dest ...any) error { return x.s.Scan(append(dest, x.more...)...) }
