/*
 * fuzz_template.c - libFuzzer harness for the message template engine
 * (notify/template.h).
 *
 * The input's first byte chooses text (even) or HTML (odd); the rest is a
 * template, compiled from an exact malloc'd copy with a fixed list of
 * known variables (a b c e list label hint sub), in both modes. A template
 * that compiles is rendered with no data, with values full of HTML
 * specials and nested lists, and with plain values. The harness aborts
 * when
 *  - compiling fails with other than TOCSIN_EFORMAT or TOCSIN_ELIMIT, with
 *    an empty message or one that is not printable ASCII (messages never
 *    echo template bytes), or leaves *out set; or the two modes disagree;
 *  - rendering with no data fails or gives more bytes than the source;
 *  - rendering fails with other than TOCSIN_EINVAL (a list where a text is
 *    wanted) or TOCSIN_ELIMIT, or does not leave the buffer as it was then;
 *    or two renders of the same data differ;
 *  - with plain values, text and HTML output differ;
 *  - with special values, an HTML render holds one of < > " ' that the
 *    template text does not, or its length is not that of the text
 *    render with each special character of a value written as its entity;
 *  - a buffer one byte too small does not fail with TOCSIN_ELIMIT leaving
 *    the prefix intact, or one exactly large enough fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify/template.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { V_A, V_B, V_C, V_E, V_LIST, V_LABEL, V_HINT, V_SUB, NV };
static const char *const vars[] = {"a",     "b",    "c",   "e", "list",
                                   "label", "hint", "sub", NULL};

#define OUT_MAX (1u << 20)

/* Compile in one mode; aborts on a broken contract. */
static int
compile(const char *src, size_t len, int html, struct tpl **t)
{
    struct buf why;
    size_t i;
    int rc;

    buf_init(&why, 4096);
    *t = (struct tpl *)&why;
    rc = tpl_compile(src, len, html, vars, t, &why);
    if (rc == TOCSIN_OK) {
        if (*t == NULL || tpl_is_html(*t) != html || tpl_var_count(*t) != NV ||
            tpl_var_index(*t, "sub") != V_SUB)
            abort();
    } else {
        if (*t != NULL || (rc != TOCSIN_EFORMAT && rc != TOCSIN_ELIMIT))
            abort();
        if (buf_len(&why) == 0)
            abort();
        for (i = 0; i < buf_len(&why); i++) {
            unsigned char c = (unsigned char)buf_str(&why)[i];

            if (c < 0x20 || c > 0x7e)
                abort();
        }
    }
    buf_free(&why);
    return rc;
}

/* Render d with a prefix in the buffer; returns the status, the output
 * (malloc'd, without the prefix) in *res when it succeeded. */
static int
render(const struct tpl *t, const struct tpl_data *d, size_t max, char **res,
       size_t *len)
{
    struct buf out;
    int rc;

    buf_init(&out, max);
    if (buf_append(&out, "pre", 3) != TOCSIN_OK)
        abort();
    rc = tpl_render(t, d, &out);
    if (buf_len(&out) < 3 || memcmp(buf_str(&out), "pre", 3) != 0)
        abort();
    if (rc != TOCSIN_OK) {
        if (rc != TOCSIN_EINVAL && rc != TOCSIN_ELIMIT)
            abort();
        if (buf_len(&out) != 3 || buf_str(&out)[3] != '\0')
            abort();
    } else if (res != NULL) {
        if (buf_str(&out)[buf_len(&out)] != '\0')
            abort();
        *len = buf_len(&out) - 3;
        *res = fuzz_exact(buf_str(&out) + 3, *len);
    }
    buf_free(&out);
    return rc;
}

static struct tpl_value
val(const char *s)
{
    struct tpl_value v = {s, strlen(s), NULL, 0};

    return v;
}

/* Values: special characters or plain ones (same lengths), nested lists
 * (list items with a sub list each, which falls back to the top level). */
struct values {
    struct tpl_value top[NV];
    struct tpl_value item_v[3][NV];
    struct tpl_data items[3];
    struct tpl_value sub_v[2][2];
    struct tpl_data subs[2];
    struct tpl_data d;
};

static void
make_values(struct values *v, int special)
{
    size_t i;

    memset(v, 0, sizeof(*v));
    v->top[V_A] = val(special ? "<&>" : "xyz");
    v->top[V_B] = val(special ? "'\"" : "qq");
    v->top[V_C] = val("");
    v->top[V_LABEL] = val("top");
    for (i = 0; i < 3; i++) {
        v->item_v[i][V_LABEL] = val(i == 1 && special ? "L&" : "Lx");
        if (i != 2)
            v->item_v[i][V_HINT] = val(i == 0 ? "h" : "");
        v->item_v[i][V_SUB].items = v->subs;
        v->item_v[i][V_SUB].nitems = i;
        v->items[i].values = v->item_v[i];
        v->items[i].count = i == 2 ? V_HINT : NV;
    }
    for (i = 0; i < 2; i++) {
        v->sub_v[i][V_A] = val(i ? "s" : "");
        v->subs[i].values = v->sub_v[i];
        v->subs[i].count = 2;
    }
    v->top[V_LIST].items = v->items;
    v->top[V_LIST].nitems = 3;
    v->d.values = v->top;
    v->d.count = NV;
}

static void
check_limits(const struct tpl *t, const struct tpl_data *d, size_t len)
{
    /* exactly enough, then one byte short */
    if (render(t, d, 3 + len, NULL, NULL) != TOCSIN_OK)
        abort();
    if (len > 0 && render(t, d, 3 + len - 1, NULL, NULL) != TOCSIN_ELIMIT)
        abort();
}

static size_t
count(const char *s, size_t n, char c)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/*
 * The four renders of one template (text and HTML, special and plain
 * values). Special and plain values have the same lengths and truth, so
 * the four walk the template alike: text output of both differs only in
 * the values' bytes; HTML output with special values is the text output
 * with each special character replaced by its entity.
 */
static void
check_escaping(const struct tpl *tt, const struct tpl *th,
               const struct values *sv, const struct values *pv)
{
    static const char specials[] = "<>\"'&";
    static const size_t extra[] = {3, 3, 5, 4, 4};
    char *r[4];
    size_t len[4], i, want;
    int rc[4];

    rc[0] = render(tt, &pv->d, OUT_MAX, &r[0], &len[0]);
    rc[1] = render(th, &pv->d, OUT_MAX, &r[1], &len[1]);
    rc[2] = render(tt, &sv->d, OUT_MAX, &r[2], &len[2]);
    rc[3] = render(th, &sv->d, OUT_MAX, &r[3], &len[3]);
    /* A list used as a text fails alike; the longer HTML output alone may
     * pass OUT_MAX. */
    if (rc[1] != rc[0] || rc[2] != rc[0] ||
        (rc[3] != rc[0] && rc[3] != TOCSIN_ELIMIT))
        abort();
    if (rc[0] != TOCSIN_OK || rc[3] != TOCSIN_OK) {
        for (i = 0; i < 4; i++) {
            if (rc[i] == TOCSIN_OK)
                free(r[i]);
        }
        return;
    }
    /* plain values: text and HTML alike; special values: same length */
    if (len[0] != len[1] || memcmp(r[0], r[1], len[0]) != 0 ||
        len[2] != len[0])
        abort();
    want = len[2];
    for (i = 0; i < 5; i++) {
        size_t inserted = count(r[2], len[2], specials[i]) -
                          count(r[0], len[0], specials[i]);

        want += inserted * extra[i];
        /* no special character of a value survives in HTML */
        if (specials[i] != '&' && count(r[3], len[3], specials[i]) !=
                                      count(r[0], len[0], specials[i]))
            abort();
    }
    if (len[3] != want)
        abort();
    check_limits(th, &sv->d, len[3]);
    check_limits(tt, &sv->d, len[2]);
    for (i = 0; i < 4; i++)
        free(r[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tpl *t, *u;
    struct values *sv, *pv;
    char *src, *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    int html, rc, rc2, ra, rb;

    if (size == 0)
        return 0;
    html = data[0] & 1;
    src = fuzz_exact(data + 1, size - 1);
    rc = compile(src, size - 1, html, &t);
    rc2 = compile(src, size - 1, !html, &u);
    if (rc != rc2)
        abort();
    free(src);
    if (rc != TOCSIN_OK)
        return 0;

    /* No data: only template text, each byte at most once. */
    if (render(t, NULL, OUT_MAX, &a, &alen) != TOCSIN_OK || alen > size - 1)
        abort();
    if (render(u, NULL, OUT_MAX, &b, &blen) != TOCSIN_OK || alen != blen ||
        memcmp(a, b, alen) != 0)
        abort();
    free(a);
    free(b);

    sv = malloc(sizeof(*sv));
    pv = malloc(sizeof(*pv));
    if (sv == NULL || pv == NULL)
        abort();
    make_values(sv, 1);
    make_values(pv, 0);

    /* Special values, twice: the same each time. */
    ra = render(t, &sv->d, OUT_MAX, &a, &alen);
    rb = render(t, &sv->d, OUT_MAX, &b, &blen);
    if (ra != rb)
        abort();
    if (ra == TOCSIN_OK) {
        if (alen != blen || memcmp(a, b, alen) != 0)
            abort();
        free(a);
        free(b);
    }
    check_escaping(html ? u : t, html ? t : u, sv, pv);

    free(sv);
    free(pv);
    tpl_free(t);
    tpl_free(u);
    return 0;
}
