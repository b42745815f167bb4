/*
 * fuzz_jsonl.c - libFuzzer harness for the JSON Lines reader (and the
 * gzip source under it).
 *
 * Every input is read three times, with unlimited reads and with reads
 * of the two sizes fuzz_read_sizes() gives (small ones, and 14 to 4096
 * bytes); the harness aborts when the readings differ, when a
 * value holds a NUL or invalid UTF-8, or when a row breaks the reader's
 * documented limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/jsonl.h"
#include "fuzz_util.h"
#include "ingest/source.h"
#include "util/limits.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_span(const struct source_span *s)
{
    if (memchr(s->ptr, '\0', s->len) != NULL ||
        utf8_valid_prefix(s->ptr, s->len) != s->len)
        abort();
}

static uint64_t
run(const uint8_t *data, size_t size, size_t chunk)
{
    struct source *src;
    struct jsonl *j;
    struct jsonl_row row;
    struct jsonl_stats st;
    const struct source_span *names;
    uint64_t h = 0xcbf29ce484222325ull;
    size_t n, i;
    int rc;

    if (source_open_mem(data, size, "fuzz", &src) != 0)
        abort();
    source_set_read_limit(src, chunk);
    if (jsonl_open(src, &j) != 0) {
        /* only a broken gzip start can fail here */
        if (!source_is_gzip(src))
            abort();
        source_free(src);
        return 1;
    }
    while ((rc = jsonl_next(j, &row)) == 1) {
        if (row.raw == NULL || row.raw_len > LIMIT_LINE_BYTES || row.line == 0)
            abort();
        /* Plain input: the raw bytes are the input's bytes there. */
        if (!source_is_gzip(src) &&
            (row.offset > size || row.raw_len > size - row.offset ||
             memcmp(data + row.offset, row.raw, row.raw_len) != 0))
            abort();
        h = fuzz_mix_u64(h, row.line);
        h = fuzz_mix_u64(h, row.offset);
        h = fuzz_mix_u64(h, (uint64_t)row.error);
        h = fuzz_mix(h, row.raw, row.raw_len);
        if (row.error) {
            if (row.values != NULL || row.error_column == 0 ||
                row.error > JSONL_ERR_TOO_LONG)
                abort();
            h = fuzz_mix_u64(h, row.error_column);
            h = fuzz_mix_u64(h, row.error_field);
            if (row.error_key.ptr != NULL)
                h = fuzz_mix(h, row.error_key.ptr, row.error_key.len);
            continue;
        }
        jsonl_columns(j, &names, &n);
        if (row.nvalues != n || n > LIMIT_JSONL_COLUMNS)
            abort();
        for (i = 0; i < n; i++) {
            if (names[i].len == 0 || strlen(names[i].ptr) != names[i].len)
                abort();
            check_span(&names[i]);
            h = fuzz_mix(h, names[i].ptr, names[i].len + 1);
            if (row.values[i].ptr == NULL) {
                h = fuzz_mix_u64(h, UINT64_MAX);
                continue;
            }
            check_span(&row.values[i]);
            h = fuzz_mix_u64(h, row.values[i].len);
            h = fuzz_mix(h, row.values[i].ptr, row.values[i].len);
        }
    }
    if (rc < 0 && (rc != TOCSIN_EFORMAT || !source_is_gzip(src)))
        abort();
    h = fuzz_mix_u64(h, (uint64_t)rc);
    jsonl_stats(j, &st);
    h = fuzz_mix(h, &st, sizeof(st));
    jsonl_free(j);
    source_free(src);
    return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    size_t chunk[2];
    uint64_t whole;

    fuzz_read_sizes(size, gz, chunk);

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* The fuzzing build's limits are small: gzip bombs teach nothing more
     * and only slow the fuzzer down. */
    if (gz && fuzz_decodes_to_more(data, size, (size_t)256 << 10))
        return 0;
#endif

    whole = run(data, size, 0);
    if (run(data, size, chunk[0]) != whole ||
        run(data, size, chunk[1]) != whole)
        abort();
    return 0;
}

#ifdef FUZZ_READ_SIZES
static uint64_t
reading(const uint8_t *data, size_t size, size_t chunk, unsigned variant)
{
    (void)variant;
    return run(data, size, chunk);
}

int
main(int argc, char **argv)
{
    return fuzz_read_sizes_main(argc, argv, reading, 1);
}
#endif
