package commands

import (
	"context"
	"fmt"
)

// SyncMembers adds every person of the workspace to the members, so a
// broadcast reaches the whole network and not only those who have already
// talked to the bot. Bots, deactivated accounts and known members are left
// alone; known members are refreshed on their next contact.
func (s *Service) SyncMembers(ctx context.Context) error {
	if s.directory == nil {
		return nil
	}
	profiles, err := s.directory.ListUsers(ctx)
	if err != nil {
		return fmt.Errorf("list workspace users: %w", err)
	}
	known, err := s.store.ListMembers(ctx)
	if err != nil {
		return err
	}
	have := make(map[UserID]bool, len(known))
	for _, m := range known {
		have[m.UserID] = true
	}
	added := 0
	for _, prof := range profiles {
		if prof.IsBot || prof.Deleted || have[prof.ID] {
			continue
		}
		m := &Member{UserID: prof.ID, Role: RoleMember, Lang: s.defaultLang}
		applyProfile(m, prof, s.now())
		if m.Name == "" {
			m.Name = string(prof.ID)
		}
		if err := s.store.CreateMember(ctx, m); err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
		added++
	}
	s.logger.Info("members synced from the workspace", "added", added, "workspace_users", len(profiles))
	return nil
}
