package commands

import (
	"context"
	"strings"
)

// rolesFeature is the admins' command to give roles.
func (s *Service) rolesFeature() feature {
	return feature{commands: []*Command{{
		Name: "role", Aliases: []string{"rôle"},
		Usage: "role.cmd.usage", Summary: "role.cmd.summary", Detail: "role.cmd.detail",
		Allowed: (*Member).IsAdmin,
		Run:     s.setRole,
	}}}
}

// setRole gives a member a role: /cercle role @membre animateur.
func (s *Service) setRole(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) != 2 {
		return nil, Errorf(EINVALID, "role.error.usage")
	}
	role, ok := ParseRole(c.Args[1])
	if !ok || role == RoleAdmin {
		return nil, Errorf(EINVALID, "role.error.unknown_role", truncate(c.Args[1], 30))
	}
	target, err := s.resolveMember(ctx, c.Args[0])
	if err != nil {
		return nil, err
	}
	if target.UserID == c.Member.UserID {
		return nil, Errorf(EINVALID, "role.error.self")
	}
	if target.Role == RoleAdmin {
		return nil, Errorf(ECONFLICT, "role.error.target_admin")
	}
	if target.Role == role {
		return &Response{Sections: []Section{Paragraph(
			Mention(target.UserID), Text(" "+c.P.T("role.already", c.P.T("role.name."+string(role)))),
		)}}, nil
	}
	if err := s.store.SetRole(ctx, c.Member.UserID, target.UserID, role); err != nil {
		return nil, err
	}
	return &Response{Sections: []Section{Paragraph(
		Mention(target.UserID), Text(" "+c.P.T("role.done", c.P.T("role.name."+string(role)))),
	)}}, nil
}

// resolveMember finds the member a person named in a command: a Slack
// mention, a user id, or an exact name. A user Cercle has not met yet is
// created, so an admin can give a role before the person's first command.
func (s *Service) resolveMember(ctx context.Context, ref string) (*Member, error) {
	if id, ok := ParseMention(ref); ok {
		m, err := s.store.FindMemberByUserID(ctx, id)
		if err == nil || ErrorCode(err) != ENOTFOUND {
			return m, err
		}
		if found, err := s.store.FindMembersByName(ctx, string(id)); err != nil {
			return nil, err
		} else if len(found) == 1 {
			return found[0], nil
		}
		if strings.HasPrefix(ref, "<@") {
			return s.member(ctx, User{ID: id})
		}
	}
	return nil, Errorf(ENOTFOUND, "member.error.not_found", truncate(ref, 40))
}
