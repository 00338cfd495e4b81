// Package unsupported selects over a dynamic set of channels with
// reflect.Select, which simrun test cannot translate: its end-to-end test
// expects exit status 2 naming this file and line.
package unsupported

import "reflect"

// FirstOf returns the first value received from any of chans.
func FirstOf(chans []chan int) int {
	cases := make([]reflect.SelectCase, len(chans))
	for i, c := range chans {
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(c)}
	}
	_, v, _ := reflect.Select(cases)
	return int(v.Int())
}
