package console

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"cercle/commands"
	"cercle/i18n"
)

// fillForm asks each field in turn, submits, and asks again the fields in
// error until the form is accepted or abandoned with ":annuler".
func (c *Console) fillForm(ctx context.Context, f *commands.Form) {
	c.printf("== %s == (Entrée garde la valeur entre crochets, :annuler abandonne)\n", f.Title)
	values := map[string]string{}
	for _, fl := range f.Fields {
		values[fl.ID] = fl.Value
	}
	ask := f.Fields
	for {
		for _, fl := range ask {
			v, ok := c.askField(ctx, fl, values[fl.ID])
			if !ok {
				c.printf("Formulaire abandonné.\n")
				return
			}
			values[fl.ID] = v
		}
		resp := c.service.Submit(ctx, &commands.Submission{FormID: f.ID, State: f.State, Values: values, User: c.user})
		if len(resp.FieldErrors) == 0 {
			c.show(ctx, resp)
			return
		}
		ask = nil
		for _, fl := range f.Fields {
			if msg, bad := resp.FieldErrors[fl.ID]; bad {
				c.printf("  ! %s : %s\n", fl.Label, msg)
				ask = append(ask, fl)
			}
		}
		if len(ask) == 0 {
			// Errors on fields the form does not show: nothing to re-ask.
			ids := make([]string, 0, len(resp.FieldErrors))
			for id := range resp.FieldErrors {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			c.printf("Formulaire refusé (%s).\n", strings.Join(ids, ", "))
			return
		}
	}
}

// askField asks one field until the answer is usable: a choice that names
// no option, or several, is asked again with the choices.
func (c *Console) askField(ctx context.Context, f commands.Field, current string) (string, bool) {
	prompt := fieldPrompt(f, current)
	for {
		c.printf("%s : ", prompt)
		line, ok := c.readLine(ctx)
		if !c.Prompt {
			c.printf("\n")
		}
		if !ok || line == ":annuler" {
			return "", false
		}
		if line == "" {
			return current, true
		}
		v, problem := fieldValue(f, line)
		if problem == "" {
			return v, true
		}
		c.printf("  ! %s\n", problem)
	}
}

// fieldPrompt is the question for f: its label, what it takes, and the
// current value, which Enter keeps.
func fieldPrompt(f commands.Field, current string) string {
	label := f.Label
	if f.Optional {
		label += " (facultatif)"
	}
	shown := current
	switch f.Kind {
	case commands.FieldDateTime:
		// Slack's picker sends Unix seconds; here dates are typed.
		if n, err := strconv.ParseInt(current, 10, 64); err == nil && n > 946684800 {
			shown = time.Unix(n, 0).In(i18n.Paris()).Format("02/01/2006 15h04")
		}
		label += " (JJ/MM/AAAA HHhMM)"
	case commands.FieldSelect:
		shown = optionLabels(f.Options, []string{current})
		label += " {" + optionLabels(f.Options, nil) + "}"
	case commands.FieldCheckboxes:
		shown = optionLabels(f.Options, strings.Split(current, "\n"))
		label += " {" + optionLabels(f.Options, nil) + "} (choix séparés par des virgules, - pour aucun)"
	}
	if shown != "" {
		label += " [" + shown + "]"
	}
	return label
}

// optionLabels lists the labels of the options whose value is in values,
// or of every option when values is nil.
func optionLabels(options []commands.Option, values []string) string {
	var labels []string
	for _, o := range options {
		if values == nil || contains(values, o.Value) {
			labels = append(labels, o.Label)
		}
	}
	return strings.Join(labels, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// fieldValue turns what was typed into the field's value: for a choice,
// the value of the option it names. problem says why it cannot.
func fieldValue(f commands.Field, line string) (value, problem string) {
	switch f.Kind {
	case commands.FieldSelect:
		o, problem := choose(f.Options, line)
		return o.Value, problem
	case commands.FieldCheckboxes:
		if line == "-" {
			return "", ""
		}
		var values []string
		for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' }) {
			chosen, problem := chooseSeveral(f.Options, part)
			if problem != "" {
				return "", problem
			}
			for _, o := range chosen {
				if !contains(values, o.Value) {
					values = append(values, o.Value)
				}
			}
		}
		return strings.Join(values, "\n"), ""
	}
	return line, ""
}

// chooseSeveral reads one comma-separated part of a checkboxes answer: one
// choice, or, when it names none, space-separated choices ("marc nadia").
func chooseSeveral(options []commands.Option, part string) ([]commands.Option, string) {
	o, problem := choose(options, part)
	words := strings.Fields(part)
	if problem == "" || len(words) < 2 {
		return []commands.Option{o}, problem
	}
	var chosen []commands.Option
	for _, w := range words {
		o, wordProblem := choose(options, w)
		if wordProblem != "" {
			return nil, problem
		}
		chosen = append(chosen, o)
	}
	return chosen, ""
}

// choose finds the option text names: its label (as the member reads it,
// in their language) or its key, whole or its start, or the start of a
// word of the label, with case and accents folded: « pleniere », « Plén »,
// « visite », « training » and « formation » all name an event kind. An
// exact match wins over a start; a start shared by several options names
// none of them.
func choose(options []commands.Option, text string) (commands.Option, string) {
	want := commands.Fold(strings.TrimSpace(text))
	if want != "" {
		exact := func(o commands.Option, label string) bool {
			return label == want || commands.Fold(o.Value) == want
		}
		start := func(o commands.Option, label string) bool {
			if strings.HasPrefix(label, want) || strings.HasPrefix(commands.Fold(o.Value), want) {
				return true
			}
			for _, w := range strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if strings.HasPrefix(w, want) {
					return true
				}
			}
			return false
		}
		for _, match := range []func(commands.Option, string) bool{exact, start} {
			var found []commands.Option
			for _, o := range options {
				if match(o, commands.Fold(o.Label)) {
					found = append(found, o)
				}
			}
			switch {
			case len(found) == 1:
				return found[0], ""
			case len(found) > 1:
				return commands.Option{}, fmt.Sprintf("« %s » peut désigner %s : précisez.", text, optionLabels(found, nil))
			}
		}
	}
	return commands.Option{}, fmt.Sprintf("« %s » ne fait pas partie des choix : %s.", text, optionLabels(options, nil))
}
