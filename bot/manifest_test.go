package bot_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// webAPIScopes is the scope each slack-go method the bot calls needs
// ("" for none). A method missing here fails the test: say which scope it
// needs, and the manifest must ask for it.
var webAPIScopes = map[string]string{
	"PostMessageContext":      "chat:write",
	"PostEphemeralContext":    "chat:write",
	"UpdateMessageContext":    "chat:write",
	"OpenConversationContext": "im:write",
	"GetUserInfoContext":      "users:read",
	"GetUsersContext":         "users:read",
	"UploadFileContext":       "files:write",
	// The outbox looks for a message a crash may have left posted; in a
	// channel this needs channels:history, which is not asked for: there
	// the lookup fails as missing_scope and the message is sent again.
	"GetConversationHistoryContext": "im:history",
	"OpenViewContext":               "",
	"PublishViewContext":            "",
	"UpdateViewContext":             "",
}

// eventSubscriptions is the subscription and scope behind each event the
// bot handles.
var eventSubscriptions = map[string][2]string{
	"AppHomeOpenedEvent": {"app_home_opened", ""},
	"AppMentionEvent":    {"app_mention", "app_mentions:read"},
	"MessageEvent":       {"message.im", "im:history"}, // only ChannelType "im" is handled
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
	handled := regexp.MustCompile(`case \*slackevents\.(\w+):`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			scope, ok := webAPIScopes[m[1]]
			if !ok {
				t.Errorf("%s calls %s: add its scope to webAPIScopes and the manifest", f, m[1])
			}
			if scope != "" {
				scopes[scope] = true
			}
		}
		for _, m := range handled.FindAllStringSubmatch(string(src), -1) {
			sub, ok := eventSubscriptions[m[1]]
			if !ok {
				t.Errorf("%s handles %s: add its subscription to eventSubscriptions and the manifest", f, m[1])
				continue
			}
			events[sub[0]] = true
			if sub[1] != "" {
				scopes[sub[1]] = true
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
