# The steps short-lived.mm runs under each of its configurations (include).
record start interval=20ms counters=thp_fault_alloc,thp_collapse_alloc,nr_anon
spawn p1
mmap p1 heap 16M
access p1 heap zipf=0.8 2500k write
exit p1
spawn p2
mmap p2 heap 64M
access p2 heap zipf=0.8 2500k write
exit p2
spawn p3
mmap p3 heap 128M
access p3 heap zipf=0.8 2500k write
exit p3
spawn p4
mmap p4 heap 32M
access p4 heap zipf=0.8 2500k write
exit p4
spawn p5
mmap p5 heap 96M
access p5 heap zipf=0.8 2500k write
exit p5
spawn p6
mmap p6 heap 16M
access p6 heap zipf=0.8 2500k write
exit p6
spawn p7
mmap p7 heap 256M
access p7 heap zipf=0.8 2500k write
exit p7
spawn p8
mmap p8 heap 48M
access p8 heap zipf=0.8 2500k write
exit p8
spawn p9
mmap p9 heap 24M
access p9 heap zipf=0.8 2500k write
exit p9
spawn p10
mmap p10 heap 160M
access p10 heap zipf=0.8 2500k write
exit p10
spawn p11
mmap p11 heap 64M
access p11 heap zipf=0.8 2500k write
exit p11
spawn p12
mmap p12 heap 32M
access p12 heap zipf=0.8 2500k write
exit p12
spawn p13
mmap p13 heap 128M
access p13 heap zipf=0.8 2500k write
exit p13
spawn p14
mmap p14 heap 16M
access p14 heap zipf=0.8 2500k write
exit p14
spawn p15
mmap p15 heap 80M
access p15 heap zipf=0.8 2500k write
exit p15
spawn p16
mmap p16 heap 200M
access p16 heap zipf=0.8 2500k write
exit p16
record stop
