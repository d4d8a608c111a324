# The threaded-faults experiment (docs/experiments/threaded-faults.md): no promoter
policy use fault base
policy disable promotion khugepaged
run threaded-faults threads=8 heap=512M promote=migration-entry
