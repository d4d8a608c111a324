# The RFC fork experiment's benefit side (docs/experiments/rfc-fork.md): thp, each child then makes 1 M uniform loads over its chunk
run rfc-fork size=16G chunk=1G pattern=random seed=1 accesses=1000000
