package traces_test

// The page in a real browser: headless Chromium, driven over the DevTools
// protocol by chromedp. The test is skipped when no Chromium is installed
// (.ci/run installs the Debian package "chromium"). Set
// SIMRUN_SCREENSHOTS to a directory to keep screenshots of the pages.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/simrun/simrun/traces"
)

// browser returns a chromedp context of a headless Chromium, or skips the
// test if there is none.
func browser(t *testing.T) (context.Context, *consoleErrors) {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no Chromium found (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1400, 900), chromedp.Flag("disable-dev-shm-usage", true))
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	errs := &consoleErrors{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			errs.add(fmt.Sprintf("exception at line %d: %s", d.LineNumber+1, msg))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				errs.add(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx, errs
}

// consoleErrors collects the page's exceptions and console errors.
type consoleErrors struct {
	mu   sync.Mutex
	errs []string
}

func (c *consoleErrors) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, s)
}

func (c *consoleErrors) check(t *testing.T, what string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		t.Errorf("%s: %s", what, e)
	}
	c.errs = nil
}

// openPage writes tr's page to a file and loads it, and returns how long
// the browser took until the page's script was done.
func openPage(ctx context.Context, t *testing.T, tr *traces.Trace, name string) time.Duration {
	t.Helper()
	var b bytes.Buffer
	if err := traces.HTML(&b, tr, traces.TimelineOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+".html")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	load, cancel := context.WithTimeout(ctx, 30*time.Second) // the page's script ends by marking the body ready
	defer cancel()
	if err := chromedp.Do(load, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("body[data-ready]"))); err != nil {
		t.Errorf("%s: loading the page: %v (its console errors follow)", name, err)
		return time.Since(start)
	}
	took := time.Since(start)
	if dir := os.Getenv("SIMRUN_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return took
}

// viewState is what the page shows: the selected row, whether it lies
// inside the scrolled view below the lane headers, and how many rows are
// drawn.
type viewState struct {
	Sel     int  `json:"sel"`
	Visible bool `json:"visible"`
	Drawn   int  `json:"drawn"`
	Detail  string
}

const viewJS = `(function () {
  var s = document.querySelector(".r.sel"), v = document.getElementById("view").getBoundingClientRect();
  var r = s ? s.getBoundingClientRect() : null;
  return {sel: s ? +s.getAttribute("data-i") : -1,
    visible: !!r && r.top >= v.top + 20 && r.bottom <= v.bottom && r.height > 0,
    drawn: document.querySelectorAll(".r").length,
    Detail: document.getElementById("detail").textContent};
})()`

// state returns the page's viewState, after the keys are pressed.
func state(ctx context.Context, t *testing.T, keys ...string) viewState {
	t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for _, k := range keys {
		actions = append(actions, chromedp.KeyEvent(k))
	}
	actions = append(actions, chromedp.Sleep(50*time.Millisecond))
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	s, err := chromedp.Run(ctx, chromedp.Evaluate[viewState](viewJS))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHTMLBrowser(t *testing.T) {
	ctx, errs := browser(t)

	// The sample: the page opens at the first cause (the lost signal),
	// "c" goes to the next (the wait that missed it), Enter follows its
	// link back to the signal, "a" to the next event of the same actor.
	tr := sampleTrace()
	d := pageOf(t, renderHTML(t, tr, traces.TimelineOptions{}))
	openPage(ctx, t, tr, "sample")
	errs.check(t, "sample")
	steps := []struct {
		keys []string
		want int
	}{
		{nil, d.Cause[0]},
		{[]string{"c"}, d.Cause[1]},
		{[]string{"\r"}, d.Cause[0]},
		{[]string{"a"}, 11}, // t1's unlock after its lost signal
		{[]string{"k"}, 10},
		{[]string{"o"}, 15}, // the next event on COND_wakeup[t2]
	}
	for _, s := range steps {
		got := state(ctx, t, s.keys...)
		if got.Sel != s.want || !got.Visible {
			t.Errorf("sample, keys %q: selected row %d (visible %v), want row %d", s.keys, got.Sel, got.Visible, s.want)
		}
	}
	// "Go to cause": the finding box's buttons select and show their row.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("view").scrollTop = 0; document.querySelectorAll("button.cause")[1].click(); true`)); err != nil {
		t.Fatal(err)
	}
	if got := state(ctx, t); got.Sel != d.Cause[1] || !got.Visible {
		t.Errorf("sample, the second cause button: selected row %d (visible %v), want row %d", got.Sel, got.Visible, d.Cause[1])
	}
	if got := state(ctx, t); !strings.Contains(got.Detail, "missed the lost signal") && !strings.Contains(got.Detail, "COND_wakeup[t2]") {
		t.Errorf("detail bar: %q", got.Detail)
	}
	errs.check(t, "sample, keys")

	// Pages without a finding, or without events, load without error and
	// select nothing.
	for name, tr := range map[string]*traces.Trace{"nofinding": ownershipTrace(), "empty": {Format: traces.Format, Version: traces.Version, Protocol: "p", Variant: "v"}} {
		openPage(ctx, t, tr, name)
		errs.check(t, name)
		if got := state(ctx, t, "c", "a"); got.Sel != -1 && name == "empty" {
			t.Errorf("%s: selected row %d", name, got.Sel)
		}
		errs.check(t, name+", keys")
	}

	// A large trace loads within the budget, opens at its cause, and
	// draws only the rows in view.
	big, cause := bigTrace(10000, 100)
	took := openPage(ctx, t, big, "big")
	errs.check(t, "big")
	budget := 10 * time.Second
	if took > budget {
		t.Errorf("10,000 steps x 100 actors: loaded in %v, budget %v", took, budget)
	}
	t.Logf("10,000 steps x 100 actors: loaded in %v", took)
	got := state(ctx, t)
	bd := pageOf(t, renderHTML(t, big, traces.TimelineOptions{}))
	if got.Sel != bd.Cause[0] || bd.Rows[got.Sel].Step != cause || !got.Visible {
		t.Errorf("big: selected row %d (visible %v), want the lost signal at step %d", got.Sel, got.Visible, cause)
	}
	if got.Drawn > 200 {
		t.Errorf("big: %d rows drawn, want only those in view", got.Drawn)
	}
	// Scrolled to the top, the first rows are drawn.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("view").scrollTop = 0`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[int](`+document.querySelector(".r").getAttribute("data-i")`))
	if err != nil {
		t.Fatal(err)
	}
	if first != 0 {
		t.Errorf("big, scrolled to the top: first row drawn %d", first)
	}
	// From the top, "go to cause" scrolls 9,997 rows down to the cause.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("button.cause").click(); true`)); err != nil {
		t.Fatal(err)
	}
	if got := state(ctx, t); got.Sel != bd.Cause[0] || !got.Visible {
		t.Errorf("big, the cause button from the top: selected row %d (visible %v), want row %d", got.Sel, got.Visible, bd.Cause[0])
	}
	errs.check(t, "big, scrolled")
}
