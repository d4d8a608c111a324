# The RFC fork experiment (docs/experiments/rfc-fork.md): thp-random
run rfc-fork size=256G chunk=16G pattern=random seed=1
