package commands

import "context"

// expertRequestCmd is /cercle expert without one of the profile verbs: a
// member's confidential request for a meeting with an expert.
func (s *Service) expertRequestCmd(_ context.Context, _ *Call) (*Response, error) {
	return nil, Errorf(EINVALID, "expert.error.usage")
}
