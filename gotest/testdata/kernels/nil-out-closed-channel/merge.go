// Package niloutclosed merges two channels in a select loop that ends
// when both are nil; the buggy loop does not set a closed channel to nil,
// so after both close it keeps receiving their zero values and never
// ends (a spin, not a block: goleak and the deadlock detector are silent).
package niloutclosed

// Sum adds every value of a and b until both are closed. The buggy
// version (nilOut false) never disables a closed channel.
func Sum(a, b <-chan int, nilOut bool) int {
	sum := 0
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				if nilOut {
					a = nil
				}
				continue
			}
			sum += v
		case v, ok := <-b:
			if !ok {
				if nilOut {
					b = nil
				}
				continue
			}
			sum += v
		}
	}
	return sum
}
