#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <zlib.h>

#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "synth/synth.h"
#include "util/buf.h"
#include "util/limits.h"

static char tmpdir[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tocsin-reader-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *
path_of(const char *name)
{
    static char p[256];

    snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
    return p;
}

static void
write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void
write_gz(const char *name, const void *data, size_t len)
{
    gzFile g = gzopen(path_of(name), "wb");

    assert_non_null(g);
    if (len > 0)
        assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
}

/* Render the rows: "line:[f]..." / "line!reason@eline:ecol#field", then
 * "C:[col]..." and "S:lines,rows,errors,blank". */
static char *
render(struct reader *r)
{
    struct reader_row row;
    struct reader_stats st;
    const struct source_span *names;
    struct buf b;
    size_t n, i;
    int rc;

    buf_init(&b, LIMIT_BUF_DEFAULT);
    while ((rc = reader_next(r, &row)) == 1) {
        if (row.error) {
            assert_non_null(row.error_text);
            assert_int_equal(buf_printf(&b, "%llu!%d@%llu:%llu#%zu\n",
                                        (unsigned long long)row.line,
                                        row.error,
                                        (unsigned long long)row.error_line,
                                        (unsigned long long)row.error_column,
                                        row.error_field),
                             0);
            continue;
        }
        assert_int_equal(buf_printf(&b, "%llu:", (unsigned long long)row.line),
                         0);
        for (i = 0; i < row.nfields; i++) {
            if (row.fields[i].ptr == NULL)
                assert_int_equal(buf_appendc(&b, '-'), 0);
            else
                assert_int_equal(buf_printf(&b, "[%.*s]",
                                            (int)row.fields[i].len,
                                            row.fields[i].ptr),
                                 0);
        }
        assert_int_equal(buf_appendc(&b, '\n'), 0);
    }
    assert_int_equal(rc, 0);
    reader_columns(r, &names, &n);
    assert_int_equal(buf_appends(&b, "C:"), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(buf_printf(&b, "[%s]", names[i].ptr), 0);
    reader_stats(r, &st);
    assert_int_equal(buf_printf(&b, "\nS:%llu,%llu,%llu,%llu",
                                (unsigned long long)st.lines,
                                (unsigned long long)st.rows,
                                (unsigned long long)st.error_rows,
                                (unsigned long long)st.blank_lines),
                     0);
    return buf_detach(&b, NULL);
}

static void
check_file(const char *name, const struct reader_options *o,
           enum reader_format want_fmt, const char *want)
{
    struct reader *r;
    char msg[256];
    char *got;

    if (reader_open(path_of(name), o, &r, msg, sizeof(msg)) != 0)
        fail_msg("reader_open %s: %s", name, msg);
    assert_int_equal(reader_format(r), want_fmt);
    got = render(r);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n--- got\n%s\n--- want\n%s", name, got, want);
    free(got);
    reader_free(r);
}

static void
detects_csv_and_jsonl(void **state)
{
    static const char csv[] = "naam;nr\nJan;1\n\"Piet\";2\n";
    static const char jsonl[] = "\xef\xbb\xbf\r\n  \n {\"naam\":\"Jan\"}\n"
                                "{\"nr\":2,\"naam\":\"Piet\"}\n";
    static const char csv_brace[] = "a\n{x}\n";

    (void)state;
    write_file("export.txt", csv, sizeof(csv) - 1);
    check_file("export.txt", NULL, READER_CSV,
               "2:[Jan][1]\n3:[Piet][2]\nC:[naam][nr]\nS:3,2,0,0");
    write_file("export.csv", jsonl, sizeof(jsonl) - 1);
    check_file("export.csv", NULL, READER_JSONL,
               "3:[Jan]\n4:[Piet][2]\nC:[naam][nr]\nS:4,2,0,2");
    write_gz("export.dat", jsonl, sizeof(jsonl) - 1);
    check_file("export.dat", NULL, READER_JSONL,
               "3:[Jan]\n4:[Piet][2]\nC:[naam][nr]\nS:4,2,0,2");
    write_file("brace.csv", csv_brace, sizeof(csv_brace) - 1);
    check_file("brace.csv", NULL, READER_CSV, "2:[{x}]\nC:[a]\nS:2,1,0,0");
    write_file("empty", "", 0);
    check_file("empty", NULL, READER_CSV, "C:\nS:0,0,0,0");
    write_gz("empty.gz", "", 0);
    check_file("empty.gz", NULL, READER_CSV, "C:\nS:0,0,0,0");
}

static void
format_and_delimiter_options(void **state)
{
    static const char data[] = "{\"a\":1}\n";
    static const char semi[] = "a,b;c\n1,2;3\n";
    struct reader_options o;
    struct reader *r;
    char msg[256];

    (void)state;
    write_file("forced.txt", data, sizeof(data) - 1);
    memset(&o, 0, sizeof(o));
    o.format = READER_CSV; /* as CSV the quotes are stray */
    assert_int_equal(
        reader_open(path_of("forced.txt"), &o, &r, msg, sizeof(msg)),
        TOCSIN_EFORMAT);
    assert_string_equal(msg, "line 1, column 2: header: quote inside an "
                             "unquoted field (quote the field and double "
                             "the quote)");
    o.format = READER_JSONL;
    check_file("forced.txt", &o, READER_JSONL, "1:[1]\nC:[a]\nS:1,1,0,0");
    write_file("semi.csv", semi, sizeof(semi) - 1);
    o.format = READER_AUTO;
    o.delimiter = ';';
    check_file("semi.csv", &o, READER_CSV,
               "2:[1,2][3]\nC:[a,b][c]\nS:2,1,0,0");
}

static void
error_rows_come_through(void **state)
{
    static const char csv[] = "a,b\nx\"y,1\nok,2\n";
    static const char jsonl[] = "{\"a\":1}\n{\"a\":[1]}\n{\"b\":2}\n";
    struct reader *r;
    struct reader_row row;

    (void)state;
    write_file("bad.csv", csv, sizeof(csv) - 1);
    check_file("bad.csv", NULL, READER_CSV,
               "2!1@2:2#1\n3:[ok][2]\nC:[a][b]\nS:3,1,1,0");
    write_file("bad.jsonl", jsonl, sizeof(jsonl) - 1);
    check_file("bad.jsonl", NULL, READER_JSONL,
               "1:[1]\n2!7@2:6#1\n3:-[2]\nC:[a][b]\nS:3,2,1,0");

    /* the details of an error row */
    assert_int_equal(reader_open(path_of("bad.jsonl"), NULL, &r, NULL, 0), 0);
    assert_int_equal(reader_next(r, &row), 1);
    assert_int_equal(reader_next(r, &row), 1);
    assert_int_equal(row.error, JSONL_ERR_NESTED);
    assert_string_equal(row.error_text, jsonl_strerror(JSONL_ERR_NESTED));
    assert_int_equal(row.error_key.len, 1);
    assert_memory_equal(row.error_key.ptr, "a", 1);
    assert_int_equal(row.raw_len, 9);
    assert_memory_equal(row.raw, "{\"a\":[1]}", 9);
    assert_null(row.fields);
    reader_free(r);

    assert_int_equal(reader_open(path_of("bad.csv"), NULL, &r, NULL, 0), 0);
    assert_int_equal(reader_next(r, &row), 1);
    assert_int_equal(row.error, CSV_ERR_QUOTE_IN_FIELD);
    assert_string_equal(row.error_text, csv_strerror(CSV_ERR_QUOTE_IN_FIELD));
    assert_int_equal(row.raw_len, 5);
    assert_memory_equal(row.raw, "x\"y,1", 5);
    reader_free(r);
}

static void
open_errors(void **state)
{
    static const char dup[] = "a,b,a\n1,2,3\n";
    struct reader *r = (struct reader *)1;
    struct reader_options o;
    char msg[256];

    (void)state;
    assert_int_equal(
        reader_open(path_of("nope.csv"), NULL, &r, msg, sizeof(msg)),
        TOCSIN_ENOENT);
    assert_null(r);
    assert_string_equal(msg, "cannot open the input: not found");
    assert_int_equal(reader_open(tmpdir, NULL, &r, msg, sizeof(msg)),
                     TOCSIN_EIO);
    assert_string_equal(msg, "cannot open the input: Is a directory");
    write_file("dup.csv", dup, sizeof(dup) - 1);
    assert_int_equal(
        reader_open(path_of("dup.csv"), NULL, &r, msg, sizeof(msg)),
        TOCSIN_EFORMAT);
    assert_string_equal(msg,
                        "line 1: header: columns 1 and 3 have the same name");
    memset(&o, 0, sizeof(o));
    o.format = (enum reader_format)7;
    assert_int_equal(reader_open(path_of("dup.csv"), &o, &r, msg, sizeof(msg)),
                     TOCSIN_EINVAL);
    o.format = READER_CSV;
    o.delimiter = '\n';
    assert_int_equal(reader_open(path_of("dup.csv"), &o, &r, msg, sizeof(msg)),
                     TOCSIN_EINVAL);
}

static void
corrupt_gzip_is_fatal(void **state)
{
    struct buf data;
    struct reader *r;
    struct reader_row row;
    FILE *f;
    char *raw;
    long n;
    size_t i;
    int rc;
    char msg[256];

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&data, "id,naam\n"), 0);
    for (i = 0; i < 200000; i++)
        assert_int_equal(buf_printf(&data, "%zu,naam %zu\n", i, i * 7919), 0);
    write_gz("big.gz", buf_str(&data), buf_len(&data));
    f = fopen(path_of("big.gz"), "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    raw = malloc((size_t)n);
    assert_non_null(raw);
    assert_int_equal(fread(raw, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    write_file("cut.gz", raw, (size_t)n / 2);
    free(raw);
    assert_int_equal(
        reader_open(path_of("cut.gz"), NULL, &r, msg, sizeof(msg)), 0);
    i = 0;
    while ((rc = reader_next(r, &row)) == 1) {
        assert_int_equal(row.error, 0);
        i++;
    }
    assert_int_equal(rc, TOCSIN_EFORMAT);
    assert_true(i > 1000 && i < 200000);
    assert_non_null(strstr(reader_message(r), "gzip data truncated at byte"));
    assert_int_equal(reader_next(r, &row), TOCSIN_EFORMAT); /* sticky */
    assert_int_equal(reader_hash(r, (unsigned char *)msg), TOCSIN_EINVAL);
    reader_free(r);
    buf_free(&data);
}

static void
gzip_and_plain_give_the_same_rows(void **state)
{
    struct buf data;
    struct reader *r;
    struct reader_stats st;
    unsigned char h1[32], h2[32], want[32];
    char *plain, *gz;
    FILE *f;
    char *raw;
    long n;
    size_t i;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&data, "id;naam;adres\r\n"), 0);
    for (i = 0; i < 120000; i++)
        assert_int_equal(buf_printf(&data,
                                    "%zu;Naam %zu;\"Straat %zu\nBus %zu\"\r\n",
                                    i, i, i % 977, i % 13),
                         0);
    write_file("rows.csv", buf_str(&data), buf_len(&data));
    write_gz("rows.csv.gz", buf_str(&data), buf_len(&data));

    assert_int_equal(reader_open(path_of("rows.csv"), NULL, &r, NULL, 0), 0);
    assert_int_equal(reader_hash(r, h1), TOCSIN_EINVAL);
    plain = render(r);
    assert_int_equal(reader_hash(r, h1), 0);
    reader_stats(r, &st);
    assert_int_equal(st.rows, 120000);
    assert_int_equal(st.lines, 240001);
    assert_int_equal(st.raw_bytes, buf_len(&data));
    assert_int_equal(st.bytes, buf_len(&data));
    assert_int_equal(st.size, (int64_t)buf_len(&data));
    reader_free(r);
    crypto_generichash(want, 32, (const unsigned char *)buf_str(&data),
                       buf_len(&data), NULL, 0);
    assert_memory_equal(h1, want, 32);

    assert_int_equal(reader_open(path_of("rows.csv.gz"), NULL, &r, NULL, 0),
                     0);
    gz = render(r);
    assert_int_equal(reader_hash(r, h2), 0);
    reader_stats(r, &st);
    assert_int_equal(st.bytes, buf_len(&data));
    assert_true(st.raw_bytes < st.bytes);
    assert_int_equal(st.size, (int64_t)st.raw_bytes);
    assert_true(source_is_gzip(reader_source(r)));
    reader_free(r);
    assert_string_equal(plain, gz);
    assert_memory_not_equal(h1, h2, 32);
    /* the gzip hash is the hash of the .gz file */
    f = fopen(path_of("rows.csv.gz"), "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    raw = malloc((size_t)n);
    assert_non_null(raw);
    assert_int_equal(fread(raw, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    crypto_generichash(want, 32, (unsigned char *)raw, (size_t)n, NULL, 0);
    assert_memory_equal(h2, want, 32);
    free(raw);
    free(plain);
    free(gz);
    buf_free(&data);
}

static void
open_source_takes_ownership(void **state)
{
    static const char data[] = "{\"k\":\"v\"}\n";
    struct source *src;
    struct reader *r;
    struct reader_options o;

    (void)state;
    assert_int_equal(source_open_mem(data, sizeof(data) - 1, NULL, &src), 0);
    assert_int_equal(reader_open_source(src, NULL, &r, NULL, 0), 0);
    assert_ptr_equal(reader_source(r), src);
    assert_int_equal(reader_format(r), READER_JSONL);
    reader_free(r); /* frees src: ASan reports a leak otherwise */
    assert_int_equal(source_open_mem(data, sizeof(data) - 1, NULL, &src), 0);
    memset(&o, 0, sizeof(o));
    o.format = (enum reader_format)9;
    assert_int_equal(reader_open_source(src, &o, &r, NULL, 0),
                     TOCSIN_EINVAL); /* src freed here */
    assert_null(r);
}

/* The truth of a synthetic export: record ids ("R00000001") in order, and
 * whether each is BAD. */
struct truth {
    char (*id)[16];
    unsigned char *bad;
    unsigned char *seen;
    size_t n;
};

static int
truth_find(const struct truth *t, const char *p, size_t len)
{
    size_t lo = 0, hi = t->n;

    /* ids are generated in increasing order */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int d = strncmp(t->id[mid], p, len);
        if (d == 0 && t->id[mid][len] != '\0')
            d = 1;
        if (d == 0)
            return (int)mid;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void
synth_check(int format, uint64_t persons, uint64_t seed)
{
    struct synth_options so;
    struct synth_stats ss;
    struct truth t;
    struct source *src;
    struct reader *r;
    struct reader_row row;
    const struct source_span *names;
    char *exp = NULL, *tru = NULL, *line, *save = NULL;
    size_t explen = 0, trulen = 0, ncols, i, good = 0, nbad = 0;
    FILE *fe = open_memstream(&exp, &explen);
    FILE *ft = open_memstream(&tru, &trulen);
    int rc, k;

    assert_non_null(fe);
    assert_non_null(ft);
    memset(&so, 0, sizeof(so));
    so.persons = persons;
    so.seed = seed;
    so.format = format;
    assert_int_equal(synth_write(&so, fe, ft, &ss), 0);
    assert_int_equal(fclose(fe), 0);
    assert_int_equal(fclose(ft), 0);
    assert_true(ss.bad > 0);

    memset(&t, 0, sizeof(t));
    t.id = calloc(ss.records, sizeof(*t.id));
    t.bad = calloc(ss.records, 1);
    t.seen = calloc(ss.records, 1);
    assert_non_null(t.id);
    assert_non_null(t.bad);
    assert_non_null(t.seen);
    for (line = tru; line != NULL && *line != '\0'; line = save) {
        char *comma = strchr(line, ',');
        save = strchr(line, '\n');
        if (save != NULL)
            *save++ = '\0';
        if (strncmp(line, "record_id,", 10) == 0)
            continue;
        assert_non_null(comma);
        assert_true(comma - line < 16);
        memcpy(t.id[t.n], line, (size_t)(comma - line));
        t.bad[t.n] = strcmp(comma + 1, "BAD") == 0;
        nbad += t.bad[t.n];
        t.n++;
    }
    assert_int_equal(t.n, ss.records);
    assert_int_equal(nbad, ss.bad);

    /* Every good record comes out once as a good row with all its
     * columns; no malformed record does. */
    assert_int_equal(source_open_mem(exp, explen, NULL, &src), 0);
    assert_int_equal(reader_open_source(src, NULL, &r, NULL, 0), 0);
    while ((rc = reader_next(r, &row)) == 1) {
        const struct source_span *id;
        if (row.error)
            continue;
        /* A short or long CSV row: the caller rejects it on its count. A
         * JSON row has the columns seen so far. */
        if (format == SYNTH_FORMAT_CSV && row.nfields != SYNTH_NCOLUMNS)
            continue;
        id = &row.fields[0];
        assert_non_null(id->ptr);
        k = truth_find(&t, id->ptr, id->len);
        if (k < 0)
            fail_msg("row at line %llu: unknown record id",
                     (unsigned long long)row.line);
        if (t.bad[k])
            fail_msg("malformed record %s came out as a good row", t.id[k]);
        if (t.seen[k])
            fail_msg("record %s came out twice", t.id[k]);
        t.seen[k] = 1;
        good++;
    }
    assert_int_equal(rc, 0);
    for (i = 0; i < t.n; i++)
        if (!t.bad[i] && !t.seen[i])
            fail_msg("good record %s was lost", t.id[i]);
    assert_int_equal(good, ss.records - ss.bad);
    /* CSV: the header; JSON Lines: every key, in order of appearance. */
    reader_columns(r, &names, &ncols);
    assert_int_equal(ncols, SYNTH_NCOLUMNS);
    for (i = 0; i < ncols; i++) {
        size_t j = 0;
        while (j < SYNTH_NCOLUMNS && strcmp(names[i].ptr, synth_columns[j]))
            j++;
        assert_true(j < SYNTH_NCOLUMNS);
        if (format == SYNTH_FORMAT_CSV)
            assert_int_equal(j, i);
    }
    reader_free(r);
    free(exp);
    free(tru);
    free(t.id);
    free(t.bad);
    free(t.seen);
}

static void
synthetic_exports_cost_exactly_the_bad_rows(void **state)
{
    (void)state;
    synth_check(SYNTH_FORMAT_CSV, 20000, 1);
    synth_check(SYNTH_FORMAT_CSV, 20000, 7);
    synth_check(SYNTH_FORMAT_JSONL, 20000, 1);
    synth_check(SYNTH_FORMAT_JSONL, 20000, 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects_csv_and_jsonl),
        cmocka_unit_test(format_and_delimiter_options),
        cmocka_unit_test(error_rows_come_through),
        cmocka_unit_test(open_errors),
        cmocka_unit_test(corrupt_gzip_is_fatal),
        cmocka_unit_test(gzip_and_plain_give_the_same_rows),
        cmocka_unit_test(open_source_takes_ownership),
        cmocka_unit_test(synthetic_exports_cost_exactly_the_bad_rows),
    };

    return cmocka_run_group_tests_name("ingest_reader", tests, setup,
                                       teardown);
}
