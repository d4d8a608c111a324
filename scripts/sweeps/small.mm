# sweep: the cells of a spec, each on a fresh machine, several at once (docs/sweeps.md); the
# summary depends on the spec alone, the wall time goes to stderr.
sweep small.yaml
sweep script.yaml
# the machines of the cells are gone: only the default machine is left
machines
# refused before any cell runs, naming the problem
!sweep nosuch.yaml
!sweep bad-kind.yaml
