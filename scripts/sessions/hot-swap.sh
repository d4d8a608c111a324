#!/usr/bin/env bash
# The hot-swap session of docs/policies.md, typed into ./thplab as a user would (piped input):
# a long workload in the background; policies listed; the fault policy swapped from fault-thp to
# fault-reservation and the reclaim policy from lru-shrinker to drop-all; promote-khugepaged
# uninstalled; the third-party example installed from deploy/ and enabled; counters in between;
# check and verify at the end. The sleeps give the background job wall time between commands,
# so the counters differ from run to run (a background job is not deterministic against typing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JAR=examples/promote-utilization/target/promote-utilization-1.0.0.jar
[[ -f $JAR ]] || mvn -B -q -DskipTests package -pl examples/promote-utilization -am >&2
rm -f deploy/promote-utilization-1.0.0.jar
trap 'rm -f deploy/promote-utilization-1.0.0.jar' EXIT
{
  echo 'sysfs enabled always'
  echo 'sysfs khugepaged/scan_sleep_millisecs 10'
  echo 'run --background rfc-fork size=256G chunk=16G pattern=random seed=3'
  sleep 2.5
  echo 'jobs'
  echo 'policy'
  echo 'vmstat thp_fault_alloc'
  echo 'vmstat thp_res_alloc'
  echo 'vmstat nr_thp_reserved'
  echo 'sysfs khugepaged/pages_collapsed'
  echo 'vmstat thp_collapse_alloc'
  echo 'policy use fault reservation'
  echo 'policy use reclaim drop-all'
  echo 'uninstall org.thplab.policy.promote-khugepaged'
  cp "$JAR" deploy/
  sleep 3
  echo 'policy enable promotion utilization'
  echo 'policy'
  echo 'jobs'
  echo 'vmstat thp_fault_alloc'
  echo 'vmstat thp_res_alloc'
  echo 'vmstat nr_thp_reserved'
  sleep 4
  echo 'jobs'
  echo 'vmstat thp_collapse_alloc'
  echo 'vmstat nr_thp_reserved'
  echo 'stop 1'
  echo 'check'
  echo 'verify child1 chunk'
  echo 'verify child2 chunk'
} | ./thplab
