# The workload that machines.mm runs on each of its machines with compare (not a checked
# transcript of its own: compare prints no line of it). boot without --name boots the machine
# the script runs on.
boot 256M seed=3
spawn p
mmap p heap 16M
touch p heap 0 8M
fork p child
touch child heap 0 4K
madvise p heap 0 16M hugepage
touch p heap 8M 8M
tick 1s
touch child heap 2M 4K
