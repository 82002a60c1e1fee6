package console_test

import (
	"context"
	"strings"
	"testing"

	"cercle/commands"
)

// TestAsNamesMembersAsTyped: ":as" lists the members, finds one by id,
// name or first name without accents, says when a name is unknown or
// shared and suggests close names, and creates a member only when given
// a role.
func TestAsNamesMembersAsTyped(t *testing.T) {
	s := newSession(t)
	out := s.typeLines(":as", ":as clare", ":as c", ":as Hélene", ":as helene delattre", ":as nobody",
		":as Zoé Martin experte", ":as zoe", ":as @claire", ":as Léa animatrice")
	for _, want := range []string{
		"Membres (56) ; :as <nom> pour agir comme l'un d'eux :",
		"  claire       Claire Vasseur (animation)\n",
		"  marc         Marc Dufour (membre)\n",
		"aucun membre ne s'appelle « clare » ; vouliez-vous dire Claire Vasseur (claire), Émilie Carré (emilie) ?",
		"« c » désigne plusieurs membres : Arnaud Couvreur (arnaud), Camille Lefebvre (camille),",
		"aucun membre ne s'appelle « nobody » (:as pour la liste, :as <nom> <rôle> pour créer ce membre)",
		"Nouveau membre : Zoé Martin (identifiant zoe.martin).",
		"Vous agissez maintenant comme Claire Vasseur (animation).",
		"Vous agissez maintenant comme Léa Fontaine (animation).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	for want, n := range map[string]int{"comme Hélène Delattre (expertise)": 2, "comme Zoé Martin (expertise)": 2} {
		if got := strings.Count(out, want); got != n {
			t.Errorf("%q %d times, want %d\n%s", want, got, n, out)
		}
	}
	ctx := context.Background()
	if _, err := s.db.FindMemberByUserID(ctx, "nobody"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("an unknown name without a role created a member: %v", err)
	}
	if m, err := s.db.FindMemberByUserID(ctx, "zoe.martin"); err != nil || m.Role != commands.RoleExpert || m.Name != "Zoé Martin" {
		t.Errorf("zoe.martin = %+v, %v", m, err)
	}
}
