package console

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cercle/commands"
	"cercle/i18n"
)

// actAs runs ":as [name] [role]": without a name it lists the members;
// with one it acts as the member it designates; with a role too it gives
// them that role, creating them first when nobody has that name.
func (c *Console) actAs(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return c.listMembers(ctx)
	}
	role := commands.Role("")
	if len(args) > 1 {
		if r, ok := commands.ParseRole(args[len(args)-1]); ok {
			role, args = r, args[:len(args)-1]
		}
	}
	name := strings.TrimPrefix(strings.Join(args, " "), "@")
	found, err := c.service.LookupMember(ctx, name)
	if err != nil {
		return err
	}
	u := commands.User{}
	switch {
	case found.Member != nil:
		u = commands.User{ID: found.Member.UserID, Name: found.Member.Name}
	case len(found.Several) > 0:
		return fmt.Errorf("« %s » désigne plusieurs membres : %s", name, memberNames(found.Several))
	case role == "":
		msg := fmt.Sprintf("aucun membre ne s'appelle « %s »", name)
		if len(found.Close) > 0 {
			msg += " ; vouliez-vous dire " + memberNames(found.Close) + " ?"
		}
		return errors.New(msg + " (:as pour la liste, :as <nom> <rôle> pour créer ce membre)")
	default:
		id, ok := newMemberID(name)
		if !ok {
			return fmt.Errorf("« %s » ne peut pas servir d'identifiant : lettres, chiffres, points et tirets", name)
		}
		u = commands.User{ID: id, Name: name}
		c.printf("Nouveau membre : %s (identifiant %s).\n", name, id)
	}
	m, err := c.service.EnsureMember(ctx, u, role)
	if err != nil {
		return err
	}
	c.user = commands.User{ID: m.UserID, Name: m.Name}
	c.printf("Vous agissez maintenant comme %s (%s).\n", m.Name, roleName(m.Role))
	return nil
}

// listMembers prints every member with the id to type after ":as".
func (c *Console) listMembers(ctx context.Context) error {
	members, err := c.service.Members(ctx)
	if err != nil {
		return err
	}
	width := 0
	for _, m := range members {
		width = max(width, len([]rune(string(m.UserID))))
	}
	c.printf("Membres (%d) ; :as <nom> pour agir comme l'un d'eux :\n", len(members))
	for _, m := range members {
		c.printf("  %-*s  %s (%s)\n", width, m.UserID, m.Name, roleName(m.Role))
	}
	return nil
}

// memberNames lists members as "Claire Vasseur (claire), …".
func memberNames(ms []*commands.Member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name + " (" + string(m.UserID) + ")"
	}
	return strings.Join(names, ", ")
}

// newMemberID makes the id of a member created from the console out of
// the name typed: "Zoé Martin" becomes "zoe.martin".
func newMemberID(name string) (commands.UserID, bool) {
	return commands.ParseMention(strings.ReplaceAll(commands.Fold(name), " ", "."))
}

func roleName(r commands.Role) string {
	return i18n.NewPrinter(i18n.French, nil).T("role.name." + string(r))
}
