package main

import (
	"cercle/commands"
	"strconv"
	"strings"
	"time"
)

// DigestConfig is the weekly digest's schedule, how long group messages
// are kept for it, and the OpenAI-compatible server that summarises them.
type DigestConfig struct {
	// Time is when digests are due after midnight on Monday (8h30).
	Time time.Duration
	// Retention is how long group channels' messages are kept (35 days).
	Retention time.Duration
	// OpenAIKey enables the model; empty keeps every message away from
	// any model: summaries are extractive.
	OpenAIKey     string
	OpenAIBaseURL string
	OpenAIModel   string
	OpenAITimeout time.Duration
	// AskPerHour and AskDailyTokens bound the assistant's questions to
	// the model: per member an hour, and the network's tokens a day.
	AskPerHour     int
	AskDailyTokens int
}

// UsesModel reports whether summaries are asked of a model: only with a
// key, so that no message leaves the server unless one was set on
// purpose (a local Ollama, which needs none, takes any value).
func (d DigestConfig) UsesModel() bool { return d.OpenAIKey != "" }

// applyDigest reads the digest's and the model's settings.
func (c *Config) applyDigest(getenv func(string) string) {
	d := &c.Digest
	d.Time, d.Retention = 8*time.Hour+30*time.Minute, 35*24*time.Hour
	d.OpenAIKey = strings.TrimSpace(getenv("OPENAI_API_KEY"))
	d.OpenAIBaseURL = strings.TrimSpace(getenv("OPENAI_BASE_URL"))
	d.OpenAIModel = strings.TrimSpace(getenv("OPENAI_MODEL"))
	if v := strings.TrimSpace(getenv("CERCLE_DIGEST_TIME")); v != "" {
		h, m, ok := clock(v)
		if !ok {
			c.problem("CERCLE_DIGEST_TIME=%q : une heure comme 08:30", v)
		} else {
			d.Time = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
		}
	}
	if v := strings.TrimSpace(getenv("CERCLE_MESSAGE_RETENTION")); v != "" {
		r, ok := retention(v)
		if !ok {
			c.problem("CERCLE_MESSAGE_RETENTION=%q : un nombre de jours entre 1 et 365 (35, 35j) ou une durée (840h)", v)
		} else {
			d.Retention = r
		}
	}
	if v := strings.TrimSpace(getenv("OPENAI_TIMEOUT")); v != "" {
		t, err := time.ParseDuration(v)
		if err != nil || t < time.Second || t > 10*time.Minute {
			c.problem("OPENAI_TIMEOUT=%q : une durée entre 1s et 10m (ex. 60s)", v)
		} else {
			d.OpenAITimeout = t
		}
	}
	c.positive("CERCLE_ASK_PER_HOUR", getenv("CERCLE_ASK_PER_HOUR"), 1000, &d.AskPerHour)
	c.positive("CERCLE_ASK_DAILY_TOKENS", getenv("CERCLE_ASK_DAILY_TOKENS"), 100_000_000, &d.AskDailyTokens)
	if d.OpenAIBaseURL != "" && !strings.HasPrefix(d.OpenAIBaseURL, "http://") && !strings.HasPrefix(d.OpenAIBaseURL, "https://") {
		c.problem("OPENAI_BASE_URL=%q : une adresse http(s)://…/v1", d.OpenAIBaseURL)
	}
}

// clock reads "08:30", "8h30" or "8h".
func clock(s string) (hour, minute int, ok bool) {
	s = strings.ReplaceAll(strings.ToLower(s), "h", ":")
	hs, ms, _ := strings.Cut(s, ":")
	hour, err := strconv.Atoi(hs)
	if err != nil || hour < 0 || hour > 23 {
		return 0, 0, false
	}
	if ms != "" {
		if minute, err = strconv.Atoi(ms); err != nil || minute < 0 || minute > 59 {
			return 0, 0, false
		}
	}
	return hour, minute, true
}

// retention reads a number of days ("35", "35j", "35d") or a duration
// ("840h"), from one day to a year.
func retention(v string) (time.Duration, bool) {
	d, err := time.ParseDuration(v)
	if err != nil {
		days, aerr := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(v, "j"), "d"))
		d, err = time.Duration(days)*24*time.Hour, aerr
	}
	return d, err == nil && d >= 24*time.Hour && d <= 365*24*time.Hour
}

// ExpertsConfig is how expert requests flow, and who the Bureau des
// pairs hears.
type ExpertsConfig struct {
	// MaxOpenRequests is how many requests a member may have open (3).
	MaxOpenRequests int
	// AutoRoute routes each request to its best candidate at once.
	AutoRoute bool
	// Bureau are the Bureau des pairs' eligibility criteria; zero ones
	// are the seed's.
	Bureau commands.BureauCriteria
}

// applyExperts reads the expert requests' settings.
func (c *Config) applyExperts(getenv func(string) string) {
	if v := strings.TrimSpace(getenv("CERCLE_MAX_OPEN_REQUESTS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			c.problem("CERCLE_MAX_OPEN_REQUESTS=%q : un nombre entre 1 et 50", v)
		} else {
			c.Experts.MaxOpenRequests = n
		}
	}
	c.positive("CERCLE_BUREAU_MIN_AGE", getenv("CERCLE_BUREAU_MIN_AGE"), 100, &c.Experts.Bureau.MinAgeYears)
	c.positive("CERCLE_BUREAU_MIN_HEADCOUNT", getenv("CERCLE_BUREAU_MIN_HEADCOUNT"), 100_000, &c.Experts.Bureau.MinHeadcount)
	revenue := 0
	c.positive("CERCLE_BUREAU_MIN_REVENUE", getenv("CERCLE_BUREAU_MIN_REVENUE"), 1_000_000_000, &revenue)
	c.Experts.Bureau.MinRevenue = int64(revenue)
	switch v := strings.ToLower(strings.TrimSpace(getenv("CERCLE_EXPERT_AUTOROUTE"))); v {
	case "", "off", "non", "0", "false":
	case "on", "oui", "1", "true":
		c.Experts.AutoRoute = true
	default:
		c.problem("CERCLE_EXPERT_AUTOROUTE=%q : on ou off", v)
	}
}

// positive reads a whole number from 1 to most.
func (c *Config) positive(name, value string, most int, dst *int) {
	if value = strings.TrimSpace(value); value == "" {
		return
	}
	n, err := strconv.Atoi(strings.ReplaceAll(value, "_", ""))
	if err != nil || n < 1 || n > most {
		c.problem("%s=%q : un nombre entre 1 et %d", name, value, most)
		return
	}
	*dst = n
}
