package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"cercle/storage"
)

// failedShown bounds the given-up messages cercle outbox lists.
const failedShown = 50

const outboxUsage = "usage: cercle outbox [retry ID|all]"

// runOutbox shows the outbox's state, given-up messages included (key,
// recipient, attempts, last error: never their text), or puts given-up
// messages back in the queue. A running bot sends them at its next pass.
func (m *Main) runOutbox(ctx context.Context, args []string) error {
	var retry int64 = -1
	switch {
	case len(args) == 0:
	case len(args) == 2 && args[0] == "retry" && args[1] == "all":
		retry = 0
	case len(args) == 2 && args[0] == "retry":
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || id <= 0 {
			return errors.New(outboxUsage)
		}
		retry = id
	default:
		return errors.New(outboxUsage)
	}
	db, err := storage.Open(ctx, m.Config.DB, storage.Options{Synchronous: m.Config.Synchronous})
	if err != nil {
		return err
	}
	defer db.Close()
	if retry >= 0 {
		n, err := db.RetryFailedMessages(ctx, retry)
		if err != nil {
			return err
		}
		if n == 0 && retry > 0 {
			return fmt.Errorf("outbox retry : aucun message abandonné n° %d", retry)
		}
		fmt.Fprintf(m.Stdout, "%d message(s) remis en file\n", n)
		return nil
	}
	return printOutbox(ctx, m, db)
}

func printOutbox(ctx context.Context, m *Main, db *storage.DB) error {
	c, err := db.CountOutbox(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "en attente : %d\nenvoyés : %d\nabandonnés : %d\n", c.Pending, c.Sent, c.Failed)
	failed, err := db.FailedMessages(ctx, failedShown)
	if err != nil {
		return err
	}
	for _, f := range failed {
		fmt.Fprintf(m.Stdout, "  n° %d  %s  → %s  (%d essai(s), abandonné le %s) : %s\n",
			f.ID, f.DedupeKey, f.To, f.Attempts, f.DueAt.Local().Format("2006-01-02 15:04"), f.LastError)
	}
	if c.Failed > len(failed) {
		fmt.Fprintf(m.Stdout, "  … et %d autre(s)\n", c.Failed-len(failed))
	}
	if c.Failed > 0 {
		fmt.Fprintln(m.Stdout, "Pour les renvoyer : cercle outbox retry ID|all")
	}
	return nil
}
