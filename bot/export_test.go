package bot

// BodyPeak returns the most body bytes held at once, for tests.
func (b *Bot) BodyPeak() int64 { return b.body.Peak() }
