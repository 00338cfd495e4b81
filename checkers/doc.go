// Package checkers holds the oracles that judge a finished execution from
// the events its actors recorded: commit-order consistency for group
// commit, linearizability through porcupine, serializability of the
// xenstore replay protocol. (Stuck executions — deadlocks and lost wakeups —
// are explained by package sim itself, which sees who waits on what.)
//
// A checker depends on events, never on a particular protocol: every
// group-commit protocol records the events defined here, so one checker
// judges them all.
package checkers
