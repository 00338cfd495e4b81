// Package afterfunclock is the home of an etcd-style lease kernel whose
// code lives in a package of its own (lease) and whose tests are in an
// external test package: simrun test must translate both.
package afterfunclock
