package commands

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the facilitators' side of working groups: create one with
// its channel, archive it, name its leads; and a group's details.

// Group form ids and fields.
const (
	FormGroup          = "group"
	FormGroupMeeting   = "group.meeting"
	fieldGroupName     = "group_name"
	fieldGroupSlug     = "group_slug"
	fieldGroupDesc     = "group_description"
	fieldGroupPrivacy  = "group_privacy"
	fieldGroupChannel  = "group_channel"
	maxGroupName       = 80
	maxGroupSlug       = 40
	maxGroupDesc       = 1000
	groupPrivate       = "private"
	groupPublic        = "public"
	maxShownGroupUsers = 40
)

// slugPattern is a group's short name: what members type and the
// channel's name, so Slack's rules for names hold (lower case, no spaces).
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// groupCmd is /cercle groupe <groupe> | nouveau | archiver <groupe> |
// animateurs <groupe> @membre… | reunion <groupe>.
func (s *Service) groupCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return nil, Errorf(EINVALID, "group.error.usage")
	}
	verb, rest := strings.ToLower(c.Args[0]), c.Args[1:]
	staffOnly := func() error { return allow(c.Member, (*Member).IsFacilitator, "error.forbidden.facilitator") }
	switch {
	case verb == "nouveau" || verb == "new":
		if err := staffOnly(); err != nil {
			return nil, err
		}
		return &Response{Form: groupForm(c.P)}, nil
	case (verb == "archiver" || verb == "archive") && len(rest) == 1:
		if err := staffOnly(); err != nil {
			return nil, err
		}
		return s.archiveGroup(ctx, c, rest[0])
	case (verb == "animateurs" || verb == "leads") && len(rest) >= 2:
		if err := staffOnly(); err != nil {
			return nil, err
		}
		return s.setGroupLeads(ctx, c, rest[0], rest[1:])
	case (verb == "reunion" || verb == "réunion" || verb == "meeting") && len(rest) == 1:
		return s.groupMeetingForm(ctx, c, rest[0])
	case len(c.Args) == 1 && !isGroupVerb(verb):
		return s.groupDetails(ctx, c, c.Args[0])
	}
	return nil, Errorf(EINVALID, "group.error.usage")
}

func isGroupVerb(w string) bool {
	switch w {
	case "nouveau", "new", "archiver", "archive", "animateurs", "leads", "reunion", "réunion", "meeting":
		return true
	}
	return false
}

// groupForm asks for a new group.
func groupForm(p *i18n.Printer) *Form {
	return &Form{ID: FormGroup, Title: p.T("group.form.title"), Submit: p.T("group.form.submit"), Fields: []Field{
		{ID: fieldGroupName, Label: p.T("group.field.name"), Placeholder: p.T("group.field.name.placeholder"), MaxLength: maxGroupName},
		{ID: fieldGroupSlug, Label: p.T("group.field.slug"), Hint: p.T("group.field.slug.hint"), MaxLength: maxGroupSlug},
		{ID: fieldGroupDesc, Label: p.T("group.field.description"), Kind: FieldLongText, Optional: true, MaxLength: maxGroupDesc},
		{ID: fieldGroupPrivacy, Label: p.T("group.field.privacy"), Kind: FieldSelect, Value: groupPublic, Options: []Option{
			{Value: groupPublic, Label: p.T("group.privacy.public")}, {Value: groupPrivate, Label: p.T("group.privacy.private")}}},
		{ID: fieldGroupChannel, Label: p.T("group.field.channel"), Hint: p.T("group.field.channel.hint"), Kind: FieldChannel, Optional: true},
	}}
}

// parseGroup validates the group form.
func parseGroup(values map[string]string, p *i18n.Printer) (*Group, FieldErrors) {
	g := &Group{
		Name:        cleanLine(values[fieldGroupName]),
		Slug:        strings.TrimSpace(values[fieldGroupSlug]),
		Description: cleanText(values[fieldGroupDesc]),
		Private:     values[fieldGroupPrivacy] == groupPrivate,
		Channel:     ChannelID(strings.TrimPrefix(strings.TrimSpace(values[fieldGroupChannel]), "#")),
	}
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(g.Name); {
	case n == 0:
		errs[fieldGroupName] = p.T("group.error.name_required")
	case n > maxGroupName:
		errs[fieldGroupName] = p.T("event.error.too_long", maxGroupName)
	}
	if !slugPattern.MatchString(g.Slug) || len(g.Slug) < 2 || len(g.Slug) > maxGroupSlug {
		errs[fieldGroupSlug] = p.T("group.error.slug_format", slugify(g.Name))
	}
	if utf8.RuneCountInString(g.Description) > maxGroupDesc {
		errs[fieldGroupDesc] = p.T("event.error.too_long", maxGroupDesc)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return g, nil
}

// slugify proposes a short name from a group's name.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range fold(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > maxGroupSlug {
		s = strings.TrimSuffix(s[:maxGroupSlug], "-")
	}
	if len(s) < 2 {
		return "groupe"
	}
	return s
}

// submitGroup creates a group: its channel first (created, or an existing
// one the bot joins), then the group, with the facilitator as its lead.
func (s *Service) submitGroup(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	g, fe := parseGroup(sub.Values, p)
	if fe != nil {
		return nil, fe
	}
	if _, err := s.store.FindGroupBySlug(ctx, g.Slug); err == nil {
		return nil, FieldErrors{fieldGroupSlug: p.T("group.error.slug_taken", g.Slug)}
	} else if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	// The name is checked before the channel is made: a channel made for
	// a group refused afterwards would stay in Slack, its name taken.
	if taken, err := s.groupNameTaken(ctx, g.Name); err != nil || taken {
		if err == nil {
			err = FieldErrors{fieldGroupName: p.T("group.error.name_taken", g.Name)}
		}
		return nil, err
	}
	if g.Channel != "" {
		// One channel is one group's: the store would refuse it as a
		// conflict on no field the facilitator could fix.
		if other, err := s.store.FindGroupByChannel(ctx, g.Channel); err == nil {
			return nil, FieldErrors{fieldGroupChannel: p.T("group.error.channel_taken", other.Name)}
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	if err := s.groupChannel(ctx, g, p); err != nil {
		return nil, err
	}
	g.CreatedBy, g.CreatedAt = m.UserID, s.now()
	err := s.store.CreateGroup(ctx, g, []UserID{m.UserID})
	var e *Error
	if errors.As(err, &e) && e.Code == ECONFLICT {
		return nil, FieldErrors{fieldGroupName: p.T(e.Key, e.Args...)}
	}
	if err != nil {
		return nil, err
	}
	if g.ChannelCreated {
		_ = s.channelStep(ctx, g, m, func(ctx context.Context) error { return s.channels.Invite(ctx, g.Channel, m.UserID) })
	}
	body := []Span{Text(p.T("group.created", g.Name) + " ")}
	if g.Channel != "" {
		body = append(body, ChannelLink(g.Channel, g.Slug), Text(" · "))
	}
	body = append(body, Text(p.T("group.created.join")+" "), Code("/cercle rejoindre "+g.Slug))
	return &Response{Sections: []Section{Paragraph(body...)}}, nil
}

// groupNameTaken reports whether a group, archived or not, has name,
// compared as the store compares it: ignoring case, accents kept.
func (s *Service) groupNameTaken(ctx context.Context, name string) (bool, error) {
	groups, err := s.store.FindGroups(ctx, GroupFilter{Archived: true})
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(groups, func(g *Group) bool { return strings.EqualFold(g.Name, name) }), nil
}

// groupChannel gives g its channel: the one chosen, which the bot joins,
// or a new one named after the short name. A refusal is shown on the
// form's field it concerns.
func (s *Service) groupChannel(ctx context.Context, g *Group, p *i18n.Printer) error {
	if s.channels == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, channelCallTimeout)
	defer cancel()
	field, err := fieldGroupChannel, error(nil)
	if g.Channel != "" {
		err = s.channels.JoinChannel(ctx, g.Channel)
	} else {
		field = fieldGroupSlug
		g.Channel, err = s.channels.CreateChannel(ctx, g.Slug, g.Private)
		g.ChannelCreated = err == nil
	}
	var ce *ChannelError
	switch {
	case err == nil || errors.As(err, &ce) && ce.Refusal == RefusedAlreadyIn:
		return nil
	case ce == nil:
		ce = &ChannelError{Refusal: RefusedOther}
	}
	s.logger.WarnContext(ctx, "group channel refused", "group", g.Slug, "err", err)
	if ce.Refusal == RefusedRateLimited {
		return FieldErrors{field: p.T("channel.refused.rate_limited", max(1, int(ce.RetryAfter.Seconds())))}
	}
	if ce.Refusal == RefusedNameTaken {
		return FieldErrors{field: p.T("group.channel.name_taken", g.Slug)}
	}
	// The other sentences take no argument: one would show as %!(EXTRA …).
	return FieldErrors{field: p.T("group.channel." + string(ce.Refusal))}
}
