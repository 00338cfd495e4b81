package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/simrun/simrun/protocols"
)

func runList(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("list", stderr)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(rest) > 0 {
		return exitUsage, usagef("list takes no arguments")
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROTOCOL\tVARIANT\tEXPECTED\tDESCRIPTION")
	for _, p := range protocols.All {
		for _, v := range p.Variants {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, v.Name, v.Expected, v.Doc)
		}
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	for _, p := range protocols.All {
		fmt.Fprintf(stdout, "%s: %s\n    parameters: %s\n", p.Name, p.Doc, strings.Join(p.Params, ", "))
	}
	return exitClean, nil
}
