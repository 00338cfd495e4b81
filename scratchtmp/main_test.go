package scratch
import ("fmt";"testing";"time";"github.com/simrun/simrun/protocols";"github.com/simrun/simrun/scheduler";"github.com/simrun/simrun/sim")
func TestScratch(t *testing.T){
 for _, p := range protocols.All {
  if p.Name=="replay" {continue}
  for _, v := range p.Variants {
   for _, th := range []int{2,3} {
    _, s, _, err := protocols.Scenario(p.Name, v.Name, protocols.Params{Threads: th, Txns:1})
    if err!=nil {t.Fatal(err)}
    for _, strat := range []string{"dpor","dfs2"} {
     var st scheduler.Strategy = scheduler.NewDPOR()
     if strat=="dfs2" { if th==3 {continue}; st = scheduler.NewDFS(2) }
     t0:=time.Now()
     rep, err := sim.Explore(s, sim.Options{Strategy: st, Runs: 300000, Races: true, Workers:1})
     if err!=nil {t.Fatal(err)}
     fmt.Printf("%s/%s th=%d %s: runs=%d red=%d exh=%v states=%d kinds=%v expected=%s %.2fs\n", p.Name, v.Name, th, strat, rep.Runs, rep.Redundant, rep.Exhausted, rep.TerminalStates, rep.Counts, v.Expected, time.Since(t0).Seconds())
    }
   }
  }
 }
}
