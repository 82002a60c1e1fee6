package console_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
)

// lockedBuffer is a bytes.Buffer the test reads while the console writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until out holds want, n times.
func waitFor(t *testing.T, out *lockedBuffer, want string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); strings.Count(out.String(), want) < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q (%d) in:\n%s", want, n, out.String())
		}
	}
}

// TestLogLinesWaitForThePrompt: a warning logged while the member answers
// a form is printed once the form is done, never between its questions;
// one logged while the console waits is printed at once, under the prompt.
func TestLogLinesWaitForThePrompt(t *testing.T) {
	s := newSession(t)
	var out lockedBuffer
	in, typed := io.Pipe()
	c := console.New(s.service, in, &out, commands.User{ID: "local", Name: "Vous"})
	c.Prompt = true
	aside := console.NewAside(c.Writer())
	c.Aside = aside
	done := make(chan error, 1)
	go func() { done <- c.Run(context.Background()) }()

	waitFor(t, &out, "> ", 1)
	fmt.Fprint(aside, "level=WARN msg=\"at the prompt\"\n")
	fmt.Fprintln(typed, ":as claire")
	fmt.Fprintln(typed, "/cercle profil")
	waitFor(t, &out, "Entreprise [Cercle Hauts-de-France] : ", 1)
	fmt.Fprint(aside, "level=ERROR msg=\"during the form\"\n")
	for range 5 {
		fmt.Fprintln(typed, "") // keep every value
	}
	waitFor(t, &out, "Profil enregistré", 1)
	typed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "> \nlevel=WARN msg=\"at the prompt\"\n> Vous agissez") {
		t.Errorf("the warning at the prompt is not printed at once, under it:\n%s", got)
	}
	saved, logged := strings.Index(got, "Profil enregistré"), strings.Index(got, "during the form")
	if logged < saved || !strings.HasSuffix(got, "level=ERROR msg=\"during the form\"\n> ") {
		t.Errorf("the error logged during the form is not printed after it, before the next prompt:\n%s", got)
	}
}
