package chanmethod

type Queue chan int

func (q Queue) Push(v int) { q <- v }

var push = make(Queue).Push
