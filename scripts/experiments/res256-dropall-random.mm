# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-dropall-random
policy use fault reservation
policy use reclaim drop-all
run rfc-fork size=256G chunk=16G pattern=random seed=1
