// Package i18n holds Cercle's French (default) and English message catalog
// and renders dates, times and numbers the way French business leaders read
// them, in Europe/Paris. Every user-facing word goes through it, so it
// imports only the standard library and any package may depend on it.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Lang is a catalog language, written as its ISO 639-1 code.
type Lang string

// The languages Cercle speaks. French comes first because members are French
// business leaders: it is the default and the fallback for missing keys.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// ParseLang maps a Slack locale or a user preference ("fr", "fr-FR", "en_GB",
// "EN", "") to a supported language. Anything that is not English becomes
// French rather than an error, because a member must always get an answer.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if s == string(English) {
		return English
	}
	return French
}

//go:embed fr.json en.json
var catalogFiles embed.FS

// catalogs is loaded once at init: a malformed embedded file is a programmer
// error that every test run would catch, so failing loudly at start is safer
// than serving half-translated messages.
var catalogs = map[Lang]map[string]string{
	French:  mustLoad(French),
	English: mustLoad(English),
}

func mustLoad(lang Lang) map[string]string {
	name := string(lang) + ".json"
	data, err := catalogFiles.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("i18n: read %s: %v", name, err))
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		panic(fmt.Sprintf("i18n: parse %s: %v", name, err))
	}
	return m
}

// Has reports whether key exists in the catalog of any language. Callers use
// it to check keys built at run time (such as plural or error keys) before
// showing them.
func Has(key string) bool {
	for _, c := range catalogs {
		if _, ok := c[key]; ok {
			return true
		}
	}
	return false
}

// Keys returns the sorted keys of one language's catalog, or nil for a
// language Cercle does not speak. Tests use it to compare the catalogs.
func Keys(lang Lang) []string {
	c, ok := catalogs[lang]
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
