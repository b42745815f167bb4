/*
 * template.c - compile a Mustache-subset template into a flat array of
 * instructions and run them (template.h).
 *
 * Compiling resolves every name to its index and every section to the
 * index of its closing instruction, applies the standalone-line rule and
 * merges adjacent text. Rendering is then one loop over the array with a
 * small fixed stack of open sections and scopes, so a render allocates
 * nothing and does no string comparison.
 */
#include "template.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../util/grow.h"

enum tpl_op_kind {
    OP_TEXT,     /* a = offset into text, b = length */
    OP_VAR,      /* a = variable */
    OP_SECTION,  /* a = variable, b = index of the OP_END */
    OP_INVERTED, /* a = variable, b = index of the OP_END */
    OP_END,      /* a = variable, b = index of the opener */
};

struct tpl_op {
    uint8_t kind;
    uint8_t inverted; /* OP_END: closes an OP_INVERTED */
    uint32_t a;
    uint32_t b;
};

struct tpl {
    struct tpl_op *ops;
    size_t nops;
    char *text; /* all literal text, the OP_TEXT pieces back to back */
    char **names;
    size_t nvars;
    unsigned char *used; /* per variable: 1 when a tag names it */
    int html;
};

/* An open section while compiling. */
struct open_section {
    size_t op;  /* index of its OP_SECTION or OP_INVERTED */
    size_t off; /* offset of its tag, for messages */
};

struct compiler {
    const char *src;
    size_t len;
    struct tpl *t;
    size_t cap; /* of t->ops */
    struct buf text;
    struct open_section open[LIMIT_TPL_DEPTH];
    size_t depth;
    struct buf *why;
};

/* Line and column (from 1, columns in characters) of src[off]. */
static void
position(const char *src, size_t off, size_t *line, size_t *col)
{
    size_t i, l = 1, c = 1;

    for (i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)src[i];

        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xc0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Offset of the first byte that is not valid UTF-8 or is NUL, or len. */
static size_t
utf8_bad(const unsigned char *s, size_t len)
{
    size_t end = utf8_valid_prefix(s, len);
    const unsigned char *nul = memchr(s, '\0', end);

    return nul != NULL ? (size_t)(nul - s) : end;
}

static int
is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Set *why to "<what> at LINE:COL" for src[off] and return rc. */
static int
fail_at(struct compiler *c, int rc, size_t off, const char *what)
{
    size_t line, col;

    position(c->src, off, &line, &col);
    buf_setf(c->why, "%s at %zu:%zu", what, line, col);
    return rc;
}

static int
add_op(struct compiler *c, uint8_t kind, uint32_t a, uint32_t b)
{
    struct tpl *t = c->t;
    void *p = grow(t->ops, &c->cap, t->nops + 1, sizeof(*t->ops), 64);

    if (p == NULL)
        return TOCSIN_ENOMEM;
    t->ops = p;
    t->ops[t->nops].kind = kind;
    t->ops[t->nops].inverted = 0;
    t->ops[t->nops].a = a;
    t->ops[t->nops].b = b;
    t->nops++;
    return TOCSIN_OK;
}

/* Literal text src[from..to), merged into a preceding text op. */
static int
add_text(struct compiler *c, size_t from, size_t to)
{
    struct tpl *t = c->t;
    size_t off = buf_len(&c->text);
    int rc;

    if (to <= from)
        return TOCSIN_OK;
    rc = buf_append(&c->text, c->src + from, to - from);
    if (rc != TOCSIN_OK)
        return rc;
    if (t->nops > 0 && t->ops[t->nops - 1].kind == OP_TEXT) {
        t->ops[t->nops - 1].b += (uint32_t)(to - from);
        return TOCSIN_OK;
    }
    return add_op(c, OP_TEXT, (uint32_t)off, (uint32_t)(to - from));
}

/*
 * If the tag src[start..end) is alone on its line (only blanks before it
 * back to a line start, only blanks after it up to LF, CRLF or the end),
 * set *line_start to the first byte of its line and *next to the first
 * byte after its line end, and return 1; otherwise 0.
 */
static int
standalone(const struct compiler *c, size_t start, size_t end,
           size_t *line_start, size_t *next)
{
    size_t i = start;

    while (i > 0 && is_blank(c->src[i - 1]))
        i--;
    if (i > 0 && c->src[i - 1] != '\n')
        return 0;
    *line_start = i;
    i = end;
    while (i < c->len && is_blank(c->src[i]))
        i++;
    if (i == c->len) {
        *next = i;
        return 1;
    }
    if (c->src[i] == '\n') {
        *next = i + 1;
        return 1;
    }
    if (c->src[i] == '\r' && i + 1 < c->len && c->src[i + 1] == '\n') {
        *next = i + 2;
        return 1;
    }
    return 0;
}

/* Offset of the first "}}" at or after from, or len; with stop_at_nl, a
 * line end before it also gives len. */
static size_t
find_close(const char *s, size_t len, size_t from, int stop_at_nl)
{
    size_t i;

    for (i = from; i + 1 < len; i++) {
        if (s[i] == '}' && s[i + 1] == '}')
            return i;
        if (stop_at_nl && s[i] == '\n')
            return len;
    }
    return len;
}

static size_t
find_open(const char *s, size_t len, size_t from)
{
    const char *p;

    if (from >= len)
        return len;
    for (;;) {
        p = memchr(s + from, '{', len - from);
        if (p == NULL)
            return len;
        from = (size_t)(p - s);
        if (from + 1 < len && s[from + 1] == '{')
            return from;
        from++;
        if (from >= len)
            return len;
    }
}

/* Index of the known variable named name[0..n), or -1. */
static int
lookup_name(const struct tpl *t, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < t->nvars; i++) {
        if (strlen(t->names[i]) == n && memcmp(t->names[i], name, n) == 0)
            return (int)i;
    }
    return -1;
}

/*
 * The name between src[from..to) of the tag at tag_off, blanks around it
 * allowed, resolved to its index in *idx (-1 when unknown) with its bounds
 * in *name, *n. Errors for an empty, invalid or overlong name.
 */
static int
tag_name(struct compiler *c, size_t tag_off, size_t from, size_t to,
         size_t *name, size_t *n, int *idx)
{
    size_t i;

    while (from < to && is_blank(c->src[from]))
        from++;
    while (to > from && is_blank(c->src[to - 1]))
        to--;
    if (from == to)
        return fail_at(c, TOCSIN_EFORMAT, tag_off, "empty tag");
    for (i = from; i < to; i++) {
        if (!is_name_char((unsigned char)c->src[i]))
            return fail_at(c, TOCSIN_EFORMAT, tag_off,
                           "invalid name in tag (letters, digits and '_' "
                           "only)");
    }
    if (to - from > LIMIT_TPL_NAME) {
        char what[64];

        snprintf(what, sizeof(what), "name longer than %d bytes",
                 LIMIT_TPL_NAME);
        return fail_at(c, TOCSIN_ELIMIT, tag_off, what);
    }
    *name = from;
    *n = to - from;
    *idx = lookup_name(c->t, c->src + from, to - from);
    return TOCSIN_OK;
}

static int
unknown(struct compiler *c, size_t tag_off, size_t name, size_t n)
{
    size_t line, col;

    position(c->src, tag_off, &line, &col);
    buf_setf(c->why, "unknown variable '%.*s' at %zu:%zu", (int)n,
             c->src + name, line, col);
    return TOCSIN_EFORMAT;
}

/* Handle the closing tag {{/name}} at tag_off. */
static int
close_section(struct compiler *c, size_t tag_off, size_t name, size_t n,
              int idx)
{
    struct tpl *t = c->t;
    struct open_section *o;
    size_t line, col, oline, ocol;
    int rc;

    position(c->src, tag_off, &line, &col);
    if (c->depth == 0) {
        buf_setf(c->why, "'{{/%.*s}}' at %zu:%zu closes no open section",
                 (int)n, c->src + name, line, col);
        return TOCSIN_EFORMAT;
    }
    o = &c->open[c->depth - 1];
    if (idx < 0 || (uint32_t)idx != t->ops[o->op].a) {
        const char *open_name = t->names[t->ops[o->op].a];

        position(c->src, o->off, &oline, &ocol);
        buf_setf(c->why,
                 "'{{/%.*s}}' at %zu:%zu does not close section '%s' "
                 "opened at %zu:%zu",
                 (int)n, c->src + name, line, col, open_name, oline, ocol);
        return TOCSIN_EFORMAT;
    }
    rc = add_op(c, OP_END, (uint32_t)idx, (uint32_t)o->op);
    if (rc != TOCSIN_OK)
        return rc;
    t->ops[t->nops - 1].inverted = t->ops[o->op].kind == OP_INVERTED;
    t->ops[o->op].b = (uint32_t)(t->nops - 1);
    c->depth--;
    return TOCSIN_OK;
}

/*
 * Parse the tag whose "{{" is at off; *next is set to where text resumes.
 */
static int
parse_tag(struct compiler *c, size_t off, size_t *next)
{
    struct tpl *t = c->t;
    size_t p = off + 2, end, line_start, after, name = 0, n = 0;
    char sigil = p < c->len ? c->src[p] : '\0';
    int idx = -1, rc, alone;

    switch (sigil) {
    case '#':
    case '^':
    case '/':
    case '!':
        p++;
        break;
    case '{':
    case '&':
    case '>':
    case '=': {
        char what[48];

        snprintf(what, sizeof(what), "unsupported tag '{{%c'", sigil);
        return fail_at(c, TOCSIN_EFORMAT, off, what);
    }
    default:
        sigil = '\0';
        break;
    }

    end = find_close(c->src, c->len, p, sigil != '!');
    if (end == c->len)
        return fail_at(c, TOCSIN_EFORMAT, off,
                       sigil == '!' ? "unterminated comment"
                                    : "unterminated tag");
    if (sigil != '!') {
        rc = tag_name(c, off, p, end, &name, &n, &idx);
        if (rc != TOCSIN_OK)
            return rc;
        if (idx < 0 && sigil != '/')
            return unknown(c, off, name, n);
    }

    alone = sigil != '\0' && standalone(c, off, end + 2, &line_start, &after);
    rc = add_text(c, *next, alone ? line_start : off);
    if (rc != TOCSIN_OK)
        return rc;
    *next = alone ? after : end + 2;

    switch (sigil) {
    case '!':
        return TOCSIN_OK;
    case '/':
        return close_section(c, off, name, n, idx);
    case '#':
    case '^':
        if (c->depth == LIMIT_TPL_DEPTH) {
            char what[64];

            snprintf(what, sizeof(what), "sections nested deeper than %d",
                     LIMIT_TPL_DEPTH);
            return fail_at(c, TOCSIN_ELIMIT, off, what);
        }
        rc = add_op(c, sigil == '#' ? OP_SECTION : OP_INVERTED, (uint32_t)idx,
                    0);
        if (rc != TOCSIN_OK)
            return rc;
        c->open[c->depth].op = t->nops - 1;
        c->open[c->depth].off = off;
        c->depth++;
        t->used[idx] = 1;
        return TOCSIN_OK;
    default:
        t->used[idx] = 1;
        return add_op(c, OP_VAR, (uint32_t)idx, 0);
    }
}

/* Copy and check the known names into t. */
static int
set_names(struct tpl *t, const char *const *known, struct buf *why)
{
    size_t i, j, n = 0;

    if (known == NULL) {
        buf_setf(why, "no list of known variables");
        return TOCSIN_EINVAL;
    }
    while (known[n] != NULL) {
        if (n == LIMIT_TPL_VARS) {
            buf_setf(why, "more than %d known variables", LIMIT_TPL_VARS);
            return TOCSIN_EINVAL;
        }
        n++;
    }
    t->names = calloc(n ? n : 1, sizeof(*t->names));
    t->used = calloc(n ? n : 1, 1);
    if (t->names == NULL || t->used == NULL)
        return TOCSIN_ENOMEM;
    for (i = 0; i < n; i++) {
        size_t len = strlen(known[i]);

        if (len == 0 || len > LIMIT_TPL_NAME) {
            buf_setf(why, "known variable %zu is empty or over %d bytes", i,
                     LIMIT_TPL_NAME);
            return TOCSIN_EINVAL;
        }
        for (j = 0; j < len; j++) {
            if (!is_name_char((unsigned char)known[i][j])) {
                buf_setf(why, "known variable %zu is not a valid name", i);
                return TOCSIN_EINVAL;
            }
        }
        if (lookup_name(t, known[i], len) >= 0) {
            buf_setf(why, "known variable '%s' is listed twice", known[i]);
            return TOCSIN_EINVAL;
        }
        t->names[i] = strdup(known[i]);
        if (t->names[i] == NULL)
            return TOCSIN_ENOMEM;
        t->nvars = i + 1;
    }
    return TOCSIN_OK;
}

int
tpl_compile(const char *src, size_t len, int html,
            const char *const *known_vars, struct tpl **out, struct buf *why)
{
    struct compiler c;
    struct tpl *t;
    size_t pos = 0, bad;
    int rc;

    *out = NULL;
    if (len > LIMIT_TEMPLATE_BYTES) {
        buf_setf(why, "template of %zu bytes is over the limit of %u bytes",
                 len, (unsigned)LIMIT_TEMPLATE_BYTES);
        return TOCSIN_ELIMIT;
    }
    if (src == NULL && len > 0) {
        buf_setf(why, "no template text");
        return TOCSIN_EINVAL;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return TOCSIN_ENOMEM;
    t->html = html != 0;
    memset(&c, 0, sizeof(c));
    c.t = t;
    c.why = why;
    buf_init(&c.text, LIMIT_TEMPLATE_BYTES);
    rc = set_names(t, known_vars, why);
    if (rc != TOCSIN_OK)
        goto done;

    if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
        src += 3;
        len -= 3;
    }
    c.src = src ? src : "";
    c.len = len;
    bad = utf8_bad((const unsigned char *)c.src, len);
    if (bad < len) {
        rc = fail_at(&c, TOCSIN_EFORMAT, bad,
                     c.src[bad] == '\0' ? "NUL byte" : "invalid UTF-8");
        goto done;
    }

    for (;;) {
        size_t open = find_open(c.src, len, pos);

        if (open == len) {
            rc = add_text(&c, pos, len);
            break;
        }
        rc = parse_tag(&c, open, &pos);
        if (rc != TOCSIN_OK)
            goto done;
    }
    if (rc != TOCSIN_OK)
        goto done;
    if (c.depth > 0) {
        const struct open_section *o = &c.open[c.depth - 1];
        size_t line, col;

        position(c.src, o->off, &line, &col);
        buf_setf(why, "unclosed section '%s' opened at %zu:%zu",
                 t->names[t->ops[o->op].a], line, col);
        rc = TOCSIN_EFORMAT;
        goto done;
    }
    t->text = buf_detach(&c.text, NULL);
    if (t->text == NULL) {
        rc = TOCSIN_ENOMEM;
        goto done;
    }
    *out = t;
    t = NULL;

done:
    buf_free(&c.text);
    tpl_free(t);
    return rc;
}

void
tpl_free(struct tpl *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->nvars; i++)
        free(t->names[i]);
    free(t->names);
    free(t->used);
    free(t->ops);
    free(t->text);
    free(t);
}

int
tpl_var_index(const struct tpl *t, const char *name)
{
    return lookup_name(t, name, strlen(name));
}

size_t
tpl_var_count(const struct tpl *t)
{
    return t->nvars;
}

int
tpl_uses(const struct tpl *t, size_t idx)
{
    return idx < t->nvars && t->used[idx];
}

int
tpl_is_html(const struct tpl *t)
{
    return t->html;
}

/* Rendering. */

/*
 * Where a render writes: room bytes at p, reserved at the end of the
 * output buffer with buf_extend() and given back with buf_truncate() when
 * done, so that a piece of output costs a memcpy and not a call. Space is
 * reserved SINK_CHUNK bytes at a time, or exactly what a piece needs when
 * the buffer's maximum is that close: a render fails with TOCSIN_ELIMIT
 * only when its output does not fit.
 */
#define SINK_CHUNK 4096

struct sink {
    struct buf *b;
    char *p;
    size_t room;
};

static int
sink_reserve(struct sink *s, size_t n)
{
    size_t want = n > SINK_CHUNK ? n : SINK_CHUNK;
    int rc;

    buf_truncate(s->b, buf_len(s->b) - s->room);
    s->room = 0;
    rc = buf_extend(s->b, want, &s->p);
    if (rc == TOCSIN_ELIMIT && want > n) {
        want = n;
        rc = buf_extend(s->b, want, &s->p);
    }
    if (rc == TOCSIN_OK)
        s->room = want;
    return rc;
}

static inline int
sink_put(struct sink *s, const char *src, size_t n)
{
    if (n == 0)
        return TOCSIN_OK;
    if (n > s->room) {
        int rc = sink_reserve(s, n);

        if (rc != TOCSIN_OK)
            return rc;
    }
    memcpy(s->p, src, n);
    s->p += n;
    s->room -= n;
    return TOCSIN_OK;
}

/* Bytes each byte adds when HTML-escaped. */
static const unsigned char html_extra[256] = {
    ['&'] = 4, ['<'] = 3, ['>'] = 3, ['"'] = 5, ['\''] = 4,
};

static int
sink_put_html(struct sink *s, const char *src, size_t n)
{
    const unsigned char *u = (const unsigned char *)src;
    size_t i, len = n;
    char *p;

    for (i = 0; i < n; i++)
        len += html_extra[u[i]];
    if (len == n)
        return sink_put(s, src, n);
    if (len > s->room) {
        int rc = sink_reserve(s, len);

        if (rc != TOCSIN_OK)
            return rc;
    }
    p = s->p;
    for (i = 0; i < n; i++) {
        switch (u[i]) {
        case '&':
            memcpy(p, "&amp;", 5);
            p += 5;
            break;
        case '<':
            memcpy(p, "&lt;", 4);
            p += 4;
            break;
        case '>':
            memcpy(p, "&gt;", 4);
            p += 4;
            break;
        case '"':
            memcpy(p, "&quot;", 6);
            p += 6;
            break;
        case '\'':
            memcpy(p, "&#39;", 5);
            p += 5;
            break;
        default:
            *p++ = (char)u[i];
            break;
        }
    }
    s->p = p;
    s->room -= len;
    return TOCSIN_OK;
}

/* The innermost set value of variable idx, or NULL. */
static const struct tpl_value *
lookup(const struct tpl_data *const *scope, size_t nscope, uint32_t idx)
{
    while (nscope-- > 0) {
        const struct tpl_data *d = scope[nscope];

        if (idx < d->count) {
            const struct tpl_value *v = &d->values[idx];

            if (v->str != NULL || v->items != NULL)
                return v;
        }
    }
    return NULL;
}

static int
truthy(const struct tpl_value *v)
{
    if (v == NULL)
        return 0;
    return v->items != NULL ? v->nitems > 0 : v->len > 0;
}

/* An open section while rendering: the list it walks (NULL: a string
 * section, shown once) and the current item. */
struct frame {
    const struct tpl_value *list;
    size_t item;
};

int
tpl_render(const struct tpl *t, const struct tpl_data *d, struct buf *out)
{
    static const struct tpl_data none = {NULL, 0};
    const struct tpl_data *scope[LIMIT_TPL_DEPTH + 1];
    struct frame frame[LIMIT_TPL_DEPTH];
    size_t nscope = 1, nframe = 0, pc = 0, start = buf_len(out);
    struct sink sink = {out, NULL, 0};
    int rc = TOCSIN_OK;

    scope[0] = d != NULL ? d : &none;
    while (pc < t->nops) {
        const struct tpl_op *op = &t->ops[pc];
        const struct tpl_value *v;

        switch (op->kind) {
        case OP_TEXT:
            rc = sink_put(&sink, t->text + op->a, op->b);
            pc++;
            break;
        case OP_VAR:
            v = lookup(scope, nscope, op->a);
            pc++;
            if (v == NULL)
                break;
            if (v->items != NULL)
                rc = TOCSIN_EINVAL;
            else if (t->html)
                rc = sink_put_html(&sink, v->str, v->len);
            else
                rc = sink_put(&sink, v->str, v->len);
            break;
        case OP_SECTION:
            v = lookup(scope, nscope, op->a);
            if (!truthy(v)) {
                pc = op->b + 1;
                break;
            }
            assert(nframe < LIMIT_TPL_DEPTH);
            frame[nframe].list = v->items != NULL ? v : NULL;
            frame[nframe].item = 0;
            nframe++;
            if (v->items != NULL)
                scope[nscope++] = &v->items[0];
            pc++;
            break;
        case OP_INVERTED:
            v = lookup(scope, nscope, op->a);
            pc = truthy(v) ? op->b + 1 : pc + 1;
            break;
        case OP_END:
            if (!op->inverted) {
                struct frame *f;

                assert(nframe > 0);
                f = &frame[nframe - 1];
                if (f->list != NULL && ++f->item < f->list->nitems) {
                    scope[nscope - 1] = &f->list->items[f->item];
                    pc = op->b + 1;
                    break;
                }
                if (f->list != NULL)
                    nscope--;
                nframe--;
            }
            pc++;
            break;
        default:
            assert(0);
            rc = TOCSIN_EINVAL;
            break;
        }
        if (rc != TOCSIN_OK) {
            buf_truncate(out, start);
            return rc;
        }
    }
    buf_truncate(out, buf_len(out) - sink.room);
    return TOCSIN_OK;
}
