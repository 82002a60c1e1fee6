package bot_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"cercle/bot"
)

// BenchmarkSignedSlashHelp measures one signed HTTP "/cercle aide" through
// the whole handler: signature check, parsing, dispatch, the core with its
// SQLite lookup of the member, Block Kit rendering and the JSON ack.
func BenchmarkSignedSlashHelp(b *testing.B) {
	h := newHarness(b)
	body := h.slashBody("U1", "aide")
	h.slash(b, "U1", "aide") // first contact: the member is created outside the loop
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		bot.SignRequest(req.Header, testSecret, time.Now(), body)
		rec := httptest.NewRecorder()
		h.bot.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
