package reflectsel

import "reflect"

func Pick(chs []chan int) int {
	cases := make([]reflect.SelectCase, len(chs))
	for i, c := range chs {
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(c)}
	}
	i, _, _ := reflect.Select(cases)
	reflect.ValueOf(chs[0]).Send(reflect.ValueOf(1))
	return i
}
