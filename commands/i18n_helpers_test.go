package commands_test

import "cercle/i18n"

func hasKey(key string) bool { return i18n.Has(key) }

func printer() *i18n.Printer { return i18n.NewPrinter(i18n.French, nil) }
