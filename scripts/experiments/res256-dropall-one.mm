# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-dropall-one
policy use fault reservation
policy use reclaim drop-all
run rfc-fork size=256G chunk=16G pattern=one seed=1
