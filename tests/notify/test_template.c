/* Tests of template.c: every construct, nesting, lists with fallback to
 * the outer scopes, the standalone-line rule (exact bytes), HTML escaping,
 * every compile error with its message and position, the limits, render
 * errors, and the default templates of data/templates with the variables
 * docs/templates.md documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify.h"
#include "notify/template.h"
#include "store/embedded.h"
#include "util/fsutil.h"
#include "testutil.h"

/* Variables of the small tests, by index. */
enum {
    V_NAME,
    V_BRAND,
    V_MINOR,
    V_X,
    V_Y,
    V_LIST,
    V_LABEL,
    V_HINT,
    V_SUB,
    NV
};
static const char *const vars[] = {"name", "brand", "minor", "x",   "y",
                                   "list", "label", "hint",  "sub", NULL};

static struct tpl_value
str(const char *s)
{
    struct tpl_value v = {s, strlen(s), NULL, 0};

    return v;
}

static struct tpl_value
list(const struct tpl_data *items, size_t n)
{
    struct tpl_value v = {NULL, 0, items, n};

    return v;
}

/* Compile src (an exact copy) or fail the test. */
static struct tpl *
compile_ok(const char *src, size_t len, int html, const char *const *known)
{
    char *p = test_exact(src, len);
    struct tpl *t = NULL;
    struct buf why;
    int rc;

    buf_init(&why, 1024);
    rc = tpl_compile(p, len, html, known, &t, &why);
    if (rc != TOCSIN_OK)
        print_error("compile: %s\n", buf_str(&why));
    assert_int_equal(rc, TOCSIN_OK);
    assert_non_null(t);
    free(p);
    buf_free(&why);
    return t;
}

static struct tpl *
compile_s(const char *src, int html, const char *const *known)
{
    return compile_ok(src, strlen(src), html, known);
}

/* Render into a fresh string (caller frees). */
static char *
render(const struct tpl *t, const struct tpl_data *d)
{
    struct buf out;
    char *s;

    buf_init(&out, 1u << 24);
    assert_int_equal(tpl_render(t, d, &out), TOCSIN_OK);
    s = buf_detach(&out, NULL);
    assert_non_null(s);
    return s;
}

/* Compile src with the small variable list and check it renders want. */
static void
expect_n(const char *src, size_t len, int html, const struct tpl_data *d,
         const char *want)
{
    struct tpl *t = compile_ok(src, len, html, vars);
    char *got = render(t, d);

    assert_string_equal(got, want);
    free(got);
    tpl_free(t);
}

static void
expect(const char *src, const struct tpl_data *d, const char *want)
{
    expect_n(src, strlen(src), 0, d, want);
}

/* Compile must fail with rc and exactly the message want. */
static void
expect_error_n(const char *src, size_t len, const char *const *known, int rc,
               const char *want)
{
    char *p = test_exact(src, len);
    struct tpl *t = (struct tpl *)&t; /* must become NULL */
    struct buf why;

    buf_init(&why, 1024);
    assert_int_equal(tpl_compile(p, len, 0, known, &t, &why), rc);
    assert_null(t);
    assert_string_equal(buf_str(&why), want);
    /* and without a why buffer */
    t = (struct tpl *)&t;
    assert_int_equal(tpl_compile(p, len, 1, known, &t, NULL), rc);
    assert_null(t);
    free(p);
    buf_free(&why);
}

static void
expect_error(const char *src, int rc, const char *want)
{
    expect_error_n(src, strlen(src), vars, rc, want);
}

static void
test_text(void **state)
{
    (void)state;
    expect("", NULL, "");
    expect("hello\nworld", NULL, "hello\nworld");
    expect("a { b } c }} d {", NULL, "a { b } c }} d {");
    expect("tr\xc3\xa9ma \xe2\x82\xac 5 \xf0\x9f\x98\x80", NULL,
           "tr\xc3\xa9ma \xe2\x82\xac 5 \xf0\x9f\x98\x80");
    /* A leading byte-order mark is skipped. */
    expect("\xef\xbb\xbfHi", NULL, "Hi");
}

static void
test_variables(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    char *jan = test_exact("Jan!", 3); /* not NUL-terminated */

    (void)state;
    v[V_NAME].str = jan;
    v[V_NAME].len = 3;
    v[V_BRAND] = str("Odido");
    expect("Dear {{name}} of {{brand}}.", &d, "Dear Jan of Odido.");
    expect("{{ name }}|{{\tname\t}}|{{name}}{{name}}", &d, "Jan|Jan|JanJan");
    /* Unset and empty variables give nothing. */
    v[V_X] = str("");
    expect("[{{x}}][{{y}}]", &d, "[][]");
    /* Indexes past the data's count are unset. */
    d.count = V_BRAND;
    expect("[{{name}}][{{brand}}]", &d, "[Jan][]");
    d.count = NV;
    /* NULL data: everything unset. */
    expect("[{{name}}]{{^name}}none{{/name}}", NULL, "[]none");
    /* Bytes are inserted as they are, NUL included. */
    v[V_Y].str = "a\0b";
    v[V_Y].len = 3;
    {
        struct tpl *t = compile_ok("<{{y}}>", 7, 0, vars);
        struct buf out;

        buf_init(&out, 100);
        assert_int_equal(tpl_render(t, &d, &out), TOCSIN_OK);
        assert_int_equal(buf_len(&out), 5);
        assert_memory_equal(buf_str(&out), "<a\0b>", 5);
        buf_free(&out);
        tpl_free(t);
    }
    free(jan);
}

static void
test_sections(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    const char *src = "a{{#minor}}[M {{name}}]{{/minor}}b"
                      "{{^minor}}(adult){{/minor}}c";

    (void)state;
    v[V_NAME] = str("Jan");
    v[V_MINOR] = str("1");
    expect(src, &d, "a[M Jan]bc");
    v[V_MINOR] = str("");
    expect(src, &d, "ab(adult)c");
    v[V_MINOR].str = NULL;
    expect(src, &d, "ab(adult)c");
    /* A section's text is shown once; a section may hold nothing. */
    v[V_MINOR] = str("yes");
    expect("{{#minor}}{{/minor}}{{^minor}}{{/minor}}|", &d, "|");
    /* A section on a name used again inside it. */
    expect("{{#minor}}{{minor}}{{/minor}}", &d, "yes");
}

static void
test_nested_sections(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    const char *src = "{{#x}}x{{#y}}y{{^minor}}!m{{/minor}}{{/y}}"
                      "{{^y}}-y{{/y}}{{/x}}.";

    (void)state;
    expect(src, &d, ".");
    v[V_X] = str("1");
    expect(src, &d, "x-y.");
    v[V_Y] = str("1");
    expect(src, &d, "xy!m.");
    v[V_MINOR] = str("1");
    expect(src, &d, "xy.");
    /* The same name nested in itself. */
    expect("{{#x}}<{{#x}}{{x}}{{/x}}>{{/x}}", &d, "<1>");
}

/* A list of three items: label and hint each. */
static void
test_lists(void **state)
{
    struct tpl_value it[3][NV] = {{{0}}};
    struct tpl_data items[3] = {{it[0], NV}, {it[1], NV}, {it[2], NV}};
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    const char *src = "Leaked:\n{{#list}}- {{label}}{{#hint}} ({{hint}})"
                      "{{/hint}}\n{{/list}}{{^list}}nothing\n{{/list}}end";

    (void)state;
    it[0][V_LABEL] = str("Name");
    it[1][V_LABEL] = str("IBAN");
    it[1][V_HINT] = str("NL** **** **** **** 4300");
    it[2][V_LABEL] = str("Phone");
    it[2][V_HINT] = str(""); /* empty: no hint shown */
    v[V_LIST] = list(items, 3);
    expect(src, &d,
           "Leaked:\n- Name\n- IBAN (NL** **** **** **** 4300)\n- Phone\n"
           "end");
    v[V_LIST] = list(items, 1);
    expect(src, &d, "Leaked:\n- Name\nend");
    /* An empty list is false. */
    v[V_LIST] = list(items, 0);
    expect(src, &d, "Leaked:\nnothing\nend");
    v[V_LIST].items = NULL;
    expect(src, &d, "Leaked:\nnothing\nend");
    /* A list is not a text. */
    v[V_LIST] = list(items, 3);
    expect("{{#list}}{{/list}}{{^list}}{{/list}}{{#list}}*{{/list}}", &d,
           "***");
}

/* Names an item lacks come from the enclosing scopes: the outer item,
 * then the top level; names it has hide the outer ones. */
static void
test_list_fallback(void **state)
{
    struct tpl_value sub[2][NV] = {{{0}}};
    struct tpl_data subs[2] = {{sub[0], NV}, {sub[1], 1}};
    struct tpl_value it[2][NV] = {{{0}}};
    struct tpl_data items[2] = {{it[0], NV}, {it[1], NV}};
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};

    (void)state;
    v[V_NAME] = str("Jan");
    v[V_BRAND] = str("Odido");
    v[V_LABEL] = str("top-label");
    v[V_HINT] = str("top-hint");
    it[0][V_LABEL] = str("L0");
    it[0][V_NAME] = str("item-name"); /* hides the top level's */
    it[0][V_HINT] = str("");          /* set but empty: no fallback */
    it[1][V_LABEL] = str("L1");       /* hint unset: the top level's */
    v[V_LIST] = list(items, 2);
    expect("{{#list}}{{label}}/{{name}}/{{brand}}/[{{hint}}]"
           "{{#hint}}H{{/hint}};{{/list}}",
           &d, "L0/item-name/Odido/[];L1/Jan/Odido/[top-hint]H;");

    /* Nested lists: the inner item falls back to the outer item, then to
     * the top level. */
    sub[0][V_X] = str("s0");
    sub[1][0] = str("sub-name"); /* count 1: only name */
    it[0][V_SUB] = list(subs, 2);
    it[1][V_SUB] = list(subs, 1);
    expect("{{#list}}{{label}}:{{#sub}}<{{x}}|{{name}}|{{label}}|{{brand}}>"
           "{{/sub}};{{/list}}",
           &d,
           "L0:<s0|item-name|L0|Odido><|sub-name|L0|Odido>;"
           "L1:<s0|Jan|L1|Odido>;");
    /* Outside the list the top level is back. */
    expect("{{#list}}{{/list}}{{label}}", &d, "top-label");
}

static void
test_large_list(void **state)
{
    enum { N = 10000 };
    struct tpl_value *iv = calloc(N, sizeof(*iv));
    struct tpl_data *items = calloc(N, sizeof(*items));
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    struct tpl *t;
    char *got;
    size_t i;

    (void)state;
    assert_non_null(iv);
    assert_non_null(items);
    for (i = 0; i < N; i++) {
        iv[i] = str(i % 2 ? "ab" : "c");
        items[i].values = &iv[i];
        items[i].count = 1; /* only name */
    }
    v[V_LIST] = list(items, N);
    v[V_NAME] = str("top");
    t = compile_s("{{#list}}{{name}},{{/list}}{{name}}", 0, vars);
    got = render(t, &d);
    assert_int_equal(strlen(got), N / 2 * 3 + N / 2 * 2 + 3);
    assert_memory_equal(got, "c,ab,c,ab,", 10);
    assert_string_equal(got + strlen(got) - 8, "c,ab,top");
    free(got);
    tpl_free(t);
    free(iv);
    free(items);
}

static void
test_comments(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};

    (void)state;
    v[V_NAME] = str("Jan");
    expect("a{{! a comment }}b", &d, "ab");
    expect("a{{!}}b", &d, "ab");
    expect("a{{!no {{name}} here}}b", &d, "a here}}b");
    expect("a{{! spans\nlines }}b", &d, "ab");
    /* A comment may hold what is no tag elsewhere. */
    expect("a{{! {{{x {{#oops \xc3\xa9\n {{/nothing }}b", &d, "ab");
    /* Standalone comments take their lines. */
    expect("{{! one\n    two }}\nDear {{name}},\n", &d, "Dear Jan,\n");
    expect("Dear\n  {{! note }}  \n{{name}}", &d, "Dear\nJan");
    expect("Dear\n{{! note }}", &d, "Dear\n");
}

/* The standalone rule, exact bytes. */
static void
test_standalone(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    const char *block = "a\n{{#x}}\nb\n{{/x}}\nc\n";
    const char *indented = "a\n  {{#x}}\t \n  b\n\t{{/x}}\nc\n";
    const char *crlf = "a\r\n{{#x}}\r\nb\r\n{{/x}}\r\nc";

    (void)state;
    expect(block, &d, "a\nc\n");
    expect(indented, &d, "a\nc\n");
    expect(crlf, &d, "a\r\nc");
    v[V_X] = str("1");
    expect(block, &d, "a\nb\nc\n");
    expect(indented, &d, "a\n  b\nc\n");
    expect(crlf, &d, "a\r\nb\r\nc");

    /* Inverted sections too; at the start and at the end without a line
     * end. */
    expect("{{^x}}\nnot\n{{/x}}\nafter", &d, "after");
    expect("{{#x}}\nyes\n{{/x}}", &d, "yes\n");
    expect("{{#x}}\nyes\n  {{/x}}", &d, "yes\n");

    /* Not standalone: other text or another tag on the line, a variable
     * tag, a lone CR. */
    expect("{{#x}}{{/x}}\n", &d, "\n");
    expect(" a {{#x}}\nb\n{{/x}} c\n", &d, " a \nb\n c\n");
    /* (each tag by itself: here only the closing one is alone) */
    expect("{{#x}}x\n{{/x}}\n", &d, "x\n");
    expect("a\n{{x}}\nb", &d, "a\n1\nb");
    v[V_Y] = str("");
    expect("a\n{{y}}\nb", &d, "a\n\nb");
    expect("a\n{{#x}}\rb\n{{/x}}\n", &d, "a\n\rb\n");

    /* A section inside a line, as in body.txt: "customers{{#ex}}\nand
     * former customers{{/ex}} of". */
    expect("customers{{#x}}\nand former customers{{/x}} of", &d,
           "customers\nand former customers of");
    v[V_X].str = NULL;
    expect("customers{{#x}}\nand former customers{{/x}} of", &d,
           "customers of");

    /* Lists: each item's lines, no blank lines between. */
    {
        struct tpl_value it[2][NV] = {{{0}}};
        struct tpl_data items[2] = {{it[0], NV}, {it[1], NV}};

        it[0][V_LABEL] = str("one");
        it[1][V_LABEL] = str("two");
        v[V_LIST] = list(items, 2);
        expect("<ul>\n{{#list}}\n  <li>{{label}}</li>\n{{/list}}\n</ul>\n", &d,
               "<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>\n");
    }
}

static void
test_html_escaping(void **state)
{
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    const char *src = "<p title=\"{{x}}\">{{name}} & co's</p>";

    (void)state;
    v[V_NAME] = str("<b>Ben & \"Jerry's\"</b>");
    v[V_X] = str("&&");
    expect_n(src, strlen(src), 1, &d,
             "<p title=\"&amp;&amp;\">&lt;b&gt;Ben &amp; "
             "&quot;Jerry&#39;s&quot;&lt;/b&gt; & co's</p>");
    /* Text templates insert as is. */
    expect_n(src, strlen(src), 0, &d,
             "<p title=\"&&\"><b>Ben & \"Jerry's\"</b> & co's</p>");
    /* Other bytes are untouched, at the ends too. */
    v[V_NAME] = str("'\xc3\xa9 <>\t\n'");
    expect_n("{{name}}", 8, 1, &d, "&#39;\xc3\xa9 &lt;&gt;\t\n&#39;");
    /* Values inside list items are escaped as well. */
    {
        struct tpl_value it[1][NV] = {{{0}}};
        struct tpl_data items[1] = {{it[0], NV}};

        it[0][V_LABEL] = str("a<b");
        v[V_LIST] = list(items, 1);
        expect_n("{{#list}}{{label}}{{/list}}", 27, 1, &d, "a&lt;b");
    }
}

static void
test_errors(void **state)
{
    (void)state;
    expect_error("Dear {{nmae}},", TOCSIN_EFORMAT,
                 "unknown variable 'nmae' at 1:6");
    expect_error("a\nb\n  x {{nmae}}\n", TOCSIN_EFORMAT,
                 "unknown variable 'nmae' at 3:5");
    /* Columns count characters, not bytes. */
    expect_error("\xc3\xa9\xc3\xa9n {{ nmae }}", TOCSIN_EFORMAT,
                 "unknown variable 'nmae' at 1:5");
    expect_error("{{#leakd}}{{/leakd}}", TOCSIN_EFORMAT,
                 "unknown variable 'leakd' at 1:1");
    expect_error("{{^leakd}}{{/leakd}}", TOCSIN_EFORMAT,
                 "unknown variable 'leakd' at 1:1");
    /* Names are case-sensitive. */
    expect_error("{{Name}}", TOCSIN_EFORMAT, "unknown variable 'Name' at 1:1");
    expect_error("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n    {{#list}}\nx\n",
                 TOCSIN_EFORMAT, "unclosed section 'list' opened at 12:5");
    expect_error("{{#x}}{{#y}}{{/y}}", TOCSIN_EFORMAT,
                 "unclosed section 'x' opened at 1:1");
    expect_error("{{#x}}\n{{#y}}\n", TOCSIN_EFORMAT,
                 "unclosed section 'y' opened at 2:1");
    expect_error("a{{/name}}", TOCSIN_EFORMAT,
                 "'{{/name}}' at 1:2 closes no open section");
    expect_error("{{#x}}{{/x}}{{/x}}", TOCSIN_EFORMAT,
                 "'{{/x}}' at 1:13 closes no open section");
    expect_error("{{#minor}}\n{{/brand}}", TOCSIN_EFORMAT,
                 "'{{/brand}}' at 2:1 does not close section 'minor' "
                 "opened at 1:1");
    expect_error("{{#x}}{{#y}}{{/x}}{{/y}}", TOCSIN_EFORMAT,
                 "'{{/x}}' at 1:13 does not close section 'y' opened at "
                 "1:7");
    expect_error("{{^minor}} {{/mnior}}", TOCSIN_EFORMAT,
                 "'{{/mnior}}' at 1:12 does not close section 'minor' "
                 "opened at 1:1");
    expect_error("Dear {{name\n}}", TOCSIN_EFORMAT, "unterminated tag at 1:6");
    expect_error("Dear {{name}", TOCSIN_EFORMAT, "unterminated tag at 1:6");
    expect_error("Dear {{", TOCSIN_EFORMAT, "unterminated tag at 1:6");
    expect_error("x\n{{#name", TOCSIN_EFORMAT, "unterminated tag at 2:1");
    expect_error("ok\n {{! a comment\nthat never ends }", TOCSIN_EFORMAT,
                 "unterminated comment at 2:2");
    expect_error("{{}}", TOCSIN_EFORMAT, "empty tag at 1:1");
    expect_error("a {{ \t }}", TOCSIN_EFORMAT, "empty tag at 1:3");
    expect_error("{{#}}", TOCSIN_EFORMAT, "empty tag at 1:1");
    expect_error("{{/ }}", TOCSIN_EFORMAT, "empty tag at 1:1");
    expect_error("{{na-me}}", TOCSIN_EFORMAT,
                 "invalid name in tag (letters, digits and '_' only) at "
                 "1:1");
    expect_error("{{name brand}}", TOCSIN_EFORMAT,
                 "invalid name in tag (letters, digits and '_' only) at "
                 "1:1");
    expect_error("{{ #name}}", TOCSIN_EFORMAT,
                 "invalid name in tag (letters, digits and '_' only) at "
                 "1:1");
    expect_error("x{{n\xc3\xa9}}", TOCSIN_EFORMAT,
                 "invalid name in tag (letters, digits and '_' only) at "
                 "1:2");
    expect_error("{{name{{brand}}", TOCSIN_EFORMAT,
                 "invalid name in tag (letters, digits and '_' only) at "
                 "1:1");
    expect_error("{{{name}}}", TOCSIN_EFORMAT, "unsupported tag '{{{' at 1:1");
    expect_error("a\n {{&name}}", TOCSIN_EFORMAT,
                 "unsupported tag '{{&' at 2:2");
    expect_error("{{>partial}}", TOCSIN_EFORMAT,
                 "unsupported tag '{{>' at 1:1");
    expect_error("{{=<% %>=}}", TOCSIN_EFORMAT,
                 "unsupported tag '{{=' at 1:1");
    expect_error("ab\xff", TOCSIN_EFORMAT, "invalid UTF-8 at 1:3");
    expect_error("a\n\xc3\xa9\xc0\xaf", TOCSIN_EFORMAT,
                 "invalid UTF-8 at 2:2"); /* overlong */
    expect_error("\xed\xa0\x80", TOCSIN_EFORMAT,
                 "invalid UTF-8 at 1:1"); /* surrogate */
    expect_error("\xf4\x90\x80\x80", TOCSIN_EFORMAT,
                 "invalid UTF-8 at 1:1"); /* over U+10FFFF */
    expect_error("ab\xe2\x82", TOCSIN_EFORMAT,
                 "invalid UTF-8 at 1:3"); /* cut */
    expect_error("\x80", TOCSIN_EFORMAT, "invalid UTF-8 at 1:1");
    expect_error_n("ab\0cd", 5, vars, TOCSIN_EFORMAT, "NUL byte at 1:3");
    /* Positions after a byte-order mark are those an editor shows. */
    expect_error("\xef\xbb\xbf{{nmae}}", TOCSIN_EFORMAT,
                 "unknown variable 'nmae' at 1:1");
    /* The first error counts. */
    expect_error("{{nmae}}{{/x}}", TOCSIN_EFORMAT,
                 "unknown variable 'nmae' at 1:1");
}

static void
test_known_vars_errors(void **state)
{
    static const char *const empty[] = {"name", "", NULL};
    static const char *const dash[] = {"name", "first-name", NULL};
    static const char *const twice[] = {"name", "brand", "name", NULL};
    static const char *const none[] = {NULL};
    char long_name[LIMIT_TPL_NAME + 2];
    const char *too_long[] = {long_name, NULL};

    (void)state;
    expect_error_n("x", 1, NULL, TOCSIN_EINVAL, "no list of known variables");
    expect_error_n("x", 1, empty, TOCSIN_EINVAL,
                   "known variable 1 is empty or over 64 bytes");
    expect_error_n("x", 1, dash, TOCSIN_EINVAL,
                   "known variable 1 is not a valid name");
    expect_error_n("x", 1, twice, TOCSIN_EINVAL,
                   "known variable 'name' is listed twice");
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[LIMIT_TPL_NAME + 1] = '\0';
    expect_error_n("x", 1, too_long, TOCSIN_EINVAL,
                   "known variable 0 is empty or over 64 bytes");
    /* An empty list is fine for a template without variables. */
    {
        struct tpl *t = compile_ok("plain", 5, 0, none);

        assert_int_equal(tpl_var_count(t), 0);
        tpl_free(t);
    }
    expect_error_n("{{x}}", 5, none, TOCSIN_EFORMAT,
                   "unknown variable 'x' at 1:1");
    /* No text at all. */
    {
        struct tpl *t = NULL;
        struct buf why;
        char *got;

        buf_init(&why, 100);
        assert_int_equal(tpl_compile(NULL, 1, 0, vars, &t, &why),
                         TOCSIN_EINVAL);
        assert_null(t);
        assert_string_equal(buf_str(&why), "no template text");
        assert_int_equal(tpl_compile(NULL, 0, 0, vars, &t, &why), TOCSIN_OK);
        got = render(t, NULL);
        assert_string_equal(got, "");
        free(got);
        tpl_free(t);
        buf_free(&why);
    }
}

static void
test_limits(void **state)
{
    char src[256], name[LIMIT_TPL_NAME + 2], msg[128];
    const char *known[LIMIT_TPL_VARS + 2];
    char(*names)[8] = calloc(LIMIT_TPL_VARS + 1, 8);
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    size_t i, n = 0;
    char *big;
    struct tpl *t;

    (void)state;
    assert_non_null(names);
    /* LIMIT_TPL_DEPTH nested sections, not one more. */
    for (i = 0; i < LIMIT_TPL_DEPTH; i++)
        n += (size_t)snprintf(src + n, sizeof(src) - n, "{{#x}}");
    n += (size_t)snprintf(src + n, sizeof(src) - n, "deep");
    for (i = 0; i < LIMIT_TPL_DEPTH; i++)
        n += (size_t)snprintf(src + n, sizeof(src) - n, "{{/x}}");
    v[V_X] = str("1");
    expect(src, &d, "deep");
    snprintf(src, sizeof(src),
             "{{#x}}{{#x}}{{#x}}{{#x}}{{#x}}{{#x}}"
             "{{#x}}{{#x}}{{^x}}");
    snprintf(msg, sizeof(msg), "sections nested deeper than %d at 1:%d",
             LIMIT_TPL_DEPTH, 6 * LIMIT_TPL_DEPTH + 1);
    assert_int_equal(LIMIT_TPL_DEPTH, 8);
    expect_error(src, TOCSIN_ELIMIT, msg);

    /* A name of LIMIT_TPL_NAME bytes, and one longer. */
    memset(name, 'n', sizeof(name) - 1);
    name[LIMIT_TPL_NAME] = '\0';
    known[0] = name;
    known[1] = NULL;
    snprintf(src, sizeof(src), "<{{%s}}>", name);
    t = compile_ok(src, strlen(src), 0, known);
    assert_int_equal(tpl_var_index(t, name), 0);
    tpl_free(t);
    name[LIMIT_TPL_NAME] = 'n';
    name[LIMIT_TPL_NAME + 1] = '\0';
    snprintf(src, sizeof(src), "<{{%s}}>", name);
    expect_error(src, TOCSIN_ELIMIT, "name longer than 64 bytes at 1:2");

    /* LIMIT_TPL_VARS known variables, not one more. */
    for (i = 0; i <= LIMIT_TPL_VARS; i++) {
        snprintf(names[i], 8, "v%zu", i);
        known[i] = names[i];
    }
    known[LIMIT_TPL_VARS] = NULL;
    t = compile_ok("{{v255}}", 8, 0, known);
    assert_int_equal(tpl_var_count(t), LIMIT_TPL_VARS);
    assert_int_equal(tpl_var_index(t, "v255"), 255);
    tpl_free(t);
    known[LIMIT_TPL_VARS] = names[LIMIT_TPL_VARS];
    known[LIMIT_TPL_VARS + 1] = NULL;
    expect_error_n("x", 1, known, TOCSIN_EINVAL,
                   "more than 256 known variables");

    /* LIMIT_TEMPLATE_BYTES of source, not one more. */
    big = malloc(LIMIT_TEMPLATE_BYTES + 1);
    assert_non_null(big);
    memset(big, 'x', LIMIT_TEMPLATE_BYTES + 1);
    memcpy(big, "{{name}}", 8);
    t = compile_ok(big, LIMIT_TEMPLATE_BYTES, 0, vars);
    {
        char *got;

        v[V_NAME] = str("");
        got = render(t, &d);
        assert_int_equal(strlen(got), LIMIT_TEMPLATE_BYTES - 8);
        free(got);
    }
    tpl_free(t);
    snprintf(msg, sizeof(msg),
             "template of %u bytes is over the limit of %u bytes",
             LIMIT_TEMPLATE_BYTES + 1, LIMIT_TEMPLATE_BYTES);
    expect_error_n(big, LIMIT_TEMPLATE_BYTES + 1, vars, TOCSIN_ELIMIT, msg);
    free(big);
    free(names);
}

static void
test_render_errors(void **state)
{
    struct tpl_value it[1][NV] = {{{0}}};
    struct tpl_data items[1] = {{it[0], NV}};
    struct tpl_value v[NV] = {0};
    struct tpl_data d = {v, NV};
    struct tpl *t;
    struct buf out;

    (void)state;
    it[0][V_LABEL] = str("x");
    v[V_LIST] = list(items, 1);
    v[V_NAME] = str("Jan de Vries");
    /* A list where a text is wanted; out is left as it was. */
    t = compile_s("Dear {{name}}: {{list}}", 0, vars);
    buf_init(&out, 1024);
    assert_int_equal(buf_appends(&out, "keep"), TOCSIN_OK);
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_EINVAL);
    assert_string_equal(buf_str(&out), "keep");
    tpl_free(t);

    /* out's maximum: exactly enough works, one byte less fails and
     * leaves out as it was, in text and in variables. */
    t = compile_s("Dear {{name}}!", 1, vars);
    buf_free(&out);
    buf_init(&out, 4 + 18);
    assert_int_equal(buf_appends(&out, "keep"), TOCSIN_OK);
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_OK);
    assert_string_equal(buf_str(&out), "keepDear Jan de Vries!");
    buf_truncate(&out, 4);
    v[V_NAME] = str("Jan&Vrie");
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_OK);
    assert_string_equal(buf_str(&out), "keepDear Jan&amp;Vrie!");
    buf_truncate(&out, 4);
    v[V_NAME] = str("Jan && Vries");
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&out), "keep");
    v[V_NAME] = str("Jan de Vriess");
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&out), "keep");
    v[V_NAME] = str("Jan de Vriessssssss");
    assert_int_equal(tpl_render(t, &d, &out), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&out), "keep");
    buf_free(&out);
    tpl_free(t);
}

static void
test_accessors(void **state)
{
    struct tpl *t;

    (void)state;
    t = compile_s("{{#list}}{{label}}{{/list}}{{^minor}}{{/minor}}{{! x }}", 1,
                  vars);
    assert_int_equal(tpl_var_count(t), NV);
    assert_int_equal(tpl_var_index(t, "name"), V_NAME);
    assert_int_equal(tpl_var_index(t, "sub"), V_SUB);
    assert_int_equal(tpl_var_index(t, "nmae"), -1);
    assert_int_equal(tpl_var_index(t, ""), -1);
    assert_int_equal(tpl_var_index(t, "nam"), -1);
    assert_int_equal(tpl_uses(t, V_LIST), 1);
    assert_int_equal(tpl_uses(t, V_LABEL), 1);
    assert_int_equal(tpl_uses(t, V_MINOR), 1);
    assert_int_equal(tpl_uses(t, V_NAME), 0);
    assert_int_equal(tpl_uses(t, V_X), 0); /* only in the comment */
    assert_int_equal(tpl_uses(t, NV), 0);
    assert_int_equal(tpl_is_html(t), 1);
    tpl_free(t);
    t = compile_s("x", 0, vars);
    assert_int_equal(tpl_is_html(t), 0);
    tpl_free(t);
    tpl_free(NULL);
}

/* The message variables of docs/templates.md, in the order of this
 * enumeration. */
enum {
    M_NAME,
    M_BRAND,
    M_ORGANISATION,
    M_INCIDENT_DATE,
    M_LEAKED,
    M_LABEL,
    M_HINT,
    M_NOT_TAKEN,
    M_ADVICE_IBAN,
    M_ADVICE_ID_DOCUMENT,
    M_ADVICE_NATIONAL_ID,
    M_ADVICE_BIRTH_DATE,
    M_MINOR,
    M_EX_CUSTOMER,
    M_MEASURES,
    M_VERIFICATION_CODE,
    M_INFO_URL,
    M_DPO_EMAIL,
    M_DPO_PHONE,
    M_ANSWER,
    M_COUNT
};

/* The variable names of the table under "## Variables" in
 * docs/templates.md (the first column of each row) are exactly
 * notify_template_vars without the list item fields label and hint, which the
 * leaked row names. */
static void
test_docs_variables(void **state)
{
    const char *root = getenv("TOCSIN_SOURCE_ROOT");
    char path[4096], *doc, *p, *line;
    size_t len, i, found = 0;
    int in_table = 0, seen[M_COUNT] = {0};

    (void)state;
    snprintf(path, sizeof(path), "%s/docs/templates.md",
             root != NULL ? root : ".");
    assert_int_equal(fs_read_file(path, 1u << 20, &doc, &len), TOCSIN_OK);
    for (line = doc; line != NULL && *line != '\0'; line = p) {
        char *end = strchr(line, '\n'), *cell, *bar;

        p = end != NULL ? end + 1 : NULL;
        if (end != NULL)
            *end = '\0';
        if (strncmp(line, "## ", 3) == 0)
            in_table = strcmp(line, "## Variables") == 0;
        if (!in_table || strncmp(line, "| `", 3) != 0)
            continue;
        cell = line + 1;
        bar = strchr(cell, '|');
        assert_non_null(bar);
        *bar = '\0';
        while ((cell = strchr(cell, '`')) != NULL) {
            char *close = strchr(cell + 1, '`');
            int idx = -1;

            assert_non_null(close);
            *close = '\0';
            for (i = 0; i < M_COUNT; i++) {
                if (strcmp(notify_template_vars[i], cell + 1) == 0)
                    idx = (int)i;
            }
            if (idx < 0)
                print_error("undocumented in the test: %s\n", cell + 1);
            assert_true(idx >= 0);
            assert_int_equal(seen[idx], 0);
            seen[idx] = 1;
            found++;
            if (idx == M_LEAKED) {
                assert_non_null(strstr(bar + 1, "`label`"));
                assert_non_null(strstr(bar + 1, "`hint`"));
            }
            cell = close + 1;
        }
    }
    assert_int_equal(found, M_COUNT - 2);
    assert_int_equal(seen[M_LABEL], 0);
    assert_int_equal(seen[M_HINT], 0);
    free(doc);
}

/* A sample person: three leaked categories (one with a hint), two not
 * taken; flags by argument. */
struct sample {
    struct tpl_value v[M_COUNT];
    struct tpl_value leaked_v[3][M_COUNT];
    struct tpl_data leaked[3];
    struct tpl_value not_taken_v[2][M_COUNT];
    struct tpl_data not_taken[2];
};

static void
sample_init(struct sample *s, int english, int minor, int ex_customer,
            const char *brand)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    for (i = 0; i < 3; i++) {
        s->leaked[i].values = s->leaked_v[i];
        s->leaked[i].count = M_COUNT;
    }
    for (i = 0; i < 2; i++) {
        s->not_taken[i].values = s->not_taken_v[i];
        s->not_taken[i].count = M_HINT; /* only up to label */
    }
    s->leaked_v[0][M_LABEL] = str(english ? "Name" : "Naam");
    s->leaked_v[1][M_LABEL] = str("IBAN");
    s->leaked_v[1][M_HINT] = str("NL** **** **** **** 4300");
    s->leaked_v[2][M_LABEL] = str(english ? "Date of birth" : "Geboortedatum");
    s->leaked_v[2][M_HINT] = str("");
    s->not_taken_v[0][M_LABEL] = str(english ? "Passwords" : "Wachtwoorden");
    s->not_taken_v[1][M_LABEL] = str(english ? "Call records" : "Belgegevens");
    s->v[M_NAME] = str("Jan de Vries");
    s->v[M_BRAND] = str(brand);
    s->v[M_ORGANISATION] = str("Odido Netherlands");
    s->v[M_INCIDENT_DATE] =
        str(english ? "12 February 2026" : "12 februari 2026");
    s->v[M_LEAKED] = list(s->leaked, 3);
    s->v[M_NOT_TAKEN] = list(s->not_taken, 2);
    s->v[M_ADVICE_IBAN] = str("1");
    s->v[M_ADVICE_BIRTH_DATE] = str("1");
    if (minor)
        s->v[M_MINOR] = str("1");
    if (ex_customer)
        s->v[M_EX_CUSTOMER] = str("1");
    s->v[M_MEASURES] = str(english ? "We closed the access."
                                   : "We hebben de toegang gesloten.");
    s->v[M_VERIFICATION_CODE] = str("QGKP-22AD-PBKG-RT2T-X");
    s->v[M_INFO_URL] = str("odido.nl/datalek");
    s->v[M_DPO_EMAIL] = str("privacy@odido.example");
    s->v[M_DPO_PHONE] = str("0800-1234");
}

static const struct embedded_file *
embedded(const char *name)
{
    const struct embedded_file *f;

    for (f = embedded_files; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0)
            return f;
    }
    fail_msg("no embedded file %s", name);
    return NULL;
}

static char *
render_default(const char *name, const struct sample *s)
{
    const struct embedded_file *f = embedded(name);
    struct tpl_data d = {s->v, M_COUNT};
    size_t n = strlen(name);
    int html = n > 5 && strcmp(name + n - 5, ".html") == 0;
    struct tpl *t = compile_ok(f->data, f->len, html, notify_template_vars);
    char *out;

    if (strstr(name, "body") != NULL) {
        assert_int_equal(tpl_uses(t, M_VERIFICATION_CODE), 1);
        assert_int_equal(tpl_uses(t, M_INFO_URL), 1);
        assert_int_equal(tpl_uses(t, M_LEAKED), 1);
    }
    out = render(t, &d);
    tpl_free(t);
    /* Nothing of the template syntax is left, and no runs of blank lines
     * from sections. */
    assert_null(strstr(out, "{{"));
    assert_null(strstr(out, "}}"));
    assert_null(strstr(out, "\n\n\n"));
    return out;
}

static void
assert_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("missing: [%s]", needle);
}

static void
assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle) != NULL)
        fail_msg("unexpected: [%s]", needle);
}

static void
assert_ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);

    if (n < m || strcmp(s + n - m, tail) != 0)
        fail_msg("does not end with: [%s]", tail);
}

/* Every default template compiles with the documented variables. */
static void
test_default_templates_compile(void **state)
{
    const struct embedded_file *f;
    size_t n = 0;

    (void)state;
    for (f = embedded_files; f->name != NULL; f++) {
        size_t len = strlen(f->name);
        struct tpl *t;

        if (strncmp(f->name, "templates/", 10) != 0)
            continue;
        t = compile_ok(f->data, f->len,
                       strcmp(f->name + len - 5, ".html") == 0,
                       notify_template_vars);
        tpl_free(t);
        n++;
    }
    assert_int_equal(n, 6);
}

static void
test_default_subjects(void **state)
{
    struct sample s;
    char *out;

    (void)state;
    sample_init(&s, 1, 0, 0, "Odido");
    out = render_default("templates/en/subject.txt", &s);
    assert_string_equal(
        out, "Odido: your personal data was involved in a data breach\n");
    free(out);
    sample_init(&s, 0, 0, 0, "Ben");
    out = render_default("templates/nl/subject.txt", &s);
    assert_string_equal(
        out, "Ben: je persoonsgegevens zijn betrokken bij een datalek\n");
    free(out);
}

static void
test_default_body_txt(void **state)
{
    struct sample s;
    char *out;

    (void)state;
    sample_init(&s, 1, 0, 0, "Odido");
    out = render_default("templates/en/body.txt", &s);
    /* The comment lines are gone; no minor paragraph; no ex-customers. */
    assert_memory_equal(out,
                        "Dear Jan de Vries,\n\nOn 12 February 2026 criminals "
                        "gained access to the customer contact\nsystem of "
                        "Odido Netherlands and took data of customers "
                        "of Odido.",
                        strlen("Dear Jan de Vries,\n\nOn 12 February 2026 "
                               "criminals gained access to the customer "
                               "contact\nsystem of Odido Netherlands "
                               "and took data of customers of Odido."));
    assert_contains(out, "This is the data of yours that leaked:\n"
                         "  • Name\n"
                         "  • IBAN (NL** **** **** **** 4300)\n"
                         "  • Date of birth\n"
                         "\n"
                         "This data was NOT taken:\n"
                         "  • Passwords\n"
                         "  • Call records\n"
                         "\n"
                         "What does this mean for you?\n");
    assert_contains(out, "    yourself by typing its address.\n"
                         "  • Your IBAN leaked. Check your direct debits");
    assert_contains(out, "    of the debit; up to 13 months if you never "
                         "authorised it.\n"
                         "  • Your date of birth leaked. Do not use it as a "
                         "password or security\n    question anywhere.\n\n"
                         "What have we done?\nWe closed the access.\n\n");
    assert_lacks(out, "identity document");
    assert_lacks(out, "citizen service number");
    assert_lacks(out, "parent or guardian");
    assert_lacks(out, "former customers");
    assert_contains(out, "Check it yourself: type the address "
                         "odido.nl/datalek into your browser");
    assert_contains(out, "code there:\n\n    QGKP-22AD-PBKG-RT2T-X\n\n");
    assert_contains(out, "privacy@odido.example, 0800-1234. You can also\n");
    assert_ends_with(out, "Kind regards,\n\nOdido\nOdido Netherlands\n");
    free(out);

    /* A minor, a former customer, no DPO phone, every advice. */
    sample_init(&s, 1, 1, 1, "Ben");
    s.v[M_DPO_PHONE].str = NULL;
    s.v[M_ADVICE_ID_DOCUMENT] = str("1");
    s.v[M_ADVICE_NATIONAL_ID] = str("1");
    out = render_default("templates/en/body.txt", &s);
    assert_contains(out, "Dear Jan de Vries,\n\nYou receive this message as "
                         "the parent or guardian of Jan de Vries. It is\n"
                         "about your child's data.\n\nOn 12 February 2026");
    assert_contains(out, "and took data of customers\nand former customers "
                         "of Ben. Your data is among it.\n");
    assert_contains(out, "  • The number of your identity document leaked.");
    assert_contains(out, "  • Your citizen service number (BSN) leaked.");
    assert_contains(out, "officer:\nprivacy@odido.example. You can also\n");
    free(out);

    sample_init(&s, 0, 0, 1, "Odido");
    out = render_default("templates/nl/body.txt", &s);
    assert_memory_equal(out, "Beste Jan de Vries,\n\nOp 12 februari 2026",
                        strlen("Beste Jan de Vries,\n\nOp 12 februari 2026"));
    assert_contains(out, "hebben criminelen bij Odido Netherlands toegang\n"
                         "gekregen tot het klantcontactsysteem. Daarbij zijn "
                         "gegevens van klanten\nen oud-klanten van Odido "
                         "buitgemaakt.\n");
    assert_contains(out, "uitgelekt:\n"
                         "  • Naam\n"
                         "  • IBAN (NL** **** **** **** 4300)\n"
                         "  • Geboortedatum\n"
                         "\n"
                         "Deze gegevens zijn NIET buitgemaakt:\n"
                         "  • Wachtwoorden\n"
                         "  • Belgegevens\n\n");
    assert_contains(out, "\n    QGKP-22AD-PBKG-RT2T-X\n");
    assert_contains(out, "gegevensbescherming: privacy@odido.example, "
                         "0800-1234.\n");
    free(out);
}

static void
test_default_body_html(void **state)
{
    struct sample s;
    char *out;

    (void)state;
    sample_init(&s, 1, 1, 0, "Ben & Co <b>");
    s.leaked_v[0][M_LABEL] = str("Name \"full\"");
    s.v[M_NAME] = str("Jan 'Jantje' de Vries");
    out = render_default("templates/en/body.html", &s);
    assert_memory_equal(out, "<!DOCTYPE html>\n<html lang=\"en\">\n",
                        strlen("<!DOCTYPE html>\n<html lang=\"en\">\n"));
    assert_contains(out, "<title>Ben &amp; Co &lt;b&gt;: your personal data "
                         "was involved in a data breach</title>");
    assert_contains(out, "<p>Dear Jan &#39;Jantje&#39; de Vries,</p>\n"
                         "<p>You receive this message as the parent or "
                         "guardian of Jan &#39;Jantje&#39; de Vries.");
    assert_contains(out, "<ul>\n"
                         "<li>Name &quot;full&quot;</li>\n"
                         "<li>IBAN (NL** **** **** **** 4300)</li>\n"
                         "<li>Date of birth</li>\n"
                         "</ul>\n");
    assert_contains(out, "<ul>\n<li>Passwords</li>\n<li>Call records</li>\n"
                         "</ul>\n");
    assert_contains(out, "type the address <strong>odido.nl/datalek</strong>");
    assert_contains(out, "text-align:center;\">QGKP-22AD-PBKG-RT2T-X</p>\n");
    assert_contains(out, "address.</li>\n<li>Your IBAN leaked.");
    assert_contains(out, "security question anywhere.</li>\n</ul>\n");
    assert_lacks(out, "Ben & Co");
    assert_lacks(out, "<b>");
    assert_ends_with(out, "</div>\n</body>\n</html>\n");
    free(out);

    sample_init(&s, 0, 0, 0, "Odido");
    out = render_default("templates/nl/body.html", &s);
    assert_contains(out, "<p>Beste Jan de Vries,</p>\n<p>Op 12 februari 2026");
    assert_contains(out, "<li>IBAN (NL** **** **** **** 4300)</li>\n");
    assert_contains(out, "gegevens van klanten van Odido buitgemaakt.");
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_nested_sections),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_list_fallback),
        cmocka_unit_test(test_large_list),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_standalone),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_known_vars_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_docs_variables),
        cmocka_unit_test(test_default_templates_compile),
        cmocka_unit_test(test_default_subjects),
        cmocka_unit_test(test_default_body_txt),
        cmocka_unit_test(test_default_body_html),
    };

    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
