package storage

import "strings"

// conditions gathers the WHERE clause of a Find method's query, one
// condition per filter field set, with their arguments in order.
type conditions struct {
	where []string
	args  []any
}

// add appends a condition and its arguments.
func (c *conditions) add(cond string, args ...any) {
	c.where, c.args = append(c.where, cond), append(c.args, args...)
}

// in appends "column IN (…)" for values; none adds nothing, as a zero
// filter field selects nothing out.
func in[T ~string](c *conditions, column string, values []T) {
	if len(values) == 0 {
		return
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	c.add(column+" IN ("+placeholders(len(args))+")", args...)
}

// clause is " WHERE a AND b", or nothing without a condition.
func (c *conditions) clause() string {
	if len(c.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.where, " AND ")
}
