package commands

import (
	"context"
)

// Ask answers a message that is no command (a mention, a DM, a message in
// the assistant panel): with the model and its tools when one is
// configured and within its limits, else from the commands' own words.
// thread names the conversation, whose earlier turns the model is given;
// stream, when set, receives the answer as the model writes it.
func (s *Service) Ask(ctx context.Context, req *Request, thread ThreadRef, stream func(delta string)) *Response {
	m, err := s.member(ctx, req.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	if resp, ok := s.answerWithModel(ctx, m, p, req.Text, thread, stream); ok {
		return resp
	}
	resp, err := s.answerWithoutModel(ctx, m, p, req.Text)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	return resp
}
