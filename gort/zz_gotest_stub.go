package gort

import (
	"testing"
	"time"
)

type Config struct {
	Strategies string        `json:"strategies,omitempty"`
	Runs       int           `json:"runs,omitempty"`
	Seed       uint64        `json:"seed,omitempty"`
	Bound      int           `json:"bound,omitempty"`
	MaxSteps   int           `json:"max_steps,omitempty"`
	NoRaces    bool          `json:"no_races,omitempty"`
	Watchdog   time.Duration `json:"watchdog,omitempty"`
	Trace      string        `json:"trace,omitempty"`
	TracesDir  string        `json:"traces_dir"`
	Report     string        `json:"report"`
}
type Result struct {
	Package    string `json:"package"`
	Test       string `json:"test"`
	Verdict    string `json:"verdict"`
	Kind       string `json:"kind,omitempty"`
	Message    string `json:"message,omitempty"`
	Runs       int    `json:"runs"`
	Run        int    `json:"run,omitempty"`
	Strategy   string `json:"strategy,omitempty"`
	Seed       uint64 `json:"seed,omitempty"`
	Steps      int    `json:"steps,omitempty"`
	Exhaustive bool   `json:"exhaustive,omitempty"`
	Trace      string `json:"trace,omitempty"`
	Timeline   string `json:"timeline,omitempty"`
}
type T struct{}

func RunTest(t *testing.T, name string, body func(*T)) {}
