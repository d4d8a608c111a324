# The RFC fork experiment (docs/experiments/rfc-fork.md): thp-one
run rfc-fork size=256G chunk=16G pattern=one seed=1
