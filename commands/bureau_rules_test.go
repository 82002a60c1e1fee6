package commands

import (
	"reflect"
	"testing"
	"time"
)

func TestCheckEligibilityEdges(t *testing.T) {
	c := DefaultBureauCriteria()
	jan := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC)
	ok := func(year int, revenue int64, headcount int) *Application {
		return &Application{FoundedYear: year, Revenue: RevenueBandOf(revenue), Headcount: headcount}
	}
	tests := []struct {
		name string
		app  *Application
		now  time.Time
		want []Miss
	}{
		{"three years exactly", ok(2023, 300_000, 3), dec, nil},
		{"three years by calendar year, in January", ok(2023, 300_000, 3), jan, nil},
		{"two years", ok(2024, 300_000, 3), dec, []Miss{{CriterionAge, 3, 2}}},
		{"founded this year", ok(2026, 1_000_000, 10), jan, []Miss{{CriterionAge, 3, 0}}},
		{"no founding year", ok(0, 1_000_000, 10), jan, []Miss{{CriterionAge, 3, -1}}},
		{"299,999 €", ok(2000, 299_999, 3), dec, []Miss{{CriterionRevenue, 300_000, 0}}},
		{"300,000 €", ok(2000, 300_000, 3), dec, nil},
		{"no revenue band", &Application{FoundedYear: 2000, Headcount: 3}, dec, []Miss{{CriterionRevenue, 300_000, -1}}},
		{"two employees", ok(2000, 300_000, 2), dec, []Miss{{CriterionHeadcount, 3, 2}}},
		{"three employees", ok(2000, 300_000, 3), dec, nil},
		{"misses all three", ok(2025, 100_000, 1), dec, []Miss{{CriterionAge, 3, 1}, {CriterionRevenue, 300_000, 0}, {CriterionHeadcount, 3, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckEligibility(c, tt.app, tt.now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckEligibility = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRevenueBandOf(t *testing.T) {
	for euros, want := range map[int64]RevenueBand{
		0: RevenueUnder300k, 299_999: RevenueUnder300k, 300_000: Revenue300kTo1M, 999_999: Revenue300kTo1M,
		1_000_000: Revenue1MTo5M, 5_000_000: Revenue5MTo20M, 19_999_999: Revenue5MTo20M, 20_000_000: RevenueOver20M,
	} {
		if got := RevenueBandOf(euros); got != want {
			t.Errorf("RevenueBandOf(%d) = %q, want %q", euros, got, want)
		}
	}
}

func TestConfiguredCriteria(t *testing.T) {
	c := BureauCriteria{MinRevenue: 500_000}.withDefaults()
	if c.MinAgeYears != 3 || c.MinHeadcount != 3 || c.MinRevenue != 500_000 {
		t.Fatalf("withDefaults = %+v", c)
	}
	// A minimum inside a band goes to a facilitator.
	app := &Application{FoundedYear: 2000, Revenue: Revenue300kTo1M, Headcount: 3}
	if got := CheckEligibility(c, app, time.Now()); len(got) != 1 || got[0].Criterion != CriterionRevenue {
		t.Errorf("CheckEligibility = %v", got)
	}
}

func TestDecideApplication(t *testing.T) {
	now := time.Now()
	a := &Application{Status: ApplicationToDecide}
	if err := decideApplication(a, true, "", "staff", now); ErrorCode(err) != EINVALID || a.Status != ApplicationToDecide {
		t.Fatalf("accepting to_decide without a reason: %v, %s", err, a.Status)
	}
	if err := decideApplication(a, true, "Projet solide", "staff", now); err != nil || a.Status != ApplicationAccepted || a.DecidedBy != "staff" {
		t.Fatalf("accept: %v, %+v", err, a)
	}
	if err := decideApplication(a, false, "non", "staff", now); ErrorCode(err) != ECONFLICT {
		t.Fatalf("deciding twice: %v", err)
	}
	e := &Application{Status: ApplicationEligible}
	if err := decideApplication(e, true, "", "staff", now); err != nil || e.Status != ApplicationAccepted {
		t.Fatalf("accept eligible without reason: %v", err)
	}
	r := &Application{Status: ApplicationEligible}
	if err := decideApplication(r, false, "", "staff", now); ErrorCode(err) != EINVALID {
		t.Fatalf("refuse without reason: %v", err)
	}
	if err := decideWithdraw(e); err != nil || e.Status != ApplicationWithdrawn {
		t.Fatalf("withdraw: %v", err)
	}
	if err := decideWithdraw(e); ErrorCode(err) != ECONFLICT {
		t.Fatalf("withdraw twice: %v", err)
	}
}
