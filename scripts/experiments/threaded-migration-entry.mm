# The threaded-faults experiment (docs/experiments/threaded-faults.md): migration-entry promotion, khugepaged off
policy use fault base
policy disable promotion khugepaged
policy enable promotion migration-entry
run threaded-faults threads=8 heap=512M promote=migration-entry scan_sleep=1
