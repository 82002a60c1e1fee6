package commands

// coreCommands lists the subcommands in the order /cercle aide shows them.
// Each later feature appends its own commands here.
func (s *Service) coreCommands() []*Command {
	return []*Command{
		{
			Name: "aide", Aliases: []string{"help", "?"},
			Usage: "help.cmd.usage", Summary: "help.cmd.summary", Detail: "help.cmd.detail",
			Run: s.help,
		},
		{
			Name: "profil", Aliases: []string{"profile"},
			Usage: "profile.cmd.usage", Summary: "profile.cmd.summary", Detail: "profile.cmd.detail",
			Run: s.profile,
		},
		{
			Name: "langue", Aliases: []string{"language", "lang"},
			Usage: "lang.cmd.usage", Summary: "lang.cmd.summary", Detail: "lang.cmd.detail",
			Run: s.language,
		},
		{
			Name: "role", Aliases: []string{"rôle"},
			Usage: "role.cmd.usage", Summary: "role.cmd.summary", Detail: "role.cmd.detail",
			Allowed: (*Member).IsAdmin,
			Run:     s.setRole,
		},
	}
}

// Action ids: the buttons the core puts on messages and the Home tab.
const (
	ActionEditProfile = "profile.edit"
	ActionShowHelp    = "help.show"
)

func (s *Service) actions() map[string]actionFunc {
	return map[string]actionFunc{
		ActionEditProfile: s.editProfileAction,
		ActionShowHelp:    s.showHelpAction,
	}
}

// Form ids.
const (
	FormProfile = "profile"
)

func (s *Service) forms() map[string]formFunc {
	return map[string]formFunc{
		FormProfile: s.submitProfile,
	}
}
