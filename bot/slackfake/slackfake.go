// Package slackfake is a fake Slack for tests and load runs: slack-go's
// slacktest server with the Web API methods Cercle calls (and slacktest
// lacks or cannot observe) answered in Slack's real shapes and recorded,
// failures scripted per method, a response_url endpoint, and a Socket Mode
// WebSocket that a test can push envelopes into and read acks from.
package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"
)

// Uploads returns the files uploaded, by name, with their content.
func (s *Server) Uploads() map[string]string {
	out := map[string]string{}
	for _, c := range s.Calls("upload") {
		// The content is the body of the upload request, possibly wrapped
		// in a multipart form: keep it whole, tests look for substrings.
		out[c.Query.Get("name")] = c.Body
	}
	return out
}

// Call is one recorded request to the fake.
type Call struct {
	Method string
	Form   url.Values // form-encoded Web API arguments
	Body   string     // raw body (JSON for response_url and views.*)
	Query  url.Values
	Path   string // the URL path: tells response_urls apart
	At     time.Time
}

// Reply is a scripted answer: a status, an optional Retry-After and body.
type Reply struct {
	Status     int
	RetryAfter string
	Body       string
	// Block, when set, makes the handler wait until it is closed (or the
	// client gives up), to simulate a hung Slack.
	Block chan struct{}
	// Lost carries the call out (a message is posted) but never answers
	// it, as when the network drops Slack's answer.
	Lost bool
}

// Server is a running fake Slack.
type Server struct {
	*slacktest.Server
	mu       sync.Mutex
	calls    []Call
	scripts  map[string][]Reply
	userInfo func(id string) (map[string]any, time.Duration)
	members  []map[string]any // users.list
	posted   []postedMessage  // chat.postMessage, answered: what conversations.history shows
	channels map[string]*Channel
	sockets  chan *websocket.Conn
	stopped  chan struct{}
	stopOnce sync.Once
}

// Start starts a fake Slack; call Stop when done.
func Start() *Server {
	s := &Server{scripts: map[string][]Reply{}, channels: map[string]*Channel{},
		sockets: make(chan *websocket.Conn, 4), stopped: make(chan struct{})}
	s.userInfo = defaultUser
	methods := []string{"chat.postMessage", "chat.postEphemeral", "chat.update", "conversations.open",
		"views.open", "views.publish", "views.update", "users.info", "auth.test",
		"files.getUploadURLExternal", "files.completeUploadExternal", "users.list", "conversations.history",
		"conversations.create", "conversations.join", "conversations.invite", "conversations.kick", "conversations.archive"}
	methods = append(methods, assistantMethods...)
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, m := range methods {
			c.Handle("/"+m, s.handler(m))
		}
		c.Handle("/response/", s.handler("response_url"))
		c.Handle("/upload/", s.handler("upload"))
		c.Handle("/ws", slacktest.Websocket(func(conn *websocket.Conn) {
			// The test owns the connection from here; keep it open until
			// the fake stops.
			s.sockets <- conn
			<-s.stopped
		}))
	})
	s.Server.Start()
	return s
}

// Stop closes the open sockets and stops the server.
func (s *Server) Stop() {
	s.stopOnce.Do(func() { close(s.stopped) })
	s.Server.Stop()
}

// APIURL is the value for slack.OptionAPIURL (with its trailing slash).
func (s *Server) APIURL() string { return s.GetAPIURL() }

// ResponseURL returns a response_url served by the fake.
func (s *Server) ResponseURL(name string) string {
	return strings.TrimSuffix(s.GetAPIURL(), "/") + "/response/" + name
}

// Script queues replies for a method; once they are used up the method
// answers normally again.
func (s *Server) Script(method string, replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[method] = append(s.scripts[method], replies...)
}

// SetUsers sets what users.list answers.
func (s *Server) SetUsers(users ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members = users
}

// SetUserInfo replaces how users.info answers: the user object and a delay.
func (s *Server) SetUserInfo(f func(id string) (map[string]any, time.Duration)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userInfo = f
}

// Calls returns the recorded calls to method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called n times, or the timeout.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) []Call {
	deadline := time.Now().Add(timeout)
	for {
		calls := s.Calls(method)
		if len(calls) >= n || time.Now().After(deadline) {
			return calls
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// NextSocket returns the next Socket Mode connection a client opens.
func (s *Server) NextSocket(timeout time.Duration) (*websocket.Conn, error) {
	select {
	case c := <-s.sockets:
		return c, nil
	case <-time.After(timeout):
		return nil, fmt.Errorf("no socket mode connection within %s", timeout)
	}
}

func (s *Server) handler(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form := parseArgs(r.Header.Get("Content-Type"), body)
		s.mu.Lock()
		var reply *Reply
		if q := s.scripts[method]; len(q) > 0 {
			reply, s.scripts[method] = &q[0], q[1:]
		}
		s.calls = append(s.calls, Call{Method: method, Form: form, Body: string(body), Query: r.URL.Query(), Path: r.URL.Path, At: time.Now()})
		s.mu.Unlock()
		if reply != nil && s.scripted(w, r, reply) {
			return
		}
		if method == "upload" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "OK")
			return
		}
		out, ok := s.answer(r, method, form)
		if !ok {
			return // the caller hung up
		}
		if reply != nil && reply.Lost {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}
}

// scripted plays a scripted reply; it reports whether the reply was
// written (false: answer as usual).
func (s *Server) scripted(w http.ResponseWriter, r *http.Request, reply *Reply) bool {
	if reply.Block != nil {
		select {
		case <-reply.Block:
		case <-r.Context().Done():
			return true
		}
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	if reply.Status != 0 && reply.Status != http.StatusOK {
		w.WriteHeader(reply.Status)
		_, _ = io.WriteString(w, reply.Body)
		return true
	}
	if reply.Body != "" {
		_, _ = io.WriteString(w, reply.Body)
		return true
	}
	return false
}

// answer is what Slack answers to method, as JSON; ok is false when the
// caller hung up first.
func (s *Server) answer(r *http.Request, method string, form url.Values) (out any, ok bool) {
	switch method {
	case "chat.postMessage":
		return map[string]any{"ok": true, "channel": form.Get("channel"), "ts": s.post(form)}, true
	case "chat.update":
		return map[string]any{"ok": true, "channel": form.Get("channel"), "ts": fmt.Sprintf("%d.000100", time.Now().Unix())}, true
	case "conversations.history":
		return s.history(form), true
	case "chat.postEphemeral":
		return map[string]any{"ok": true, "message_ts": fmt.Sprintf("%d.000200", time.Now().Unix())}, true
	case "conversations.open":
		return map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(form.Get("users"), "U")}}, true
	case "views.open", "views.publish", "views.update":
		return map[string]any{"ok": true, "view": map[string]any{"id": "V0001"}}, true
	case "users.info":
		return s.userInfoAnswer(r, form.Get("user"))
	case "files.getUploadURLExternal":
		s.mu.Lock()
		id := fmt.Sprintf("F%04d", len(s.calls))
		s.mu.Unlock()
		return map[string]any{"ok": true, "file_id": id,
			"upload_url": strings.TrimSuffix(s.GetAPIURL(), "/") + "/upload/" + id + "?name=" + url.QueryEscape(form.Get("filename"))}, true
	case "files.completeUploadExternal":
		return map[string]any{"ok": true, "files": []map[string]any{{"id": "F1", "title": "file"}}}, true
	case "users.list":
		s.mu.Lock()
		members := s.members
		s.mu.Unlock()
		return map[string]any{"ok": true, "members": members, "response_metadata": map[string]any{"next_cursor": ""}}, true
	case "auth.test":
		return map[string]any{"ok": true, "url": WorkspaceURL, "team": "Cercle Test", "user": "cercle",
			"team_id": "T1", "user_id": BotUser, "bot_id": "B1"}, true
	case "conversations.create", "conversations.join", "conversations.invite", "conversations.kick", "conversations.archive":
		return s.conversations(method, form), true
	case "chat.startStream", "chat.appendStream", "chat.stopStream":
		return s.stream(method, form), true
	}
	return map[string]any{"ok": true}, true
}

func (s *Server) userInfoAnswer(r *http.Request, id string) (any, bool) {
	s.mu.Lock()
	userInfo := s.userInfo
	s.mu.Unlock()
	user, delay := userInfo(id)
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return nil, false
		}
	}
	if user == nil {
		return map[string]any{"ok": false, "error": "user_not_found"}, true
	}
	return map[string]any{"ok": true, "user": user}, true
}

// parseArgs reads Web API arguments, which slack-go sends form-encoded
// for most methods and as JSON for views.*: JSON values that are not
// strings are kept as their raw JSON.
func parseArgs(contentType string, body []byte) url.Values {
	if !strings.HasPrefix(contentType, "application/json") {
		form, _ := url.ParseQuery(string(body))
		return form
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return url.Values{}
	}
	form := url.Values{}
	for k, raw := range fields {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			form.Set(k, s)
		} else {
			form.Set(k, string(raw))
		}
	}
	return form
}

// defaultUser answers users.info like Slack for a French member.
func defaultUser(id string) (map[string]any, time.Duration) {
	return map[string]any{
		"id": id, "name": strings.ToLower(id), "real_name": "Membre " + id,
		"tz": "Europe/Paris", "locale": "fr-FR",
		"profile": map[string]any{"real_name": "Membre " + id},
	}, 0
}

// postedMessage is a message the fake accepted, as history returns it.
type postedMessage struct {
	channel, ts, text string
	metadata          json.RawMessage
	at                time.Time
}

// post records an accepted chat.postMessage and returns its ts, unique
// within the fake.
func (s *Server) post(form url.Values) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	ts := fmt.Sprintf("%d.%06d", now.Unix(), len(s.posted)+1)
	p := postedMessage{channel: form.Get("channel"), ts: ts, text: form.Get("text"), at: now}
	if md := form.Get("metadata"); md != "" && json.Valid([]byte(md)) {
		p.metadata = json.RawMessage(md)
	}
	s.posted = append(s.posted, p)
	return ts
}

// history answers conversations.history with the messages posted to the
// channel since "oldest", newest first, their metadata included when
// include_all_metadata is set, as Slack does.
func (s *Server) history(form url.Values) map[string]any {
	var oldest float64
	_, _ = fmt.Sscanf(form.Get("oldest"), "%f", &oldest)
	withMetadata := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs := []map[string]any{}
	for i := len(s.posted) - 1; i >= 0; i-- {
		p := s.posted[i]
		if p.channel != form.Get("channel") || float64(p.at.UnixNano())/1e9 < oldest {
			continue
		}
		m := map[string]any{"type": "message", "user": "UBOT", "bot_id": "B1", "text": p.text, "ts": p.ts}
		if withMetadata && p.metadata != nil {
			m["metadata"] = p.metadata
		}
		msgs = append(msgs, m)
	}
	return map[string]any{"ok": true, "messages": msgs, "has_more": false}
}

// Post records a message as if the bot had posted it, metadata (JSON)
// included: what Slack holds after a send whose answer was lost.
func (s *Server) Post(channel, text, metadata string) string {
	return s.post(url.Values{"channel": {channel}, "text": {text}, "metadata": {metadata}})
}
