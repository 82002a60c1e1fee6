// Package commands is Cercle's core: the domain types (members, roles,
// companies, outgoing messages), the use cases behind every /cercle
// subcommand, button and modal, and the small interfaces the core needs from
// the outside (Store, Notifier, Directory).
//
// It knows nothing about Slack or the terminal. A transport turns what a
// person did into a Request, Action or Submission, calls Service, and shows
// the Response it gets back; the same Response is a Block Kit message in
// Slack and plain text in the console. That is why this package may import
// only the standard library and cercle/i18n (a test enforces it).
package commands
