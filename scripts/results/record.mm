# record: the counters over simulated time, sampled every interval wherever time passes (here
# inside one touch of 128 THP faults, and through a tick), saved as CSV and JSON for pandas.
boot 1G seed=3
sysfs enabled always
spawn app
mmap app heap 256M
record start interval=5ms counters=thp_fault,nr_anon
record
touch app heap 0 256M
tick 20ms
spawn b
mmap b x 8M
touch b x 0 8M
exit app
tick 10ms
record stop
record show thp_fault_alloc meminfo.AnonHugePages proc.
record save ../../target/record-demo.csv
record save ../../target/record-demo.json
# misuse: named, and nothing changes
!record save run.txt
!record stop
!record start interval=500ns
!record start every=1s
!record show nosuch
# charts of the saved recording (docs/plot.md)
plot ../../target/record-demo.csv memory ../../target/record-demo-memory.svg
plot ../../target/record-demo.csv thp ../../target/record-demo-thp.png
plot ../../target/record-demo.json latency ../../target/record-demo-latency.svg
!plot ../../target/record-demo.csv counters=nosuch ../../target/x.svg
!plot ../../target/record-demo.csv memory ../../target/x.gif
!plot ../../target/record-demo.csv latency ../../target/x.svg
