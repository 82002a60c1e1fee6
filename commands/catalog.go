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
			Name: "evenements", Aliases: []string{"plenieres", "plénières", "événements", "events"},
			Usage: "events.cmd.usage", Summary: "events.cmd.summary", Detail: "events.cmd.detail",
			Run: s.upcoming,
		},
		{
			Name: "inscrire", Aliases: []string{"register"},
			Usage: "register.cmd.usage", Summary: "register.cmd.summary", Detail: "register.cmd.detail",
			Run: s.registerCmd,
		},
		{
			Name: "annuler", Aliases: []string{"cancel"},
			Usage: "cancel.cmd.usage", Summary: "cancel.cmd.summary", Detail: "cancel.cmd.detail",
			Run: s.cancelCmd,
		},
		{
			Name: "agenda", Aliases: []string{"mon-agenda"},
			Usage: "agenda.cmd.usage", Summary: "agenda.cmd.summary", Detail: "agenda.cmd.detail",
			Run: s.agenda,
		},
		{
			Name: "evenement", Aliases: []string{"événement", "event"},
			Usage: "event.cmd.usage", Summary: "event.cmd.summary", Detail: "event.cmd.detail",
			Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
			Run: s.eventCmd,
		},
		{
			Name: "annoncer", Aliases: []string{"announce"},
			Usage: "announce.cmd.usage", Summary: "announce.cmd.summary", Detail: "announce.cmd.detail",
			Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
			Run: s.announce,
		},
		{
			Name: "inscrits", Aliases: []string{"attendees"},
			Usage: "attendees.cmd.usage", Summary: "attendees.cmd.summary", Detail: "attendees.cmd.detail",
			Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
			Run: s.attendees,
		},
		{
			Name: "appel", Aliases: []string{"rollcall"},
			Usage: "rollcall.cmd.usage", Summary: "rollcall.cmd.summary", Detail: "rollcall.cmd.detail",
			Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
			Run: s.rollCall,
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
		ActionEditProfile:  s.editProfileAction,
		ActionShowHelp:     s.showHelpAction,
		ActionRegister:     s.registerAction,
		ActionDetails:      s.detailsAction,
		ActionCancel:       s.cancelAction,
		ActionAddCalendar:  s.calendarAction,
		ActionAcceptOffer:  s.acceptOfferAction,
		ActionDeclineOffer: s.declineOfferAction,
	}
}

// Form ids.
const (
	FormProfile = "profile"
)

func (s *Service) forms() map[string]formFunc {
	return map[string]formFunc{
		FormProfile:  s.submitProfile,
		FormEvent:    s.submitEvent,
		FormRollCall: s.submitRollCall,
	}
}
