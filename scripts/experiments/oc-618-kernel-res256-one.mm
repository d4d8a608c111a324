# The RFC fork experiment (docs/experiments/rfc-fork.md, "Does overcommit or the shrinker explain 118?"): oc-618-kernel-res256-one
# OVERCOMMIT_GUESS of Linux 6.18; shrinker scan: the kernel's priorities and do_shrink_slab() of 6.18
policy use fault reservation
sysfs promotion_threshold 256
policy use reclaim lru-shrinker-6.18
run rfc-fork size=256G chunk=16G pattern=one seed=1
