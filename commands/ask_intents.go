package commands

import (
	"strings"
	"unicode"
)

// This file reads what a member wants from their words alone, for the
// assistant without a model: French and English cues, accents folded,
// one typo forgiven in words of five letters or more.

// askIntent is what a plain question asks for: a command's name, or an
// action to propose.
type askIntent string

const (
	intentNone          askIntent = ""
	intentEvents        askIntent = "evenements"
	intentAgenda        askIntent = "agenda"
	intentGroups        askIntent = "groupes"
	intentDigest        askIntent = "digest"
	intentExperts       askIntent = "experts"
	intentExpertRequest askIntent = "expert"
	intentRequests      askIntent = "demandes"
	intentProfile       askIntent = "profil"
	intentLanguage      askIntent = "langue"
	intentHelp          askIntent = "aide"
	intentRegister      askIntent = "inscrire"
	intentCancel        askIntent = "annuler"
	intentJoin          askIntent = "rejoindre"
	intentLeave         askIntent = "quitter"
)

// askCue is a word (or, with spaces, a phrase of folded words) that
// points to an intent, with how strongly.
type askCue struct {
	intent askIntent
	weight int
	cue    string
}

// askCues score the intents that show something. A phrase weighs more
// than a word: « qui peut m'aider » is about experts, « aide » alone is
// about help. Earlier intents win ties.
var askCues = cueTable(map[askIntent][]string{
	intentDigest: {"4:s est dit", "4:dit dans", "4:s est passe dans", "4:what was said", "4:what happened in",
		"4:quoi de neuf", "4:what s new", "3:digest", "3:resume", "3:recap", "3:recapitulatif", "3:summary",
		"2:nouvelles", "2:news", "2:discussions", "2:discute"},
	intentAgenda: {"4:mes inscriptions", "4:mes evenements", "4:my events", "4:my registrations", "4:suis inscrit",
		"4:suis inscrite", "4:am i registered", "4:je suis inscrit", "3:agenda", "3:inscriptions", "3:inscrit",
		"3:inscrite", "3:registrations", "3:registered", "2:planning", "2:calendrier", "2:calendar", "2:schedule"},
	intentRequests: {"4:mes demandes", "4:ma demande", "4:my requests", "4:my request", "3:demandes", "3:requests"},
	intentExperts: {"5:qui peut m aider", "5:peut m aider", "5:m aider sur", "5:who can help", "5:help me with",
		"4:un specialiste", "3:expert", "3:experts", "3:specialiste", "3:specialistes", "3:annuaire", "3:directory",
		"2:conseiller", "2:conseil", "2:advice", "2:adviser", "2:advisor"},
	intentEvents: {"4:what s on", "4:se passe", "4:a venir", "4:coming up", "3:evenement", "3:evenements", "3:event",
		"3:events", "3:pleniere", "3:plenieres", "3:plenary", "3:plenaries", "3:formation", "3:formations",
		"3:training", "3:trainings", "3:visite", "3:visites", "3:visit", "3:visits", "2:prochain", "2:prochains",
		"2:prochaine", "2:prochaines", "2:upcoming", "2:programme", "2:atelier", "2:ateliers", "2:next"},
	intentGroups: {"4:groupes de travail", "4:working group", "4:working groups", "3:groupe", "3:groupes",
		"3:group", "3:groups", "2:commission", "2:commissions"},
	intentProfile: {"4:mon entreprise", "4:ma societe", "4:my company", "3:profil", "3:profile", "3:fiche"},
	intentLanguage: {"4:en anglais", "4:in english", "4:en francais", "4:in french", "3:langue", "3:language",
		"3:anglais", "3:english", "3:francais", "3:french"},
	intentHelp: {"5:que sais tu faire", "5:sais tu faire", "5:peux tu faire", "5:what can you do", "4:comment ca marche",
		"4:how does it work", "4:how do you work", "3:aide", "3:help", "3:commandes", "3:commands", "2:fonctionnalites"},
})

// Action cues: a verb that asks to do something, which is then only
// proposed with its ordinary button.
var (
	expertRequestCues = []string{"rendez vous", "rdv", "entretien", "rencontrer", "voir un expert", "parler a un expert",
		"appointment", "meet an expert", "talk to an expert", "see an expert", "meeting with an expert"}
	cancelCues     = []string{"annule", "annuler", "annulez", "desinscris", "desinscrire", "desinscrivez", "desinscription", "cancel", "unregister", "plus venir", "can t come", "cannot come"}
	leaveCues      = []string{"quitte", "quitter", "quittez", "leave", "sortir", "sors"}
	joinCues       = []string{"rejoins", "rejoindre", "rejoignez", "join", "adherer", "integrer", "entrer dans", "ajoute moi", "add me"}
	registerCues   = []string{"inscris", "inscrire", "inscrivez", "reserve", "reserver", "reservez", "register", "sign me up", "sign up", "book", "participer"}
	eventCues      = []string{"evenement", "event", "pleniere", "plenary", "formation", "training", "visite", "visit", "inscription", "registration", "seance", "reunion", "meeting"}
	groupCues      = []string{"groupe", "group", "commission"}
	ownRequestCues = []string{"mes demandes", "ma demande", "my requests", "my request", "mes rendez vous", "mon rendez vous", "mes rdv", "mon rdv", "mes entretiens", "mon entretien", "my appointment", "my appointments"}
	requestCues    = []string{"demande", "demandes", "request", "requests", "rendez vous", "rdv", "entretien", "expert"}
)

// cueTable turns "weight:cue" lists into cues, in a fixed intent order.
func cueTable(m map[askIntent][]string) []askCue {
	order := []askIntent{intentDigest, intentRequests, intentAgenda, intentExperts, intentEvents, intentGroups,
		intentProfile, intentLanguage, intentHelp}
	var out []askCue
	for _, in := range order {
		for _, c := range m[in] {
			w, cue, _ := strings.Cut(c, ":")
			out = append(out, askCue{intent: in, weight: int(w[0] - '0'), cue: cue})
		}
	}
	return out
}

// knownWords are every single-word cue: a word that is itself a cue
// only matches exactly, so « inscrit » is never read as « inscris ».
var knownWords = func() map[string]bool {
	k := map[string]bool{}
	for _, c := range askCues {
		k[c.cue] = true
	}
	k["demander"] = true // a verb, not « demandes »
	for _, l := range [][]string{expertRequestCues, cancelCues, leaveCues, joinCues, registerCues, eventCues, groupCues, requestCues} {
		for _, c := range l {
			k[c] = true
		}
	}
	return k
}()

// question is a member's words made ready to match: folded, split into
// words, and joined again with single spaces around them.
type question struct {
	words  []string
	padded string
}

// maxAskRunes is how much of a message is read: a long one is cut.
const maxAskRunes = 500

func newQuestion(text string) question {
	if r := []rune(text); len(r) > maxAskRunes {
		text = string(r[:maxAskRunes])
	}
	words := strings.FieldsFunc(fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return question{words: words, padded: " " + strings.Join(words, " ") + " "}
}

// has says whether cue (a word or a phrase) is in the question.
func (q question) has(cue string) bool {
	if strings.Contains(cue, " ") {
		return strings.Contains(q.padded, " "+cue+" ")
	}
	for _, w := range q.words {
		if wordMatches(w, cue) {
			return true
		}
	}
	return false
}

func (q question) hasAny(cues []string) bool {
	for _, c := range cues {
		if q.has(c) {
			return true
		}
	}
	return false
}

// wordMatches says whether a typed word is cue, allowing one typo in
// words of five letters or more that are no cue themselves.
func wordMatches(w, cue string) bool {
	if w == cue {
		return true
	}
	if knownWords[w] || len([]rune(cue)) < 5 || len([]rune(w)) < 5 {
		return false
	}
	return editDistance(w, cue) <= 1
}

// intent reads what the question asks. Actions come first, as a verb
// says them; then the cues are weighed. Too weak a score is no intent.
func (q question) intent() askIntent {
	switch {
	case q.hasAny(cancelCues) && !q.hasAny(requestCues):
		return intentCancel
	case q.hasAny(expertRequestCues):
		if q.hasAny(cancelCues) || q.hasAny(ownRequestCues) {
			return intentRequests
		}
		return intentExpertRequest
	case q.hasAny(leaveCues) && !q.hasAny(eventCues):
		return intentLeave
	case q.hasAny(joinCues) && (q.hasAny(groupCues) || !q.hasAny(eventCues)):
		return intentJoin
	case q.hasAny(registerCues) || q.hasAny(joinCues):
		return intentRegister
	}
	scores := map[askIntent]int{}
	best, bestScore := intentNone, 1
	for _, c := range askCues {
		if q.has(c.cue) {
			scores[c.intent] += c.weight
		}
	}
	for _, c := range askCues { // in table order, so earlier intents win ties
		if sc := scores[c.intent]; sc > bestScore {
			best, bestScore = c.intent, sc
		}
	}
	return best
}
