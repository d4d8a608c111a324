# The RFC fork experiment (docs/experiments/rfc-fork.md): thp-one-16GB
run rfc-fork size=256G chunk=15258M pattern=one seed=1
