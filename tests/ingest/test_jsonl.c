#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/jsonl.h"
#include "ingest/source.h"
#include "util/buf.h"
#include "util/limits.h"

/*
 * Cases render what the reader hands out as text:
 *   <line>:[value]-...          a good row; '-' is absent (or null)
 *   <line>!<reason>@<col>#<field>k[key]{raw}[T]   an error row (k[] only
 *                                when the reason names a key)
 *   C:[name]...                 the columns at the end
 *   S:<lines>,<rows>,<errors>,<blank>
 * Bytes outside printable ASCII show as \xHH. Each input is read with
 * reads of every size from 1 to 16 bytes and unlimited; all must agree.
 */

static void
put_bytes(struct buf *b, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c >= 0x7f)
            assert_int_equal(buf_printf(b, "\\x%02x", c), 0);
        else
            assert_int_equal(buf_appendc(b, (char)c), 0);
    }
}

static void
put_span(struct buf *b, const struct source_span *s)
{
    assert_int_equal(buf_appendc(b, '['), 0);
    put_bytes(b, s->ptr, s->len);
    assert_int_equal(buf_appendc(b, ']'), 0);
}

static char *
render(const char *data, size_t len, size_t chunk)
{
    struct source *src;
    struct jsonl *j;
    struct jsonl_row row;
    struct jsonl_stats st;
    const struct source_span *names;
    struct buf b;
    size_t n, i;
    int rc;

    buf_init(&b, LIMIT_BUF_DEFAULT);
    assert_int_equal(source_open_mem(data, len, "test", &src), 0);
    source_set_read_limit(src, chunk);
    assert_int_equal(jsonl_open(src, &j), 0);
    while ((rc = jsonl_next(j, &row)) == 1) {
        if (row.error) {
            assert_null(row.values);
            assert_int_equal(buf_printf(&b, "%llu!%d@%llu#%zu",
                                        (unsigned long long)row.line,
                                        row.error,
                                        (unsigned long long)row.error_column,
                                        row.error_field),
                             0);
            if (row.error_key.ptr != NULL) {
                assert_int_equal(buf_appendc(&b, 'k'), 0);
                put_span(&b, &row.error_key);
            }
            assert_int_equal(buf_appendc(&b, '{'), 0);
            put_bytes(&b, row.raw, row.raw_len);
            assert_int_equal(
                buf_appends(&b, row.raw_truncated ? "}T\n" : "}\n"), 0);
            continue;
        }
        jsonl_columns(j, &names, &n);
        assert_int_equal(row.nvalues, n);
        assert_int_equal(buf_printf(&b, "%llu:", (unsigned long long)row.line),
                         0);
        for (i = 0; i < row.nvalues; i++) {
            if (row.values[i].ptr == NULL)
                assert_int_equal(buf_appendc(&b, '-'), 0);
            else
                put_span(&b, &row.values[i]);
        }
        assert_int_equal(buf_appendc(&b, '\n'), 0);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(jsonl_next(j, &row), 0);
    jsonl_columns(j, &names, &n);
    assert_int_equal(buf_appends(&b, "C:"), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(strlen(names[i].ptr), names[i].len);
        put_span(&b, &names[i]);
    }
    jsonl_stats(j, &st);
    assert_int_equal(buf_printf(&b, "\nS:%llu,%llu,%llu,%llu",
                                (unsigned long long)st.lines,
                                (unsigned long long)st.rows,
                                (unsigned long long)st.error_rows,
                                (unsigned long long)st.blank_lines),
                     0);
    jsonl_free(j);
    source_free(src);
    return buf_detach(&b, NULL);
}

static void
check_n(const char *data, size_t len, const char *want, size_t maxchunk)
{
    size_t chunk;

    for (chunk = 0; chunk <= maxchunk; chunk++) {
        char *got = render(data, len, chunk);
        if (strcmp(got, want) != 0)
            fail_msg("read size %zu:\n--- got\n%.2000s\n--- want\n%.2000s\n",
                     chunk, got, want);
        free(got);
    }
}

#define check(data, want) check_n((data), sizeof(data) - 1, (want), 16)

static void
values_as_written(void **state)
{
    (void)state;
    check("{\"naam\":\"Jan\",\"nr\":12,\"actief\":true}\n"
          "{\"nr\":-0,\"naam\":\"Piet\",\"extra\":null}\n"
          "{\"x\":1.50e+3,\"naam\":\"K\",\"nr\":99999999999999999999999,"
          "\"actief\":false}\n"
          "{ \"naam\" : \"\" , \"nr\" : -12.5E-3 }\n",
          "1:[Jan][12][true]\n"
          "2:[Piet][-0]--\n"
          "3:[K][99999999999999999999999][false]-[1.50e+3]\n"
          "4:[][-12.5E-3]---\n"
          "C:[naam][nr][actief][extra][x]\n"
          "S:4,4,0,0");
}

static void
escapes_unescaped(void **state)
{
    (void)state;
    check("{\"a\":\"tab\\there \\\"q\\\" \\\\ \\/ \\u00e9 \\ud83d\\ude00 "
          "\\b\\f\\n\\r\",\"n\\u00e4me\":\"x\\u0041\"}\n"
          "{\"n\\u00e4me\":\"y\"}\n",
          "1:[tab\\x09here \"q\" \\ / \\xc3\\xa9 \\xf0\\x9f\\x98\\x80 "
          "\\x08\\x0c\\x0a\\x0d][xA]\n"
          "2:-[y]\n"
          "C:[a][n\\xc3\\xa4me]\n"
          "S:2,2,0,0");
}

static void
blank_lines_bom_crlf(void **state)
{
    (void)state;
    check("\xef\xbb\xbf\n  \n{\"a\":1}\r\n\t\r\n{\"a\":2}", "3:[1]\n"
                                                            "5:[2]\n"
                                                            "C:[a]\n"
                                                            "S:5,2,0,3");
    check("", "C:\nS:0,0,0,0");
    check("{}\n", "1:\nC:\nS:1,1,0,0");
}

static void
syntax_errors(void **state)
{
    (void)state;
    check("{\"a\":1\n"
          "{\"a\":1} x\n"
          "{\"a\":1}{\"b\":2}\n"
          "{'a':1}\n"
          "{\"a\":tru}\n"
          "{\"a\":1,}\n"
          "{\"a\":01}\n"
          "{\"a\":NaN}\n"
          "{\"a\":-}\n"
          "{\"a\":\"\\q\"}\n"
          "{\"a\":\"\\u12\"}\n"
          "{\"a\":1 2}\n"
          "{\"a\":\"ok\"}\n",
          "1!1@7#0{{\"a\":1}\n"
          "2!1@9#0{{\"a\":1} x}\n"
          "3!1@8#0{{\"a\":1}{\"b\":2}}\n"
          "4!1@2#0{{'a':1}}\n"
          "5!1@9#0{{\"a\":tru}}\n"
          "6!1@8#0{{\"a\":1,}}\n"
          "7!1@8#0{{\"a\":01}}\n"
          "8!1@6#0{{\"a\":NaN}}\n"
          "9!1@7#0{{\"a\":-}}\n"
          "10!1@8#0{{\"a\":\"\\q\"}}\n"
          "11!1@11#0{{\"a\":\"\\u12\"}}\n"
          "12!1@8#0{{\"a\":1 2}}\n"
          "13:[ok]\n"
          "C:[a]\n"
          "S:13,1,12,0");
}

static void
not_an_object(void **state)
{
    (void)state;
    check("[1,2]\n  \"str\"\n42\nnull\n{\"a\":1}\n", "1!2@1#0{[1,2]}\n"
                                                     "2!2@3#0{  \"str\"}\n"
                                                     "3!2@1#0{42}\n"
                                                     "4!2@1#0{null}\n"
                                                     "5:[1]\n"
                                                     "C:[a]\n"
                                                     "S:5,1,4,0");
}

static void
bad_bytes(void **state)
{
    static const char data[] = "{\"a\":\"\xff\"}\n"
                               "{\"a\":\"x\0\"}\n"
                               "{\"a\":\"x\\u0000\"}\n"
                               "{\"a\":\"x\ty\"}\n"
                               "{\"a\":\"x\x1f\"}\n"
                               "{\"a\":\"\xc3\xa9\"}\n";

    (void)state;
    check_n(data, sizeof(data) - 1,
            "1!3@7#0{{\"a\":\"\\xff\"}}\n"
            "2!4@8#0{{\"a\":\"x\\x00\"}}\n"
            "3!4@8#0{{\"a\":\"x\\u0000\"}}\n"
            "4!5@8#0{{\"a\":\"x\\x09y\"}}\n"
            "5!5@8#0{{\"a\":\"x\\x1f\"}}\n"
            "6:[\\xc3\\xa9]\n"
            "C:[a]\n"
            "S:6,1,5,0",
            16);
}

static void
lone_surrogates(void **state)
{
    (void)state;
    check("{\"a\":\"\\ud800\"}\n"
          "{\"a\":\"x\\udc00\"}\n"
          "{\"a\":\"\\ud800\\u0041\"}\n"
          "{\"a\":\"\\uD83D\\uDE00\"}\n",
          "1!6@7#0{{\"a\":\"\\ud800\"}}\n"
          "2!6@8#0{{\"a\":\"x\\udc00\"}}\n"
          "3!6@7#0{{\"a\":\"\\ud800\\u0041\"}}\n"
          "4:[\\xf0\\x9f\\x98\\x80]\n"
          "C:[a]\n"
          "S:4,1,3,0");
}

static void
nested_values(void **state)
{
    (void)state;
    check("{\"a\":1}\n"
          "{\"a\":[1,2]}\n"
          "{\"b\":2,\"new\":{\"c\":1}}\n"
          "{\"b\":3}\n",
          "1:[1]\n"
          "2!7@6#1k[a]{{\"a\":[1,2]}}\n"
          "3!7@14#0k[new]{{\"b\":2,\"new\":{\"c\":1}}}\n"
          "4:-[3]\n"
          "C:[a][b]\n"
          "S:4,2,2,0");
}

static void
duplicate_and_empty_keys(void **state)
{
    (void)state;
    check("{\"a\":1}\n"
          "{\"a\":1,\"a\":2}\n"
          "{\"p\":1,\"q\":2,\"p\":3}\n"
          "{\"q\":1,\"p\":2,\"a\":3,\"q\":4}\n"
          "{\"\":1}\n"
          "{\"\\u0061\":5,\"a\":6}\n"
          "{\"q\":7}\n",
          "1:[1]\n"
          "2!8@8#1k[a]{{\"a\":1,\"a\":2}}\n"
          "3!8@14#0k[p]{{\"p\":1,\"q\":2,\"p\":3}}\n"
          "4!8@20#0k[q]{{\"q\":1,\"p\":2,\"a\":3,\"q\":4}}\n"
          "5!9@2#0{{\"\":1}}\n"
          "6!8@13#1k[a]{{\"\\u0061\":5,\"a\":6}}\n"
          "7:-[7]\n"
          "C:[a][q]\n"
          "S:7,2,5,0");
}

static void
line_length_limit(void **state)
{
    struct buf data, want;
    size_t i;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    /* exactly LIMIT_LINE_BYTES (plus CRLF): fine */
    assert_int_equal(buf_appends(&data, "{\"a\":\""), 0);
    for (i = 0; i < LIMIT_LINE_BYTES - 8; i++)
        assert_int_equal(buf_appendc(&data, 'x'), 0);
    assert_int_equal(buf_appends(&data, "\"}\r\n"), 0);
    /* one byte more */
    assert_int_equal(buf_appends(&data, "{\"a\":\""), 0);
    for (i = 0; i < LIMIT_LINE_BYTES - 7; i++)
        assert_int_equal(buf_appendc(&data, 'y'), 0);
    assert_int_equal(buf_appends(&data, "\"}\n"), 0);
    /* far more */
    for (i = 0; i < 3 * LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&data, 'z'), 0);
    assert_int_equal(buf_appends(&data, "\n{\"a\":\"ok\"}\n"), 0);
    /* far more, at the end without LF */
    for (i = 0; i < 2 * LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&data, 'w'), 0);

    assert_int_equal(buf_appends(&want, "1:["), 0);
    for (i = 0; i < LIMIT_LINE_BYTES - 8; i++)
        assert_int_equal(buf_appendc(&want, 'x'), 0);
    assert_int_equal(
        buf_printf(&want, "]\n2!11@%u#0{{\"a\":\"", LIMIT_LINE_BYTES + 1), 0);
    for (i = 0; i < LIMIT_LINE_BYTES - 7; i++)
        assert_int_equal(buf_appendc(&want, 'y'), 0);
    assert_int_equal(
        buf_printf(&want, "\"}T\n3!11@%u#0{", LIMIT_LINE_BYTES + 1), 0);
    for (i = 0; i < LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&want, 'z'), 0);
    assert_int_equal(
        buf_printf(&want, "}T\n4:[ok]\n5!11@%u#0{", LIMIT_LINE_BYTES + 1), 0);
    for (i = 0; i < LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&want, 'w'), 0);
    assert_int_equal(buf_appends(&want, "}T\nC:[a]\nS:5,2,3,0"), 0);
    {
        char *got = render(buf_str(&data), buf_len(&data), 0);
        const char *w = buf_str(&want);
        size_t k = 0;
        while (got[k] != '\0' && got[k] == w[k])
            k++;
        if (got[k] != w[k])
            fail_msg("differs at %zu: got \"%.40s\" want \"%.40s\"", k,
                     got + k, w + k);
        free(got);
        got = render(buf_str(&data), buf_len(&data), 65536);
        assert_string_equal(got, buf_str(&want));
        free(got);
    }
    buf_free(&data);
    buf_free(&want);
}

static void
column_limit(void **state)
{
    struct buf data, want;
    size_t i;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    /* one key too many: an error row, and no column is added */
    assert_int_equal(buf_appendc(&data, '{'), 0);
    for (i = 0; i <= LIMIT_JSONL_COLUMNS; i++)
        assert_int_equal(buf_printf(&data, "%s\"k%05zu\":1", i ? "," : "", i),
                         0);
    assert_int_equal(buf_appends(&data, "}\n{"), 0);
    /* exactly the limit */
    for (i = 0; i < LIMIT_JSONL_COLUMNS; i++)
        assert_int_equal(buf_printf(&data, "%s\"k%05zu\":2", i ? "," : "", i),
                         0);
    assert_int_equal(buf_appends(&data, "}\n{\"k00000\":3,\"new\":3}\n"
                                        "{\"k00001\":4}\n"),
                     0);
    /* each "kNNNNN":1, is 11 bytes: key 4097 starts at 1 + 4096 * 11 + 1 */
    assert_int_equal(buf_printf(&want, "1!10@%d#0{", 4096 * 11 + 2), 0);
    {
        const char *s = buf_str(&data);
        const char *nl = strchr(s, '\n');
        put_bytes(&want, s, (size_t)(nl - s));
    }
    assert_int_equal(buf_appends(&want, "}\n2:"), 0);
    for (i = 0; i < LIMIT_JSONL_COLUMNS; i++)
        assert_int_equal(buf_appends(&want, "[2]"), 0);
    assert_int_equal(buf_printf(&want, "\n3!10@13#0{{\"k00000\":3,\"new\":3}}"
                                       "\n4:-[4]"),
                     0);
    for (i = 2; i < LIMIT_JSONL_COLUMNS; i++)
        assert_int_equal(buf_appendc(&want, '-'), 0);
    assert_int_equal(buf_appends(&want, "\nC:"), 0);
    for (i = 0; i < LIMIT_JSONL_COLUMNS; i++)
        assert_int_equal(buf_printf(&want, "[k%05zu]", i), 0);
    assert_int_equal(buf_appends(&want, "\nS:4,2,2,0"), 0);
    check_n(buf_str(&data), buf_len(&data), buf_str(&want), 0);
    buf_free(&data);
    buf_free(&want);
}

static void
many_rows_across_buffers(void **state)
{
    struct buf data;
    struct source *src;
    struct jsonl *j;
    struct jsonl_row row;
    char want[64];
    size_t i, n = 100000;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    for (i = 0; i < n; i++)
        assert_int_equal(buf_printf(&data,
                                    "{\"id\":%zu,\"naam\":\"n\\u00e9 %zu\"}\n",
                                    i, i),
                         0);
    assert_int_equal(
        source_open_mem(buf_str(&data), buf_len(&data), NULL, &src), 0);
    assert_int_equal(jsonl_open(src, &j), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(jsonl_next(j, &row), 1);
        assert_int_equal(row.error, 0);
        assert_int_equal(row.line, i + 1);
        assert_int_equal(row.nvalues, 2);
        snprintf(want, sizeof(want), "%zu", i);
        assert_int_equal(row.values[0].len, strlen(want));
        assert_memory_equal(row.values[0].ptr, want, strlen(want));
        snprintf(want, sizeof(want), "n\xc3\xa9 %zu", i);
        assert_int_equal(row.values[1].len, strlen(want));
        assert_memory_equal(row.values[1].ptr, want, strlen(want));
    }
    assert_int_equal(jsonl_next(j, &row), 0);
    jsonl_free(j);
    source_free(src);
    buf_free(&data);
}

static void
offsets_locate_the_raw_bytes(void **state)
{
    static const char data[] = "\xef\xbb\xbf{\"a\":1}\r\n\n{\"a\":[]}\n"
                               "{\"b\":\"x\"}";
    static const uint64_t want[3] = {3, 13, 22};
    size_t chunk, i;

    (void)state;
    for (chunk = 0; chunk < 8; chunk++) {
        struct source *src;
        struct jsonl *j;
        struct jsonl_row row;

        assert_int_equal(source_open_mem(data, sizeof(data) - 1, NULL, &src),
                         0);
        source_set_read_limit(src, chunk);
        assert_int_equal(jsonl_open(src, &j), 0);
        for (i = 0; i < 3; i++) {
            assert_int_equal(jsonl_next(j, &row), 1);
            assert_int_equal(row.offset, want[i]);
            assert_memory_equal(data + row.offset, row.raw, row.raw_len);
        }
        assert_int_equal(jsonl_next(j, &row), 0);
        jsonl_free(j);
        source_free(src);
    }
}

static void
strerror_names_every_reason(void **state)
{
    int r;

    (void)state;
    for (r = JSONL_ERR_SYNTAX; r <= JSONL_ERR_TOO_LONG; r++)
        assert_string_not_equal(jsonl_strerror(r), "unknown JSON Lines error");
    assert_string_equal(jsonl_strerror(0), "no error");
    assert_string_equal(jsonl_strerror(-5), "unknown JSON Lines error");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_as_written),
        cmocka_unit_test(escapes_unescaped),
        cmocka_unit_test(blank_lines_bom_crlf),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(not_an_object),
        cmocka_unit_test(bad_bytes),
        cmocka_unit_test(lone_surrogates),
        cmocka_unit_test(nested_values),
        cmocka_unit_test(duplicate_and_empty_keys),
        cmocka_unit_test(line_length_limit),
        cmocka_unit_test(column_limit),
        cmocka_unit_test(many_rows_across_buffers),
        cmocka_unit_test(offsets_locate_the_raw_bytes),
        cmocka_unit_test(strerror_names_every_reason),
    };

    return cmocka_run_group_tests_name("ingest_jsonl", tests, NULL, NULL);
}
