package commands

import "regexp"

// linkLike matches what a reader's client would turn into a link: URLs,
// bare web addresses (evil.example.com/x: Slack links those too), and
// Slack's <…> link and mention syntax. An address stops at < or >, so
// what follows it is matched, and judged, on its own.
var linkLike = regexp.MustCompile(`(?i)<[^>]*>|\b(?:https?|ftp|slack)://[^\s<>]+|\bwww\.[^\s<>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|fr|net|org|io|co|ly|me|info|biz|xyz|app|dev)(?:/[^\s<>]*)?`)

// replaceLinks replaces each link in text (linkLike) with "…", but those
// keep allows (nil keeps none). Untrusted text, a model's or a member's,
// goes through this one place, so what counts as a link is the same for
// every reader.
func replaceLinks(text string, keep func(link string) bool) string {
	return linkLike.ReplaceAllStringFunc(text, func(u string) string {
		if keep != nil && keep(u) {
			return u
		}
		return "…"
	})
}
