# The RFC fork experiment (docs/experiments/rfc-fork.md, "Does overcommit or the shrinker explain 118?"): oc-419-kernel-thp-one-16GB (16 GB chunks, 16×10⁹ bytes rounded down to 2 MiB)
# OVERCOMMIT_GUESS of Linux 4.19; shrinker scan: the kernel's priorities and do_shrink_slab() of 4.19
sysctl thplab.overcommit_guess_heuristic 4.19
policy use reclaim lru-shrinker-4.19
run rfc-fork size=256G chunk=15258M pattern=one seed=1
