//go:build !race

package bot_test

// raceEnabled: the race detector slows everything about tenfold, so
// wall-clock bounds are not asserted under it.
const raceEnabled = false
