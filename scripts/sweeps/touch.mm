# A cell of script.yaml: one process writes a heap of ${heap} whole.
spawn app
mmap app heap ${heap}
touch app heap 0 ${heap} write
