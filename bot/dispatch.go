package bot

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"cercle/commands"
)

// This file is the one dispatch both Socket Mode and HTTP mode share: each
// function takes what Slack sent, the moment it arrived and an ack
// function, which it calls exactly once (nil for an empty ack). HTTP
// writes the payload as the response body; Socket Mode passes it to Ack.
// The functions run on the request's own goroutine (started by serveHTTP
// or dispatchSocket) and return when the work, its late answer included,
// is done; ctx is already detached from the request. Turns are taken as
// admission.go describes.

// slashCommand runs a /cercle command. Its answer goes in the ack when it
// is ready within the ack budget, the wait for a turn included; otherwise
// the ack says "working on it" and the answer goes to response_url.
func (b *Bot) slashCommand(ctx context.Context, cmd slack.SlashCommand, arrived time.Time, ack func(payload any)) {
	req := &commands.Request{
		Kind:      commands.KindSlash,
		Text:      cmd.Text,
		User:      commands.User{ID: commands.UserID(cmd.UserID), TeamID: cmd.TeamID, Name: cmd.UserName},
		ChannelID: commands.ChannelID(cmd.ChannelID),
	}
	// The "working on it" note is worded without a turn: it reads the
	// member's language, a cached lookup, and must not queue behind the
	// work it stands in for.
	a := b.newAcker(arrived, ack, func() any {
		b.metrics.Deferred("slash")
		return message(b.working(ctx, req.User))
	})
	defer a.stop()
	resp, view := b.coreStep(ctx, req.User, func(ctx context.Context) *commands.Response { return b.service.Handle(ctx, req) })
	if resp.Form != nil {
		// The form is the answer: ack empty, then open it while the
		// trigger lasts.
		a.answer(nil)
		b.openForm(ctx, arrived, cmd.TriggerID, view, req.User, cmd.ResponseURL)
		return
	}
	if !a.answer(message(resp)) {
		b.respond(ctx, cmd.ResponseURL, resp)
	}
}

// coreStep runs the core's part of a request with a database turn, and
// renders the form it answers with, if any, while it holds the turn (the
// form's wording reads the database). A request that got no turn in time
// is answered with the error sentence.
func (b *Bot) coreStep(ctx context.Context, u commands.User, run func(ctx context.Context) *commands.Response) (*commands.Response, slack.ModalViewRequest) {
	var (
		resp *commands.Response
		view slack.ModalViewRequest
	)
	err := b.step(ctx, classDB, func(ctx context.Context) {
		resp = run(ctx)
		if resp.Form != nil {
			view = b.formView(ctx, resp.Form, u)
		}
	})
	if err != nil {
		resp = b.service.ErrorResponse(ctx, u, err)
	}
	return resp, view
}

// working is the "working on it" answer.
func (b *Bot) working(ctx context.Context, u commands.User) *commands.Response {
	p := b.service.Printer(ctx, u)
	return &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text(p.T("bot.working")))}}
}

// interaction handles button presses and modal submissions.
func (b *Bot) interaction(ctx context.Context, cb *slack.InteractionCallback, arrived time.Time, ack func(payload any)) {
	user := commands.User{ID: commands.UserID(cb.User.ID), TeamID: cb.Team.ID, Name: cb.User.Name}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		b.submission(ctx, cb, user, arrived, ack)
	case slack.InteractionTypeBlockActions:
		// Slack takes no answer in a button's ack: ack now, answer after.
		ack(nil)
		for _, a := range cb.ActionCallback.BlockActions {
			if a.ActionID == feedbackActionID {
				// A thumb under a streamed answer: nothing to answer.
				b.logger.Info("assistant feedback", "slack_user", user.ID, "value", a.Value)
				continue
			}
			act := &commands.Action{
				ID:        a.ActionID,
				Value:     a.Value,
				User:      user,
				ChannelID: commands.ChannelID(cb.Channel.ID),
			}
			if act.Value == "" {
				act.Value = a.SelectedOption.Value
			}
			modal := ""
			if cb.View.Type == slack.VTModal {
				modal = cb.View.ID
			}
			b.action(ctx, act, arrived, cb.TriggerID, cb.ResponseURL, modal)
		}
	default:
		// view_closed, shortcuts and the rest need nothing but the ack.
		ack(nil)
	}
}

// action runs a button press in the core, then shows its answer: a form
// takes the place of the modal the button was in (modal, its view id), or
// opens on the trigger; a message goes to the response_url, or, for
// buttons on the Home tab (which have no response_url), to the member's DM.
func (b *Bot) action(ctx context.Context, act *commands.Action, arrived time.Time, trigger, responseURL, modal string) {
	resp, view := b.coreStep(ctx, act.User, func(ctx context.Context) *commands.Response { return b.service.Act(ctx, act) })
	switch {
	case resp.Form != nil && modal != "":
		b.replaceForm(ctx, modal, view, act.User)
	case resp.Form != nil:
		b.openForm(ctx, arrived, trigger, view, act.User, responseURL)
	case responseURL != "":
		b.respond(ctx, responseURL, resp)
	default:
		b.notify(ctx, act.User.ID, resp)
	}
}

// submission takes a filled-in form. Within the ack budget the ack carries
// the outcome (field errors, the result, or closing the modal); past it
// the modal is closed with an empty ack and the outcome goes by DM.
func (b *Bot) submission(ctx context.Context, cb *slack.InteractionCallback, user commands.User, arrived time.Time, ack func(payload any)) {
	sub := &commands.Submission{
		FormID: cb.View.CallbackID,
		State:  cb.View.PrivateMetadata,
		Values: formValues(cb.View.State),
		User:   user,
	}
	a := b.newAcker(arrived, ack, func() any {
		b.metrics.Deferred("submission")
		return nil
	})
	defer a.stop()
	var (
		resp    *commands.Response
		payload any
	)
	err := b.step(ctx, classDB, func(ctx context.Context) {
		resp = b.service.Submit(ctx, sub)
		payload = b.submissionAck(ctx, resp, user)
	})
	if err != nil {
		resp = b.service.ErrorResponse(ctx, user, err)
		payload = b.submissionAck(ctx, resp, user)
	}
	if a.answer(payload) {
		return
	}
	if late := lateSubmission(resp); late != nil {
		b.notify(ctx, user.ID, late)
	}
}

// submissionAck is the ack payload showing a submission's outcome.
func (b *Bot) submissionAck(ctx context.Context, resp *commands.Response, u commands.User) any {
	if len(resp.FieldErrors) > 0 {
		return slack.NewErrorsViewSubmissionResponse(resp.FieldErrors)
	}
	if resp.Title == "" && len(resp.Sections) == 0 {
		return slack.NewClearViewSubmissionResponse()
	}
	p := b.service.Printer(ctx, u)
	return slack.NewUpdateViewSubmissionResponse(resultView(resp, p.T("bot.close")))
}

// lateSubmission is what a member is told by DM of a submission whose
// modal closed before its outcome was known: the result, or the field
// errors to fix; nil when there is nothing to tell.
func lateSubmission(resp *commands.Response) *commands.Response {
	if len(resp.FieldErrors) == 0 {
		if resp.Title == "" && len(resp.Sections) == 0 {
			return nil
		}
		return resp
	}
	out := &commands.Response{}
	for _, id := range slices.Sorted(maps.Keys(resp.FieldErrors)) {
		out.Sections = append(out.Sections, commands.Paragraph(commands.Text(resp.FieldErrors[id])))
	}
	return out
}

// ackJSON encodes an ack payload as the HTTP response body.
func ackJSON(payload any) ([]byte, error) {
	if payload == nil {
		return nil, nil
	}
	return json.Marshal(payload)
}
