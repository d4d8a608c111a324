# The RFC fork experiment (docs/experiments/rfc-fork.md): thp-random-16GB
run rfc-fork size=256G chunk=15258M pattern=random seed=1
