package credentials

import "time"

// Changes to the store. Each writes the keychain first and the file last,
// and undoes its keychain writes if the file cannot be written, so the file
// never names a profile whose secret was never stored.

// Add stores a new profile and its secrets. The first profile, or one with
// Default set, becomes the default.
func (s *Store) Add(p Profile, sec Secrets) error {
	if err := validate(p, sec); err != nil {
		return err
	}
	if p.Kind == KindPermanent {
		p.STSExpires = time.Time{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	if index(ps, p.Name) >= 0 {
		return profileExists(p.Name)
	}
	if err := s.putSecrets(p, sec); err != nil {
		return err
	}
	if p.Kind == KindPermanent {
		// A token left by an earlier STS profile of this name must not linger.
		s.keychain.Delete(Service, itemToken.user(p.Name))
	}
	p.Default = p.Default || !hasDefault(ps)
	if p.Default {
		clearDefault(ps)
	}
	if err := s.writeFile(append(ps, p)); err != nil {
		s.deleteSecrets(p.Name)
		return err
	}
	return nil
}

// CanAdd reports whether Add would accept p, secrets aside, so the secret
// is asked for only once the rest is right.
func (s *Store) CanAdd(p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	if index(ps, p.Name) >= 0 {
		return profileExists(p.Name)
	}
	return nil
}

// Update changes the link defaults of an existing profile: Region,
// EndpointKind, Endpoint, Bucket, PathStyle, PageURL and Label. The fields bound to
// the secret (AccessKeyID, Kind, STSExpires) change only with Rotate.
func (s *Store) Update(p Profile) error {
	if err := validateSettings(p); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	i := index(ps, p.Name)
	if i < 0 {
		return noProfile(p.Name)
	}
	cur := &ps[i]
	cur.Region, cur.EndpointKind, cur.Endpoint = p.Region, p.EndpointKind, p.Endpoint
	cur.Bucket, cur.PathStyle, cur.PageURL, cur.Label = p.Bucket, p.PathStyle, p.PageURL, p.Label
	return s.writeFile(ps)
}

// Rotate replaces the secrets of the profile called p.Name, together with
// the fields that belong to them: AccessKeyID, Kind and STSExpires (new STS
// credentials come with a new ID and expiry). It is also how a secret that
// vanished from the keychain is entered again. Other fields are kept.
func (s *Store) Rotate(p Profile, sec Secrets) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	i := index(ps, p.Name)
	if i < 0 {
		return noProfile(p.Name)
	}
	next := ps[i]
	next.AccessKeyID, next.Kind, next.STSExpires = p.AccessKeyID, p.Kind, p.STSExpires
	if next.Kind == KindPermanent {
		next.STSExpires = time.Time{}
	}
	if err := validate(next, sec); err != nil {
		return err
	}
	old := s.peekSecrets(ps[i].Name)
	if err := s.putSecrets(next, sec); err != nil {
		return err
	}
	ps[i] = next
	if err := s.writeFile(ps); err != nil {
		s.restoreSecrets(next.Name, old)
		return err
	}
	if next.Kind == KindPermanent {
		s.keychain.Delete(Service, itemToken.user(next.Name))
	}
	return nil
}

// peekSecrets reads whatever items a profile has, for undoing a change;
// missing or unreadable items are simply absent from the result.
func (s *Store) peekSecrets(name string) map[secretItem]string {
	old := map[secretItem]string{}
	for _, it := range []secretItem{itemSecret, itemToken} {
		if v, err := s.keychain.Get(Service, it.user(name)); err == nil {
			old[it] = v
		}
	}
	return old
}

// restoreSecrets puts back what peekSecrets saw, best effort.
func (s *Store) restoreSecrets(name string, old map[secretItem]string) {
	for _, it := range []secretItem{itemSecret, itemToken} {
		if v, ok := old[it]; ok {
			s.keychain.Set(Service, it.user(name), v)
		} else {
			s.keychain.Delete(Service, it.user(name))
		}
	}
}

// Rename gives a profile a new name and moves its keychain items along. A
// profile whose items are missing is renamed all the same; it still needs
// a rotate to sign.
func (s *Store) Rename(from, to string) error {
	if err := ValidateName(to); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	i := index(ps, from)
	if i < 0 {
		return noProfile(from)
	}
	if index(ps, to) >= 0 {
		return renameTaken(from, to)
	}
	moved := map[secretItem]string{}
	for _, it := range items(ps[i].Kind) {
		v, err := s.keychain.Get(Service, it.user(from))
		switch {
		case isNotFound(err):
			continue
		case err != nil:
			return keychainError(from, it, err)
		}
		moved[it] = v
	}
	for it, v := range moved {
		if err := s.keychain.Set(Service, it.user(to), v); err != nil {
			s.deleteSecrets(to)
			return keychainError(to, it, err)
		}
	}
	ps[i].Name = to
	if err := s.writeFile(ps); err != nil {
		s.deleteSecrets(to)
		return err
	}
	// The file no longer names the old items; leftovers would only confuse
	// a later profile of that name, and Add overwrites them anyway.
	s.deleteSecrets(from)
	return nil
}

// Remove deletes a profile and its keychain items. When the keychain cannot
// be reached nothing is removed, so no secret is left behind unseen. If the
// default goes and exactly one profile remains, that one becomes the default.
func (s *Store) Remove(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	i := index(ps, name)
	if i < 0 {
		return noProfile(name)
	}
	if err := s.deleteSecrets(name); err != nil {
		return err
	}
	wasDefault := ps[i].Default
	ps = append(ps[:i], ps[i+1:]...)
	if wasDefault && len(ps) == 1 {
		ps[0].Default = true
	}
	return s.writeFile(ps)
}

// SetDefault makes the profile called name the default; an empty name
// leaves no default.
func (s *Store) SetDefault(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, err := s.readFile()
	if err != nil {
		return err
	}
	i := index(ps, name)
	if name != "" && i < 0 {
		return noProfile(name)
	}
	clearDefault(ps)
	if i >= 0 {
		ps[i].Default = true
	}
	return s.writeFile(ps)
}

func hasDefault(ps []Profile) bool {
	for _, p := range ps {
		if p.Default {
			return true
		}
	}
	return false
}

func clearDefault(ps []Profile) {
	for i := range ps {
		ps[i].Default = false
	}
}
