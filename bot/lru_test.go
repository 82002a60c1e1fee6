package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cercle/bot/slackfake"
	"cercle/commands"
)

func TestLRU(t *testing.T) {
	now := time.Now()
	later := now.Add(time.Hour)
	t.Run("Bounded", func(t *testing.T) {
		c := newLRU[int, int](100)
		for i := range 100_000 {
			c.put(i, i, later)
		}
		if c.len() != 100 || len(c.items) != 100 {
			t.Fatalf("len = %d (map %d) after 100,000 keys, want 100", c.len(), len(c.items))
		}
		if _, ok := c.get(99_899, now); ok {
			t.Error("the 101st most recent key is still there")
		}
		for i := 99_900; i < 100_000; i++ {
			if v, ok := c.get(i, now); !ok || v != i {
				t.Fatalf("get(%d) = %d, %v; want one of the 100 most recent", i, v, ok)
			}
		}
	})
	t.Run("RecentlyUsedStays", func(t *testing.T) {
		c := newLRU[string, int](2)
		c.put("a", 1, later)
		c.put("b", 2, later)
		c.get("a", now)
		c.put("c", 3, later)
		if _, ok := c.get("b", now); ok {
			t.Error("b, the least recently used, was kept")
		}
		if v, ok := c.get("a", now); !ok || v != 1 {
			t.Errorf("a = %d, %v; want 1, kept as recently used", v, ok)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		c := newLRU[string, int](2)
		c.put("a", 1, now.Add(time.Minute))
		if _, ok := c.get("a", now.Add(time.Minute)); ok {
			t.Error("an entry is served at its expiry")
		}
		if c.len() != 0 {
			t.Errorf("len = %d after the expired entry was looked up, want 0", c.len())
		}
	})
	t.Run("Replace", func(t *testing.T) {
		c := newLRU[string, int](2)
		c.put("a", 1, now.Add(time.Minute))
		c.put("a", 2, later)
		if v, ok := c.get("a", now.Add(2*time.Minute)); !ok || v != 2 || c.len() != 1 {
			t.Errorf("a = %d, %v, len %d; want the replacement, once", v, ok, c.len())
		}
	})
}

// TestCachesStayBounded looks up and writes to many more members than the
// caches hold: they stay at their bound, and what they hold still saves
// calls to Slack.
func TestCachesStayBounded(t *testing.T) {
	const bound, users = 50, 400
	fake := slackfake.Start()
	defer fake.Stop()
	api := NewClient(Config{BotToken: "xoxb-test", APIURL: fake.APIURL()}, nil, nil)
	ctx := context.Background()

	dir := NewDirectory(api)
	dir.cache = newLRU[commands.UserID, dirEntry](bound)
	n := NewNotifier(api)
	n.dms = newLRU[commands.UserID, string](bound)
	msg := &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text("Bonjour"))}}
	for i := range users {
		id := commands.UserID(fmt.Sprintf("U%05d", i))
		if _, err := dir.LookupUser(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := n.Notify(ctx, commands.Recipient{User: id}, msg, commands.Delivery{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := dir.cache.len(); got != bound {
		t.Errorf("directory cache holds %d after %d members, want %d", got, users, bound)
	}
	if got := n.dms.len(); got != bound {
		t.Errorf("DM cache holds %d after %d members, want %d", got, users, bound)
	}
	last := commands.UserID(fmt.Sprintf("U%05d", users-1))
	before := len(fake.Calls("users.info")) + len(fake.Calls("conversations.open"))
	if _, err := dir.LookupUser(ctx, last); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Notify(ctx, commands.Recipient{User: last}, msg, commands.Delivery{}); err != nil {
		t.Fatal(err)
	}
	if after := len(fake.Calls("users.info")) + len(fake.Calls("conversations.open")); after != before {
		t.Errorf("a recent member cost %d more lookups, want none", after-before)
	}
}
