package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"cercle/commands"
	"cercle/i18n"
)

// Mode is how Cercle talks to people.
type Mode int

const (
	ModeConsole Mode = iota // a terminal REPL: no Slack needed
	ModeSocket              // Slack Socket Mode: no public URL needed
	ModeHTTP                // Slack HTTP mode: Slack posts to /slack/events
)

func (m Mode) String() string {
	return [...]string{"console", "socket", "http"}[m]
}

// Config is the whole configuration, from the environment and flags.
// Secrets come from the environment only, so they never show in a process
// list; LogValue keeps them out of the logs.
type Config struct {
	SlackBotToken      string
	SlackAppToken      string
	SlackSigningSecret string
	SlackAPIURL        string
	ForceMode          string // "", "console", "socket" or "http"

	DB          string
	Synchronous string
	HTTPAddr    string
	Zone        *time.Location
	Lang        i18n.Lang
	Admins      []commands.UserID
	LogLevel    slog.Level
	OutboxRate  float64
	Demo        bool
	// PublicURL is where the HTTP server is reached from outside, for
	// calendar feed links.
	PublicURL string
	// SlackAppID is the Slack app's id (A0123…, on its Basic Information
	// page), for the link calendar entries carry back to the app.
	SlackAppID string
	// Reminders are how long before an event its reminders go out.
	Reminders []time.Duration
	// OfferWindow is how long a freed seat is held for the next in line.
	OfferWindow time.Duration
	// AnnounceChannel is the Slack channel id announcements go to; empty
	// means a DM to every member.
	AnnounceChannel string
	// CoreConcurrency is how many Slack requests the core works on at
	// once; the others wait their turn, never refused. SlackConcurrency
	// bounds the Web API calls in flight (Home views, replies).
	CoreConcurrency  int
	SlackConcurrency int
	// ModelConcurrency bounds the questions to the assistant (mentions,
	// DMs, the assistant panel) answered at once: each may wait seconds
	// on a model, so they do not hold the core's turns.
	ModelConcurrency int

	// Digest holds the weekly digest's and the AI summaries' settings.
	Digest DigestConfig
	// Experts holds how expert requests flow.
	Experts ExpertsConfig

	// LogFile is where the console mode logs; empty means cercle.log
	// beside the database (LogPath).
	LogFile string

	problems []error
}

// DefaultConfig works with nothing set: console mode on ./cercle.db.
func DefaultConfig() Config {
	return Config{
		DB:          "./cercle.db",
		Synchronous: "FULL",
		HTTPAddr:    "localhost:8080",
		Zone:        i18n.Paris(),
		Lang:        i18n.French,
		LogLevel:    slog.LevelInfo,
		OutboxRate:  10,
		Reminders:   []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
		OfferWindow: 24 * time.Hour,
		// Turns bound memory, not speed: the writer serialises, and group
		// commit shares a commit among the requests waiting (bot.Config).
		CoreConcurrency:  128,
		SlackConcurrency: 32,
		ModelConcurrency: 8,
	}
}

// Mode returns the mode the configuration selects: the one forced with
// -mode, else Socket Mode with an app token, HTTP with a signing secret,
// the console without a bot token.
func (c Config) Mode() Mode {
	switch c.ForceMode {
	case "console":
		return ModeConsole
	case "socket":
		return ModeSocket
	case "http":
		return ModeHTTP
	}
	switch {
	case c.SlackBotToken == "":
		return ModeConsole
	case c.SlackAppToken != "":
		return ModeSocket
	default:
		return ModeHTTP
	}
}

const usageText = `Cercle, l'assistant Slack d'un réseau d'entreprises.

Usage :
  cercle [options]                 lance le bot (console si aucun jeton Slack n'est défini)
  cercle migrate                   applique les migrations de la base
  cercle backup FICHIER            sauvegarde la base à chaud dans FICHIER
  cercle run-job TÂCHE             lance une fois une tâche et envoie ce qu'elle a mis en file :
                                   offers (places proposées échues), reminders (rappels),
                                   announcements (annonces à jour), members (membres de l'espace Slack),
                                   outbox (messages en attente), digest (résumés dus de la semaine),
                                   purge (messages de groupe trop anciens), requests (demandes d'entretien échues),
                                   bureau (dossiers du Bureau des pairs la veille, avis à rédiger, bilans à 3 mois)
  cercle outbox                    état de la file d'envoi ; liste les messages abandonnés
  cercle outbox retry ID|all       remet en file un message abandonné, ou tous
  cercle healthcheck               interroge /healthz (pour Docker)
  cercle version

Variables d'environnement :
  SLACK_BOT_TOKEN        jeton du bot (xoxb-…) ; absent : mode console
  SLACK_APP_TOKEN        jeton d'application (xapp-…, connections:write) : Socket Mode
  SLACK_SIGNING_SECRET   secret de signature : mode HTTP (POST /slack/events)
  SLACK_API_URL          URL de l'API Web de Slack (défaut https://slack.com/api/), pour un faux Slack de test
  CERCLE_DB              fichier SQLite (défaut ./cercle.db)
  CERCLE_SYNCHRONOUS     FULL (défaut : une inscription validée survit à une coupure) ou NORMAL
  CERCLE_HTTP_ADDR       adresse de /healthz, /metrics et /slack/events (défaut localhost:8080)
  CERCLE_TZ              fuseau du réseau (défaut Europe/Paris)
  CERCLE_LANG            langue par défaut : fr (défaut) ou en
  CERCLE_ADMINS          identifiants Slack des administrateurs, séparés par des virgules (U0123,U0456)
  CERCLE_OUTBOX_RATE     messages envoyés par seconde au plus, tout l'espace de travail (défaut 10)
  CERCLE_PUBLIC_URL      adresse publique du serveur HTTP, pour les liens d'abonnement d'agenda (/ical/…)
  CERCLE_SLACK_APP_ID    identifiant de l'application Slack (A0123…), pour le lien vers Cercle dans les agendas
  CERCLE_REMINDERS       délais des rappels avant un événement (défaut 168h,24h : J-7 et J-1)
  CERCLE_ANNOUNCE_CHANNEL identifiant du canal des annonces (C0123…) ; absent : annonces en message direct à chacun
  CERCLE_OFFER_HOURS     durée en heures d'une place proposée à la liste d'attente (défaut 24, moins quand l'événement approche)
  CERCLE_CORE_CONCURRENCY requêtes Slack traitées à la fois ; les autres attendent leur tour, sans refus (défaut 128)
  CERCLE_SLACK_CONCURRENCY appels à l'API Web de Slack en cours à la fois (défaut 32)
  CERCLE_MODEL_CONCURRENCY questions à l'assistant traitées à la fois (mentions, messages directs, panneau) ;
                         les autres attendent leur tour (défaut 8)
  CERCLE_DIGEST_TIME     heure d'envoi du résumé, le lundi (mensuel : le 1er du mois), heure de Paris (défaut 08:30)
  CERCLE_MESSAGE_RETENTION durée de conservation des messages des canaux de groupe, en jours (défaut 35)
  CERCLE_MAX_OPEN_REQUESTS demandes d'entretien ouvertes à la fois par membre (défaut 3)
  CERCLE_EXPERT_AUTOROUTE on : chaque demande va d'emblée au meilleur expert ; off (défaut) : les animateurs choisissent
  CERCLE_BUREAU_MIN_AGE, CERCLE_BUREAU_MIN_REVENUE, CERCLE_BUREAU_MIN_HEADCOUNT
                         critères du Bureau des pairs : années d'existence, chiffre d'affaires en euros, salariés (défaut 3, 300000, 3)
  OPENAI_API_KEY         clé d'un serveur compatible OpenAI : résumés des groupes par un modèle ; absente,
                         aucun message n'est envoyé à un modèle et le résumé reprend les messages les plus suivis
  OPENAI_BASE_URL        adresse du serveur, avec /v1 (défaut https://api.openai.com/v1 ; Mistral, Ollama, vLLM…) ;
                         un serveur sans clé (Ollama) prend une clé quelconque
  OPENAI_MODEL           modèle (défaut gpt-4o-mini)
  CERCLE_ASK_PER_HOUR    questions au modèle par membre et par heure (défaut 20) ; au-delà, réponses sans modèle
  CERCLE_ASK_DAILY_TOKENS jetons du modèle par jour pour tout le réseau (défaut 500000)
  OPENAI_TIMEOUT         délai d'un appel au modèle (défaut 60s)
  LOG_LEVEL              debug, info (défaut), warn ou error
  CERCLE_LOG_FILE        journal du mode console (défaut cercle.log à côté de la base ; avertissements
                         et erreurs aussi à l'écran, entre deux invites) ; hors console, journal JSON sur stderr

Options (elles priment sur l'environnement) :
`

// settings are the values read as text, from the environment and then
// the flags, before apply turns them into the Config's typed fields.
type settings struct {
	tz, lang, admins, level, rate, reminders, offerHours string
	coreConcurrency, slackConcurrency, modelConcurrency  string
}

// Parse reads getenv, then the flags in args, and returns the arguments
// left (a subcommand). Problems are kept for Validate, which reports them
// all at once.
func (c *Config) Parse(args []string, getenv func(string) string, stderr io.Writer) ([]string, error) {
	s := c.readEnv(getenv)
	fs := c.flags(&s, stderr)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.problems = nil
	c.applyPlace(s)
	c.applyAdmins(s.admins)
	c.applyNumbers(s)
	c.applyDigest(getenv)
	c.applyExperts(getenv)
	return fs.Args(), nil
}

// readEnv sets what the environment says and returns the settings still
// to parse.
func (c *Config) readEnv(getenv func(string) string) settings {
	c.SlackBotToken = getenv("SLACK_BOT_TOKEN")
	c.SlackAppToken = getenv("SLACK_APP_TOKEN")
	c.SlackSigningSecret = getenv("SLACK_SIGNING_SECRET")
	c.SlackAPIURL = getenv("SLACK_API_URL")
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	str("CERCLE_DB", &c.DB)
	str("CERCLE_SYNCHRONOUS", &c.Synchronous)
	str("CERCLE_HTTP_ADDR", &c.HTTPAddr)
	str("CERCLE_PUBLIC_URL", &c.PublicURL)
	str("CERCLE_SLACK_APP_ID", &c.SlackAppID)
	str("CERCLE_ANNOUNCE_CHANNEL", &c.AnnounceChannel)
	str("CERCLE_LOG_FILE", &c.LogFile)
	return settings{
		tz: getenv("CERCLE_TZ"), lang: getenv("CERCLE_LANG"), admins: getenv("CERCLE_ADMINS"), level: getenv("LOG_LEVEL"),
		rate: getenv("CERCLE_OUTBOX_RATE"), reminders: getenv("CERCLE_REMINDERS"), offerHours: getenv("CERCLE_OFFER_HOURS"),
		coreConcurrency: getenv("CERCLE_CORE_CONCURRENCY"), slackConcurrency: getenv("CERCLE_SLACK_CONCURRENCY"),
		modelConcurrency: getenv("CERCLE_MODEL_CONCURRENCY"),
	}
}

// flags are the command-line options, which win over the environment.
func (c *Config) flags(s *settings, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cercle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.DB, "db", c.DB, "fichier SQLite (CERCLE_DB)")
	fs.StringVar(&c.HTTPAddr, "http-addr", c.HTTPAddr, "adresse HTTP (CERCLE_HTTP_ADDR)")
	fs.StringVar(&c.ForceMode, "mode", "", "console, socket ou http (défaut : déduit des jetons)")
	fs.StringVar(&s.tz, "tz", s.tz, "fuseau du réseau (CERCLE_TZ)")
	fs.StringVar(&s.lang, "lang", s.lang, "langue par défaut (CERCLE_LANG)")
	fs.StringVar(&s.admins, "admins", s.admins, "administrateurs (CERCLE_ADMINS)")
	fs.StringVar(&s.level, "log-level", s.level, "niveau de journal (LOG_LEVEL)")
	fs.BoolVar(&c.Demo, "demo", false, "charge un réseau de démonstration (mode console)")
	return fs
}

// applyPlace sets the network's zone, language and log level.
func (c *Config) applyPlace(s settings) {
	if s.tz != "" {
		loc, err := time.LoadLocation(s.tz)
		if err != nil {
			c.problem("CERCLE_TZ=%q n'est pas un fuseau connu (ex. Europe/Paris)", s.tz)
		} else {
			c.Zone = loc
		}
	}
	switch lang := strings.ToLower(strings.TrimSpace(s.lang)); lang {
	case "":
	case "fr", "en":
		c.Lang = i18n.Lang(lang)
	default:
		c.problem("CERCLE_LANG=%q : fr ou en", s.lang)
	}
	if s.level != "" {
		if err := c.LogLevel.UnmarshalText([]byte(s.level)); err != nil {
			c.problem("LOG_LEVEL=%q : debug, info, warn ou error", s.level)
		}
	}
}

// applyAdmins reads the comma-separated Slack ids of the admins.
func (c *Config) applyAdmins(admins string) {
	c.Admins = nil
	for _, a := range strings.Split(admins, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		id, ok := commands.ParseMention(a)
		if !ok {
			c.problem("CERCLE_ADMINS : %q n'est pas un identifiant Slack", a)
			continue
		}
		c.Admins = append(c.Admins, id)
	}
}

// applyNumbers reads the outbox rate, the offer window and the reminders.
func (c *Config) applyNumbers(s settings) {
	if s.rate != "" {
		r, err := strconv.ParseFloat(s.rate, 64)
		if err != nil || r <= 0 || r > 1000 {
			c.problem("CERCLE_OUTBOX_RATE=%q : un nombre de messages par seconde entre 0 et 1000", s.rate)
		} else {
			c.OutboxRate = r
		}
	}
	if s.offerHours != "" {
		h, err := strconv.Atoi(strings.TrimSpace(s.offerHours))
		if err != nil || h < 1 || h > 24*14 {
			c.problem("CERCLE_OFFER_HOURS=%q : un nombre d'heures entre 1 et 336", s.offerHours)
		} else {
			c.OfferWindow = time.Duration(h) * time.Hour
		}
	}
	c.concurrency("CERCLE_CORE_CONCURRENCY", s.coreConcurrency, &c.CoreConcurrency)
	c.concurrency("CERCLE_SLACK_CONCURRENCY", s.slackConcurrency, &c.SlackConcurrency)
	c.concurrency("CERCLE_MODEL_CONCURRENCY", s.modelConcurrency, &c.ModelConcurrency)
	if s.reminders != "" {
		c.Reminders = nil
		for _, part := range strings.Split(s.reminders, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(part))
			if err != nil || d < time.Hour || d > 60*24*time.Hour {
				c.problem("CERCLE_REMINDERS : %q n'est pas un délai entre 1h et 1440h (ex. 168h,24h)", part)
				continue
			}
			c.Reminders = append(c.Reminders, d)
		}
	}
}

// concurrency reads a number of turns, from 1 to 1024.
func (c *Config) concurrency(name, value string, dst *int) {
	if value == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < 1 || n > 1024 {
		c.problem("%s=%q : un nombre entre 1 et 1024", name, value)
		return
	}
	*dst = n
}

func (c *Config) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Errorf(format, args...))
}

// Validate reports every problem of the configuration at once.
func (c *Config) Validate() error {
	errs := append([]error(nil), c.problems...)
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.ForceMode {
	case "", "console", "socket", "http":
	default:
		add("-mode=%q : console, socket ou http", c.ForceMode)
	}
	mode := c.Mode()
	if mode != ModeConsole {
		if c.SlackBotToken == "" {
			add("SLACK_BOT_TOKEN manque : il faut le jeton du bot (xoxb-…) hors du mode console")
		} else if !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
			add("SLACK_BOT_TOKEN doit commencer par xoxb- (jeton du bot, pas un jeton utilisateur)")
		}
	}
	if mode == ModeSocket {
		if c.SlackAppToken == "" {
			add("SLACK_APP_TOKEN manque : le Socket Mode demande un jeton d'application (xapp-…)")
		} else if !strings.HasPrefix(c.SlackAppToken, "xapp-") {
			add("SLACK_APP_TOKEN doit commencer par xapp- (jeton d'application avec connections:write)")
		}
	}
	if mode == ModeHTTP && c.SlackSigningSecret == "" {
		add("SLACK_SIGNING_SECRET manque : le mode HTTP vérifie chaque requête avec le secret de signature (ou définissez SLACK_APP_TOKEN pour le Socket Mode)")
	}
	if c.SlackAPIURL != "" {
		u, err := url.Parse(c.SlackAPIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("SLACK_API_URL=%q n'est pas une URL http(s)", c.SlackAPIURL)
		} else if !strings.HasSuffix(c.SlackAPIURL, "/") {
			// slack-go appends the method name directly.
			c.SlackAPIURL += "/"
		}
	}
	if c.AnnounceChannel != "" {
		if _, ok := commands.ParseMention(c.AnnounceChannel); !ok {
			add("CERCLE_ANNOUNCE_CHANNEL=%q n'est pas un identifiant de canal (C0123…)", c.AnnounceChannel)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("CERCLE_PUBLIC_URL=%q n'est pas une URL http(s)", c.PublicURL)
		}
	}
	if c.SlackAppID != "" && !slackAppID.MatchString(c.SlackAppID) {
		add("CERCLE_SLACK_APP_ID=%q n'est pas un identifiant d'application Slack (A0123…)", c.SlackAppID)
	}
	if c.DB == "" {
		add("CERCLE_DB est vide")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		add("CERCLE_HTTP_ADDR=%q : attendu hôte:port, par ex. :8080", c.HTTPAddr)
	}
	switch strings.ToUpper(c.Synchronous) {
	case "NORMAL", "FULL", "EXTRA":
	default:
		add("CERCLE_SYNCHRONOUS=%q : FULL ou NORMAL", c.Synchronous)
	}
	if c.Demo && mode != ModeConsole {
		add("--demo ne s'utilise qu'en mode console (il écrirait des membres fictifs dans un vrai espace Slack)")
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("configuration invalide :\n  - %w", joinLines(errs))
}

func joinLines(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n  - "))
}

// LogPath is the console mode's log file: LogFile, else cercle.log in
// the database's directory, which the operator already knows and keeps.
func (c Config) LogPath() string {
	if c.LogFile != "" {
		return c.LogFile
	}
	return filepath.Join(filepath.Dir(c.DB), "cercle.log")
}

// LogValue is what a log line shows of the configuration: never the
// secrets, only whether each is set.
func (c Config) LogValue() slog.Value {
	set := func(s string) bool { return s != "" }
	return slog.GroupValue(
		slog.String("mode", c.Mode().String()),
		slog.Bool("slack_bot_token_set", set(c.SlackBotToken)),
		slog.Bool("openai_api_key_set", set(c.Digest.OpenAIKey)),
		slog.Bool("slack_app_token_set", set(c.SlackAppToken)),
		slog.Bool("slack_signing_secret_set", set(c.SlackSigningSecret)),
		slog.String("db", c.DB),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("lang", string(c.Lang)),
	)
}

// slackAppID is the form of a Slack app's id.
var slackAppID = regexp.MustCompile(`^A[A-Z0-9]{4,}$`)

// AppURL is the link that opens the Slack app (its Messages tab, where
// confirmations land and /cercle works), for calendar entries to link
// back to; empty without CERCLE_SLACK_APP_ID. Slack's app_redirect works
// in any browser and calendar, unlike a slack:// link.
func (c *Config) AppURL() string {
	if c.SlackAppID == "" {
		return ""
	}
	return "https://slack.com/app_redirect?app=" + url.QueryEscape(c.SlackAppID)
}
