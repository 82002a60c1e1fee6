package commands

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the method of the seed (shared/seeds/001): the matrix
// that suggests what to do with a function, the default list of support
// functions, who may see a company's answers, and the group's synthesis,
// as pure functions.

// SuggestIntention is what the matrix suggests for a function from how
// efficient it is today and how important it will be. A strategic
// function is kept (and strengthened, with others if it is weak: the
// hint says so); one of middling importance is pooled unless the company
// does it well; one of little importance goes out, or is pooled if the
// company does it well enough to share.
func SuggestIntention(efficiency, importance Level) (Intention, string) {
	switch {
	case importance == LevelHigh && efficiency == LevelLow:
		return IntentKeep, "pooling.hint.strengthen_with_others"
	case importance == LevelHigh:
		return IntentKeep, "pooling.hint.strategic"
	case importance == LevelMedium && efficiency == LevelHigh:
		return IntentKeep, "pooling.hint.strength"
	case importance == LevelMedium:
		return IntentPool, "pooling.hint.share_cost"
	case efficiency == LevelLow:
		return IntentOutsource, "pooling.hint.outsource_or_pool"
	case efficiency == LevelHigh:
		return IntentPool, "pooling.hint.offer_to_others"
	}
	return IntentOutsource, "pooling.hint.outsource"
}

// DefaultFunctions is the list a new campaign starts from: the support
// functions the seed names (recruiting, purchasing, IT, legal,
// accounting…) and R&D, some with sub-functions. Facilitators edit it.
const DefaultFunctions = `Ressources humaines
- Recrutement
- Formation
- Paie et administration du personnel
Achats
- Achats courants et fournitures
- Énergie
Informatique
- Infogérance et support
- Cybersécurité
Juridique
Comptabilité et finance
- Comptabilité
- Contrôle de gestion
Communication et marketing
Qualité, sécurité, environnement
Logistique et transport
Accueil et services généraux
R&D et innovation`

// Limits on a campaign's list.
const (
	maxPoolFunctions    = 40
	maxPoolFunctionName = 60
)

// ParseFunctions reads a list of functions, one per line (or separated
// by ";", as a console's one-line answer types them); a line starting
// with "-" is a sub-function of the line above it that does not. Keys are the names folded into slugs, made unique. It returns
// the list, or the message key of what is wrong and its argument.
func ParseFunctions(text string) ([]PoolFunction, string, any) {
	var out []PoolFunction
	used := map[string]bool{}
	parent := ""
	for _, raw := range splitList(text) {
		line := strings.TrimSpace(raw)
		sub := strings.HasPrefix(line, "-") || strings.HasPrefix(line, "•")
		name := cleanLine(strings.TrimLeft(line, "-• \t"))
		if name == "" {
			continue
		}
		if utf8.RuneCountInString(name) > maxPoolFunctionName {
			return nil, "pooling.error.function_long", name
		}
		if sub && parent == "" {
			return nil, "pooling.error.sub_first", name
		}
		f := PoolFunction{Key: uniqueKey(slugOf(name), used), Name: name}
		if sub {
			f.Parent = parent
		} else {
			parent = f.Key
		}
		out = append(out, f)
	}
	switch {
	case len(out) == 0:
		return nil, "pooling.error.no_function", nil
	case len(out) > maxPoolFunctions:
		return nil, "pooling.error.too_many_functions", maxPoolFunctions
	}
	return out, "", nil
}

// splitList splits a list typed one item per line, or with ";" between
// items.
func splitList(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ';' })
}

// FunctionsText writes a list back as ParseFunctions reads it.
func FunctionsText(fs []PoolFunction) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.Name
		if f.Parent != "" {
			lines[i] = "- " + f.Name
		}
	}
	return strings.Join(lines, "\n")
}

// slugOf folds a name into a key: lower case, no accents, words joined
// by "-".
func slugOf(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(Fold(name), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	if b.Len() == 0 {
		return "fonction"
	}
	return b.String()
}

func uniqueKey(key string, used map[string]bool) string {
	k := key
	for n := 2; used[k]; n++ {
		k = key + "-" + strconv.Itoa(n)
	}
	used[k] = true
	return k
}

// functionLabel names a function as lists show it: a sub-function after
// its parent's name.
func functionLabel(c *Campaign, f PoolFunction) string {
	if p, ok := c.Function(f.Parent); ok && f.Parent != "" {
		return p.Name + " › " + f.Name
	}
	return f.Name
}

// placed counts the functions of c a company placed: an answer kept for
// a function since renamed or removed does not count.
func placed(c *Campaign, ca *CompanyAnswers) int {
	n := 0
	for _, f := range c.Functions {
		if _, ok := ca.Answers[f.Key]; ok {
			n++
		}
	}
	return n
}

// canSeeAnswers reports whether m may see company's answers: its own
// members and the facilitators.
func canSeeAnswers(m *Member, company int64) bool {
	return m.IsFacilitator() || company != 0 && m.CompanyID == company
}

// canSeeSynthesis reports whether m may see a campaign's synthesis: the
// facilitators and the members of its companies. It holds counts, and
// names only of the companies that agreed to share.
func canSeeSynthesis(m *Member, c *Campaign) bool {
	return m.IsFacilitator() || c.Participates(m.CompanyID)
}

// minUnknownAnswers is the fewest answers a member must be unable to
// tell apart for a function's counts to show: answers of companies
// neither theirs nor named. Under it, the member would subtract their
// own answer and the named ones from the counts and read what is left.
const minUnknownAnswers = 3

// hiddenFrom reports whether fs's counts would tell a member of the
// company whose answers are own (nil when it gave none) another
// company's answer. Facilitators, who see every answer, are never asked.
// While the campaign is open, members see no counts at all: two looks a
// few answers apart would tell the newcomers' answers by difference.
func (fs FunctionSynthesis) hiddenFrom(own *CompanyAnswers, open bool) bool {
	unknown := fs.Answered - fs.Shared
	if own != nil && !own.Shared {
		if _, ok := own.Answers[fs.Function.Key]; ok {
			unknown--
		}
	}
	return fs.Answered > 0 && (open || unknown < minUnknownAnswers)
}

// FunctionSynthesis is what the group said of one function.
type FunctionSynthesis struct {
	Function PoolFunction
	// Answered counts the companies that placed it.
	Answered int
	// Intentions, Efficiency and Importance count the answers by
	// intention and by level (Levels' order).
	Intentions map[Intention]int
	Efficiency [3]int
	Importance [3]int
	// Poolers are the companies that want to pool it and agreed to
	// share their answers, by name; the others are only counted.
	Poolers []string
	// Shared counts the answers of companies that agreed to share.
	Shared int
}

// Synthesize counts, for each of the campaign's functions, what the
// companies answered.
func Synthesize(c *Campaign, answers []*CompanyAnswers) []FunctionSynthesis {
	out := make([]FunctionSynthesis, len(c.Functions))
	index := make(map[string]int, len(c.Functions))
	for i, f := range c.Functions {
		out[i] = FunctionSynthesis{Function: f, Intentions: make(map[Intention]int, len(Intentions))}
		index[f.Key] = i
	}
	for _, ca := range answers {
		if !c.Participates(ca.Company) {
			continue // taken out of the campaign since it answered
		}
		for key, a := range ca.Answers {
			i, ok := index[key]
			if !ok || a.Efficiency.Index() < 0 || a.Importance.Index() < 0 {
				continue
			}
			s := &out[i]
			s.Answered++
			s.Intentions[a.Intention]++
			s.Efficiency[a.Efficiency.Index()]++
			s.Importance[a.Importance.Index()]++
			if ca.Shared {
				s.Shared++
				if a.Intention == IntentPool {
					s.Poolers = append(s.Poolers, ca.CompanyName)
				}
			}
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Poolers, func(a, b string) int { return strings.Compare(Fold(a), Fold(b)) })
	}
	return out
}
