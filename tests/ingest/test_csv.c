#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/csv.h"
#include "ingest/source.h"
#include "util/buf.h"
#include "util/limits.h"

/*
 * Most cases render everything the reader hands out as text and compare it
 * with the expected text:
 *   H<n>:[name]...            the header
 *   <line>+<lines>:[f]...     a good row
 *   <line>!<reason>@<eline>:<ecol>#<efield>{raw}[T]  an error row
 *   S:<lines>,<rows>,<errors>,<blank>   the counters at the end
 * Bytes outside printable ASCII show as \xHH. Every input is read with
 * reads of every size from 1 byte up, so that each buffer boundary falls on
 * each byte at least once, and must render the same.
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

/* Render the input read with reads of at most chunk bytes (0: any). */
static char *
render(const char *data, size_t len, char delim, size_t chunk, int *open_rc,
       char *msg, size_t msgsz)
{
    struct source *src;
    struct csv *c;
    struct csv_options o = {delim};
    struct csv_row row;
    struct csv_stats st;
    const struct source_span *names;
    struct buf b;
    size_t n, i;
    int rc;

    buf_init(&b, LIMIT_BUF_DEFAULT);
    assert_int_equal(source_open_mem(data, len, "test", &src), 0);
    source_set_read_limit(src, chunk);
    *open_rc = csv_open(src, &o, &c, msg, msgsz);
    if (*open_rc != 0) {
        source_free(src);
        buf_free(&b);
        return NULL;
    }
    csv_header(c, &names, &n);
    assert_int_equal(buf_printf(&b, "H%zu:", n), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(strlen(names[i].ptr), names[i].len);
        assert_int_equal(buf_appendc(&b, '['), 0);
        put_bytes(&b, names[i].ptr, names[i].len);
        assert_int_equal(buf_appendc(&b, ']'), 0);
    }
    while ((rc = csv_next(c, &row)) == 1) {
        assert_int_equal(buf_appendc(&b, '\n'), 0);
        if (row.error) {
            assert_null(row.fields);
            assert_int_equal(
                buf_printf(
                    &b, "%llu!%d@%llu:%llu#%zu{", (unsigned long long)row.line,
                    row.error, (unsigned long long)row.error_line,
                    (unsigned long long)row.error_column, row.error_field),
                0);
            put_bytes(&b, row.raw, row.raw_len);
            assert_int_equal(buf_appends(&b, row.raw_truncated ? "}T" : "}"),
                             0);
            continue;
        }
        assert_int_equal(buf_printf(&b,
                                    "%llu+%llu:", (unsigned long long)row.line,
                                    (unsigned long long)row.lines),
                         0);
        for (i = 0; i < row.nfields; i++) {
            assert_non_null(row.fields[i].ptr);
            assert_int_equal(buf_appendc(&b, '['), 0);
            put_bytes(&b, row.fields[i].ptr, row.fields[i].len);
            assert_int_equal(buf_appendc(&b, ']'), 0);
        }
    }
    assert_int_equal(rc, 0);
    assert_int_equal(csv_next(c, &row), 0); /* stays at the end */
    csv_stats(c, &st);
    assert_int_equal(buf_printf(&b, "\nS:%llu,%llu,%llu,%llu",
                                (unsigned long long)st.lines,
                                (unsigned long long)st.rows,
                                (unsigned long long)st.error_rows,
                                (unsigned long long)st.blank_lines),
                     0);
    csv_free(c);
    source_free(src);
    return buf_detach(&b, NULL);
}

/* Check the rendering for every read size 1..16 and unlimited. */
static void
check_d(const char *data, size_t len, char delim, const char *want)
{
    size_t chunk;
    char msg[256];
    int rc;

    for (chunk = 0; chunk <= 16; chunk++) {
        char *got = render(data, len, delim, chunk, &rc, msg, sizeof(msg));
        if (rc != 0)
            fail_msg("csv_open failed (%d): %s", rc, msg);
        if (strcmp(got, want) != 0)
            fail_msg("read size %zu:\n--- got\n%s\n--- want\n%s\n", chunk, got,
                     want);
        free(got);
    }
}

#define check(data, want) check_d((data), sizeof(data) - 1, 0, (want))

/* csv_open must fail with rc and a message containing part. */
static void
check_open_fails(const char *data, size_t len, int want_rc, const char *part)
{
    char msg[256];
    int rc;
    char *got = render(data, len, 0, 0, &rc, msg, sizeof(msg));

    if (got != NULL)
        fail_msg("csv_open succeeded:\n%s", got);
    assert_int_equal(rc, want_rc);
    if (strstr(msg, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", msg, part);
}

static void
plain_rows(void **state)
{
    (void)state;
    check("naam,straat,plaats\nJan,Kerkstraat 1,Utrecht\n"
          "Piet,Dorpsweg 2,Ede\n",
          "H3:[naam][straat][plaats]\n"
          "2+1:[Jan][Kerkstraat 1][Utrecht]\n"
          "3+1:[Piet][Dorpsweg 2][Ede]\n"
          "S:3,2,0,0");
}

static void
quoted_fields(void **state)
{
    (void)state;
    check("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n"
          "\"multi\nline\",\"crlf\r\ninside\"\n\"\",\n"
          "\"\"\"\",\"a\"\"\"\"b\"\n",
          "H2:[a][b]\n"
          "2+1:[x,y][he said \"hi\"]\n"
          "3+3:[multi\\x0aline][crlf\\x0d\\x0ainside]\n"
          "6+1:[][]\n"
          "7+1:[\"][a\"\"b]\n"
          "S:7,4,0,0");
}

static void
empty_fields(void **state)
{
    (void)state;
    check("a,b,c\n,,\nx,,\n,,z\n\"\",\"\",\"\"\n", "H3:[a][b][c]\n"
                                                   "2+1:[][][]\n"
                                                   "3+1:[x][][]\n"
                                                   "4+1:[][][z]\n"
                                                   "5+1:[][][]\n"
                                                   "S:5,4,0,0");
}

static void
line_ends(void **state)
{
    (void)state;
    /* CRLF, lone CR, LF, and no line end at the end. */
    check("a,b\r\n1,2\r\n3,4\r5,6\n\"q\",\"r\"\r7,8", "H2:[a][b]\n"
                                                      "2+1:[1][2]\n"
                                                      "3+1:[3][4]\n"
                                                      "4+1:[5][6]\n"
                                                      "5+1:[q][r]\n"
                                                      "6+1:[7][8]\n"
                                                      "S:6,5,0,0");
    check("a\r\n\"x\"\r\n", "H1:[a]\n"
                            "2+1:[x]\n"
                            "S:2,1,0,0");
    check("a\n\"x\"", "H1:[a]\n2+1:[x]\nS:2,1,0,0");
    check("a\nx,", "H1:[a]\n2+1:[x][]\nS:2,1,0,0");
}

static void
bom_skipped(void **state)
{
    (void)state;
    check("\xef\xbb\xbfnaam;plaats\nJan;Utrecht\n", "H2:[naam][plaats]\n"
                                                    "2+1:[Jan][Utrecht]\n"
                                                    "S:2,1,0,0");
    /* Only the first three bytes are a BOM; a later one is data. */
    check("\xef\xbb\xbf"
          "a\n\xef\xbb\xbf"
          "x\n",
          "H1:[a]\n"
          "2+1:[\\xef\\xbb\\xbfx]\n"
          "S:2,1,0,0");
}

static void
empty_and_header_only(void **state)
{
    (void)state;
    check("", "H0:\nS:0,0,0,0");
    check("\xef\xbb\xbf", "H0:\nS:0,0,0,0");
    check("\n\r\n", "H0:\nS:2,0,0,2");
    check("a,b\n", "H2:[a][b]\nS:1,0,0,0");
    check("a,b", "H2:[a][b]\nS:1,0,0,0");
    check("\n\na,b\r\n\n1,2\n", "H2:[a][b]\n"
                                "5+1:[1][2]\n"
                                "S:5,1,0,3");
}

static void
delimiter_detection(void **state)
{
    struct source *src;
    struct csv *c;
    static const struct {
        const char *data;
        char want;
    } cases[] = {
        {"a,b,c\n1,2,3\n", ','},
        {"a;b;c\n1;2;3\n", ';'},
        {"a\tb\tc\n1\t2\t3\n", '\t'},
        {"a|b|c\n1|2|3\n", '|'},
        {"a,b;c\n", ','},          /* tie: ',' */
        {"a;b\tc\n", ';'},         /* tie without ',': ';' before TAB */
        {"a\tb|c\n", '\t'},        /* TAB before '|' */
        {"\"a;b;c\",d\n", ','},    /* quoted ones do not count */
        {"a;b,c;d\n1,2,3\n", ';'}, /* only the header line counts */
        {"name\nJan\n", ','},      /* none at all */
        {"", ','},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(
            source_open_mem(cases[i].data, strlen(cases[i].data), NULL, &src),
            0);
        assert_int_equal(csv_open(src, NULL, &c, NULL, 0), 0);
        if (csv_delimiter(c) != cases[i].want)
            fail_msg("case %zu: got 0x%02x", i, csv_delimiter(c));
        csv_free(c);
        source_free(src);
    }
    check("a\tb\tc\n1\t \t3\n", "H3:[a][b][c]\n2+1:[1][ ][3]\nS:2,1,0,0");
    check("a|b\n\"x|y\"|z\n", "H2:[a][b]\n2+1:[x|y][z]\nS:2,1,0,0");
}

static void
delimiter_override(void **state)
{
    struct source *src;
    struct csv *c;
    struct csv_options o = {'#'};
    char msg[128];

    (void)state;
    check_d("a,b;c\n1,2;3\n", 12, ';', "H2:[a,b][c]\n2+1:[1,2][3]\nS:2,1,0,0");
    assert_int_equal(source_open_mem("a\n", 2, NULL, &src), 0);
    o.delimiter = '"';
    assert_int_equal(csv_open(src, &o, &c, msg, sizeof(msg)), TOCSIN_EINVAL);
    assert_string_equal(msg, "invalid CSV delimiter 0x22");
    o.delimiter = '\n';
    assert_int_equal(csv_open(src, &o, &c, NULL, 0), TOCSIN_EINVAL);
    o.delimiter = '#';
    assert_int_equal(csv_open(src, &o, &c, NULL, 0), 0);
    assert_int_equal(csv_delimiter(c), '#');
    csv_free(c);
    source_free(src);
}

static void
blank_lines_counted(void **state)
{
    (void)state;
    check("a,b\n1,2\n\n\r\n3,4\n\n", "H2:[a][b]\n"
                                     "2+1:[1][2]\n"
                                     "5+1:[3][4]\n"
                                     "S:6,2,0,3");
    /* A line of spaces or a quoted empty field is a record, not blank. */
    check("a\n \n\"\"\n", "H1:[a]\n2+1:[ ]\n3+1:[]\nS:3,2,0,0");
}

static void
field_count_is_reported_not_judged(void **state)
{
    (void)state;
    check("a,b,c\n1,2\n1,2,3,4\n\n5\n", "H3:[a][b][c]\n"
                                        "2+1:[1][2]\n"
                                        "3+1:[1][2][3][4]\n"
                                        "5+1:[5]\n"
                                        "S:5,3,0,1");
}

static void
quote_in_unquoted_field(void **state)
{
    (void)state;
    check("a,b,c\nJan \"Sjonnie\" Jansen,x,y\nok,1,2\nx,y\",z\nok,3,4\n",
          "H3:[a][b][c]\n"
          "2!1@2:5#1{Jan \"Sjonnie\" Jansen,x,y}\n"
          "3+1:[ok][1][2]\n"
          "4!1@4:4#2{x,y\",z}\n"
          "5+1:[ok][3][4]\n"
          "S:5,2,2,0");
}

static void
text_after_closing_quote(void **state)
{
    (void)state;
    check("a,b,c\n\"Kerkstraat\"12,x,y\nok,1,2\nx,\"y\" ,z\r\nok,3,4\n",
          "H3:[a][b][c]\n"
          "2!2@2:13#1{\"Kerkstraat\"12,x,y}\n"
          "3+1:[ok][1][2]\n"
          "4!2@4:6#2{x,\"y\" ,z}\n"
          "5+1:[ok][3][4]\n"
          "S:5,2,2,0");
}

static void
unterminated_at_end_of_file(void **state)
{
    (void)state;
    check("a,b\nok,1\nx,\"abc", "H2:[a][b]\n"
                                "2+1:[ok][1]\n"
                                "3!3@3:3#2{x,\"abc}\n"
                                "S:3,1,1,0");
    check("a,b\nok,1\nx,\"abc\n", "H2:[a][b]\n"
                                  "2+1:[ok][1]\n"
                                  "3!3@3:3#2{x,\"abc}\n"
                                  "S:3,1,1,0");
}

static void
stray_opening_quote_keeps_later_rows(void **state)
{
    (void)state;
    /* Nothing closes it: the rows after it come out as they are. */
    check("a,b\n1,\"open\n2,x\n3,y\n", "H2:[a][b]\n"
                                       "2!3@2:3#2{1,\"open}\n"
                                       "3+1:[2][x]\n"
                                       "4+1:[3][y]\n"
                                       "S:4,2,1,0");
    /* It pairs with the opening quote of a later field. */
    check("a,b\n1,\"open\n2,\"x\"\n3,y\n", "H2:[a][b]\n"
                                           "2!3@2:3#2{1,\"open}\n"
                                           "3+1:[2][x]\n"
                                           "4+1:[3][y]\n"
                                           "S:4,2,1,0");
    /* After a good multi-line field, a later problem costs only the first
     * line; the next line is read again (here: a second error row). */
    check("a,b,c\n\"Kerk\nstraat\",x\"y,z\nok,1,2\n",
          "H3:[a][b][c]\n"
          "2!1@3:10#2{\"Kerk}\n"
          "3!1@3:7#1{straat\",x\"y,z}\n"
          "4+1:[ok][1][2]\n"
          "S:4,1,2,0");
}

static char *
repeat_lines(const char *head, const char *line, size_t n, const char *tail,
             size_t *len)
{
    struct buf b;
    size_t i;

    buf_init(&b, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&b, head), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(buf_appends(&b, line), 0);
    assert_int_equal(buf_appends(&b, tail), 0);
    return buf_detach(&b, len);
}

static void
quoted_line_limit(void **state)
{
    struct buf want;
    char *data;
    size_t len, i;

    (void)state;
    /* LIMIT_CSV_QUOTED_LINES physical lines: fine. */
    data = repeat_lines("a\n\"x", "\nx", LIMIT_CSV_QUOTED_LINES - 1,
                        "\"\nok\n", &len);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_printf(&want, "H1:[a]\n2+%d:[x", 64), 0);
    for (i = 0; i < LIMIT_CSV_QUOTED_LINES - 1; i++)
        assert_int_equal(buf_appends(&want, "\\x0ax"), 0);
    assert_int_equal(buf_printf(&want, "]\n66+1:[ok]\nS:66,2,0,0"), 0);
    check_d(data, len, 0, buf_str(&want));
    free(data);
    buf_free(&want);

    /* One more: unterminated at its start; the lines after the first come
     * out as rows of their own. */
    data = repeat_lines("a\n\"x", "\nx", LIMIT_CSV_QUOTED_LINES, "\"\nok\n",
                        &len);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&want, "H1:[a]\n2!3@2:1#1{\"x}"), 0);
    for (i = 0; i < LIMIT_CSV_QUOTED_LINES - 1; i++)
        assert_int_equal(buf_printf(&want, "\n%zu+1:[x]", i + 3), 0);
    assert_int_equal(
        buf_printf(&want, "\n66!1@66:2#1{x\"}\n67+1:[ok]\nS:67,64,2,0"), 0);
    check_d(data, len, 0, buf_str(&want));
    free(data);
    buf_free(&want);
}

/* Render one input with unlimited reads and with 64 KiB reads (a pipe). */
static void
check_big(const char *data, size_t len, const char *want)
{
    char msg[256];
    int rc;
    size_t chunks[2] = {0, 65536};

    for (size_t i = 0; i < 2; i++) {
        char *got = render(data, len, 0, chunks[i], &rc, msg, sizeof(msg));
        assert_int_equal(rc, 0);
        if (strcmp(got, want) != 0)
            fail_msg("read size %zu: got %.300s", chunks[i], got);
        free(got);
    }
}

static void
record_length_limit(void **state)
{
    struct buf data, want;
    size_t i;

    (void)state;
    /* Exactly LIMIT_LINE_BYTES: fine. */
    buf_init(&data, LIMIT_BUF_DEFAULT);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&data, "a\n"), 0);
    for (i = 0; i < LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&data, 'x'), 0);
    assert_int_equal(buf_appends(&data, "\r\nok\n"), 0);
    assert_int_equal(buf_appends(&want, "H1:[a]\n2+1:["), 0);
    assert_int_equal(buf_append(&want, buf_str(&data) + 2, LIMIT_LINE_BYTES),
                     0);
    assert_int_equal(buf_appends(&want, "]\n3+1:[ok]\nS:3,2,0,0"), 0);
    check_big(buf_str(&data), buf_len(&data), buf_str(&want));

    /* One byte more: an error row with the first LIMIT_LINE_BYTES. */
    buf_reset(&data);
    buf_reset(&want);
    assert_int_equal(buf_appends(&data, "a\n"), 0);
    for (i = 0; i < LIMIT_LINE_BYTES + 1; i++)
        assert_int_equal(buf_appendc(&data, 'x'), 0);
    assert_int_equal(buf_appends(&data, "\nok\n"), 0);
    assert_int_equal(
        buf_printf(&want, "H1:[a]\n2!4@2:%u#1{", LIMIT_LINE_BYTES + 1), 0);
    assert_int_equal(buf_append(&want, buf_str(&data) + 2, LIMIT_LINE_BYTES),
                     0);
    assert_int_equal(buf_appends(&want, "}T\n3+1:[ok]\nS:3,1,1,0"), 0);
    check_big(buf_str(&data), buf_len(&data), buf_str(&want));

    /* Far longer, with quotes and delimiters in the part that is skipped,
     * and at the end of the data without a line end. */
    buf_reset(&data);
    buf_reset(&want);
    assert_int_equal(buf_appends(&data, "a,b\n"), 0);
    for (i = 0; i < 3 * LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&data, "xy,\""[i % 4]), 0);
    assert_int_equal(buf_appends(&data, "\nok,1\n"), 0);
    for (i = 0; i < 2 * LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&data, 'z'), 0);
    /* xy,"xy,"x...: field 2 is quoted and text follows its closing
     * quote at column 9; the record ends at the line end far away. */
    assert_int_equal(buf_appends(&want, "H2:[a][b]\n2!2@2:9#2{"), 0);
    assert_int_equal(buf_append(&want, buf_str(&data) + 4, LIMIT_LINE_BYTES),
                     0);
    assert_int_equal(buf_printf(&want, "}T\n3+1:[ok][1]\n4!4@4:%u#1{",
                                LIMIT_LINE_BYTES + 1),
                     0);
    for (i = 0; i < LIMIT_LINE_BYTES; i++)
        assert_int_equal(buf_appendc(&want, 'z'), 0);
    assert_int_equal(buf_appends(&want, "}T\nS:4,1,2,0"), 0);
    check_big(buf_str(&data), buf_len(&data), buf_str(&want));

    /* A record whose quoted first field spans two lines and whose second
     * field passes the limit, with nothing of interest far beyond it: the
     * error is where the limit is passed, however much of the input has
     * been read (it was where the scan stopped: the real end far away in
     * one read, the end of what was read so far in 64 KiB reads). Reading
     * goes on at the line break inside the quotes. */
    buf_reset(&data);
    buf_reset(&want);
    assert_int_equal(buf_appends(&data, "a,b\n\"x\ny\","), 0);
    for (i = 0; i < LIMIT_LINE_BYTES + 200000; i++)
        assert_int_equal(buf_appendc(&data, 'z'), 0);
    assert_int_equal(buf_appends(&data, "\nok,1\n"), 0);
    assert_int_equal(buf_printf(&want,
                                "H2:[a][b]\n2!4@3:%u#2{\"x}\n3!1@3:2#1{",
                                LIMIT_LINE_BYTES - 2),
                     0);
    assert_int_equal(buf_append(&want, buf_str(&data) + 7, LIMIT_LINE_BYTES),
                     0);
    assert_int_equal(buf_appends(&want, "}T\n4+1:[ok][1]\nS:4,1,2,0"), 0);
    check_big(buf_str(&data), buf_len(&data), buf_str(&want));
    buf_free(&data);
    buf_free(&want);
}

static void
field_count_limit(void **state)
{
    struct buf data, want;
    size_t i;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    buf_init(&want, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&data, "a\n"), 0);
    for (i = 0; i < LIMIT_CSV_FIELDS; i++)
        assert_int_equal(buf_appends(&data, i ? ",x" : "x"), 0);
    assert_int_equal(buf_appends(&data, "\n"), 0);
    for (i = 0; i <= LIMIT_CSV_FIELDS; i++)
        assert_int_equal(buf_appends(&data, i ? ",y" : "y"), 0);
    assert_int_equal(buf_appends(&data, "\nok\n"), 0);
    assert_int_equal(buf_appends(&want, "H1:[a]\n2+1:"), 0);
    for (i = 0; i < LIMIT_CSV_FIELDS; i++)
        assert_int_equal(buf_appends(&want, "[x]"), 0);
    assert_int_equal(buf_printf(&want, "\n3!5@3:%d#%d{",
                                2 * LIMIT_CSV_FIELDS + 1,
                                LIMIT_CSV_FIELDS + 1),
                     0);
    for (i = 0; i <= LIMIT_CSV_FIELDS; i++)
        assert_int_equal(buf_appends(&want, i ? ",y" : "y"), 0);
    assert_int_equal(buf_appends(&want, "}\n4+1:[ok]\nS:4,2,1,0"), 0);
    check_big(buf_str(&data), buf_len(&data), buf_str(&want));
    buf_free(&data);
    buf_free(&want);
}

static void
invalid_utf8(void **state)
{
    (void)state;
    check("a,b\n"
          "\xc3\xa9,ok\n"                      /* 2 valid */
          "x\x80y,ok\n"                        /* 3 lone continuation */
          "ok,\xc0\x80\n"                      /* 4 overlong */
          "ok,\xed\xa0\x80\n"                  /* 5 surrogate */
          "ok,\xf4\x90\x80\x80\n"              /* 6 above U+10FFFF */
          "ok,\xe2\x82\n"                      /* 7 cut short */
          "\xf0\x9f\x98\x80,\"quoted \xff\"\n" /* 8 in a quoted field */
          "\xe2\x82\xac,\xf0\x9f\x98\x80\n"    /* 9 valid */
          "ok,\xe2\x82",                       /* 10 cut short by the end */
          "H2:[a][b]\n"
          "2+1:[\\xc3\\xa9][ok]\n"
          "3!6@3:2#1{x\\x80y,ok}\n"
          "4!6@4:4#2{ok,\\xc0\\x80}\n"
          "5!6@5:4#2{ok,\\xed\\xa0\\x80}\n"
          "6!6@6:4#2{ok,\\xf4\\x90\\x80\\x80}\n"
          "7!6@7:4#2{ok,\\xe2\\x82}\n"
          "8!6@8:14#2{\\xf0\\x9f\\x98\\x80,\"quoted \\xff\"}\n"
          "9+1:[\\xe2\\x82\\xac][\\xf0\\x9f\\x98\\x80]\n"
          "10!6@10:4#2{ok,\\xe2\\x82}\n"
          "S:10,2,7,0");
}

static void
nul_bytes(void **state)
{
    static const char data[] = "a,b\nx\0y,z\nok,1\n\"p\nq\0r\",s\nok,2\n";

    (void)state;
    check_d(data, sizeof(data) - 1, 0,
            "H2:[a][b]\n"
            "2!7@2:2#1{x\\x00y,z}\n"
            "3+1:[ok][1]\n"
            "4!7@5:2#1{\"p\\x0aq\\x00r\",s}\n"
            "6+1:[ok][2]\n"
            "S:6,2,2,0");
}

static void
structural_error_wins(void **state)
{
    (void)state;
    /* bad UTF-8 in field 1, stray quote in field 2: the quote is reported,
     * and the record ends at its line end */
    check("a,b\n\xff,x\"y\nok,1\n", "H2:[a][b]\n"
                                    "2!1@2:4#2{\\xff,x\"y}\n"
                                    "3+1:[ok][1]\n"
                                    "S:3,1,1,0");
}

static void
synthetic_bad_rows(void **state)
{
    (void)state;
    /* The kinds of bad row `tocsin synth` writes, each costing exactly the
     * rows it should: an unquoted line break in a middle field gives two
     * short rows (the caller rejects them on the count); a stray quote one
     * error row; missing and extra columns one row each with its count;
     * invalid UTF-8 one error row. */
    check("id,naam,straat,plaats\n"
          "1,Jan,Kerk\nstraat 1,Utrecht\n"
          "2,Piet \"de\" Vries,Dorpsweg 2,Ede\n"
          "3,Kees,Laan 3\n"
          "4,Anna,Weg 4,Delft,extra\n"
          "5,Jos\xe9,Pad 5,Gouda\n"
          "6,Els,Hof 6,Zeist\n",
          "H4:[id][naam][straat][plaats]\n"
          "2+1:[1][Jan][Kerk]\n"
          "3+1:[straat 1][Utrecht]\n"
          "4!1@4:8#2{2,Piet \"de\" Vries,Dorpsweg 2,Ede}\n"
          "5+1:[3][Kees][Laan 3]\n"
          "6+1:[4][Anna][Weg 4][Delft][extra]\n"
          "7!6@7:6#2{5,Jos\\xe9,Pad 5,Gouda}\n"
          "8+1:[6][Els][Hof 6][Zeist]\n"
          "S:8,5,2,0");
}

static void
header_errors(void **state)
{
    static const char nul_header[] = "a,b\0c\n";

    (void)state;
    check_open_fails("a,,c\n", 5, TOCSIN_EFORMAT,
                     "line 1: header: column 2 has an empty name");
    check_open_fails("a,b,\n", 5, TOCSIN_EFORMAT,
                     "line 1: header: column 3 has an empty name");
    check_open_fails("x,b,c,b,x\n", 10, TOCSIN_EFORMAT,
                     "line 1: header: columns 2 and 4 have the same name");
    check_open_fails("\na,b\"c\n", 7, TOCSIN_EFORMAT,
                     "line 2, column 4: header: quote inside");
    check_open_fails("a,\xff\n", 4, TOCSIN_EFORMAT,
                     "line 1, column 3: header: invalid UTF-8");
    check_open_fails(nul_header, sizeof(nul_header) - 1, TOCSIN_EFORMAT,
                     "line 1, column 4: header: NUL byte");
    check_open_fails("\"a\nb", 4, TOCSIN_EFORMAT,
                     "line 1, column 1: header: unterminated");
}

static void
header_names_are_copies(void **state)
{
    (void)state;
    check("\"na\"\"am\",\"pl,aats\"\n1,2\n",
          "H2:[na\"am][pl,aats]\n2+1:[1][2]\nS:2,1,0,0");
}

static void
many_rows_across_buffers(void **state)
{
    struct buf data;
    struct source *src;
    struct csv *c;
    struct csv_row row;
    struct csv_stats st;
    char want[64];
    size_t i, n = 150000;
    uint64_t line = 2;
    int rc;

    (void)state;
    buf_init(&data, LIMIT_BUF_DEFAULT);
    assert_int_equal(buf_appends(&data, "id;naam;opmerking\r\n"), 0);
    for (i = 0; i < n; i++) {
        if (i % 3 == 0)
            assert_int_equal(
                buf_printf(&data, "%zu;n\xc3\xa9%zu;\"a;\"\"b\"\"\r\nc\"\r\n",
                           i, i),
                0);
        else
            assert_int_equal(buf_printf(&data, "%zu;naam %zu;\r\n", i, i), 0);
    }
    assert_int_equal(
        source_open_mem(buf_str(&data), buf_len(&data), NULL, &src), 0);
    assert_int_equal(csv_open(src, NULL, &c, NULL, 0), 0);
    for (i = 0; i < n; i++) {
        rc = csv_next(c, &row);
        assert_int_equal(rc, 1);
        assert_int_equal(row.error, 0);
        assert_int_equal(row.line, line);
        assert_int_equal(row.nfields, 3);
        snprintf(want, sizeof(want), "%zu", i);
        assert_int_equal(row.fields[0].len, strlen(want));
        assert_memory_equal(row.fields[0].ptr, want, strlen(want));
        if (i % 3 == 0) {
            snprintf(want, sizeof(want), "n\xc3\xa9%zu", i);
            assert_int_equal(row.fields[2].len, 8);
            assert_memory_equal(row.fields[2].ptr, "a;\"b\"\r\nc", 8);
            line += 2;
        } else {
            snprintf(want, sizeof(want), "naam %zu", i);
            assert_int_equal(row.fields[2].len, 0);
            line += 1;
        }
        assert_int_equal(row.fields[1].len, strlen(want));
        assert_memory_equal(row.fields[1].ptr, want, strlen(want));
    }
    assert_int_equal(csv_next(c, &row), 0);
    csv_stats(c, &st);
    assert_int_equal(st.rows, n);
    assert_int_equal(st.lines, line - 1);
    csv_free(c);
    source_free(src);
    buf_free(&data);
}

static void
offsets_locate_the_raw_bytes(void **state)
{
    static const char data[] = "\xef\xbb\xbf"
                               "a,b\r\n1,2\r\n\nx\"y,3\n\"p\nq\",4";
    static const uint64_t want[3] = {8, 14, 20};
    size_t chunk, i;

    (void)state;
    for (chunk = 0; chunk < 8; chunk++) {
        struct source *src;
        struct csv *c;
        struct csv_row row;

        assert_int_equal(source_open_mem(data, sizeof(data) - 1, NULL, &src),
                         0);
        source_set_read_limit(src, chunk);
        assert_int_equal(csv_open(src, NULL, &c, NULL, 0), 0);
        for (i = 0; i < 3; i++) {
            assert_int_equal(csv_next(c, &row), 1);
            assert_int_equal(row.offset, want[i]);
            assert_memory_equal(data + row.offset, row.raw, row.raw_len);
        }
        assert_int_equal(csv_next(c, &row), 0);
        csv_free(c);
        source_free(src);
    }
}

static void
strerror_names_every_reason(void **state)
{
    int r;

    (void)state;
    for (r = CSV_ERR_QUOTE_IN_FIELD; r <= CSV_ERR_NUL; r++)
        assert_string_not_equal(csv_strerror(r), "unknown CSV error");
    assert_string_equal(csv_strerror(99), "unknown CSV error");
    assert_string_equal(csv_strerror(CSV_ERR_UNTERMINATED),
                        "unterminated quoted field");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_rows),
        cmocka_unit_test(quoted_fields),
        cmocka_unit_test(empty_fields),
        cmocka_unit_test(line_ends),
        cmocka_unit_test(bom_skipped),
        cmocka_unit_test(empty_and_header_only),
        cmocka_unit_test(delimiter_detection),
        cmocka_unit_test(delimiter_override),
        cmocka_unit_test(blank_lines_counted),
        cmocka_unit_test(field_count_is_reported_not_judged),
        cmocka_unit_test(quote_in_unquoted_field),
        cmocka_unit_test(text_after_closing_quote),
        cmocka_unit_test(unterminated_at_end_of_file),
        cmocka_unit_test(stray_opening_quote_keeps_later_rows),
        cmocka_unit_test(quoted_line_limit),
        cmocka_unit_test(record_length_limit),
        cmocka_unit_test(field_count_limit),
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(nul_bytes),
        cmocka_unit_test(structural_error_wins),
        cmocka_unit_test(synthetic_bad_rows),
        cmocka_unit_test(header_errors),
        cmocka_unit_test(header_names_are_copies),
        cmocka_unit_test(many_rows_across_buffers),
        cmocka_unit_test(offsets_locate_the_raw_bytes),
        cmocka_unit_test(strerror_names_every_reason),
    };

    return cmocka_run_group_tests_name("ingest_csv", tests, NULL, NULL);
}
