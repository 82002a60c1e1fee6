package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// AskLimits bound what answering with a model costs.
type AskLimits struct {
	// PerHour is how many questions a member may ask the model an hour
	// (20); beyond, they are answered without it.
	PerHour int
	// DailyTokens is the network's token budget a day (500,000).
	DailyTokens int
	// Timeout bounds one answer, tool calls included (45 s).
	Timeout time.Duration
	// MaxToolCalls bounds the tool calls of one answer (8).
	MaxToolCalls int
}

func (l AskLimits) withDefaults() AskLimits {
	if l.PerHour <= 0 {
		l.PerHour = 20
	}
	if l.DailyTokens <= 0 {
		l.DailyTokens = 500_000
	}
	if l.Timeout <= 0 {
		l.Timeout = 45 * time.Second
	}
	if l.MaxToolCalls <= 0 {
		l.MaxToolCalls = 8
	}
	return l
}

// Limits of a conversation given to the model.
const (
	historyTurns = 20
	historyChars = 16_000 // about 4,000 tokens: the oldest turns go first
	maxQuestion  = 4_000
	maxAnswer    = 6_000
)

// ActionConfirmProposal runs an action the assistant proposed; its value
// is "proposal:user", and only that user may press it.
const ActionConfirmProposal = "ask.confirm"

// answerWithModel answers with the model and its tools, when one is
// configured, the member and the network are within their limits, and
// the model answers in time; ok is false otherwise, for the answer
// without a model.
func (s *Service) answerWithModel(ctx context.Context, m *Member, p *i18n.Printer, text string, thread ThreadRef, stream func(string)) (*Response, bool) {
	if s.answerer == nil || strings.TrimSpace(text) == "" {
		return nil, false
	}
	now := s.now()
	asks, _, err := s.store.CountAsks(ctx, m.UserID, now.Add(-time.Hour))
	if err != nil || asks >= s.askLimits.PerHour {
		return nil, false
	}
	local := now.In(s.zone)
	if _, tokens, err := s.store.CountAsks(ctx, m.UserID, time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.zone)); err != nil || tokens >= s.askLimits.DailyTokens {
		return nil, false
	}
	history, err := s.store.ThreadTurns(ctx, thread, m.UserID, historyTurns)
	if err != nil {
		return nil, false
	}
	call := &askCall{m: m, p: p}
	q, cleaner := s.question(call, p, budgeted(history), truncate(text, maxQuestion), stream)
	actx, cancel := context.WithTimeout(ctx, s.askLimits.Timeout)
	ans, err := s.answerer.Answer(actx, q)
	cancel()
	if cleaner != nil && err == nil {
		cleaner.flush()
	}
	if err != nil {
		s.logger.WarnContext(ctx, "ask: model failed, answered without it", "slack_user", m.UserID, "err", err, "tools_unsupported", errors.Is(err, ErrToolsUnsupported))
		return nil, false
	}
	clean := cleanAnswer(ans.Text, s.publicURL, s.appURL)
	if err := s.store.RecordAsk(ctx, m.UserID, ans.PromptTokens+ans.CompletionTokens, now); err != nil {
		s.logger.ErrorContext(ctx, "ask: not recorded", "err", err)
	}
	if err := s.store.AddTurns(ctx, thread, m.UserID, Turn{Role: "user", Text: q.Text}, Turn{Role: "assistant", Text: clean}); err != nil {
		s.logger.ErrorContext(ctx, "ask: turns not kept", "err", err)
	}
	return s.modelResponse(ctx, call, p, clean), true
}

// question builds what the model is given, its tools run as the member,
// and the cleaner its stream goes through (nil without a stream).
func (s *Service) question(call *askCall, p *i18n.Printer, history []Turn, text string, stream func(string)) (*Question, *streamCleaner) {
	tools := s.askTools()
	q := &Question{Lang: p.Lang(), History: history, Text: text, MaxToolCalls: s.askLimits.MaxToolCalls}
	for _, name := range sortedKeys(tools) {
		q.Tools = append(q.Tools, tools[name].spec)
	}
	q.Call = func(ctx context.Context, name string, args json.RawMessage) (json.RawMessage, error) {
		t := tools[name]
		if t == nil {
			return nil, fmt.Errorf("unknown tool %q", truncate(name, 40))
		}
		out, err := t.run(ctx, call, args)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
	if stream == nil {
		return q, nil
	}
	cleaner := newStreamCleaner(stream, s.publicURL, s.appURL)
	q.Stream = cleaner.write
	return q, cleaner
}

func sortedKeys(m map[string]*askTool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// budgeted keeps the latest turns that fit historyChars.
func budgeted(turns []Turn) []Turn {
	total := 0
	for i := len(turns) - 1; i >= 0; i-- {
		total += utf8.RuneCountInString(turns[i].Text)
		if total > historyChars {
			return turns[i+1:]
		}
	}
	return turns
}

// modelResponse shows the model's cleaned answer, labelled, with a
// confirmation for each action it proposed.
func (s *Service) modelResponse(ctx context.Context, call *askCall, p *i18n.Printer, text string) *Response {
	r := &Response{}
	for _, para := range strings.Split(text, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			r.Sections = append(r.Sections, Paragraph(Text(para)))
		}
	}
	for _, prop := range call.proposals {
		if err := s.store.SaveProposal(ctx, prop); err != nil {
			s.logger.ErrorContext(ctx, "ask: proposal not kept", "err", err)
			continue
		}
		r.Sections = append(r.Sections, Section{Body: []Span{Text(prop.Summary)}, Buttons: []Button{{ActionID: ActionConfirmProposal,
			Value: strconv.FormatInt(prop.ID, 10) + ":" + string(prop.User), Label: p.T("ask.confirm.button"), Style: ButtonPrimary}}})
	}
	r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("ask.label.generated"))}})
	return r
}

// confirmProposal runs a proposed action when the member it was proposed
// to clicks: anyone else is refused and the proposal stays. It runs as
// the typed command would, through Handle.
func (s *Service) confirmProposal(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	idText, user, ok := strings.Cut(a.Value, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	if UserID(user) != m.UserID {
		return nil, Errorf(EFORBIDDEN, "ask.error.not_yours")
	}
	prop, err := s.store.TakeProposal(ctx, id, m.UserID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EFORBIDDEN, "ask.error.not_yours")
	}
	if err != nil {
		return nil, err
	}
	return s.Handle(ctx, &Request{Kind: KindSlash, Text: prop.Action + " " + strings.Join(prop.Args, " "),
		User: User{ID: m.UserID}, ChannelID: a.ChannelID}), nil
}

// askFeature is the confirmation button of proposed actions.
func (s *Service) askFeature() feature {
	return feature{actions: []*ActionHandler{{ID: ActionConfirmProposal, Run: s.confirmProposal}}}
}
