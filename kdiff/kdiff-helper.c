// SPDX-License-Identifier: Apache-2.0
/*
 * kdiff-helper: the real-kernel side of `./thplab kdiff`.
 *
 *   kdiff-helper nothp PROGRAM ARGS...  run PROGRAM with PR_SET_THP_DISABLE set, so that the JVM
 *                                        that drives kdiff never moves the global THP counters
 *   kdiff-helper serve ID               one simulated process: reads commands on stdin, one per
 *                                        line, answers one line each on stdout
 *
 * A `serve` process clears PR_SET_THP_DISABLE (inherited from the JVM) first. Commands (numbers
 * in bytes, regions by a small integer the driver picks):
 *
 *   mmap R LEN          map region R: LEN bytes, 2 MiB aligned, PROT_NONE guards on both sides
 *                       (so it never merges with a neighbour)            -> ok ADDR
 *   munmap R OFF LEN    munmap(2): a hole in the region, as in thplab
 *   touch R OFF LEN W   access every 4 KiB page; W=1 writes a token (process, region, page,
 *                       counter) into the page's first 8 bytes and remembers it -> ok | err EFAULT
 *   madvise R OFF LEN A madvise(2) with advice number A                  -> ok | err ENAME
 *   verify R            read back every present page's token (pages not present must hold
 *                       nothing, untouched: reading them would fault)    -> ok N (mismatches)
 *   fork C DIR          fork(2); the child serves on the FIFOs DIR/C.in and DIR/C.out (made here,
 *                       opened in that order by both ends)              -> ok CHILDPID
 *   pid                 -> ok PID
 *   exit                -> ok, then _exit(0)
 *
 * Anything else answers `err EINVAL`. The remembered tokens live in mappings of their own with
 * MADV_NOHUGEPAGE, outside every region, so they never show in a region's smaps or in the THP
 * counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PAGE 4096UL
#define PMD (2UL << 20)
#define MAX_REGIONS 256

struct region {
	char *start;
	size_t len;
	uint64_t *expect; /* token per page; 0: never written (or dropped) */
	size_t expect_len;
};

static struct region regions[MAX_REGIONS];
static unsigned id;
static uint64_t counter;
static int pagemap = -1;
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t in_access;

static void on_segv(int sig)
{
	(void)sig;
	if (in_access)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

static const char *errname(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EIO: return "EIO";
	case EHWPOISON: return "EHWPOISON";
	default: return strerrorname_np(e) ? strerrorname_np(e) : "EUNKNOWN";
	}
}

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(98);
		off += w;
	}
}

/* One line from fd 0, unbuffered (a forked child must not inherit read-ahead). */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	while (n < size - 1) {
		char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? (int)n : -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = 0;
	return (int)n;
}

static struct region *region_of(unsigned long r)
{
	return r < MAX_REGIONS && regions[r].start ? &regions[r] : NULL;
}

static int in_range(struct region *g, unsigned long off, unsigned long len)
{
	return off % PAGE == 0 && len % PAGE == 0 && off <= g->len && len <= g->len - off;
}

static void do_mmap(unsigned long r, unsigned long len)
{
	if (r >= MAX_REGIONS || regions[r].start || len == 0 || len % PAGE) {
		reply("err EINVAL");
		return;
	}
	/*
	 * Guard, aligned region, guard, then the region's token array: reserve it all PROT_NONE,
	 * then map the region and the array. Nothing of ours is ever mapped by mmap(NULL) again, so
	 * no later mapping lands in a hole that munmap leaves in a region.
	 */
	size_t elen = ((len / PAGE) * sizeof(uint64_t) + PAGE - 1) & ~(PAGE - 1);
	size_t total = len + 3 * PMD + PMD + elen;
	char *base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		reply("err %s", errname(errno));
		return;
	}
	char *start = (char *)(((uintptr_t)base + 2 * PMD - 1) & ~(PMD - 1));
	if (mmap(start, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		reply("err %s", errname(errno));
		return;
	}
	uint64_t *expect = mmap(start + len + PMD, elen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (expect == MAP_FAILED) {
		reply("err %s", errname(errno));
		return;
	}
	madvise(expect, elen, MADV_NOHUGEPAGE);
	regions[r] = (struct region){ start, len, expect, elen };
	reply("ok 0x%lx", (unsigned long)start);
}

static void do_munmap(unsigned long r, unsigned long off, unsigned long len)
{
	struct region *g = region_of(r);
	if (!g || !in_range(g, off, len)) {
		reply("err EINVAL");
		return;
	}
	if (len == 0) {
		reply("ok");
		return;
	}
	if (munmap(g->start + off, len)) {
		reply("err %s", errname(errno));
		return;
	}
	memset(g->expect + off / PAGE, 0, len / PAGE * sizeof(uint64_t));
	reply("ok");
}

static void do_touch(unsigned long r, unsigned long off, unsigned long len, int write)
{
	struct region *g = region_of(r);
	if (!g || !in_range(g, off, len)) {
		reply("err EINVAL");
		return;
	}
	volatile uint64_t sink = 0;
	for (unsigned long o = off; o < off + len; o += PAGE) {
		volatile uint64_t *p = (volatile uint64_t *)(g->start + o);
		in_access = 1;
		if (sigsetjmp(fault_jmp, 1)) {
			in_access = 0;
			reply("err EFAULT");
			return;
		}
		if (write) {
			uint64_t t = ((uint64_t)(id & 0xfff) << 52) | ((uint64_t)(r & 0xfff) << 40)
				| ((uint64_t)((o / PAGE) & 0xffffff) << 16) | (++counter & 0xffff);
			if (t == 0)
				t = 1;
			*p = t;
			g->expect[o / PAGE] = t;
		} else {
			sink += *p;
		}
		in_access = 0;
	}
	(void)sink;
	reply("ok");
}

static void do_madvise(unsigned long r, unsigned long off, unsigned long len, int advice)
{
	struct region *g = region_of(r);
	if (!g || !in_range(g, off, len)) {
		reply("err EINVAL");
		return;
	}
	int rc = madvise(g->start + off, len, advice);
	int err = errno;
	/* Over a hole, madvise_walk_vmas() advises the mapped parts and then answers ENOMEM: the
	 * zapped pages read zero either way (nothing is expected in the hole). */
	if (advice == MADV_DONTNEED && (rc == 0 || err == ENOMEM))
		memset(g->expect + off / PAGE, 0, len / PAGE * sizeof(uint64_t));
	if (rc) {
		reply("err %s", errname(err));
		return;
	}
	reply("ok");
}

/* Present (bit 63) or swapped (bit 62) in /proc/self/pagemap. */
static int resident(const char *addr)
{
	uint64_t e;
	if (pagemap < 0)
		pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0 || pread(pagemap, &e, sizeof e, (off_t)((uintptr_t)addr / PAGE * sizeof e)) != sizeof e)
		return 1; /* cannot tell: read it */
	return (e >> 62) & 3;
}

static void do_verify(unsigned long r)
{
	struct region *g = region_of(r);
	if (!g) {
		reply("err EINVAL");
		return;
	}
	unsigned long bad = 0;
	for (unsigned long pg = 0; pg < g->len / PAGE; pg++) {
		char *a = g->start + pg * PAGE;
		uint64_t want = g->expect[pg];
		in_access = 1;
		if (sigsetjmp(fault_jmp, 1)) {
			in_access = 0; /* unmapped: nothing may be expected there */
			bad += want != 0;
			continue;
		}
		if (resident(a)) {
			bad += *(volatile uint64_t *)a != want;
		} else {
			bad += want != 0;
		}
		in_access = 0;
	}
	reply("ok %lu", bad);
}

static int open_fifos(const char *in, const char *out)
{
	int fin = open(in, O_RDONLY);
	if (fin < 0)
		return -1;
	int fout = open(out, O_WRONLY);
	if (fout < 0)
		return -1;
	if (dup2(fin, 0) < 0 || dup2(fout, 1) < 0)
		return -1;
	close(fin);
	close(fout);
	return 0;
}

static void do_fork(unsigned long child, const char *dir)
{
	char in[4200], out[4200];
	snprintf(in, sizeof in, "%s/%lu.in", dir, child);
	snprintf(out, sizeof out, "%s/%lu.out", dir, child);
	if ((mkfifo(in, 0600) && errno != EEXIST) || (mkfifo(out, 0600) && errno != EEXIST)) {
		reply("err %s", errname(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		reply("err %s", errname(errno));
		return;
	}
	if (pid == 0) {
		id = (unsigned)child;
		if (pagemap >= 0) {
			close(pagemap);
			pagemap = -1;
		}
		if (open_fifos(in, out))
			_exit(97);
		return; /* the child serves its own channel from here */
	}
	reply("ok %d", (int)pid);
}

static int serve(void)
{
	char line[8192];
	for (;;) {
		if (read_line(line, sizeof line) < 0)
			return 0; /* the driver went away: end */
		char cmd[32], s[4096];
		unsigned long a = 0, b = 0, c = 0, d = 0;
		if (sscanf(line, "mmap %lu %lu", &a, &b) == 2 && !strncmp(line, "mmap ", 5))
			do_mmap(a, b);
		else if (sscanf(line, "munmap %lu %lu %lu", &a, &b, &c) == 3)
			do_munmap(a, b, c);
		else if (sscanf(line, "touch %lu %lu %lu %lu", &a, &b, &c, &d) == 4)
			do_touch(a, b, c, (int)d);
		else if (sscanf(line, "madvise %lu %lu %lu %lu", &a, &b, &c, &d) == 4)
			do_madvise(a, b, c, (int)d);
		else if (sscanf(line, "verify %lu", &a) == 1)
			do_verify(a);
		else if (sscanf(line, "fork %lu %4095s", &a, s) == 2)
			do_fork(a, s);
		else if (sscanf(line, "%31s", cmd) == 1 && !strcmp(cmd, "pid"))
			reply("ok %d", (int)getpid());
		else if (sscanf(line, "%31s", cmd) == 1 && !strcmp(cmd, "exit")) {
			reply("ok");
			_exit(0);
		} else
			reply("err EINVAL");
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "nothp")) {
		if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			perror("kdiff-helper: PR_SET_THP_DISABLE");
		execvp(argv[2], argv + 2);
		perror("kdiff-helper: exec");
		return 127;
	}
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		id = (unsigned)strtoul(argv[2], NULL, 10);
		prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
		signal(SIGCHLD, SIG_IGN); /* exited children are reaped at once */
		signal(SIGPIPE, SIG_DFL);
		struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		return serve();
	}
	fprintf(stderr, "usage: kdiff-helper nothp PROGRAM ARGS... | kdiff-helper serve ID\n");
	return 2;
}
