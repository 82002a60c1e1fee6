package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	openai "github.com/sashabaranov/go-openai"
)

// errNoChoice reports a completion without any choice.
var errNoChoice = errors.New("no choice in the model's answer")

// turnReply is what one model call of an answer gave besides its text,
// which went to the conversation as it came.
type turnReply struct {
	calls []openai.ToolCall
	usage openai.Usage
	model string
}

// turn makes one model call of an answer, with the retries of backend:
// streamed when the question has a Stream, plain otherwise.
func (a *Answerer) turn(ctx context.Context, req openai.ChatCompletionRequest, c *conversation) (turnReply, error) {
	var r turnReply
	try := func(ctx context.Context) tried {
		var t tried
		r, t = a.complete(ctx, req, c)
		return t
	}
	if c.q.Stream != nil {
		try = func(ctx context.Context) tried {
			var t tried
			r, t = a.stream(ctx, req, c)
			return t
		}
	}
	if err := a.retry(ctx, try); err != nil {
		return turnReply{}, err
	}
	if r.usage.PromptTokens == 0 && r.usage.CompletionTokens == 0 {
		r.usage = estimate(req, c.round, r.calls)
	}
	return r, nil
}

// complete makes one plain call.
func (a *Answerer) complete(ctx context.Context, req openai.ChatCompletionRequest, c *conversation) (turnReply, tried) {
	resp, err := a.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return turnReply{}, tried{usage: resp.Usage, err: err}
	}
	if len(resp.Choices) == 0 {
		return turnReply{}, tried{usage: resp.Usage, err: errNoChoice, outcome: "bad_answer", final: true}
	}
	msg := resp.Choices[0].Message
	c.write(msg.Content)
	return turnReply{calls: msg.ToolCalls, usage: resp.Usage, model: resp.Model}, tried{usage: resp.Usage}
}

// stream makes one streamed call, passing its text on as it comes and
// gathering its tool calls. Once text has been shown, a failure is
// final: a retry would show it twice.
func (a *Answerer) stream(ctx context.Context, req openai.ChatCompletionRequest, c *conversation) (turnReply, tried) {
	var r turnReply
	s, err := a.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return r, tried{err: err}
	}
	defer s.Close()
	var calls toolCalls
	shown := false
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r, tried{usage: r.usage, err: err, final: shown}
		}
		if chunk.Usage != nil { // some servers send it unasked; it is never asked for
			r.usage = *chunk.Usage
		}
		r.model = or(chunk.Model, r.model)
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue // n is never set: only one choice is asked for
			}
			if ch.Delta.Content != "" {
				shown = true
				c.write(ch.Delta.Content)
			}
			for _, d := range ch.Delta.ToolCalls {
				calls.add(d)
			}
		}
	}
	r.calls = calls.list
	return r, tried{usage: r.usage}
}

// toolCalls reassembles tool calls streamed in fragments. OpenAI gives
// each fragment the call's index; some servers omit it and give the
// call's id instead (or repeat one call at several indexes: the id wins),
// and some give neither, in which case a fragment continues the last
// call.
type toolCalls struct {
	list    []openai.ToolCall
	byIndex map[int]int
	byID    map[string]int
}

func (t *toolCalls) add(d openai.ToolCall) {
	if t.byIndex == nil {
		t.byIndex, t.byID = map[int]int{}, map[string]int{}
	}
	i, found := -1, false
	if d.ID != "" {
		i, found = t.byID[d.ID]
	}
	if !found && d.Index != nil {
		i, found = t.byIndex[*d.Index]
	}
	if !found && d.Index == nil && d.ID == "" && len(t.list) > 0 {
		i, found = len(t.list)-1, true
	}
	if !found {
		i = len(t.list)
		t.list = append(t.list, openai.ToolCall{Type: openai.ToolTypeFunction})
	}
	if d.Index != nil {
		t.byIndex[*d.Index] = i
	}
	c := &t.list[i]
	if d.ID != "" {
		t.byID[d.ID] = i
		if c.ID == "" {
			c.ID = d.ID
		}
	}
	// A name comes whole, repeated by some servers, or in pieces.
	if n := d.Function.Name; n != "" && n != c.Function.Name {
		c.Function.Name += n
	}
	c.Function.Arguments += d.Function.Arguments
}

// estimate guesses a call's tokens, at four characters a token, when the
// server gave no count: a stream gives none unless asked with
// stream_options, which Mistral refuses. The core's daily budget needs a
// number.
func estimate(req openai.ChatCompletionRequest, text string, calls []openai.ToolCall) openai.Usage {
	in, _ := json.Marshal(req.Messages) // messages of strings always encode
	tools, _ := json.Marshal(req.Tools)
	out, _ := json.Marshal(calls)
	u := openai.Usage{PromptTokens: tokens(string(in)) + tokens(string(tools)), CompletionTokens: tokens(text)}
	if len(calls) > 0 {
		u.CompletionTokens += tokens(string(out))
	}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}
