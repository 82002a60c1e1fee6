package commands

import (
	"context"
	"sync"
	"time"

	"cercle/i18n"
)

// A member is created on first contact from what the transport knows (the
// Slack handle), and the directory (Slack's users.info) completes the
// profile in the background: a lookup on the request path would hold every
// newcomer's first answer hostage to Slack's latency, or to its outage.

// member returns the member behind u, creating it on first contact and
// asking the background sync to complete a profile that is missing or old.
func (s *Service) member(ctx context.Context, u User) (*Member, error) {
	if u.ID == "" {
		return nil, Errorf(EINVALID, "error.user.unknown")
	}
	m, err := s.store.FindMemberByUserID(ctx, u.ID)
	switch {
	case err == nil:
		if s.directory != nil && s.now().Sub(m.SyncedAt) > s.resyncAfter {
			s.profiles.request(m.UserID)
		}
		return m, nil
	case ErrorCode(err) != ENOTFOUND:
		return nil, err
	}
	m = &Member{UserID: u.ID, Name: cleanLine(u.Name), Role: RoleMember, Lang: s.defaultLang}
	if m.Name == "" {
		m.Name = string(u.ID)
	}
	switch err := s.store.CreateMember(ctx, m); {
	case ErrorCode(err) == ECONFLICT:
		// Created meanwhile by a concurrent request from the same person.
		return s.store.FindMemberByUserID(ctx, u.ID)
	case err != nil:
		return nil, err
	}
	if s.directory != nil {
		s.profiles.request(m.UserID)
	}
	return m, nil
}

// profileSync completes members' profiles from the directory, one lookup
// at a time, off every request's path. Requests beyond its queue are
// dropped: the member is asked for again on their next contact, since
// their profile is still stale.
type profileSync struct {
	s       *Service
	pending chan UserID
	// queued holds the members in pending, so a member who writes many
	// times before their lookup takes one place, not many.
	mu      sync.Mutex
	queued  map[UserID]bool
	timeout time.Duration
	// pause is how long the sync rests after a failed lookup: while Slack
	// is down, lookups would only fail and fill the log. It doubles with
	// each failure in a row, up to maxPause.
	pause, maxPause time.Duration
}

// profileQueue bounds the members waiting for a lookup. A burst of
// newcomers larger than this is completed on their next contact.
const profileQueue = 4096

func newProfileSync(s *Service) *profileSync {
	return &profileSync{s: s, pending: make(chan UserID, profileQueue), queued: map[UserID]bool{}, timeout: 10 * time.Second,
		pause: 5 * time.Second, maxPause: 5 * time.Minute}
}

// request asks for id's profile to be completed; it never blocks.
func (ps *profileSync) request(id UserID) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.queued[id] {
		return
	}
	select {
	case ps.pending <- id:
		ps.queued[id] = true
	default:
	}
}

// take marks id as no longer waiting, as it leaves the queue.
func (ps *profileSync) take(id UserID) UserID {
	ps.mu.Lock()
	delete(ps.queued, id)
	ps.mu.Unlock()
	return id
}

// run completes profiles until ctx ends, resting after failures.
func (ps *profileSync) run(ctx context.Context) {
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-ps.pending:
			looked, err := ps.sync(ctx, ps.take(id))
			if err == nil {
				if looked && failures > 0 {
					ps.s.logger.Info("directory lookups work again", "failed_before", failures)
					failures = 0
				}
				continue
			}
			failures++
			wait := min(ps.pause<<min(failures-1, 16), ps.maxPause)
			if sleep(ctx, wait) != nil {
				return
			}
		}
	}
}

// sync looks id up and saves what the directory says, unless it is
// already fresh. It reports whether it asked the directory, and the
// lookup's error, which is logged.
func (ps *profileSync) sync(ctx context.Context, id UserID) (looked bool, err error) {
	s := ps.s
	m, err := s.store.FindMemberByUserID(ctx, id)
	if err != nil || s.now().Sub(m.SyncedAt) <= s.resyncAfter {
		return false, nil
	}
	lookupCtx, cancel := context.WithTimeout(ctx, ps.timeout)
	prof, err := s.directory.LookupUser(lookupCtx, id)
	cancel()
	if err != nil {
		s.logger.Warn("directory lookup failed; profiles wait for the next contact", "slack_user", id, "err", err)
		return true, err
	}
	if err := s.saveProfile(ctx, m, prof); err != nil {
		s.logger.Warn("member profile not saved", "slack_user", id, "err", err)
	}
	return true, nil
}

// saveProfile applies what the directory says of m. Slack's locale sets
// the language only on the first sync, and never over one the member chose.
func (s *Service) saveProfile(ctx context.Context, m *Member, prof *Profile) error {
	firstSync := m.SyncedAt.IsZero()
	applyProfile(m, prof, s.now())
	upd := MemberUpdate{Name: &m.Name, TimeZone: &m.TimeZone, Email: &m.Email, SyncedAt: &m.SyncedAt}
	if firstSync {
		upd.LangUnlessChosen = &m.Lang
	}
	_, err := s.store.UpdateMember(ctx, m.UserID, upd)
	return err
}

// SyncProfiles completes, now, the profiles waiting for the background
// sync: for one-shot runs and tests, which have no background.
func (s *Service) SyncProfiles(ctx context.Context) {
	for {
		select {
		case id := <-s.profiles.pending:
			_, _ = s.profiles.sync(ctx, s.profiles.take(id))
		default:
			return
		}
	}
}

func applyProfile(m *Member, p *Profile, now time.Time) {
	if name := cleanLine(p.Name); name != "" {
		m.Name = name
	}
	if p.TimeZone != "" {
		m.TimeZone = p.TimeZone
	}
	if p.Locale != "" {
		m.Lang = i18n.ParseLang(p.Locale)
	}
	// The e-mail is whatever the directory gives now: none once the
	// workspace stops sharing it (the optional scope removed).
	m.Email = cleanLine(p.Email)
	m.SyncedAt = now
}
