package slackfake

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
)

// BotUser is the bot's user id in the fake workspace, as auth.test gives
// it; WorkspaceURL is the workspace's address.
const (
	BotUser      = "UBOT"
	WorkspaceURL = "https://cercle-test.slack.com/"
)

// Channel is a channel of the fake workspace, as a test reads it.
type Channel struct {
	ID, Name string
	Private  bool
	Archived bool
	Members  []string // sorted; the bot is one when it is in the channel
}

// AddChannel adds a channel made outside Cercle, with its members (list
// BotUser for a channel the bot is in), and returns its id.
func (s *Server) AddChannel(name string, private bool, members ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addChannel(name, private, members...)
}

// Channel returns a channel by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	out := *ch
	out.Members = slices.Clone(ch.Members)
	return out, true
}

// ArchiveChannel archives a channel, as someone would in Slack.
func (s *Server) ArchiveChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.channels[id]; ok {
		ch.Archived = true
	}
}

// addChannel adds a channel; s.mu is held.
func (s *Server) addChannel(name string, private bool, members ...string) string {
	id := fmt.Sprintf("CG%04d", len(s.channels)+1)
	m := map[string]bool{}
	for _, u := range members {
		m[u] = true
	}
	s.channels[id] = &Channel{ID: id, Name: name, Private: private, Members: slices.Sorted(maps.Keys(m))}
	return id
}

// validName is what Slack accepts as a channel name.
var validName = regexp.MustCompile(`^[a-z0-9_-]+$`)

// conversations answers conversations.create, .join, .invite, .kick and
// .archive with Slack's error codes for each case the fake knows.
func (s *Server) conversations(method string, form url.Values) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method == "conversations.create" {
		return s.create(form.Get("name"), form.Get("is_private") == "true")
	}
	ch, ok := s.channels[form.Get("channel")]
	if !ok {
		return slackError("channel_not_found")
	}
	botIn := slices.Contains(ch.Members, BotUser)
	switch {
	case method == "conversations.archive" && ch.Archived:
		return slackError("already_archived")
	case ch.Archived:
		return slackError("is_archived")
	case method == "conversations.join" && ch.Private:
		return slackError("method_not_supported_for_channel_type")
	case method == "conversations.join":
		if botIn {
			return map[string]any{"ok": true, "channel": channelJSON(ch), "warning": "already_in_channel"}
		}
		ch.Members = insert(ch.Members, BotUser)
		return map[string]any{"ok": true, "channel": channelJSON(ch)}
	case !botIn:
		return slackError("not_in_channel")
	case method == "conversations.archive":
		ch.Archived = true
		return map[string]any{"ok": true}
	}
	return s.membership(method, ch, form)
}

// membership answers conversations.invite and conversations.kick in a
// channel the bot is in.
func (s *Server) membership(method string, ch *Channel, form url.Values) map[string]any {
	if method == "conversations.invite" {
		user := form.Get("users")
		switch {
		case user == BotUser:
			return slackError("cant_invite_self")
		case slices.Contains(ch.Members, user):
			return slackError("already_in_channel")
		}
		ch.Members = insert(ch.Members, user)
		return map[string]any{"ok": true, "channel": channelJSON(ch)}
	}
	user := form.Get("user")
	switch {
	case user == BotUser:
		return slackError("cant_kick_self")
	case !slices.Contains(ch.Members, user):
		return slackError("not_in_channel")
	}
	ch.Members = slices.DeleteFunc(ch.Members, func(m string) bool { return m == user })
	return map[string]any{"ok": true, "errors": map[string]any{}}
}

// create answers conversations.create: the name is checked as Slack
// does, and taken when any channel has it, archived ones included.
func (s *Server) create(name string, private bool) map[string]any {
	switch {
	case name == "":
		return slackError("invalid_name_required")
	case len(name) > 80:
		return slackError("invalid_name_maxlength")
	case !validName.MatchString(name):
		return slackError("invalid_name_specials")
	}
	for _, ch := range s.channels {
		if ch.Name == name {
			return slackError("name_taken")
		}
	}
	id := s.addChannel(name, private, BotUser)
	return map[string]any{"ok": true, "channel": channelJSON(s.channels[id])}
}

func channelJSON(ch *Channel) map[string]any {
	return map[string]any{"id": ch.ID, "name": ch.Name, "is_channel": true, "is_private": ch.Private,
		"is_archived": ch.Archived, "is_member": slices.Contains(ch.Members, BotUser)}
}

func slackError(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

func insert(members []string, user string) []string {
	out := append(slices.Clone(members), user)
	slices.Sort(out)
	return out
}
