# The threaded-faults experiment (docs/experiments/threaded-faults.md): MADV_COLLAPSE by the process, khugepaged off
policy use fault base
policy disable promotion khugepaged
run threaded-faults threads=8 heap=512M promote=madv_collapse
