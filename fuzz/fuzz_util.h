/*
 * fuzz_util.h - helpers the libFuzzer harnesses share.
 */
#ifndef TOCSIN_FUZZ_FUZZ_UTIL_H
#define TOCSIN_FUZZ_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/source.h"

/* A malloc'd copy of exactly n bytes, no NUL after them, so that ASan
 * catches a read past n. Caller frees. */
static inline char *
fuzz_exact(const void *p, size_t n)
{
    char *q = malloc(n ? n : 1);

    if (q == NULL)
        abort();
    memcpy(q, p, n);
    return q;
}

/* FNV-1a over n bytes, to compare two readings of one input. */
static inline uint64_t
fuzz_mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static inline uint64_t
fuzz_mix_u64(uint64_t h, uint64_t v)
{
    return fuzz_mix(h, &v, sizeof(v));
}

/*
 * The read sizes a reader harness compares with one unlimited read: small
 * reads (1 + size % 13 bytes; gzip data, which may decode to megabytes:
 * 1 + size % 4096) and reads of 14 to 4096 bytes, which end in every
 * place of a record near the fuzzing build's 4 KB line limit. A mismatch
 * at 33-byte reads, where the record limit's error column depended on how
 * much had been read, went unseen with small reads alone.
 */
static inline void
fuzz_read_sizes(size_t size, int gz, size_t out[2])
{
    out[0] = 1 + size % (gz ? 4096 : 13);
    out[1] = 14 + (size * 131) % 4083;
}

/* Whether gzip data decodes to more than max bytes. */
static inline int
fuzz_decodes_to_more(const uint8_t *data, size_t size, size_t max)
{
    static char buf[65536];
    struct source *src;
    size_t total = 0, got;

    if (source_open_mem(data, size, "fuzz", &src) != 0)
        abort();
    while (total <= max && source_read(src, buf, sizeof(buf), &got) == 0 &&
           got > 0)
        total += got;
    source_free(src);
    return total > max;
}

#ifdef FUZZ_READ_SIZES
#include <dirent.h>
#include <stdio.h>

/* One reading of an input, hashed: reads of at most chunk bytes (0: one
 * read), in one of a harness's variants (the CSV delimiter options). */
typedef uint64_t (*fuzz_reading)(const uint8_t *data, size_t size,
                                 size_t chunk, unsigned variant);

/*
 * scripts/fuzz.sh --read-sizes: every input in the directories argv[1..]
 * read in every variant with reads of 1 to 200 bytes and then of every
 * 37th size up to 4 200, each against one unlimited read. The harnesses
 * try two sizes an input; this tries them all (it found a record-limit
 * error whose column depended on 33-byte reads). Prints each input and
 * size that differ; exit status 1 when one did.
 */
static inline int
fuzz_read_sizes_main(int argc, char **argv, fuzz_reading fn, unsigned variants)
{
    static uint8_t data[(size_t)1 << 20];
    unsigned long inputs = 0, bad = 0;
    int a;

    for (a = 1; a < argc; a++) {
        DIR *d = opendir(argv[a]);
        struct dirent *e;

        if (d == NULL) {
            perror(argv[a]);
            return 2;
        }
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            FILE *f;
            size_t n, chunk;
            unsigned v;

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[a], e->d_name);
            if ((f = fopen(path, "rb")) == NULL)
                continue;
            n = fread(data, 1, sizeof(data), f);
            fclose(f);
            if (n >= 2 && data[0] == 0x1f && data[1] == 0x8b &&
                fuzz_decodes_to_more(data, n, (size_t)256 << 10))
                continue;
            inputs++;
            for (v = 0; v < variants; v++) {
                uint64_t whole = fn(data, n, 0, v);

                for (chunk = 1; chunk <= 4200; chunk += chunk < 200 ? 1 : 37) {
                    if (fn(data, n, chunk, v) != whole) {
                        printf("%s: variant %u, reads of %zu bytes differ "
                               "from one read\n",
                               path, v, chunk);
                        bad++;
                        break;
                    }
                }
            }
        }
        closedir(d);
    }
    printf("%lu inputs, %lu differ\n", inputs, bad);
    return bad > 0;
}
#endif

#endif
