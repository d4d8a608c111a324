/*
 * What THP buys on this machine's real MMU: dependent random 8-byte loads (pointer chasing)
 * over an anonymous buffer mapped with base pages (MADV_NOHUGEPAGE) and with THPs
 * (MADV_HUGEPAGE), the same chain of addresses in both, so that the data caches see the same
 * misses and the difference is the TLB's and the page walks'.
 *
 *   tlb SIZE [LOADS [RUNS]]     e.g. tlb 1G 20000000 5
 *
 * Prints, per mapping, the median ns per load over RUNS runs and the share of the buffer that
 * AnonHugePages (smaps) says is THP-mapped, then the ratio base/THP.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static uint64_t parse_size(const char *s) {
    char *end;
    uint64_t v = strtoull(s, &end, 10);
    switch (*end) {
    case 'K': case 'k': return v << 10;
    case 'M': case 'm': return v << 20;
    case 'G': case 'g': return v << 30;
    default: return v;
    }
}

/* splitmix64: a fixed-seed generator, so that both mappings chase the same chain. */
static uint64_t rng_state;
static uint64_t next_rand(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

/* AnonHugePages of the mapping at addr, in kB, from /proc/self/smaps. */
static long anon_huge_kb(void *addr) {
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[256];
    int in = 0;
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long start, end;
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
            in = (uintptr_t) addr >= start && (uintptr_t) addr < end;
        } else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) {
            break;
        }
    }
    fclose(f);
    return kb;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* One chain of nodes: node i sits at a random 64-byte line of the i-th stripe of the buffer. */
static double chase(uint64_t size, int advice, uint64_t loads, int runs, long *huge_kb) {
    uint64_t align = 2ULL << 20;
    char *raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
    char *buf = (char *) (((uintptr_t) raw + align - 1) & ~(align - 1));
    if (madvise(buf, size, advice) != 0) { perror("madvise"); exit(1); }
    memset(buf, 1, size); /* fault it all in now, not while timing */
    *huge_kb = anon_huge_kb(buf);

    uint64_t lines = size / 64;
    uint64_t nodes = lines < (16u << 20) ? lines : (16u << 20);
    uint64_t stripe = lines / nodes;
    uint64_t *order = malloc(nodes * sizeof *order);
    rng_state = 42;
    for (uint64_t i = 0; i < nodes; i++) order[i] = i;
    for (uint64_t i = nodes - 1; i > 0; i--) { /* Sattolo: one cycle through every node */
        uint64_t j = next_rand() % i;
        uint64_t t = order[i]; order[i] = order[j]; order[j] = t;
    }
    uint64_t *off = malloc(nodes * sizeof *off);
    for (uint64_t i = 0; i < nodes; i++) off[i] = (i * stripe + next_rand() % stripe) * 64;
    for (uint64_t i = 0; i < nodes; i++) {
        uint64_t from = order[i], to = order[(i + 1) % nodes];
        *(char **) (buf + off[from]) = buf + off[to];
    }
    char *p = buf + off[0]; /* a node: with more lines than nodes, the buffer's start may be none */
    free(order);
    free(off);

    double *ns = malloc(runs * sizeof *ns);
    for (uint64_t i = 0; i < nodes && i < loads; i++) p = *(char **) p; /* warm up */
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        for (uint64_t i = 0; i < loads; i++) p = *(char **) p;
        ns[r] = (now_ns() - t0) / loads;
    }
    if (p == NULL) printf("unreachable\n"); /* keeps the chase from being optimised away */
    qsort(ns, runs, sizeof *ns, cmp_double);
    double median = ns[runs / 2];
    free(ns);
    munmap(raw, size + align);
    return median;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SIZE [LOADS [RUNS]]\n", argv[0]);
        return 2;
    }
    uint64_t size = parse_size(argv[1]);
    uint64_t loads = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000000;
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    long base_kb, thp_kb;
    double base = chase(size, MADV_NOHUGEPAGE, loads, runs, &base_kb);
    double thp = chase(size, MADV_HUGEPAGE, loads, runs, &thp_kb);
    printf("size %s: base pages %.2f ns/load (AnonHugePages %ld kB), THP %.2f ns/load (AnonHugePages %ld kB of %lu), ratio %.2f\n",
           argv[1], base, base_kb, thp, thp_kb, (unsigned long) (size >> 10), base / thp);
    return 0;
}
