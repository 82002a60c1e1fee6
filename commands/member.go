package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// Role is what a member may do in the network.
type Role string

const (
	RoleMember      Role = "member"
	RoleFacilitator Role = "facilitator" // animateur: runs events, groups and requests
	RoleExpert      Role = "expert"      // answers expert meeting requests
	RoleAdmin       Role = "admin"       // everything, including giving roles
)

// ParseRole reads a role as a person types it, in French or English.
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "membre", "member":
		return RoleMember, true
	case "animateur", "animatrice", "facilitator":
		return RoleFacilitator, true
	case "expert", "experte":
		return RoleExpert, true
	case "admin", "administrateur", "administratrice":
		return RoleAdmin, true
	}
	return "", false
}

// valid reports whether r is one of the known roles.
func (r Role) valid() bool {
	switch r {
	case RoleMember, RoleFacilitator, RoleExpert, RoleAdmin:
		return true
	}
	return false
}

// Member is a person of the network, known by their chat user id.
type Member struct {
	ID     int64
	UserID UserID
	Name   string
	Role   Role
	Lang   i18n.Lang
	// LangChosen is set once the member picks a language themselves; Slack's
	// locale no longer changes it.
	LangChosen bool
	TimeZone   string // IANA name; empty means the network's zone
	// Email is what the directory gives, empty when it gives none (Slack
	// needs the optional users:read.email scope).
	Email string
	// CompanyID is zero until the member fills in their profile.
	CompanyID int64
	Company   *Company
	// Digest is how often the member gets the digest; empty means weekly.
	Digest DigestFrequency
	// SummariesOptOut keeps the member's messages out of group summaries:
	// they are never stored.
	SummariesOptOut bool
	// Groups are the ids of the active working groups the member belongs
	// to, filled by the store's reads, for the rules on group meetings.
	Groups []int64
	// SyncedAt is when the directory last confirmed name, zone and locale;
	// zero for a member created while the directory was unreachable.
	SyncedAt  time.Time
	CreatedAt time.Time
}

// IsFacilitator reports whether m may run events, groups and requests.
func (m *Member) IsFacilitator() bool {
	return m.Role == RoleFacilitator || m.Role == RoleAdmin
}

// IsAdmin reports whether m may give roles.
func (m *Member) IsAdmin() bool { return m.Role == RoleAdmin }

// MemberUpdate lists the member fields to change; nil leaves a field as is.
type MemberUpdate struct {
	Name *string
	Lang *i18n.Lang
	// LangChosen records Lang as the member's own choice.
	LangChosen bool
	// LangUnlessChosen sets the language only if the member has not
	// chosen one, checked when the update is written: a choice made
	// while the directory was being asked wins.
	LangUnlessChosen *i18n.Lang
	TimeZone         *string
	Email            *string
	SyncedAt         *time.Time
	Digest           *DigestFrequency
	SummariesOptOut  *bool
}

// Company is a member company of the network. Its fields are what the peer
// panel later filters on.
type Company struct {
	ID          int64
	Name        string
	Sector      string
	Headcount   int
	City        string
	FoundedYear int
	// Revenue is the company's revenue band, given when it applies to
	// the Bureau des pairs; empty until then.
	Revenue   RevenueBand
	UpdatedAt time.Time
}

// Limits on what a person may type into a company profile.
const (
	maxCompanyName  = 120
	maxCompanyField = 80
	maxHeadcount    = 1_000_000
	firstFounding   = 1800
)

// ParseCompany validates the profile form's values and returns the company
// they describe, or the message for each field in error.
func ParseCompany(values map[string]string, now time.Time, p *i18n.Printer) (*Company, FieldErrors) {
	c := &Company{
		Name:   cleanLine(values[fieldCompanyName]),
		Sector: cleanLine(values[fieldCompanySector]),
		City:   cleanLine(values[fieldCompanyCity]),
	}
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		errs[fieldCompanyName] = p.T("profile.error.name_required")
	case n > maxCompanyName:
		errs[fieldCompanyName] = p.T("profile.error.too_long", maxCompanyName)
	}
	for id, v := range map[string]string{fieldCompanySector: c.Sector, fieldCompanyCity: c.City} {
		if utf8.RuneCountInString(v) > maxCompanyField {
			errs[id] = p.T("profile.error.too_long", maxCompanyField)
		}
	}
	if s := strings.TrimSpace(values[fieldCompanyHeadcount]); s != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
		if err != nil || n < 0 || n > maxHeadcount {
			errs[fieldCompanyHeadcount] = p.T("profile.error.headcount", maxHeadcount)
		}
		c.Headcount = n
	}
	if s := strings.TrimSpace(values[fieldCompanyFounded]); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < firstFounding || y > now.Year() {
			errs[fieldCompanyFounded] = p.T("profile.error.founded", firstFounding, now.Year())
		}
		c.FoundedYear = y
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// cleanLine makes typed text safe to store as one line: invalid UTF-8 and
// control characters go, runs of spaces shrink to one.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
