package commands_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"cercle/commands"
)

// BenchmarkRegister measures the core's part of a registration by slash
// command, for members new to the bot: member created, seat decided and
// taken, confirmation notice queued, answer worded; on a real SQLite file
// with synchronous=FULL. Run with -benchmem for allocations per
// registration; -cpu 1 keeps it to one core.
func BenchmarkRegister(b *testing.B) {
	start := time.Now().Add(30 * 24 * time.Hour)
	s, _, _, id := eventService(b, time.Now(), commands.Event{Start: start, End: start.Add(3 * time.Hour), Capacity: 1_000_000})
	ctx := context.Background()
	text := fmt.Sprintf("inscrire %d", id)
	var next atomic.Int64
	b.ReportAllocs()
	// 50 members at once, as in a burst: the writer commits them together.
	b.SetParallelism(50)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			user := commands.UserID(fmt.Sprintf("U%08d", next.Add(1)))
			r := s.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: text, User: commands.User{ID: user, Name: "membre"}})
			if len(r.Sections) == 0 {
				b.Error("no answer")
			}
		}
	})
}
