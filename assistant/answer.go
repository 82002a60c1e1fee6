package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"cercle/commands"

	openai "github.com/sashabaranov/go-openai"
)

var _ commands.Answerer = (*Answerer)(nil)

const (
	// DefaultMaxToolCalls bounds the tool calls of one answer when the
	// question sets no bound.
	DefaultMaxToolCalls = 8
	// maxAnswerRunes caps the text of an answer, streamed or not.
	maxAnswerRunes = 12_000
)

// ToolMetrics is what a Metrics may also implement to count the tools the
// model calls. It is apart from Metrics so that implementations written
// before it still satisfy Metrics.
type ToolMetrics interface {
	// ToolCall records one tool call the model made: name is one of the
	// question's tools, or "unknown" for a name the model made up (so a
	// model cannot grow the series without bound).
	ToolCall(name string)
}

// Answerer answers a member's question with a language model that reads
// the network through the question's tools. It implements
// commands.Answerer.
type Answerer struct {
	backend
}

// NewAnswerer returns an Answerer for cfg, the same Config as the
// Summarizer's (MaxInputTokens aside: the core cuts the history). It makes
// no call: a wrong key or model shows at the first question.
func NewAnswerer(cfg Config) (*Answerer, error) {
	b, err := newBackend(cfg)
	if err != nil {
		return nil, err
	}
	return &Answerer{backend: b}, nil
}

// Answer asks the model q, runs the tools it calls through q.Call and
// gives their results back, until the model answers without calling a
// tool. Past q.MaxToolCalls calls, it asks once more for an answer with
// tools off. The text is the model's, unchecked and uncleaned: every
// round's text in order, the same as what q.Stream received. A server
// that refuses tools gives an error wrapping commands.ErrToolsUnsupported.
func (a *Answerer) Answer(ctx context.Context, q *commands.Question) (*commands.Answer, error) {
	if q == nil || strings.TrimSpace(q.Text) == "" {
		return nil, errors.New("answer: no question")
	}
	if len(q.Tools) > 0 && q.Call == nil {
		return nil, errors.New("answer: tools without Call")
	}
	c := newConversation(q)
	c.out.Model = a.model
	for {
		final := c.out.ToolCalls >= c.limit
		r, err := a.turn(ctx, a.answerRequest(c, final), c)
		if err != nil {
			return nil, fmt.Errorf("answer after %d tool calls: %w", c.out.ToolCalls, toolsRefused(err))
		}
		c.out.Model = or(r.model, c.out.Model)
		c.out.PromptTokens += r.usage.PromptTokens
		c.out.CompletionTokens += r.usage.CompletionTokens
		if len(r.calls) == 0 || final {
			if strings.TrimSpace(c.text.String()) == "" {
				return nil, fmt.Errorf("answer after %d tool calls: %w", c.out.ToolCalls, ErrEmptyAnswer)
			}
			c.out.Text = c.text.String()
			return c.out, nil
		}
		a.runTools(ctx, c, r.calls)
		if c.out.ToolCalls >= c.limit {
			c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: c.prompts.answerFinal})
		}
	}
}

// ErrEmptyAnswer reports a model that ended its answer without a word.
var ErrEmptyAnswer = errors.New("the model's answer is empty")

// conversation is the state of one answer: the messages so far, the text
// written so far, and what it cost.
type conversation struct {
	q       *commands.Question
	prompts *prompts
	msgs    []openai.ChatCompletionMessage
	tools   []openai.Tool
	known   map[string]bool // the tools' names
	limit   int
	out     *commands.Answer

	text  strings.Builder // every round's text, as streamed
	runes int
	round string // this round's text, echoed with its tool calls
	gap   bool   // a later round's text starts a new paragraph
	seq   int    // tool calls numbered, for those without an ID
}

// newConversation starts with the system prompt, the history as user
// and assistant messages, then the question.
func newConversation(q *commands.Question) *conversation {
	c := &conversation{q: q, prompts: promptsFor(q.Lang), limit: q.MaxToolCalls, out: &commands.Answer{}, known: map[string]bool{}}
	if c.limit <= 0 {
		c.limit = DefaultMaxToolCalls
	}
	c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: c.prompts.answer})
	for _, t := range q.History {
		if strings.TrimSpace(t.Text) == "" {
			continue // Mistral refuses an assistant message without content
		}
		role := openai.ChatMessageRoleUser
		if t.Role == "assistant" {
			role = openai.ChatMessageRoleAssistant
		}
		c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: role, Content: t.Text})
	}
	c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: q.Text})
	for _, t := range q.Tools {
		params := t.Parameters
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		c.tools = append(c.tools, openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: t.Name, Description: t.Description, Parameters: params,
		}})
		c.known[t.Name] = true
	}
	return c
}

// write adds a piece of the answer's text and streams it, up to
// maxAnswerRunes in all.
func (c *conversation) write(s string) {
	if s == "" || c.runes >= maxAnswerRunes {
		return
	}
	if c.gap {
		s, c.gap = "\n\n"+s, false
	}
	if n := utf8.RuneCountInString(s); c.runes+n > maxAnswerRunes {
		s = string([]rune(s)[:maxAnswerRunes-c.runes])
	}
	c.runes += utf8.RuneCountInString(s)
	c.text.WriteString(s)
	c.round += s
	if c.q.Stream != nil {
		c.q.Stream(s)
	}
}

// endRound marks the end of a model call's text.
func (c *conversation) endRound() {
	c.gap = c.text.Len() > 0
	c.round = ""
}

// answerRequest returns the next call's request: only fields every
// compatible server knows (see Summarizer.request), and tool_choice
// "none" for the last call, past the bound on tool calls.
func (a *Answerer) answerRequest(c *conversation, final bool) openai.ChatCompletionRequest {
	req := a.shape(openai.ChatCompletionRequest{Messages: slices.Clip(c.msgs), Stream: c.q.Stream != nil})
	if len(c.tools) > 0 {
		req.Tools = c.tools
		req.ToolChoice = "auto"
		if final {
			req.ToolChoice = "none"
		}
	}
	return req
}

// runTools echoes the model's message with its tool calls, then gives one
// tool message per call: the tool's JSON result, or {"error": …}. Calls
// past the bound are not run, but still answered, as every call must be.
func (a *Answerer) runTools(ctx context.Context, c *conversation, calls []openai.ToolCall) {
	for i := range calls {
		c.seq++
		if calls[i].ID == "" {
			calls[i].ID = fmt.Sprintf("call_cercle_%d", c.seq)
		}
		calls[i].Type = openai.ToolTypeFunction // go-openai writes "type" even when empty
		calls[i].Index = nil
		if strings.TrimSpace(calls[i].Function.Arguments) == "" {
			calls[i].Function.Arguments = "{}"
		}
	}
	c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: c.round, ToolCalls: calls})
	c.endRound()
	for _, tc := range calls {
		content := toolError("tool call limit reached: answer with what you have")
		if c.out.ToolCalls < c.limit {
			c.out.ToolCalls++
			content = a.runTool(ctx, c, tc)
		}
		c.msgs = append(c.msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: tc.ID, Content: content})
	}
}

// runTool runs one call through the question's Call and returns what the
// model is told.
func (a *Answerer) runTool(ctx context.Context, c *conversation, tc openai.ToolCall) string {
	name := "unknown"
	if c.known[tc.Function.Name] {
		name = tc.Function.Name
	}
	if tm, ok := a.metrics.(ToolMetrics); ok {
		tm.ToolCall(name)
	}
	args := json.RawMessage(tc.Function.Arguments)
	if !json.Valid(args) {
		return toolError("arguments are not valid JSON")
	}
	out, err := c.q.Call(ctx, tc.Function.Name, args)
	if err != nil {
		return toolError(err.Error())
	}
	if len(out) == 0 {
		return "null"
	}
	return string(out)
}

func toolError(msg string) string {
	b, _ := json.Marshal(map[string]string{"error": msg}) // a string map always encodes
	return string(b)
}

// toolsRefused wraps err in commands.ErrToolsUnsupported when the server
// refused the request for its tools: Ollama's "… does not support tools",
// vLLM's "auto" tool choice needing a flag, and their kin.
func toolsRefused(err error) error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status, msg := 0, ""
	switch {
	case errors.As(err, &apiErr):
		status, msg = apiErr.HTTPStatusCode, apiErr.Message
	case errors.As(err, &reqErr):
		status, msg = reqErr.HTTPStatusCode, string(reqErr.Body)
	}
	if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		return err
	}
	msg = strings.ToLower(msg)
	for _, s := range []string{"does not support tool", "not support tool", "tools is not supported", "tools are not supported",
		"tool_choice", "tool choice", "tool use is not supported", "function calling is not supported"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %w", commands.ErrToolsUnsupported, err)
		}
	}
	return err
}
