# Workloads (docs/workloads.md): run alone lists them with their parameters; a run boots the
# machine afresh; a bad value is an error that changes nothing.
run
boot 64M seed=7
spawn p
!run rfc-fork chunk=3M
!run rfc-fork pattern=zig
!run rfc-fork seed=x
!run rfc-fork bogus=1
!run nope
oom_score_adj p
# Two children of 8 MiB, the first page of each 2 MiB region written: 8 faults.
run rfc-fork size=64M chunk=8M max=2 seed=3
!oom_score_adj p
oom_score_adj child2
vmstat pgfault
check
