package assistant

import (
	"reflect"
	"strings"
	"testing"

	"cercle/commands"
)

func TestGroupParts(t *testing.T) {
	t.Parallel()
	part := []commands.SummaryBullet{{Kind: "decision", Text: strings.Repeat("x", 380), Cites: []string{"1"}}} // ~110 tokens
	parts := [][]commands.SummaryBullet{part, part, part, part, part}
	tests := []struct {
		budget int
		want   [][]int
	}{
		{10000, [][]int{{0, 1, 2, 3, 4}}},
		{250, [][]int{{0, 1}, {2, 3}, {4}}},
		{10, [][]int{{0, 1}, {2, 3}, {4}}}, // two at least, so every round shrinks
	}
	for _, tt := range tests {
		if got := groupParts(parts, tt.budget); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("groupParts(budget %d) = %v, want %v", tt.budget, got, tt.want)
		}
	}
}

func TestPack(t *testing.T) {
	t.Parallel()
	msgs := []commands.SummaryInput{
		{Ref: "1"}, {Ref: "2"}, {Ref: "3", Thread: "1"}, {Ref: "4", Thread: "0"}, {Ref: "5", Thread: "1"}, {Ref: "6"},
	}
	cost := func(n ...int) []item {
		items := make([]item, len(n))
		for i, c := range n {
			items[i].tokens = c
		}
		return items
	}
	groups := threads(msgs)
	if want := [][]int{{0, 2, 4}, {1}, {3}, {5}}; !reflect.DeepEqual(groups, want) {
		t.Fatalf("threads = %v, want %v", groups, want)
	}
	tests := []struct {
		name  string
		items []item
		want  [][]int
	}{
		{"AllFit", cost(1, 1, 1, 1, 1, 1), [][]int{{0, 1, 2, 3, 4, 5}}},
		{"ThreadTogether", cost(12, 12, 12, 12, 12, 12), [][]int{{0, 2, 4}, {1, 3, 5}}},
		// The thread spans two parts; the second goes on with the next
		// messages, in time order.
		{"ThreadTooLong", cost(20, 10, 20, 10, 20, 10), [][]int{{0, 2}, {1, 3, 4}, {5}}},
	}
	for _, tt := range tests {
		if got := pack(groups, tt.items, 40); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: pack = %v, want %v", tt.name, got, tt.want)
		}
	}
}
