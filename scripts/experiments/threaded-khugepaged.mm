# The threaded-faults experiment (docs/experiments/threaded-faults.md): khugepaged's copy collapse under 8 threads
policy use fault base
run threaded-faults threads=8 heap=512M scan_sleep=1
