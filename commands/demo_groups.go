package commands

import (
	"context"
	"fmt"
	"time"
)

// demoGroup is a working group of the demo network, with its members and
// what they wrote in its channel last week.
type demoGroup struct {
	group    Group
	lead     UserID
	members  []UserID
	messages []demoMessage
}

// demoMessage is one message of a demo channel: day (0 is last Monday)
// and hour, and the message it answers in a thread, by index.
type demoMessage struct {
	day, hour int
	author    UserID
	text      string
	replyTo   int // index of the thread's parent + 1; 0 for a top-level message
}

var demoGroups = []demoGroup{
	{Group{Slug: "achats", Name: "Achats groupés", Channel: "achats",
		Description: "Négocier ensemble l'énergie, les fournitures et les assurances."}, "claire",
		[]UserID{"marc", "nadia", "isabelle", "pierre"}, []demoMessage{
			{0, 9, "marc", "Nos contrats d'électricité arrivent à échéance au printemps. Qui serait partant pour une consultation commune ?", 0},
			{0, 11, "nadia", "Partante : notre facture a doublé depuis 2022. Prix fixe sur 24 mois de préférence.", 1},
			{1, 14, "pierre", "Le courtier recommandé par la CCI accepte de porter le groupement, sans frais pour les membres.", 1},
			{2, 10, "isabelle", "Question : des entreprises voisines hors réseau pourront-elles nous rejoindre ?", 0},
			{3, 16, "marc", "Décision de la réunion de jeudi : on lance la consultation électricité, le gaz viendra ensuite.", 0},
			{4, 9, "claire", "Merci d'envoyer vos 12 dernières factures à Marc avant vendredi prochain.", 5},
		}},
	{Group{Slug: "recrutement", Name: "Recrutement et compétences", Channel: "recrutement",
		Description: "Partager les bonnes pratiques de recrutement et les profils à temps partagé."}, "karim",
		[]UserID{"thomas", "antoine", "camille"}, []demoMessage{
			{1, 9, "antoine", "Nous cherchons un responsable RH à mi-temps. Quelqu'un a-t-il l'expérience d'un groupement d'employeurs ?", 0},
			{1, 15, "camille", "Oui, nous partageons une comptable avec deux entreprises de Lens depuis 2021. Ça marche bien.", 1},
			{3, 11, "thomas", "Je propose qu'on invite le groupement d'employeurs de l'Artois à la prochaine réunion.", 0},
		}},
	{Group{Slug: "fonctionnalite", Name: "Économie de la fonctionnalité", Channel: "fonctionnalite",
		Description: "Vendre l'usage plutôt que le produit : retours d'expérience et accompagnement."}, "olivier",
		[]UserID{"marc", "lea", "julien"}, nil},
}

// seedDemoGroups creates the demo's working groups, their members, last
// week's messages and one meeting, once: a database with groups keeps
// them.
func (s *Service) seedDemoGroups(ctx context.Context) error {
	existing, err := s.store.FindGroups(ctx, GroupFilter{Archived: true})
	if err != nil || len(existing) > 0 {
		return err
	}
	lastMonday := weekBefore(s.now(), s.zone).From
	for _, d := range demoGroups {
		g := d.group
		g.CreatedBy = d.lead
		if err := s.store.CreateGroup(ctx, &g, []UserID{d.lead}); err != nil {
			return fmt.Errorf("seed group %s: %w", g.Slug, err)
		}
		for _, u := range d.members {
			if _, err := s.store.JoinGroup(ctx, g.ID, u); err != nil {
				return fmt.Errorf("seed group %s: %w", g.Slug, err)
			}
		}
		if err := s.seedDemoMessages(ctx, &g, d.messages, lastMonday); err != nil {
			return err
		}
	}
	return s.seedDemoMeeting(ctx)
}

func (s *Service) seedDemoMessages(ctx context.Context, g *Group, msgs []demoMessage, monday time.Time) error {
	ts := make([]string, len(msgs))
	for i, m := range msgs {
		at := monday.AddDate(0, 0, m.day).Add(time.Duration(m.hour) * time.Hour)
		ts[i] = fmt.Sprintf("%d.%06d", at.Unix(), i)
		thread := ""
		if m.replyTo > 0 {
			thread = ts[m.replyTo-1]
		}
		if err := s.ChannelMessage(ctx, &ChannelMessage{Channel: g.Channel, TS: ts[i], ThreadTS: thread, Author: m.author, Text: m.text, At: at}); err != nil {
			return fmt.Errorf("seed message of %s: %w", g.Slug, err)
		}
	}
	return nil
}

// seedDemoMeeting schedules the purchasing group's next meeting.
func (s *Service) seedDemoMeeting(ctx context.Context) error {
	g, err := s.store.FindGroupBySlug(ctx, "achats")
	if err != nil {
		return err
	}
	day := demoDay(s.now().In(s.zone).AddDate(0, 0, 8), time.Wednesday)
	start := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, s.zone)
	ev := &Event{Kind: KindMeeting, Group: g.ID, Title: "Réunion du groupe Achats groupés : lancement de la consultation électricité",
		Place: "Visio (lien dans le canal #achats)", Start: start, End: start.Add(90 * time.Minute), Capacity: 20,
		CancelCutoff: start.Add(-24 * time.Hour), Status: EventPublished, CreatedBy: "claire"}
	if err := s.store.CreateEvent(ctx, ev); err != nil {
		return fmt.Errorf("seed group meeting: %w", err)
	}
	return s.seedRegistrations(ctx, ev.ID, []UserID{"marc", "nadia"})
}
