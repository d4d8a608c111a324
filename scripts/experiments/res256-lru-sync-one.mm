# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-lru-sync-one
policy use fault reservation
policy disable reservation
policy enable reservation-at-fault
run rfc-fork size=256G chunk=16G pattern=one seed=1
