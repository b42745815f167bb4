#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <zlib.h>

#include "ingest/source.h"
#include "util/limits.h"

/* A scratch directory per test run, removed at the end. */
static char tmpdir[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tocsin-source-XXXXXX");
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
    static char p[2][256];
    static int i;

    i = !i;
    snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
    return p[i];
}

static void
write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void *
read_whole(const char *name, size_t *len)
{
    FILE *f = fopen(path_of(name), "rb");
    char *p;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* gzip data as one member per part (gzopen "ab" appends a member). */
static void
write_gz(const char *name, const char *const *parts, size_t nparts)
{
    size_t i;

    unlink(path_of(name));
    for (i = 0; i < nparts; i++) {
        gzFile g = gzopen(path_of(name), "ab");
        assert_non_null(g);
        if (parts[i][0] != '\0')
            assert_int_equal(gzwrite(g, parts[i], (unsigned)strlen(parts[i])),
                             (int)strlen(parts[i]));
        assert_int_equal(gzclose(g), Z_OK);
    }
}

/* Read everything with reads of at most cap bytes; returns the status of
 * the last read, the bytes in *out (caller frees). */
static int
drain(struct source *s, size_t cap, char **out, size_t *len)
{
    char *buf = NULL;
    size_t n = 0, got;
    int rc;

    for (;;) {
        buf = realloc(buf, n + cap + 1);
        assert_non_null(buf);
        rc = source_read(s, buf + n, cap, &got);
        if (rc < 0 || got == 0)
            break;
        n += got;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return rc;
}

static void
blake2b(const void *p, size_t n, unsigned char out[32])
{
    assert_int_equal(crypto_generichash(out, 32, p, n, NULL, 0), 0);
}

static void
open_errors(void **state)
{
    struct source *s = (struct source *)1;

    (void)state;
    assert_int_equal(source_open(path_of("missing.csv"), &s), TOCSIN_ENOENT);
    assert_null(s);
    assert_int_equal(source_open(tmpdir, &s), TOCSIN_EIO);
    assert_int_equal(errno, EISDIR);
    assert_null(s);
    assert_int_equal(source_open("", &s), TOCSIN_EINVAL);
    assert_int_equal(source_open(NULL, &s), TOCSIN_EINVAL);
    assert_int_equal(source_open_mem(NULL, 3, NULL, &s), TOCSIN_EINVAL);
}

static void
plain_file_read_and_counted(void **state)
{
    static const char text[] = "naam,plaats\nJan,Utrecht\n";
    struct source *s;
    char *got;
    size_t len, n;
    unsigned char h[32], want[32];

    (void)state;
    write_file("plain.csv", text, sizeof(text) - 1);
    assert_int_equal(source_open(path_of("plain.csv"), &s), 0);
    assert_int_equal(source_is_gzip(s), 0);
    assert_int_equal(source_size(s), (int64_t)sizeof(text) - 1);
    assert_string_equal(source_name(s), path_of("plain.csv"));
    assert_int_equal(source_hash(s, h), TOCSIN_EINVAL); /* not at the end */
    assert_int_equal(drain(s, 5, &got, &len), 0);
    assert_int_equal(len, sizeof(text) - 1);
    assert_memory_equal(got, text, len);
    assert_int_equal(source_raw_bytes(s), len);
    assert_int_equal(source_decoded_bytes(s), len);
    assert_int_equal(source_read(s, got, 4, &n), 0); /* EOF stays */
    assert_int_equal(n, 0);
    assert_int_equal(source_hash(s, h), 0);
    blake2b(text, sizeof(text) - 1, want);
    assert_memory_equal(h, want, 32);
    assert_int_equal(source_hash(s, h), 0); /* again: same */
    assert_memory_equal(h, want, 32);
    assert_string_equal(source_message(s), "");
    free(got);
    source_free(s);
}

static void
hash_of_equal_bytes_is_equal(void **state)
{
    static const char a[] = "x,y\n1,2\n";
    static const char b[] = "x,y\n1,3\n";
    struct source *s;
    unsigned char h1[32], h2[32], h3[32], h4[32];
    char *got;
    size_t len;

    (void)state;
    write_file("h1.csv", a, sizeof(a) - 1);
    write_file("h2.csv", a, sizeof(a) - 1);
    write_file("h3.csv", b, sizeof(b) - 1);
    assert_int_equal(source_open(path_of("h1.csv"), &s), 0);
    assert_int_equal(drain(s, 3, &got, &len), 0);
    assert_int_equal(source_hash(s, h1), 0);
    free(got);
    source_free(s);
    assert_int_equal(source_open(path_of("h2.csv"), &s), 0);
    assert_int_equal(drain(s, 4096, &got, &len), 0);
    assert_int_equal(source_hash(s, h2), 0);
    free(got);
    source_free(s);
    assert_int_equal(source_open(path_of("h3.csv"), &s), 0);
    assert_int_equal(drain(s, 4096, &got, &len), 0);
    assert_int_equal(source_hash(s, h3), 0);
    free(got);
    source_free(s);
    assert_int_equal(source_open_mem(a, sizeof(a) - 1, NULL, &s), 0);
    assert_int_equal(drain(s, 1, &got, &len), 0);
    assert_int_equal(source_hash(s, h4), 0);
    free(got);
    source_free(s);
    assert_memory_equal(h1, h2, 32);
    assert_memory_equal(h1, h4, 32);
    assert_memory_not_equal(h1, h3, 32);
}

static void
empty_file(void **state)
{
    struct source *s;
    unsigned char h[32], want[32];
    char buf[8];
    size_t n = 99;

    (void)state;
    write_file("empty.csv", "", 0);
    assert_int_equal(source_open(path_of("empty.csv"), &s), 0);
    assert_int_equal(source_size(s), 0);
    assert_int_equal(source_read(s, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(source_hash(s, h), 0);
    blake2b("", 0, want);
    assert_memory_equal(h, want, 32);
    source_free(s);
}

static void
gzip_detected_by_magic_not_name(void **state)
{
    static const char *const parts[] = {"naam,plaats\nJan,Utrecht\n"};
    static const char text[] = "\x1f"; /* one magic byte only: plain */
    struct source *s;
    char *got, *raw;
    size_t len, rawlen;
    unsigned char h[32], want[32];

    (void)state;
    write_gz("looks-plain.csv", parts, 1);
    assert_int_equal(source_open(path_of("looks-plain.csv"), &s), 0);
    assert_int_equal(source_is_gzip(s), 1);
    assert_int_equal(drain(s, 7, &got, &len), 0);
    assert_string_equal(got, parts[0]);
    raw = read_whole("looks-plain.csv", &rawlen);
    assert_int_equal(source_raw_bytes(s), rawlen);
    assert_int_equal(source_size(s), (int64_t)rawlen);
    assert_int_equal(source_decoded_bytes(s), strlen(parts[0]));
    /* the hash is of the bytes on disk, not of the decoded text */
    assert_int_equal(source_hash(s, h), 0);
    blake2b(raw, rawlen, want);
    assert_memory_equal(h, want, 32);
    free(raw);
    free(got);
    source_free(s);

    write_file("looks-gzip.csv.gz", "a,b\n", 4);
    assert_int_equal(source_open(path_of("looks-gzip.csv.gz"), &s), 0);
    assert_int_equal(source_is_gzip(s), 0);
    assert_int_equal(drain(s, 100, &got, &len), 0);
    assert_string_equal(got, "a,b\n");
    free(got);
    source_free(s);

    assert_int_equal(source_open_mem(text, 1, NULL, &s), 0);
    assert_int_equal(source_is_gzip(s), 0);
    assert_int_equal(drain(s, 100, &got, &len), 0);
    assert_int_equal(len, 1);
    free(got);
    source_free(s);
}

static void
gzip_multi_member(void **state)
{
    static const char *const parts[] = {"a,b\n1,", "", "2\n3,4\n"};
    struct source *s;
    char *got;
    size_t len;

    (void)state;
    write_gz("multi.gz", parts, 3);
    assert_int_equal(source_open(path_of("multi.gz"), &s), 0);
    assert_int_equal(source_is_gzip(s), 1);
    assert_int_equal(drain(s, 3, &got, &len), 0);
    assert_string_equal(got, "a,b\n1,2\n3,4\n");
    free(got);
    source_free(s);
}

static void
gzip_large_streams(void **state)
{
    const size_t n = 3u << 20; /* bigger than every internal block */
    char *text = malloc(n + 1), *got;
    const char *parts[1];
    struct source *s;
    size_t i, len;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < n; i++)
        text[i] = (char)('a' + (i * 7 + i / 1000) % 26);
    text[n] = '\0';
    parts[0] = text;
    write_gz("large.gz", parts, 1);
    assert_int_equal(source_open(path_of("large.gz"), &s), 0);
    assert_int_equal(drain(s, 1u << 20, &got, &len), 0);
    assert_int_equal(len, n);
    assert_memory_equal(got, text, n);
    free(got);
    source_free(s);
    free(text);
}

static void
gzip_corrupt(void **state)
{
    static const char *const parts[] = {
        "naam,plaats\nJan,Utrecht\nPiet,Ede\nKees,Gouda\n"};
    struct source *s;
    char *raw, *got;
    size_t rawlen, len, n;
    char buf[4];

    (void)state;
    write_gz("good.gz", parts, 1);
    raw = read_whole("good.gz", &rawlen);
    /* a broken block type in the deflate data just after the header */
    raw[10] = (char)0xff;
    write_file("corrupt.gz", raw, rawlen);
    assert_int_equal(source_open(path_of("corrupt.gz"), &s), 0);
    assert_int_equal(drain(s, 64, &got, &len), TOCSIN_EFORMAT);
    assert_non_null(strstr(source_message(s), "gzip data corrupt at byte "));
    /* sticky */
    assert_int_equal(source_read(s, buf, sizeof(buf), &n), TOCSIN_EFORMAT);
    assert_int_equal(source_hash(s, (unsigned char *)got), TOCSIN_EINVAL);
    free(got);
    source_free(s);

    /* a wrong CRC in the trailer */
    free(raw);
    raw = read_whole("good.gz", &rawlen);
    raw[rawlen - 8] ^= 1;
    write_file("badcrc.gz", raw, rawlen);
    assert_int_equal(source_open(path_of("badcrc.gz"), &s), 0);
    assert_int_equal(drain(s, 64, &got, &len), TOCSIN_EFORMAT);
    assert_non_null(strstr(source_message(s), "incorrect data check"));
    free(got);
    source_free(s);

    /* truncated: the offset is the end of the file */
    write_file("truncated.gz", raw, rawlen / 2);
    assert_int_equal(source_open(path_of("truncated.gz"), &s), 0);
    assert_int_equal(drain(s, 64, &got, &len), TOCSIN_EFORMAT);
    {
        char want[128];
        snprintf(want, sizeof(want), "gzip data truncated at byte %zu ",
                 rawlen / 2);
        if (strstr(source_message(s), want) == NULL)
            fail_msg("message: %s", source_message(s));
    }
    free(got);
    source_free(s);

    /* garbage after a good member */
    free(raw);
    raw = read_whole("good.gz", &rawlen);
    raw = realloc(raw, rawlen + 4);
    assert_non_null(raw);
    memcpy(raw + rawlen, "junk", 4);
    assert_int_equal(source_open_mem(raw, rawlen + 4, NULL, &s), 0);
    assert_int_equal(drain(s, 64, &got, &len), TOCSIN_EFORMAT);
    assert_string_equal(got, parts[0]); /* what came before is there */
    {
        char want[64];
        snprintf(want, sizeof(want), "gzip data corrupt at byte %zu", rawlen);
        if (strstr(source_message(s), want) == NULL)
            fail_msg("message: %s", source_message(s));
    }
    free(got);
    source_free(s);
    free(raw);
}

static void
peek_then_read(void **state)
{
    static const char text[] = "\xef\xbb\xbf{\"a\":1}\n{\"a\":2}\n";
    static const char *const parts[] = {"  {\"x\":1}\n"};
    struct source *s;
    const void *p;
    size_t n;
    char *got;
    size_t len;

    (void)state;
    assert_int_equal(source_open_mem(text, sizeof(text) - 1, NULL, &s), 0);
    assert_int_equal(source_peek(s, 4, &p, &n), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(p, text, 4);
    assert_int_equal(source_peek(s, 100, &p, &n), 0); /* more than there is */
    assert_int_equal(n, sizeof(text) - 1);
    assert_int_equal(source_peek(s, (64u << 10) + 1, &p, &n), TOCSIN_EINVAL);
    assert_int_equal(drain(s, 5, &got, &len), 0);
    assert_int_equal(len, sizeof(text) - 1);
    assert_memory_equal(got, text, len);
    assert_int_equal(source_decoded_bytes(s), len);
    free(got);
    source_free(s);

    write_gz("peek.gz", parts, 1);
    assert_int_equal(source_open(path_of("peek.gz"), &s), 0);
    assert_int_equal(source_peek(s, 3, &p, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "  {", 3);
    assert_int_equal(drain(s, 2, &got, &len), 0);
    assert_string_equal(got, parts[0]);
    free(got);
    source_free(s);
}

static void
read_limit_hook(void **state)
{
    static const char text[] = "0123456789";
    struct source *s;
    char buf[16];
    size_t n;

    (void)state;
    assert_int_equal(source_open_mem(text, 10, NULL, &s), 0);
    source_set_read_limit(s, 3);
    assert_int_equal(source_read(s, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "012", 3);
    source_set_read_limit(s, 0);
    assert_int_equal(source_read(s, buf, sizeof(buf), &n), 0);
    assert_int_equal(n, 7);
    assert_memory_equal(buf, "3456789", 7);
    source_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_errors),
        cmocka_unit_test(plain_file_read_and_counted),
        cmocka_unit_test(hash_of_equal_bytes_is_equal),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(gzip_detected_by_magic_not_name),
        cmocka_unit_test(gzip_multi_member),
        cmocka_unit_test(gzip_large_streams),
        cmocka_unit_test(gzip_corrupt),
        cmocka_unit_test(peek_then_read),
        cmocka_unit_test(read_limit_hook),
    };

    return cmocka_run_group_tests_name("ingest_source", tests, setup,
                                       teardown);
}
