// Package console is Cercle's terminal transport: a REPL over the same
// commands.Service that Slack uses. A line such as "/cercle aide" is a
// slash command, any other text is a message to the bot, and lines
// starting with ":" drive the console itself (":as claire animateur" acts
// as someone else). Forms are asked field by field and messages the bot
// sends on its own are printed; the log's warnings wait for the prompt
// (Aside), so none lands inside a form. It reads stdin, so
// `printf '/cercle aide\n' | cercle` works in a script.
//
// It imports commands and i18n, never another adapter; it compiles without
// slack-go, which shows the core needs no Slack.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"cercle/commands"
)

// Console is one terminal session.
type Console struct {
	service *commands.Service
	in      *bufio.Scanner
	lines   chan string // fed by a reader goroutine, so Ctrl-C needs no Enter
	out     *syncWriter
	user    commands.User
	// Prompt prints "> " before each line; off when stdin is not a terminal.
	Prompt bool
	// AfterLine runs after each line, so messages queued by it are delivered
	// and printed before the next prompt.
	AfterLine func(ctx context.Context)
	// Aside, when set, is where the log's warnings go: the console lets
	// them print only while it waits at its prompt.
	Aside *Aside
}

// New returns a console reading in and writing out, acting as user.
func New(service *commands.Service, in io.Reader, out io.Writer, user commands.User) *Console {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	return &Console{service: service, in: sc, out: SyncWriter(out).(*syncWriter), user: user}
}

// SyncWriter returns w made safe for the console and its Notifier to
// write to at once, without interleaving lines.
func SyncWriter(w io.Writer) io.Writer {
	if sw, ok := w.(*syncWriter); ok {
		return sw
	}
	return &syncWriter{w: w}
}

// Writer returns the console's output, safe to share with the Notifier.
func (c *Console) Writer() io.Writer { return c.out }

// Run reads lines until EOF, ":quitter" or the end of ctx.
func (c *Console) Run(ctx context.Context) error {
	c.lines = make(chan string)
	go func() {
		defer close(c.lines)
		for c.in.Scan() {
			c.lines <- c.in.Text()
		}
	}()
	defer c.Aside.release("")
	for {
		prompt := ""
		if c.Prompt {
			prompt = "> "
		}
		if c.Aside != nil {
			c.Aside.release(prompt)
		} else {
			c.printf("%s", prompt)
		}
		line, ok := c.readLine(ctx)
		c.Aside.hold()
		if !ok {
			if ctx.Err() != nil {
				return nil
			}
			return c.in.Err()
		}
		quit, err := c.handleLine(ctx, line)
		if err != nil {
			c.printf("%s\n", err)
		}
		if c.AfterLine != nil {
			c.AfterLine(ctx)
		}
		if quit {
			return nil
		}
	}
}

// readLine returns the next line, or false at EOF or the end of ctx.
func (c *Console) readLine(ctx context.Context) (string, bool) {
	select {
	case line, ok := <-c.lines:
		return strings.TrimSpace(line), ok
	case <-ctx.Done():
		return "", false
	}
}

func (c *Console) handleLine(ctx context.Context, line string) (quit bool, err error) {
	switch {
	case line == "":
		return false, nil
	case strings.HasPrefix(line, ":"):
		return c.consoleCommand(ctx, line)
	case strings.HasPrefix(strings.ToLower(line), "/cercle"):
		c.show(ctx, c.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: line, User: c.user, ChannelID: "console"}))
	default:
		c.show(ctx, c.service.Handle(ctx, &commands.Request{Kind: commands.KindDirectMessage, Text: line, User: c.user, ChannelID: "console"}))
	}
	return false, nil
}

func (c *Console) consoleCommand(ctx context.Context, line string) (bool, error) {
	fields := strings.Fields(line)
	switch strings.ToLower(fields[0]) {
	case ":quitter", ":quit", ":q":
		return true, nil
	case ":as", ":qui":
		return false, c.actAs(ctx, fields[1:])
	case ":accueil", ":home":
		c.show(ctx, c.service.Home(ctx, c.user))
	case ":clic", ":click":
		if len(fields) < 2 {
			return false, errors.New("usage : :clic <action> [valeur]")
		}
		a := &commands.Action{ID: fields[1], User: c.user, ChannelID: "console"}
		if len(fields) > 2 {
			a.Value = strings.Join(fields[2:], " ")
		}
		c.show(ctx, c.service.Act(ctx, a))
	case ":canal", ":channel":
		return false, c.postInChannel(ctx, strings.Fields(line)[1:])
	case ":aide", ":help":
		c.printf("%s", consoleHelp)
	default:
		return false, fmt.Errorf("commande de console inconnue %q : tapez :aide", fields[0])
	}
	return false, nil
}

const consoleHelp = `Console Cercle
  /cercle <commande>     une commande, comme dans Slack (/cercle aide pour la liste)
  <texte>                un message au bot, comme en message direct
  :as                    la liste des membres
  :as <nom> [rôle]       agir comme un membre, nommé par son identifiant, son nom ou son prénom ;
                         avec un rôle (membre, animateur, expert, admin), le lui donner,
                         et créer le membre s'il n'existe pas
  :accueil               afficher l'onglet Accueil
  :canal <groupe> <txt>  écrire dans le canal d'un groupe de travail, comme le membre courant
  :clic <action> [val]   appuyer sur un bouton affiché [entre crochets]
  :quitter               sortir
`

// show prints a response, and runs the form it carries.
func (c *Console) show(ctx context.Context, r *commands.Response) {
	if r.Form != nil {
		c.fillForm(ctx, r.Form)
		return
	}
	c.printf("%s", Render(r))
}

func (c *Console) printf(format string, args ...any) { fmt.Fprintf(c.out, format, args...) }

// syncWriter serialises writes from the REPL and the delivery worker.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
