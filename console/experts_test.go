package console_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cercle/calendar"
	"cercle/commands"
	"cercle/console"
	"cercle/i18n"
)

// dmLog is where the console's Notifier prints the DMs the bot sends.
type dmLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *dmLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// take returns what was printed since the last take.
func (l *dmLog) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := read(l.buf.String())
	l.buf.Reset()
	return out
}

// typeDelivering is typeLines with the outbox delivered after each line,
// as the console of main does.
func (s *session) typeDelivering(lines ...string) string {
	s.t.Helper()
	var out bytes.Buffer
	c := console.New(s.service, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, commands.User{ID: "local", Name: "Vous"})
	o := s.service.Outbox()
	o.PerRecipientInterval, o.Rate = 0, 0
	c.AfterLine = func(ctx context.Context) {
		if _, err := o.Flush(ctx); err != nil {
			s.t.Error(err)
		}
	}
	if err := c.Run(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return read(out.String())
}

// wantPrinted fails the test unless out holds every phrase.
func wantPrinted(t *testing.T, what, out string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(out, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, out)
		}
	}
}

// TestExpertRequestInTheConsole: Marc types his request field by field,
// Claire routes it from the queue to the demo's best expert, who proposes
// two slots read from the form's choices, and Marc picks one: every step
// as typed at a terminal, the DMs printed as the bot sends them.
func TestExpertRequestInTheConsole(t *testing.T) {
	t.Parallel()
	dms := &dmLog{}
	s := newSession(t, func(c *commands.Config) {
		c.Notifier, c.Channels, c.Calendar = console.Notifier{Out: dms}, console.Channels{}, calendar.New(i18n.Paris())
	})
	// The outbox compares what the database stamps with the service's
	// clock: one clock for both.
	s.db.Now = s.clock.now
	ctx := context.Background()
	const problem = "Nous devons recruter un commercial export, nos annonces ne donnent rien depuis six mois."

	out := s.typeDelivering(":as marc", "/cercle expert",
		"Trop court", "recrutement", "", "", "Les mardis en fin de journée", // the problem is asked again
		problem)
	wantPrinted(t, "the request", out, "Vous agissez maintenant comme Marc Dufour", "== Demander un expert ==",
		"Domaine {Je ne sais pas, ", "Urgence {faible, normale, haute} [normale]", "Format {Indifférent, Visio, Présentiel, Téléphone} [Indifférent]",
		"Périodes préférées (facultatif)",
		"! Votre besoin, avec vos mots : Décrivez votre besoin en 20 à 2000 caractères (vous en avez écrit 10).",
		"Votre demande n°1 est enregistrée.")
	if n := strings.Count(out, "Votre besoin, avec vos mots"); n != 3 { // asked, error, asked again
		t.Errorf("problem asked %d times", n)
	}
	r, err := s.db.FindRequest(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requester != "marc" || r.Problem != problem || r.Domain != "recrutement" || r.Urgency != commands.UrgencyNormal ||
		r.Format != commands.FormatAnyFormat || r.Periods != "Les mardis en fin de journée" || r.Status != commands.RequestNew {
		t.Fatalf("stored %+v", r)
	}
	told := dms.take()
	for _, staff := range []string{"claire", "karim"} {
		wantPrinted(t, "facilitators' DMs", told, "📨 [message direct à @"+staff+"]\nNouvelle demande d'entretien n°1 à confier (urgence normale).")
	}
	if strings.Contains(told, problem) {
		t.Errorf("a DM to the facilitators quotes the problem:\n%s", told)
	}

	out = s.typeDelivering(":as claire animateur", "/cercle demandes")
	wantPrinted(t, "the queue", out, "## 1 demande à confier", "## Demande n°1 · normale", problem, "[Confier à ")
	route := regexp.MustCompile(`\(:clic (request\.route 1:(\S+))\)`).FindStringSubmatch(out)
	if route == nil {
		t.Fatalf("no route button in the queue:\n%s", out)
	}
	expert := commands.UserID(route[2])
	e, err := s.db.FindExpert(ctx, expert)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(strings.Join(e.Domains, " ")), "recrutement") {
		t.Errorf("the first candidate, %s, does not recruit: %v", e.Name, e.Domains)
	}
	out = s.typeDelivering(":as claire", ":clic "+route[1])
	wantPrinted(t, "routing", out, "La demande n°1 est confiée à "+e.Name+".")
	told = dms.take()
	wantPrinted(t, "the brief", told, "📨 [message direct à @"+string(expert)+"]", "Demande d'entretien n°1", problem, "Transport et logistique",
		"[Accepter] (:clic request.accept 1)", "[Décliner] (:clic request.decline 1)",
		"📨 [message direct à @marc]\nVotre demande n°1 est confiée à un expert.")
	if strings.Contains(told, "Gesnord") {
		t.Errorf("the brief names the company:\n%s", told)
	}

	// The expert looks at the slots, gives up, then ticks two of them.
	out = s.typeDelivering(":as "+string(expert), ":clic request.accept 1", ":annuler")
	choices := regexp.MustCompile(`Vos créneaux \(jusqu'à 3\) \{([^}]*)\}`).FindStringSubmatch(out)
	if choices == nil {
		t.Fatalf("no slot choices:\n%s", out)
	}
	labels := strings.Split(choices[1], ", ")
	if len(labels) < 2 {
		t.Fatalf("slots offered: %q", labels)
	}
	out = s.typeDelivering(":as "+string(expert), ":clic request.accept 1", labels[0]+", "+labels[1], "Visio, lien la veille")
	wantPrinted(t, "accepting", out, "La demande n°1 vient de Marc Dufour (Gesnord Logistique)")
	if r := s.request(1); r.Status != commands.RequestAccepted || len(r.Slots) != 2 || r.Place != "Visio, lien la veille" {
		t.Fatalf("after accepting: %+v", r)
	}
	told = dms.take()
	wantPrinted(t, "the member's slots", told, "📨 [message direct à @marc]\nBonne nouvelle : votre demande n°1 est acceptée par @"+string(expert))
	pick := regexp.MustCompile(`\(:clic (request\.pick 1:(\d+))\)`).FindAllStringSubmatch(told, -1)
	if len(pick) != 2 {
		t.Fatalf("pick buttons %q in:\n%s", pick, told)
	}

	out = s.typeDelivering(":as marc", ":clic "+pick[1][1])
	wantPrinted(t, "the pick", out, "C'est réservé : l'entretien de la demande n°1 a lieu le ")
	r = s.request(1)
	if r.Status != commands.RequestScheduled || strconv.FormatInt(r.Slot.Unix(), 10) != pick[1][2] {
		t.Fatalf("after the pick: %+v", r)
	}
	told = dms.take()
	wantPrinted(t, "confirmations", told, "📨 [message direct à @marc]\nEntretien confirmé avec "+e.Name,
		"📨 [message direct à @"+string(expert)+"]\nEntretien confirmé avec Marc Dufour", "📎 entretien-1.ics")
	if n := strings.Count(told, "📎 entretien-1.ics"); n != 2 {
		t.Errorf("%d calendar files, want one each", n)
	}

	// Someone else's console cannot pick for Marc.
	out = s.typeDelivering(":as nadia", ":clic "+pick[0][1], "/cercle demandes")
	wantPrinted(t, "Nadia", out, "Je ne trouve pas de demande n°1 parmi celles que vous pouvez voir.")
	if strings.Contains(out, problem) {
		t.Errorf("Nadia read Marc's problem:\n%s", out)
	}
}

// request reads a request from the database.
func (s *session) request(id int64) *commands.ExpertRequest {
	s.t.Helper()
	r, err := s.db.FindRequest(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}
