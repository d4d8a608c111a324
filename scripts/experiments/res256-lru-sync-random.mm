# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-lru-sync-random, promotion at the fault that crosses the threshold
# (embedded runner only: in the framework, promote-reservation with mode=fault)
policy use fault reservation
policy use reclaim lru-shrinker
policy disable reservation
policy enable reservation-at-fault
sysfs promotion_threshold 256
run rfc-fork size=256G chunk=16G pattern=random seed=1
