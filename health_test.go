package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cercle/storage"
)

type fakeHealth struct{ err error }

func (f fakeHealth) Health(context.Context) error { return f.err }

func TestHealthzReportsFailingWrites(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct {
		name string
		err  error
		want int
	}{
		{"OK", nil, http.StatusOK},
		{"WritesFail", errors.New("database write: attempt to write a readonly database"), http.StatusServiceUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			healthHandler(fakeHealth{tt.err}, logger).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

func TestStartRefusedOnReadOnlyDatabase(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.db")
	db, err := storage.Open(context.Background(), path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	m := NewMain()
	m.Stdin = strings.NewReader("")
	err = m.Run(context.Background(), nil, env(map[string]string{"CERCLE_DB": path, "CERCLE_HTTP_ADDR": "127.0.0.1:0"}))
	if err == nil || !strings.Contains(err.Error(), "n'est pas accessible en écriture") {
		t.Errorf("err = %v, want a refusal saying the database is not writable", err)
	}
}
