/*
 * The real kernel's anonymous fault rate, to set beside the simulator's (benchmarks/jmh
 * BaseFaultBench and ThpFaultBench): mmaps SIZE bytes of fresh anonymous memory
 * (MAP_PRIVATE|MAP_ANONYMOUS), advises it, writes one byte per 4 KiB page, and reports the wall
 * time (CLOCK_MONOTONIC), the minor faults counted by getrusage(RUSAGE_SELF) around the loop,
 * and faults per second. The mapping is fresh for each run and unmapped after it.
 *
 *   faults [size [mode [runs]]]
 *     size  bytes, with an optional K, M or G suffix (binary); default 1G
 *     mode  base: MADV_NOHUGEPAGE, 4 KiB faults (the default)
 *           thp:  MADV_HUGEPAGE on a 2 MiB-aligned range, THP faults where the kernel can
 *                 (needs transparent_hugepage/enabled = always or madvise)
 *     runs  default 3
 *
 * Build: cc -O2 -o faults faults.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#define PAGE 4096UL
#define PMD (2UL << 20)

static size_t parse_size(const char *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) {
        fprintf(stderr, "bad size: %s\n", s);
        exit(2);
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end || v == 0 || v % PAGE) {
        fprintf(stderr, "bad size (a positive multiple of 4K): %s\n", s);
        exit(2);
    }
    return (size_t) v;
}

static long minflt(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show(const char *file) {
    char buf[256];
    FILE *f = fopen(file, "r");
    if (f && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        printf("%s: %s\n", file, buf);
    }
    if (f) {
        fclose(f);
    }
}

int main(int argc, char **argv) {
    size_t size = parse_size(argc > 1 ? argv[1] : "1G");
    const char *mode = argc > 2 ? argv[2] : "base";
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    int thp;
    if (!strcmp(mode, "base")) {
        thp = 0;
    } else if (!strcmp(mode, "thp")) {
        thp = 1;
    } else {
        fprintf(stderr, "mode must be base or thp, not %s\n", mode);
        return 2;
    }
    show("/sys/kernel/mm/transparent_hugepage/enabled");
    printf("size %zu bytes (%zu pages), mode %s (%s), %d runs\n", size, size / PAGE, mode,
           thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE", runs);
    for (int r = 1; r <= runs; r++) {
        /* Over-map by 2 MiB so a 2 MiB-aligned range of SIZE bytes can be used. */
        size_t len = size + PMD;
        char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        char *p = (char *) (((uintptr_t) raw + PMD - 1) & ~(PMD - 1));
        if (madvise(p, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
            perror("madvise");
            return 1;
        }
        long f0 = minflt();
        double t0 = now();
        for (size_t off = 0; off < size; off += PAGE) {
            ((volatile char *) p)[off] = 1;
        }
        double t1 = now();
        long faults = minflt() - f0;
        double secs = t1 - t0;
        printf("run %d: %ld minor faults, %zu pages written, in %.6f s = %.0f faults/s, "
               "%.1f ns per fault, %.0f pages/s\n",
               r, faults, size / PAGE, secs, faults / secs, secs * 1e9 / (faults ? faults : 1),
               size / PAGE / secs);
        munmap(raw, len);
    }
    return 0;
}
