/*
 * render_doc.c - the output primitives of the report renderers: accessors
 * of the checked JSON, number and date formatting, escaping for Markdown
 * and HTML, document structure and the inline SVG bar chart.
 *
 * Every primitive writes through put(), which keeps the first error in
 * d->err and does nothing once there is one.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "render_int.h"

#include "../ingest/date.h"
#include "../util/error.h"

/* ------------------------------------------------------------------ */
/* Accessors                                                          */

struct json_object *
rj_get(const struct json_object *o, const char *path)
{
    struct json_object *cur = (struct json_object *)o; /* json-c: no const */
    const char *p = path;
    char key[64];

    while (cur != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);

        if (n >= sizeof(key) || !json_object_is_type(cur, json_type_object))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(cur, key, &cur))
            return NULL;
        p += n + (dot != NULL);
    }
    return cur;
}

const char *
rj_str(const struct json_object *o, const char *path)
{
    struct json_object *v = rj_get(o, path);

    if (!json_object_is_type(v, json_type_string) &&
        !json_object_is_type(v, json_type_int))
        return NULL;
    return json_object_get_string(v);
}

int64_t
rj_int(const struct json_object *o, const char *path)
{
    struct json_object *v = rj_get(o, path);

    return json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
                                                 : 0;
}

double
rj_num(const struct json_object *o, const char *path, int *is_null)
{
    struct json_object *v = rj_get(o, path);

    *is_null = !(json_object_is_type(v, json_type_int) ||
                 json_object_is_type(v, json_type_double));
    return *is_null ? 0.0 : json_object_get_double(v);
}

int
rj_bool(const struct json_object *o, const char *path)
{
    struct json_object *v = rj_get(o, path);

    if (!json_object_is_type(v, json_type_boolean))
        return -1;
    return json_object_get_boolean(v) ? 1 : 0;
}

struct rcount
rj_count_of(const struct json_object *v)
{
    struct rcount c = {0, NULL};

    if (json_object_is_type(v, json_type_int))
        c.n = json_object_get_int64(v);
    else if (json_object_is_type(v, json_type_string))
        c.s = json_object_get_string((struct json_object *)v);
    return c;
}

struct rcount
rj_count(const struct json_object *o, const char *path)
{
    return rj_count_of(rj_get(o, path));
}

size_t
rj_len(const struct json_object *a)
{
    return json_object_is_type(a, json_type_array)
               ? json_object_array_length(a)
               : 0;
}

struct json_object *
rj_at(const struct json_object *a, size_t i)
{
    return i < rj_len(a) ? json_object_array_get_idx(a, i) : NULL;
}

/* ------------------------------------------------------------------ */
/* Numbers and dates                                                  */

void
fmt_int(const struct doc *d, int64_t v, char out[RFMT_NUM_SIZE])
{
    const char *sep = d->lang == RLANG_EN   ? ","
                      : d->fmt == RFMT_HTML ? "\xe2\x80\xaf" /* U+202F */
                                            : " ";
    size_t seplen = strlen(sep);
    char digits[24];
    int n, i;
    size_t o = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
    if (v < 0)
        out[o++] = '-';
    for (i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            memcpy(out + o, sep, seplen);
            o += seplen;
        }
        out[o++] = digits[i];
    }
    out[o] = '\0'; /* at most 1 + 20 + 6 * 3 bytes: fits */
}

const char *
fmt_count(const struct doc *d, struct rcount c, char out[RFMT_NUM_SIZE])
{
    if (c.s != NULL)
        return c.s;
    fmt_int(d, c.n, out);
    return out;
}

void
fmt_num(const struct doc *d, double v, char out[RFMT_NUM_SIZE])
{
    char *p;
    size_t n;

    if (!isfinite(v) || fabs(v) >= 1e15) {
        snprintf(out, RFMT_NUM_SIZE, "-");
        return;
    }
    if (fabs(v) >= 1e6 || (v != 0.0 && fabs(v) < 1e-4)) {
        /* %g would write an exponent: fixed, without trailing zeros */
        snprintf(out, RFMT_NUM_SIZE, "%.6f", v);
        n = strlen(out);
        while (n > 0 && out[n - 1] == '0')
            out[--n] = '\0';
        if (n > 0 && out[n - 1] == '.')
            out[--n] = '\0';
    } else {
        snprintf(out, RFMT_NUM_SIZE, "%.6g", v);
    }
    if (d->lang == RLANG_NL && (p = strchr(out, '.')) != NULL)
        *p = ',';
}

void
fmt_date(const struct doc *d, const char *iso, int add_days,
         char out[RFMT_NUM_SIZE])
{
    int i;
    size_t len = strlen(iso), n;
    struct date day;

    /* render_check() let only valid dates and times through. */
    for (i = 0; i < 10; i++)
        if (len < 10 || (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9')))
            break;
    if (i < 10)
        goto raw;
    day.year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 +
               (iso[2] - '0') * 10 + (iso[3] - '0');
    day.month = (iso[5] - '0') * 10 + (iso[6] - '0');
    day.day = (iso[8] - '0') * 10 + (iso[9] - '0');
    if (day.month < 1 || day.month > 12)
        goto raw;
    if (add_days != 0 &&
        date_from_days(date_days(&day) + add_days, &day) != TOCSIN_OK)
        goto raw;
    if (date_spell(&day, d->lang == RLANG_EN, out, RFMT_NUM_SIZE) != TOCSIN_OK)
        goto raw; /* not reached: the month is 1..12 */
    if (len == 20 && iso[10] == 'T') {
        n = strlen(out);
        snprintf(out + n, RFMT_NUM_SIZE - n, ", %.5s UTC", iso + 11);
    }
    return;
raw:
    snprintf(out, RFMT_NUM_SIZE, "%.20s", iso);
}

/* ------------------------------------------------------------------ */
/* Output and escaping                                                */

static void
put(struct doc *d, const char *s, size_t n)
{
    int rc;

    if (d->err != 0 || n == 0)
        return;
    rc = buf_append(d->out, s, n);
    if (rc != 0)
        d->err = rc;
}

void
doc_raw(struct doc *d, const char *s)
{
    put(d, s, strlen(s));
}

static int
at_line_start(const struct doc *d)
{
    size_t len = buf_len(d->out);

    return len == 0 || buf_str(d->out)[len - 1] == '\n';
}

/* Markdown: make sure a blank line ends what came before. */
static void
md_blank(struct doc *d)
{
    size_t len = buf_len(d->out);
    const char *s = buf_str(d->out);

    if (len == 0 || (len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\n'))
        return;
    doc_raw(d, s[len - 1] == '\n' ? "\n" : "\n\n");
}

enum esc_mode { ESC_INLINE, ESC_MULTI };

static void
put_newline(struct doc *d, enum esc_mode mode)
{
    if (mode == ESC_INLINE)
        doc_raw(d, " ");
    else if (d->fmt == RFMT_HTML)
        doc_raw(d, "<br>\n");
    else if (d->in_cell)
        doc_raw(d, "<br>");
    else
        doc_raw(d, "  \n");
}

static int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(char c)
{
    return (c >= '0' && c <= '9') || is_alpha(c);
}

/* Whether the character at s[i] (of n) needs a backslash in Markdown
 * (CommonMark, GFM) anywhere in a line. Kept to what has a meaning, so
 * that "< 10" and "bank_fraud" stay readable as they are. */
static int
md_special(const char *s, size_t i, size_t n)
{
    char c = s[i], next = i + 1 < n ? s[i + 1] : '\0';

    switch (c) {
    case '\\':
    case '`':
    case '*':
    case '[':
    case ']':
    case '|':
    case '~':
    case '#': /* a heading at the start, a closing sequence at the end */
        return 1;
    case '_': /* inside a word it cannot emphasise */
        return !(i > 0 && is_alnum(s[i - 1]) && is_alnum(next));
    case '<': /* raw HTML or an autolink start with a letter, / ! ? */
        return is_alpha(next) || next == '/' || next == '!' || next == '?';
    case '&': /* an entity reference */
        return is_alpha(next) || next == '#';
    default:
        return 0;
    }
}

/* Write s[0..n) escaped for d's format. Controls are dropped, malformed
 * UTF-8 and noncharacters become U+FFFD. */
static void
put_escaped(struct doc *d, const char *s, size_t n, enum esc_mode mode)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    size_t i = 0, esc_at = (size_t)-1;
    utf8proc_int32_t c;
    utf8proc_ssize_t k;

    if (mode == ESC_MULTI)
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
                         s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
    while (i < n && d->err == 0) {
        k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &c);
        if (k < 1) {
            doc_raw(d, "\xef\xbf\xbd");
            i++;
            continue;
        }
        if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
            i++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            put_newline(d, mode);
            i += (size_t)k;
            continue;
        }
        if (c == '\t')
            c = ' ';
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            i += (size_t)k;
            continue;
        }
        if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe) {
            doc_raw(d, "\xef\xbf\xbd");
            i += (size_t)k;
            continue;
        }
        if (d->fmt == RFMT_HTML) {
            switch (c) {
            case '&':
                doc_raw(d, "&amp;");
                break;
            case '<':
                doc_raw(d, "&lt;");
                break;
            case '>':
                doc_raw(d, "&gt;");
                break;
            case '"':
                doc_raw(d, "&quot;");
                break;
            case '\'':
                doc_raw(d, "&#39;");
                break;
            default:
                put(d, s + i, (size_t)k);
            }
            i += (size_t)k;
            continue;
        }
        /* Markdown. At the start of a line: no indentation (it would make
         * a code block), and no list, heading or rule marker. */
        if (at_line_start(d) && !d->in_cell) {
            if (c == ' ') {
                i += (size_t)k;
                continue;
            }
            if (c == '-' || c == '+' || c == '=' || c == '>')
                doc_raw(d, "\\");
            if (c >= '0' && c <= '9') {
                size_t j = i;

                while (j < n && s[j] >= '0' && s[j] <= '9')
                    j++;
                if (j < n && (s[j] == '.' || s[j] == ')'))
                    esc_at = j;
            }
        }
        if ((k == 1 && md_special(s, i, n)) || i == esc_at)
            doc_raw(d, "\\");
        put(d, s + i, (size_t)k);
        i += (size_t)k;
    }
}

void
doc_text(struct doc *d, const char *s)
{
    put_escaped(d, s, strlen(s), ESC_INLINE);
}

void
doc_mtext(struct doc *d, const char *s)
{
    put_escaped(d, s, strlen(s), ESC_MULTI);
}

void
doc_fill(struct doc *d, const char *tmpl, const char *a0, const char *a1,
         const char *a2, const char *a3)
{
    const char *args[4] = {a0, a1, a2, a3};
    const char *p = tmpl, *q;

    while ((q = strchr(p, '{')) != NULL) {
        if (q[1] >= '0' && q[1] <= '3' && q[2] == '}') {
            put_escaped(d, p, (size_t)(q - p), ESC_INLINE);
            if (args[q[1] - '0'] != NULL)
                doc_text(d, args[q[1] - '0']);
            p = q + 3;
        } else {
            put_escaped(d, p, (size_t)(q - p) + 1, ESC_INLINE);
            p = q + 1;
        }
    }
    doc_text(d, p);
}

void
doc_count(struct doc *d, struct rcount c)
{
    char b[RFMT_NUM_SIZE];

    doc_text(d, fmt_count(d, c, b));
}

/* ------------------------------------------------------------------ */
/* Structure                                                          */

void
doc_heading_begin(struct doc *d, int level, const char *id)
{
    char b[64];

    if (d->fmt == RFMT_MD) {
        md_blank(d);
        doc_raw(d, level == 1 ? "# " : level == 2 ? "## " : "### ");
        return;
    }
    if (id != NULL)
        snprintf(b, sizeof(b), "<h%d id=\"%s\">", level, id);
    else
        snprintf(b, sizeof(b), "<h%d>", level);
    doc_raw(d, b);
}

void
doc_heading_end(struct doc *d, int level)
{
    char b[16];

    if (d->fmt == RFMT_MD) {
        doc_raw(d, "\n\n");
        return;
    }
    snprintf(b, sizeof(b), "</h%d>\n", level);
    doc_raw(d, b);
}

void
doc_para_begin(struct doc *d, const char *cls)
{
    if (d->fmt == RFMT_MD) {
        md_blank(d);
        return;
    }
    if (cls == NULL) {
        doc_raw(d, "<p>");
        return;
    }
    doc_raw(d, "<p class=\"");
    doc_raw(d, cls);
    doc_raw(d, "\">");
}

void
doc_para_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "\n\n" : "</p>\n");
}

void
doc_warn_begin(struct doc *d, const char *label)
{
    if (d->fmt == RFMT_MD) {
        md_blank(d);
        doc_raw(d, "> **");
        doc_text(d, label);
        doc_raw(d, "** ");
        return;
    }
    doc_raw(d, "<p class=\"warn\"><strong>");
    doc_text(d, label);
    doc_raw(d, "</strong> ");
}

void
doc_warn_end(struct doc *d)
{
    doc_para_end(d);
}

void
doc_strong(struct doc *d, const char *s)
{
    doc_raw(d, d->fmt == RFMT_MD ? "**" : "<strong>");
    doc_text(d, s);
    doc_raw(d, d->fmt == RFMT_MD ? "**" : "</strong>");
}

void
doc_list_begin(struct doc *d)
{
    if (d->fmt == RFMT_MD)
        md_blank(d);
    else
        doc_raw(d, "<ul>\n");
}

void
doc_item_begin(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "- " : "<li>");
}

void
doc_item_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "\n" : "</li>\n");
}

void
doc_list_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "\n" : "</ul>\n");
}

void
doc_table_begin(struct doc *d, int ncols, const char *const *heads,
                const char *align, const char *cls)
{
    int i;

    if (ncols < 1 || (size_t)ncols >= sizeof(d->align)) {
        d->err = d->err ? d->err : TOCSIN_EINVAL;
        return;
    }
    memcpy(d->align, align, (size_t)ncols);
    d->align[ncols] = '\0';
    if (d->fmt == RFMT_MD) {
        md_blank(d);
        d->in_cell = 1;
        doc_raw(d, "|");
        for (i = 0; i < ncols; i++) {
            doc_raw(d, " ");
            doc_text(d, heads[i]);
            doc_raw(d, " |");
        }
        doc_raw(d, "\n|");
        for (i = 0; i < ncols; i++)
            doc_raw(d, align[i] == 'r' ? " ---: |" : " --- |");
        doc_raw(d, "\n");
        d->in_cell = 0;
        return;
    }
    doc_raw(d, "<table");
    if (cls != NULL) {
        doc_raw(d, " class=\"");
        doc_raw(d, cls);
        doc_raw(d, "\"");
    }
    doc_raw(d, ">\n<thead><tr>");
    for (i = 0; i < ncols; i++) {
        doc_raw(d, align[i] == 'r' ? "<th class=\"num\">" : "<th>");
        doc_text(d, heads[i]);
        doc_raw(d, "</th>");
    }
    doc_raw(d, "</tr></thead>\n<tbody>\n");
}

void
doc_row_begin(struct doc *d)
{
    d->col = 0;
    doc_raw(d, d->fmt == RFMT_MD ? "|" : "<tr>");
}

void
doc_cell_begin(struct doc *d)
{
    d->in_cell = 1;
    if (d->fmt == RFMT_MD)
        doc_raw(d, " ");
    else if ((size_t)d->col < strlen(d->align) && d->align[d->col] == 'r')
        doc_raw(d, "<td class=\"num\">");
    else
        doc_raw(d, "<td>");
}

void
doc_cell_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? " |" : "</td>");
    d->in_cell = 0;
    d->col++;
}

void
doc_row_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "\n" : "</tr>\n");
}

void
doc_table_end(struct doc *d)
{
    doc_raw(d, d->fmt == RFMT_MD ? "\n" : "</tbody>\n</table>\n");
}

/* ------------------------------------------------------------------ */
/* SVG bar chart                                                      */

/* Code points of s: a width estimate for text in the chart. */
static size_t
text_width(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

#define BAR_MAX   380 /* px of the longest bar */
#define BAR_ROW   26  /* px per bar */
#define BAR_H     16  /* px bar height */
#define BAR_MIN   3   /* px of a bar for a count > 0 or "< N" */
#define CHAR_W    7   /* px, average width of a 13 px character */
#define BAR_COLOR "#3b6ea8"

void
doc_bars(struct doc *d, const char *title, const struct rbar *bars, size_t n)
{
    char b[256], num[RFMT_NUM_SIZE];
    size_t i, lw = 0, vw = 0;
    int64_t max = 0;
    unsigned label_w, value_w, width, height, id;

    if (d->fmt != RFMT_HTML || n == 0)
        return;
    for (i = 0; i < n; i++) {
        size_t w = text_width(bars[i].label);
        size_t v = text_width(fmt_count(d, bars[i].v, num));

        lw = w > lw ? w : lw;
        vw = v > vw ? v : vw;
        if (bars[i].v.s == NULL && bars[i].v.n > max)
            max = bars[i].v.n;
    }
    lw = lw > 46 ? 46 : lw; /* longer labels run into the margin */
    label_w = (unsigned)(lw * CHAR_W + 10);
    label_w = label_w < 150 ? 150 : label_w; /* charts line up */
    value_w = (unsigned)(vw * CHAR_W + 16);
    width = label_w + 8 + BAR_MAX + value_w;
    height = (unsigned)n * BAR_ROW + 8;
    id = ++d->chart_id;

    doc_raw(d, "<figure class=\"chart\">\n");
    snprintf(b, sizeof(b),
             "<svg role=\"img\" aria-labelledby=\"chart%u\" "
             "viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\">\n"
             "<title id=\"chart%u\">",
             id, width, height, width, height, id);
    doc_raw(d, b);
    doc_text(d, title);
    doc_raw(d, "</title>\n<desc>");
    for (i = 0; i < n; i++) {
        if (i > 0)
            doc_raw(d, "; ");
        doc_text(d, bars[i].label);
        doc_raw(d, ": ");
        doc_text(d, fmt_count(d, bars[i].v, num));
    }
    doc_raw(d, "</desc>\n");
    for (i = 0; i < n; i++) {
        unsigned y = 4 + (unsigned)i * BAR_ROW, w = 0;

        if (bars[i].v.s != NULL)
            w = BAR_MIN;
        else if (bars[i].v.n > 0 && max > 0) {
            w = (unsigned)llround((double)bars[i].v.n * BAR_MAX / (double)max);
            w = w < BAR_MIN ? BAR_MIN : w;
        }
        snprintf(b, sizeof(b), "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">",
                 label_w, y + 13);
        doc_raw(d, b);
        doc_text(d, bars[i].label);
        doc_raw(d, "</text>");
        if (w > 0) {
            snprintf(b, sizeof(b),
                     "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
                     "fill=\"%s\"/>",
                     label_w + 8, y, w, BAR_H,
                     bars[i].fill ? bars[i].fill : BAR_COLOR);
            doc_raw(d, b);
        }
        snprintf(b, sizeof(b), "<text x=\"%u\" y=\"%u\" class=\"v\">",
                 label_w + 8 + w + 6, y + 13);
        doc_raw(d, b);
        doc_text(d, fmt_count(d, bars[i].v, num));
        doc_raw(d, "</text>\n");
    }
    doc_raw(d, "</svg>\n<figcaption>");
    doc_text(d, title);
    doc_raw(d, "</figcaption>\n</figure>\n");
}
