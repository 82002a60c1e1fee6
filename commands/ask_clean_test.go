package commands_test

import (
	"context"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/console"
)

// streamingModel answers every question with its chunks, streamed one
// by one as a model writes them: its words are what a member's message
// may have steered it to write.
type streamingModel struct{ chunks []string }

func (m streamingModel) Answer(_ context.Context, q *commands.Question) (*commands.Answer, error) {
	for _, c := range m.chunks {
		if q.Stream != nil {
			q.Stream(c)
		}
	}
	return &commands.Answer{Text: strings.Join(m.chunks, ""), Model: "streaming"}, nil
}

// askStreamed asks as marc with a model answering chunks, and returns
// what was streamed and the final answer.
func askStreamed(t *testing.T, chunks ...string) (streamed, final string) {
	t.Helper()
	s, _ := newService(t, nil, func(c *commands.Config) { c.Answerer = streamingModel{chunks: chunks} })
	slash(s, "marc", "aide")
	var b strings.Builder
	resp := s.Ask(context.Background(), &commands.Request{Kind: commands.KindDirectMessage, Text: "quoi de neuf ?", User: commands.User{ID: "marc"}, ChannelID: "D1"},
		commands.ThreadRef{Channel: "D1", TS: "1.1"}, func(delta string) { b.WriteString(delta) })
	return b.String(), console.Render(resp)
}

// A bare address is a link too: Slack's client makes one of it, and its
// preview or a click sends what the model put in it.
func TestAskDropsBareDomains(t *testing.T) {
	streamed, final := askStreamed(t, "Tout est sur evil.exa", "mple.com/x?d=nadia et ", "aussi sur www.evil.example/y, voilà.")
	for name, text := range map[string]string{"streamed": streamed, "final": final} {
		if strings.Contains(text, "evil.example") {
			t.Errorf("the %s answer keeps a foreign address:\n%s", name, text)
		}
		if !strings.Contains(text, "Tout est sur") {
			t.Errorf("the %s answer lost its words:\n%s", name, text)
		}
	}
}

// A model's stream cannot smuggle a mention or a link through chunk
// boundaries: Slack parses the streamed pieces together, so no < or >
// may reach it, however the pieces are cut.
func TestAskStreamSmugglesNoSlackSyntax(t *testing.T) {
	for name, chunks := range map[string][]string{
		"BalancedCounts": {"> a <!channel|x ", "y> b, la suite."},
		"SplitMention":   {"Voir <@U12", "3> et <!chan", "nel> demain."},
		"SpacedLink":     {"Cliquez <https://evil.example/x?d=nadia|ici ", "pour> voir, > puis ", "< encore."},
		"AcrossNewline":  {"a <!here\n", "> b\nfin."},
	} {
		t.Run(name, func(t *testing.T) {
			streamed, _ := askStreamed(t, chunks...)
			if strings.ContainsAny(streamed, "<>") || strings.Contains(streamed, "evil") {
				t.Errorf("the stream carries Slack syntax or a link:\n%s", streamed)
			}
			if last := chunks[len(chunks)-1]; !strings.Contains(streamed, strings.Fields(last)[len(strings.Fields(last))-1]) {
				t.Errorf("the stream lost its words:\n%s", streamed)
			}
		})
	}
}
