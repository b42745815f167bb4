/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (and the gzip source
 * under it: inputs starting with 1f 8b are gunzipped).
 *
 * Every input is read three times: with unlimited reads, and with reads
 * of the two sizes fuzz_read_sizes() gives (small ones, and 14 to 4096
 * bytes), so that buffer boundaries fall everywhere. Besides
 * what the sanitizers catch, the harness aborts when
 *  - the two readings differ (rows, fields, positions, errors),
 *  - a good row's field holds a NUL or invalid UTF-8,
 *  - a row breaks the reader's documented limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"
#include "fuzz_util.h"
#include "ingest/source.h"
#include "util/limits.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_row(const struct csv_row *row, const uint8_t *data, size_t size, int gz)
{
    size_t i, total = 0;

    if (row->raw == NULL || row->raw_len > LIMIT_LINE_BYTES ||
        row->line == 0 || row->lines == 0)
        abort();
    /* Plain input: the raw bytes are the input's bytes at the offset. */
    if (!gz && (row->offset > size || row->raw_len > size - row->offset ||
                memcmp(data + row->offset, row->raw, row->raw_len) != 0))
        abort();
    if (row->error) {
        if (row->fields != NULL || row->error < CSV_ERR_QUOTE_IN_FIELD ||
            row->error > CSV_ERR_NUL || row->error_line < row->line ||
            row->error_column == 0 || row->error_field == 0)
            abort();
        return;
    }
    if (row->raw_truncated || row->nfields == 0 ||
        row->nfields > LIMIT_CSV_FIELDS)
        abort();
    for (i = 0; i < row->nfields; i++) {
        const struct source_span *f = &row->fields[i];
        if (f->ptr == NULL || memchr(f->ptr, '\0', f->len) != NULL ||
            utf8_valid_prefix(f->ptr, f->len) != f->len)
            abort();
        total += f->len;
    }
    if (total > row->raw_len)
        abort();
}

/* Read everything; a digest of all that came out, or 0 when csv_open()
 * refused the input. */
static uint64_t
run(const uint8_t *data, size_t size, size_t chunk, char delim)
{
    struct source *src;
    struct csv *c;
    struct csv_options o = {delim};
    struct csv_row row;
    struct csv_stats st;
    const struct source_span *names;
    uint64_t h = 0xcbf29ce484222325ull;
    size_t n, i;
    char msg[256];
    int rc;

    if (source_open_mem(data, size, "fuzz", &src) != 0)
        abort();
    source_set_read_limit(src, chunk);
    rc = csv_open(src, &o, &c, msg, sizeof(msg));
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || msg[0] == '\0')
            abort();
        h = fuzz_mix(1, msg, strlen(msg));
        source_free(src);
        return h;
    }
    csv_header(c, &names, &n);
    for (i = 0; i < n; i++) {
        if (names[i].len == 0 || strlen(names[i].ptr) != names[i].len)
            abort();
        h = fuzz_mix(h, names[i].ptr, names[i].len + 1);
    }
    while ((rc = csv_next(c, &row)) == 1) {
        check_row(&row, data, size, source_is_gzip(src));
        h = fuzz_mix_u64(h, row.line);
        h = fuzz_mix_u64(h, row.offset);
        h = fuzz_mix_u64(h, row.lines);
        h = fuzz_mix_u64(h, (uint64_t)row.error);
        h = fuzz_mix(h, row.raw, row.raw_len);
        if (row.error) {
            h = fuzz_mix_u64(h, row.error_line);
            h = fuzz_mix_u64(h, row.error_column);
            h = fuzz_mix_u64(h, row.error_field);
            continue;
        }
        for (i = 0; i < row.nfields; i++) {
            h = fuzz_mix_u64(h, row.fields[i].len);
            h = fuzz_mix(h, row.fields[i].ptr, row.fields[i].len);
        }
    }
    /* Only gzip data can fail while reading. */
    if (rc < 0 && (rc != TOCSIN_EFORMAT || !source_is_gzip(src)))
        abort();
    h = fuzz_mix_u64(h, (uint64_t)rc);
    csv_stats(c, &st);
    h = fuzz_mix(h, &st, sizeof(st));
    csv_free(c);
    source_free(src);
    return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[4] = {0, ',', ';', '\t'};
    char d = delims[size % 4];

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

    whole = run(data, size, 0, d);
    if (run(data, size, chunk[0], d) != whole ||
        run(data, size, chunk[1], d) != whole)
        abort();
    return 0;
}

#ifdef FUZZ_READ_SIZES
static uint64_t
reading(const uint8_t *data, size_t size, size_t chunk, unsigned variant)
{
    static const char delims[4] = {0, ',', ';', '\t'};

    return run(data, size, chunk, delims[variant]);
}

int
main(int argc, char **argv)
{
    return fuzz_read_sizes_main(argc, argv, reading, 4);
}
#endif
