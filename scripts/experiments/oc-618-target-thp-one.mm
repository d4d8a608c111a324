# The RFC fork experiment (docs/experiments/rfc-fork.md, "Does overcommit or the shrinker explain 118?"): oc-618-target-thp-one
# OVERCOMMIT_GUESS of Linux 6.18; shrinker scan: thplab's, until the target is met
policy use reclaim lru-shrinker
run rfc-fork size=256G chunk=16G pattern=one seed=1
