package bot_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// webAPIScopes is the scopes each slack-go method the bot calls needs
// (none for some). A method missing here fails the test: say which scopes
// it needs, and the manifest must ask for them.
var webAPIScopes = map[string][]string{
	"PostMessageContext":      {"chat:write"},
	"PostEphemeralContext":    {"chat:write"},
	"UpdateMessageContext":    {"chat:write"},
	"OpenConversationContext": {"im:write"},
	"GetUserInfoContext":      {"users:read"},
	"GetUsersContext":         {"users:read"},
	"UploadFileContext":       {"files:write"},
	// The outbox looks for a message a crash may have left posted; in a
	// channel this needs channels:history, which is asked for the
	// working groups' message events (below): such a lookup then works
	// in the channels the bot is in.
	"GetConversationHistoryContext": {"im:history"},
	"OpenViewContext":               nil,
	"PublishViewContext":            nil,
	"UpdateViewContext":             nil,
	// Working groups' channels: public ones need channels:manage, private
	// ones groups:write.
	"CreateConversationContext":        {"channels:manage", "groups:write"},
	"InviteUsersToConversationContext": {"channels:manage", "groups:write"},
	"KickUserFromConversationContext":  {"channels:manage", "groups:write"},
	"ArchiveConversationContext":       {"channels:manage", "groups:write"},
	"JoinConversationContext":          {"channels:join"}, // public channels only
	"AuthTestContext":                  nil,
	// The assistant panel. setStatus takes chat:write since 2026-03;
	// assistant:write is on its way out for it, not for the prompts.
	"SetAssistantThreadsStatusContext":           {"chat:write"},
	"SetAssistantThreadsSuggestedPromptsContext": {"assistant:write"},
	// Streamed answers.
	"StartStreamContext":  {"chat:write"},
	"AppendStreamContext": {"chat:write"},
	"StopStreamContext":   {"chat:write"},
}

// subscription is an event subscription and the scopes Slack requires for
// it (none for some).
type subscription struct {
	event  string
	scopes []string
}

// eventSubscriptions is the subscriptions behind each event type the bot
// handles: a handled type needs all of them, and each needs its scopes.
var eventSubscriptions = map[string][]subscription{
	"AppHomeOpenedEvent": {{"app_home_opened", nil}},
	"AppMentionEvent":    {{"app_mention", []string{"app_mentions:read"}}},
	"MessageEvent": {
		{"message.im", []string{"im:history"}},             // DMs to the bot
		{"message.channels", []string{"channels:history"}}, // working groups' public channels
		{"message.groups", []string{"groups:history"}},     // and private ones
	},
	// Public channels with channels:read, private ones with groups:read.
	"MemberJoinedChannelEvent": {{"member_joined_channel", []string{"channels:read", "groups:read"}}},
	"MemberLeftChannelEvent":   {{"member_left_channel", []string{"channels:read", "groups:read"}}},
	"ReactionAddedEvent":       {{"reaction_added", []string{"reactions:read"}}},
	"ReactionRemovedEvent":     {{"reaction_removed", []string{"reactions:read"}}},
	// The assistant panel: a thread opened (suggested prompts), the
	// channel the member looks at changed (the thread's context).
	"AssistantThreadStartedEvent":        {{"assistant_thread_started", []string{"assistant:write"}}},
	"AssistantThreadContextChangedEvent": {{"assistant_thread_context_changed", []string{"assistant:write"}}},
}

// featureScopes are scopes no method call shows.
var featureScopes = []string{
	"commands",          // the /cercle slash command
	"chat:write.public", // posting in CERCLE_ANNOUNCE_CHANNEL without joining it
	"users:read.email",  // optional: e-mails in users.info/users.list
}

// TestManifestAsksForWhatTheBotUses keeps slack/manifest.yaml to the
// scopes and events the bot's code uses, each with a comment saying why.
func TestManifestAsksForWhatTheBotUses(t *testing.T) {
	scopes, events := map[string]bool{}, map[string]bool{}
	for _, s := range featureScopes {
		scopes[s] = true
	}
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`\.api\.(\w+)\(`)
	handled := regexp.MustCompile(`case ((?:\*slackevents\.\w+(?:,\s*)?)+):`)
	eventType := regexp.MustCompile(`\*slackevents\.(\w+)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			needed, ok := webAPIScopes[m[1]]
			if !ok {
				t.Errorf("%s calls %s: add its scopes to webAPIScopes and the manifest", f, m[1])
			}
			for _, s := range needed {
				scopes[s] = true
			}
		}
		for _, c := range handled.FindAllStringSubmatch(string(src), -1) {
			for _, m := range eventType.FindAllStringSubmatch(c[1], -1) {
				subs, ok := eventSubscriptions[m[1]]
				if !ok {
					t.Errorf("%s handles %s: add its subscriptions to eventSubscriptions and the manifest", f, m[1])
					continue
				}
				for _, sub := range subs {
					events[sub.event] = true
					for _, s := range sub.scopes {
						scopes[s] = true
					}
				}
			}
		}
	}
	manifest, err := os.ReadFile("../slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gotScopes := listUnder(t, string(manifest), "    bot:")
	gotEvents := listUnder(t, string(manifest), "    bot_events:")
	if want := keys(scopes); !slices.Equal(gotScopes, want) {
		t.Errorf("manifest scopes = %v, want %v", gotScopes, want)
	}
	if want := keys(events); !slices.Equal(gotEvents, want) {
		t.Errorf("manifest events = %v, want %v", gotEvents, want)
	}
	// Slack delivers an event only with its scopes granted.
	for _, subs := range eventSubscriptions {
		for _, sub := range subs {
			for _, s := range sub.scopes {
				if slices.Contains(gotEvents, sub.event) && !slices.Contains(gotScopes, s) {
					t.Errorf("manifest subscribes to %s without its scope %s", sub.event, s)
				}
			}
		}
	}
}

// listUnder returns, sorted, the YAML list items following header, and
// checks each has a comment: on its line, or on the lines just above.
func listUnder(t *testing.T, yaml, header string) []string {
	t.Helper()
	lines := strings.Split(yaml, "\n")
	i := slices.Index(lines, header)
	if i < 0 {
		t.Fatalf("manifest has no %q", strings.TrimSpace(header))
	}
	var out []string
	commented := false
	for _, line := range lines[i+1:] {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			commented = true
		case strings.HasPrefix(trimmed, "- "):
			item, comment, _ := strings.Cut(strings.TrimPrefix(trimmed, "- "), "#")
			if comment == "" && !commented {
				t.Errorf("%s has no comment saying what uses it", strings.TrimSpace(item))
			}
			out = append(out, strings.TrimSpace(item))
			commented = false
		default:
			slices.Sort(out)
			return out
		}
	}
	slices.Sort(out)
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
