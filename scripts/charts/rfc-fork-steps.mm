# The steps rfc-fork.mm runs under each of its configurations (include).
fork parent c1
mmap c1 chunk 1G
access c1 chunk stride=2M 512 write
tick 5ms
fork parent c2
mmap c2 chunk 1G
access c2 chunk stride=2M 512 write
tick 5ms
fork parent c3
mmap c3 chunk 1G
access c3 chunk stride=2M 512 write
tick 5ms
fork parent c4
mmap c4 chunk 1G
access c4 chunk stride=2M 512 write
tick 5ms
fork parent c5
mmap c5 chunk 1G
access c5 chunk stride=2M 512 write
tick 5ms
fork parent c6
mmap c6 chunk 1G
access c6 chunk stride=2M 512 write
tick 5ms
fork parent c7
mmap c7 chunk 1G
access c7 chunk stride=2M 512 write
tick 5ms
fork parent c8
mmap c8 chunk 1G
access c8 chunk stride=2M 512 write
tick 5ms
fork parent c9
mmap c9 chunk 1G
access c9 chunk stride=2M 512 write
tick 5ms
fork parent c10
mmap c10 chunk 1G
access c10 chunk stride=2M 512 write
tick 5ms
fork parent c11
mmap c11 chunk 1G
access c11 chunk stride=2M 512 write
tick 5ms
fork parent c12
mmap c12 chunk 1G
access c12 chunk stride=2M 512 write
tick 5ms
fork parent c13
mmap c13 chunk 1G
access c13 chunk stride=2M 512 write
tick 5ms
fork parent c14
mmap c14 chunk 1G
access c14 chunk stride=2M 512 write
tick 5ms
record stop
