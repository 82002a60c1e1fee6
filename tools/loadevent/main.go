// Command loadevent prepares a database for a load run: it opens (and
// creates or migrates) the SQLite file with cercle/storage, adds one
// published event with -capacity seats a month from now, and prints its id.
// tools/loadtest.sh runs it before starting the bot, so the run needs no
// console script and no sqlite3 shell.
//
//	loadevent -db /tmp/load.db -capacity 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"cercle/commands"
	"cercle/storage"
)

func main() {
	var (
		path     = flag.String("db", "", "SQLite file (created if missing)")
		capacity = flag.Int("capacity", 100_000, "seats; fewer than the members of the run puts the rest on the waitlist")
		title    = flag.String("title", "Plénière de charge", "event title")
	)
	flag.Parse()
	if *path == "" {
		fmt.Fprintln(os.Stderr, "loadevent: -db is required")
		os.Exit(2)
	}
	if err := run(*path, *title, *capacity); err != nil {
		fmt.Fprintln(os.Stderr, "loadevent:", err)
		os.Exit(1)
	}
}

func run(path, title string, capacity int) error {
	ctx := context.Background()
	db, err := storage.Open(ctx, path, storage.Options{})
	if err != nil {
		return err
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	ev := &commands.Event{
		Kind: commands.KindPlenary, Title: title, Place: "Lille, 1 place du Théâtre",
		Start: start, End: start.Add(3 * time.Hour), CancelCutoff: start.Add(-48 * time.Hour),
		Capacity: capacity, Status: commands.EventPublished, CreatedBy: "ULOADADMIN",
	}
	if err := db.CreateEvent(ctx, ev); err != nil {
		db.Close()
		return err
	}
	fmt.Println(ev.ID)
	return db.Close()
}
