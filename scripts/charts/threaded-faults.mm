# Chart of docs/experiments/threaded-faults.md. This replays the workload with shell commands
# (written before a recording went on through the boot of a workload's run): 8 threads of one
# process fault base pages into their 64 MiB parts of a 512 MiB heap, 4 MiB a step round robin, then
# make 20,000 uniform loads each; khugepaged every 1 ms (copy collapse under the mmap lock), then no
# promoter.
boot 2G seed=0
policy use fault base
sysfs khugepaged/scan_sleep_millisecs 1
spawn app
mmap app heap 512M
clone app t1
clone app t2
clone app t3
clone app t4
clone app t5
clone app t6
clone app t7
clone app t8
record start interval=100us counters=thp_collapse_alloc,nr_anon
touch app/t1 heap 0M 4M
touch app/t2 heap 64M 4M
touch app/t3 heap 128M 4M
touch app/t4 heap 192M 4M
touch app/t5 heap 256M 4M
touch app/t6 heap 320M 4M
touch app/t7 heap 384M 4M
touch app/t8 heap 448M 4M
touch app/t1 heap 4M 4M
touch app/t2 heap 68M 4M
touch app/t3 heap 132M 4M
touch app/t4 heap 196M 4M
touch app/t5 heap 260M 4M
touch app/t6 heap 324M 4M
touch app/t7 heap 388M 4M
touch app/t8 heap 452M 4M
touch app/t1 heap 8M 4M
touch app/t2 heap 72M 4M
touch app/t3 heap 136M 4M
touch app/t4 heap 200M 4M
touch app/t5 heap 264M 4M
touch app/t6 heap 328M 4M
touch app/t7 heap 392M 4M
touch app/t8 heap 456M 4M
touch app/t1 heap 12M 4M
touch app/t2 heap 76M 4M
touch app/t3 heap 140M 4M
touch app/t4 heap 204M 4M
touch app/t5 heap 268M 4M
touch app/t6 heap 332M 4M
touch app/t7 heap 396M 4M
touch app/t8 heap 460M 4M
touch app/t1 heap 16M 4M
touch app/t2 heap 80M 4M
touch app/t3 heap 144M 4M
touch app/t4 heap 208M 4M
touch app/t5 heap 272M 4M
touch app/t6 heap 336M 4M
touch app/t7 heap 400M 4M
touch app/t8 heap 464M 4M
touch app/t1 heap 20M 4M
touch app/t2 heap 84M 4M
touch app/t3 heap 148M 4M
touch app/t4 heap 212M 4M
touch app/t5 heap 276M 4M
touch app/t6 heap 340M 4M
touch app/t7 heap 404M 4M
touch app/t8 heap 468M 4M
touch app/t1 heap 24M 4M
touch app/t2 heap 88M 4M
touch app/t3 heap 152M 4M
touch app/t4 heap 216M 4M
touch app/t5 heap 280M 4M
touch app/t6 heap 344M 4M
touch app/t7 heap 408M 4M
touch app/t8 heap 472M 4M
touch app/t1 heap 28M 4M
touch app/t2 heap 92M 4M
touch app/t3 heap 156M 4M
touch app/t4 heap 220M 4M
touch app/t5 heap 284M 4M
touch app/t6 heap 348M 4M
touch app/t7 heap 412M 4M
touch app/t8 heap 476M 4M
touch app/t1 heap 32M 4M
touch app/t2 heap 96M 4M
touch app/t3 heap 160M 4M
touch app/t4 heap 224M 4M
touch app/t5 heap 288M 4M
touch app/t6 heap 352M 4M
touch app/t7 heap 416M 4M
touch app/t8 heap 480M 4M
touch app/t1 heap 36M 4M
touch app/t2 heap 100M 4M
touch app/t3 heap 164M 4M
touch app/t4 heap 228M 4M
touch app/t5 heap 292M 4M
touch app/t6 heap 356M 4M
touch app/t7 heap 420M 4M
touch app/t8 heap 484M 4M
touch app/t1 heap 40M 4M
touch app/t2 heap 104M 4M
touch app/t3 heap 168M 4M
touch app/t4 heap 232M 4M
touch app/t5 heap 296M 4M
touch app/t6 heap 360M 4M
touch app/t7 heap 424M 4M
touch app/t8 heap 488M 4M
touch app/t1 heap 44M 4M
touch app/t2 heap 108M 4M
touch app/t3 heap 172M 4M
touch app/t4 heap 236M 4M
touch app/t5 heap 300M 4M
touch app/t6 heap 364M 4M
touch app/t7 heap 428M 4M
touch app/t8 heap 492M 4M
touch app/t1 heap 48M 4M
touch app/t2 heap 112M 4M
touch app/t3 heap 176M 4M
touch app/t4 heap 240M 4M
touch app/t5 heap 304M 4M
touch app/t6 heap 368M 4M
touch app/t7 heap 432M 4M
touch app/t8 heap 496M 4M
touch app/t1 heap 52M 4M
touch app/t2 heap 116M 4M
touch app/t3 heap 180M 4M
touch app/t4 heap 244M 4M
touch app/t5 heap 308M 4M
touch app/t6 heap 372M 4M
touch app/t7 heap 436M 4M
touch app/t8 heap 500M 4M
touch app/t1 heap 56M 4M
touch app/t2 heap 120M 4M
touch app/t3 heap 184M 4M
touch app/t4 heap 248M 4M
touch app/t5 heap 312M 4M
touch app/t6 heap 376M 4M
touch app/t7 heap 440M 4M
touch app/t8 heap 504M 4M
touch app/t1 heap 60M 4M
touch app/t2 heap 124M 4M
touch app/t3 heap 188M 4M
touch app/t4 heap 252M 4M
touch app/t5 heap 316M 4M
touch app/t6 heap 380M 4M
touch app/t7 heap 444M 4M
touch app/t8 heap 508M 4M
access app/t1 heap uniform 20k
access app/t2 heap uniform 20k
access app/t3 heap uniform 20k
access app/t4 heap uniform 20k
access app/t5 heap uniform 20k
access app/t6 heap uniform 20k
access app/t7 heap uniform 20k
access app/t8 heap uniform 20k
record stop
record save ../../docs/experiments/data/threaded-faults-khugepaged.json
plot ../../docs/experiments/data/threaded-faults-khugepaged.json latency ../../docs/experiments/threaded-faults-khugepaged-latency.svg
boot 2G seed=0
policy use fault base
policy disable promotion khugepaged
spawn app
mmap app heap 512M
clone app t1
clone app t2
clone app t3
clone app t4
clone app t5
clone app t6
clone app t7
clone app t8
record start interval=100us counters=thp_collapse_alloc,nr_anon
touch app/t1 heap 0M 4M
touch app/t2 heap 64M 4M
touch app/t3 heap 128M 4M
touch app/t4 heap 192M 4M
touch app/t5 heap 256M 4M
touch app/t6 heap 320M 4M
touch app/t7 heap 384M 4M
touch app/t8 heap 448M 4M
touch app/t1 heap 4M 4M
touch app/t2 heap 68M 4M
touch app/t3 heap 132M 4M
touch app/t4 heap 196M 4M
touch app/t5 heap 260M 4M
touch app/t6 heap 324M 4M
touch app/t7 heap 388M 4M
touch app/t8 heap 452M 4M
touch app/t1 heap 8M 4M
touch app/t2 heap 72M 4M
touch app/t3 heap 136M 4M
touch app/t4 heap 200M 4M
touch app/t5 heap 264M 4M
touch app/t6 heap 328M 4M
touch app/t7 heap 392M 4M
touch app/t8 heap 456M 4M
touch app/t1 heap 12M 4M
touch app/t2 heap 76M 4M
touch app/t3 heap 140M 4M
touch app/t4 heap 204M 4M
touch app/t5 heap 268M 4M
touch app/t6 heap 332M 4M
touch app/t7 heap 396M 4M
touch app/t8 heap 460M 4M
touch app/t1 heap 16M 4M
touch app/t2 heap 80M 4M
touch app/t3 heap 144M 4M
touch app/t4 heap 208M 4M
touch app/t5 heap 272M 4M
touch app/t6 heap 336M 4M
touch app/t7 heap 400M 4M
touch app/t8 heap 464M 4M
touch app/t1 heap 20M 4M
touch app/t2 heap 84M 4M
touch app/t3 heap 148M 4M
touch app/t4 heap 212M 4M
touch app/t5 heap 276M 4M
touch app/t6 heap 340M 4M
touch app/t7 heap 404M 4M
touch app/t8 heap 468M 4M
touch app/t1 heap 24M 4M
touch app/t2 heap 88M 4M
touch app/t3 heap 152M 4M
touch app/t4 heap 216M 4M
touch app/t5 heap 280M 4M
touch app/t6 heap 344M 4M
touch app/t7 heap 408M 4M
touch app/t8 heap 472M 4M
touch app/t1 heap 28M 4M
touch app/t2 heap 92M 4M
touch app/t3 heap 156M 4M
touch app/t4 heap 220M 4M
touch app/t5 heap 284M 4M
touch app/t6 heap 348M 4M
touch app/t7 heap 412M 4M
touch app/t8 heap 476M 4M
touch app/t1 heap 32M 4M
touch app/t2 heap 96M 4M
touch app/t3 heap 160M 4M
touch app/t4 heap 224M 4M
touch app/t5 heap 288M 4M
touch app/t6 heap 352M 4M
touch app/t7 heap 416M 4M
touch app/t8 heap 480M 4M
touch app/t1 heap 36M 4M
touch app/t2 heap 100M 4M
touch app/t3 heap 164M 4M
touch app/t4 heap 228M 4M
touch app/t5 heap 292M 4M
touch app/t6 heap 356M 4M
touch app/t7 heap 420M 4M
touch app/t8 heap 484M 4M
touch app/t1 heap 40M 4M
touch app/t2 heap 104M 4M
touch app/t3 heap 168M 4M
touch app/t4 heap 232M 4M
touch app/t5 heap 296M 4M
touch app/t6 heap 360M 4M
touch app/t7 heap 424M 4M
touch app/t8 heap 488M 4M
touch app/t1 heap 44M 4M
touch app/t2 heap 108M 4M
touch app/t3 heap 172M 4M
touch app/t4 heap 236M 4M
touch app/t5 heap 300M 4M
touch app/t6 heap 364M 4M
touch app/t7 heap 428M 4M
touch app/t8 heap 492M 4M
touch app/t1 heap 48M 4M
touch app/t2 heap 112M 4M
touch app/t3 heap 176M 4M
touch app/t4 heap 240M 4M
touch app/t5 heap 304M 4M
touch app/t6 heap 368M 4M
touch app/t7 heap 432M 4M
touch app/t8 heap 496M 4M
touch app/t1 heap 52M 4M
touch app/t2 heap 116M 4M
touch app/t3 heap 180M 4M
touch app/t4 heap 244M 4M
touch app/t5 heap 308M 4M
touch app/t6 heap 372M 4M
touch app/t7 heap 436M 4M
touch app/t8 heap 500M 4M
touch app/t1 heap 56M 4M
touch app/t2 heap 120M 4M
touch app/t3 heap 184M 4M
touch app/t4 heap 248M 4M
touch app/t5 heap 312M 4M
touch app/t6 heap 376M 4M
touch app/t7 heap 440M 4M
touch app/t8 heap 504M 4M
touch app/t1 heap 60M 4M
touch app/t2 heap 124M 4M
touch app/t3 heap 188M 4M
touch app/t4 heap 252M 4M
touch app/t5 heap 316M 4M
touch app/t6 heap 380M 4M
touch app/t7 heap 444M 4M
touch app/t8 heap 508M 4M
access app/t1 heap uniform 20k
access app/t2 heap uniform 20k
access app/t3 heap uniform 20k
access app/t4 heap uniform 20k
access app/t5 heap uniform 20k
access app/t6 heap uniform 20k
access app/t7 heap uniform 20k
access app/t8 heap uniform 20k
record stop
record save ../../docs/experiments/data/threaded-faults-none.json
plot ../../docs/experiments/data/threaded-faults-none.json latency ../../docs/experiments/threaded-faults-none-latency.svg
