package console

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"cercle/commands"
)

// Render writes a response as readable plain text. Nothing is escaped: a
// terminal gives "<!channel>" no meaning.
func Render(r *commands.Response) string {
	var b strings.Builder
	if r.Title != "" {
		b.WriteString(r.Title + "\n" + strings.Repeat("─", min(len([]rune(r.Title)), 60)) + "\n")
	}
	for _, s := range r.Sections {
		if s.Heading != "" {
			b.WriteString("## " + s.Heading + "\n")
		}
		if len(s.Body) > 0 {
			if s.Note {
				b.WriteString("  ")
			}
			b.WriteString(spans(s.Body) + "\n")
		}
		for _, p := range s.Pairs {
			// A dash, not a colon: French spaces it, English does not.
			b.WriteString("  • " + p.Label + " — " + p.Value + "\n")
		}
		if len(s.Buttons) > 0 {
			var bs []string
			for _, btn := range s.Buttons {
				cmd := ":clic " + btn.ActionID
				if btn.Value != "" {
					cmd += " " + btn.Value
				}
				bs = append(bs, "["+btn.Label+"] ("+cmd+")")
			}
			b.WriteString("  " + strings.Join(bs, "  ") + "\n")
		}
	}
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  📎 %s (%d octets)\n", f.Name, len(f.Content))
	}
	ids := make([]string, 0, len(r.FieldErrors))
	for id := range r.FieldErrors {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString("  ! " + id + " : " + r.FieldErrors[id] + "\n")
	}
	return b.String()
}

func spans(ss []commands.Span) string {
	var b strings.Builder
	for _, s := range ss {
		switch s.Kind {
		case commands.SpanMention:
			b.WriteString("@" + s.Target)
		case commands.SpanBold:
			b.WriteString(s.Text)
		case commands.SpanLink:
			b.WriteString(s.Text + " <" + s.Target + ">")
		case commands.SpanChannel:
			b.WriteString("#" + s.Text)
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// Notifier prints the messages the bot sends on its own, as they would
// reach a member's DM or a channel. With Dir set, each file a message
// carries (an .ics, a CSV, a picture) is written there and its path
// printed, so it can be opened.
type Notifier struct {
	Out io.Writer
	Dir string
}

var _ commands.Notifier = Notifier{}

// Notify prints r with its recipient, all its parts at once.
func (n Notifier) Notify(_ context.Context, to commands.Recipient, r *commands.Response, d commands.Delivery) (commands.Delivery, error) {
	where := "#" + string(to.Channel)
	if to.User != "" {
		where = "message direct à @" + string(to.User)
	}
	if _, err := fmt.Fprintf(n.Out, "\n📨 [%s]\n%s", where, Render(r)); err != nil {
		return d, err
	}
	for _, f := range r.Files {
		path, err := n.save(f)
		if err != nil {
			return d, err
		}
		if path != "" {
			fmt.Fprintf(n.Out, "     → %s\n", path)
		}
	}
	fmt.Fprintln(n.Out)
	d.Done, d.Ref = 1+len(r.Files), commands.MessageRef{Channel: where, TS: "console"}
	return d, nil
}

// save writes f into Dir under its own name (never a path of its own),
// and returns where; nothing without a Dir.
func (n Notifier) save(f commands.File) (string, error) {
	if n.Dir == "" {
		return "", nil
	}
	if err := os.MkdirAll(n.Dir, 0o755); err != nil {
		return "", err
	}
	name := filepath.Base(filepath.Clean("/" + f.Name))
	if name == "/" || name == "." {
		name = "fichier"
	}
	path := filepath.Join(n.Dir, name)
	return path, os.WriteFile(path, f.Content, 0o644)
}

// FindSent finds nothing: the terminal keeps no history to look in.
func (Notifier) FindSent(context.Context, commands.Recipient, string, time.Time) (commands.MessageRef, bool, error) {
	return commands.MessageRef{}, false, nil
}

// PartMethods is nil: printing has no rate limit.
func (Notifier) PartMethods(int) []string { return nil }

// Update prints the new version of a message posted earlier.
func (n Notifier) Update(_ context.Context, ref commands.MessageRef, r *commands.Response) error {
	_, err := fmt.Fprintf(n.Out, "\n✏️  [mise à jour, %s]\n%s\n", ref.Channel, Render(r))
	return err
}
