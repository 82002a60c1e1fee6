package commands

import "context"

// SaveThreadContext records the channel a member was looking at when they
// opened an assistant thread, or moved to while it was open: Slack sends
// it only with assistant_thread_started and _context_changed, never with
// the messages that follow.
func (s *Service) SaveThreadContext(ctx context.Context, thread ThreadRef, user UserID, channel ChannelID) error {
	return s.store.SaveThreadContext(ctx, thread, user, channel)
}

// IsCommand reports whether text, typed to the bot in a mention or a DM,
// runs a command (Handle) rather than being a question for the assistant
// (Ask): the transport then gives it a database turn, not a model turn.
// Text that does not parse is a command: Handle says what is wrong.
func (s *Service) IsCommand(text string) bool {
	name, _, err := ParseCommandLine(text)
	if err != nil {
		return true
	}
	return name != "" && s.byName[name] != nil
}
