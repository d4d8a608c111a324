# A fault that cannot be served after reclaim fails the access with ENOMEM and names the
# process (the kernel would invoke the OOM killer; thplab fails the touch instead, see
# docs/model.md). Without swap nothing anonymous can be reclaimed.
boot 64M
spawn hog
mmap hog a 128M
touch hog a 0 128M write
meminfo
smaps hog a
verify hog a
check
# Memory freed by munmap can be used again.
munmap hog a
spawn next
mmap next b 8M
touch next b 0 8M write
verify next b
check
