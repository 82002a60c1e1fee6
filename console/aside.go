package console

import (
	"fmt"
	"io"
	"sync"
)

// maxHeld bounds what an aside keeps while a form stays open: past it,
// lines are only counted (they are in the log file anyway).
const maxHeld = 64 << 10

// Aside is what the console prints beside the conversation: the warnings
// and errors of the log. It prints them only between prompts: a line
// written while a command runs or a form is open waits until the console
// is back at its prompt, so it never lands inside a response or between a
// form's questions. Until the console runs, and after, it prints at once.
type Aside struct {
	mu      sync.Mutex
	out     io.Writer
	held    []byte
	dropped int
	open    bool   // the console waits at its prompt: print at once
	prompt  string // shown again after a line printed at the prompt
}

// NewAside returns an aside printing to out, the console's output.
func NewAside(out io.Writer) *Aside {
	return &Aside{out: SyncWriter(out), open: true}
}

// Write prints p now if the console waits at its prompt, else holds it.
func (a *Aside) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.open && a.prompt != "":
		// Below the prompt already shown, then the prompt again.
		fmt.Fprintf(a.out, "\n%s%s", p, a.prompt)
	case a.open:
		_, _ = a.out.Write(p)
	case len(a.held)+len(p) > maxHeld:
		a.dropped++
	default:
		a.held = append(a.held, p...)
	}
	return len(p), nil
}

// hold keeps what is written until release: the console is busy.
func (a *Aside) hold() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.open = false
}

// release prints what was held, then prompt, and lets later lines through
// at once: the console is back at its prompt.
func (a *Aside) release(prompt string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.out.Write(a.held)
	if a.dropped > 0 {
		fmt.Fprintf(a.out, "(%d lignes de journal de plus : voir le fichier de journal)\n", a.dropped)
	}
	a.held, a.dropped = nil, 0
	a.open, a.prompt = true, prompt
	fmt.Fprint(a.out, prompt)
}
