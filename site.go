package fonds

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Site is what an admin says about the archive as a whole: the header,
// citations, OAI-PMH Identify and the feed show it.
type Site struct {
	Name  string `json:"name"`  // "Bukovsky Archive"
	URL   string `json:"url"`   // the public address: "https://archive.example.org"
	Email string `json:"email"` // whom to write to
	About string `json:"about"` // a paragraph or more, plain text
}

// The settings a Site is kept in.
const (
	SettingSiteName  = "site.name"
	SettingSiteURL   = "site.url"
	SettingSiteEmail = "site.email"
	SettingSiteAbout = "site.about"
)

// SettingReader reads named settings: what a site that only shows the
// archive needs of them.
type SettingReader interface {
	// Setting returns the value of the named setting, or ErrNotFound.
	Setting(ctx context.Context, name string) (string, error)
}

// SettingWriter sets named settings.
type SettingWriter interface {
	// PutSetting sets the named setting to value.
	PutSetting(ctx context.Context, name, value string) error
}

// Settings is the part of a Store that keeps named settings.
type Settings interface {
	SettingReader
	SettingWriter
}

// ReadSite returns the site as its settings say; what was never set is empty.
func ReadSite(ctx context.Context, st SettingReader) (Site, error) {
	var s Site
	for _, f := range s.fields() {
		v, err := st.Setting(ctx, f.name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Site{}, err
		}
		*f.value = v
	}
	return s, nil
}

// WriteSite checks the site and stores its settings.
func WriteSite(ctx context.Context, st SettingWriter, s Site) error {
	if err := s.Check(); err != nil {
		return err
	}
	for _, f := range s.fields() {
		if err := st.PutSetting(ctx, f.name, *f.value); err != nil {
			return err
		}
	}
	return nil
}

// Check returns an ErrInvalid saying what is wrong with the site's
// settings: a name too long, an address that is not http(s), an e-mail
// address that is not one.
func (s *Site) Check() error {
	s.Name = strings.TrimSpace(s.Name)
	s.URL = strings.TrimRight(strings.TrimSpace(s.URL), "/")
	s.Email = strings.TrimSpace(s.Email)
	if len(s.Name) > 200 || strings.ContainsAny(s.Name, "\r\n") {
		return fmt.Errorf("%w: the site's name must be one line of at most 200 bytes", ErrInvalid)
	}
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%w: the public address %q is not an http or https address such as https://archive.example.org", ErrInvalid, s.URL)
		}
	}
	if s.Email != "" {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email {
			return fmt.Errorf("%w: %q is not an e-mail address", ErrInvalid, s.Email)
		}
	}
	if len(s.About) > 64<<10 {
		return fmt.Errorf("%w: the about text is longer than 64 KB", ErrInvalid)
	}
	return nil
}

type siteField struct {
	name  string
	value *string
}

func (s *Site) fields() []siteField {
	return []siteField{{SettingSiteName, &s.Name}, {SettingSiteURL, &s.URL}, {SettingSiteEmail, &s.Email}, {SettingSiteAbout, &s.About}}
}

// SiteCache reads a Site from its Settings at most once per Refresh, so
// that every request can ask for it and an admin's change shows within
// Refresh on every server of the archive. The zero Refresh is a second.
type SiteCache struct {
	Settings SettingReader
	Refresh  time.Duration
	Now      func() time.Time // time.Now when nil; tests step it

	mu   sync.Mutex
	read time.Time
	site Site
}

// Site returns the site's settings, from the store when those held are
// older than Refresh. When the store cannot be read it returns the error
// and the settings last read (empty if none).
func (c *SiteCache) Site(ctx context.Context) (Site, error) {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	refresh := c.Refresh
	if refresh <= 0 {
		refresh = time.Second
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := now.Sub(c.read); !c.read.IsZero() && d >= 0 && d < refresh {
		return c.site, nil
	}
	s, err := ReadSite(ctx, c.Settings)
	if err != nil {
		return c.site, err
	}
	c.site, c.read = s, now
	return s, nil
}

// Forget makes the next Site read the store: for the process that has just
// written the settings, which need not wait for Refresh to see them.
func (c *SiteCache) Forget() {
	c.mu.Lock()
	c.read = time.Time{}
	c.mu.Unlock()
}
