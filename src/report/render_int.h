/*
 * render_int.h - what the report renderers share (render.c, render_doc.c,
 * render_check.c); not a public interface.
 *
 * render_check() checks the whole report object against docs/report.md
 * first; after it passed, the rj_* accessors read members by dotted path
 * and cannot fail. The doc_* primitives write to a struct doc, which keeps
 * the first error (sticky, like curl's dynbuf users): after an error every
 * primitive does nothing, and the caller looks at d->err once at the end.
 */
#ifndef TOCSIN_REPORT_RENDER_INT_H
#define TOCSIN_REPORT_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "../util/buf.h"

enum rfmt { RFMT_MD, RFMT_HTML };
enum rlang { RLANG_NL = 0, RLANG_EN = 1 };

/* A count: an integer n, or the string s ("< 10") when s != NULL. */
struct rcount {
    int64_t n;
    const char *s;
};

struct doc {
    struct buf *out;
    enum rfmt fmt;
    enum rlang lang;
    int err;
    int in_cell;       /* inside a table cell */
    int col;           /* column of the current table row */
    int table_head;    /* writing the header row */
    char align[16];    /* per column: 'l' or 'r' */
    unsigned chart_id; /* serial of SVG charts, for element ids */
};

/* Check r against docs/report.md (version 1). 0, TOCSIN_EINVAL or
 * TOCSIN_ELIMIT with a message in why (when not NULL), TOCSIN_ENOMEM. */
int render_check(const struct json_object *r, struct buf *why);

/* Accessors by dotted path ("incident.timeline.detected") of a checked
 * object. NULL / 0 / an empty count for null or missing members. */
struct json_object *rj_get(const struct json_object *o, const char *path);
const char *rj_str(const struct json_object *o, const char *path);
int64_t rj_int(const struct json_object *o, const char *path);
/* The number at path; 0 and *is_null = 1 for null. */
double rj_num(const struct json_object *o, const char *path, int *is_null);
/* 1 true, 0 false, -1 null. */
int rj_bool(const struct json_object *o, const char *path);
struct rcount rj_count(const struct json_object *o, const char *path);
/* A count that is a json object itself (an array element). */
struct rcount rj_count_of(const struct json_object *v);
/* Elements of an array (0 for null or not an array), element i. */
size_t rj_len(const struct json_object *a);
struct json_object *rj_at(const struct json_object *a, size_t i);

/* Formatting into caller arrays; they always NUL-terminate. */
#define RFMT_NUM_SIZE 64
/* An integer grouped by thousands for d's language and format. */
void fmt_int(const struct doc *d, int64_t v, char out[RFMT_NUM_SIZE]);
/* A count: fmt_int() or its string as it is (not yet escaped). */
const char *fmt_count(const struct doc *d, struct rcount c,
                      char out[RFMT_NUM_SIZE]);
/* A decimal number (up to 6 significant digits, decimal comma in nl). */
void fmt_num(const struct doc *d, double v, char out[RFMT_NUM_SIZE]);
/* "2026-02-07" as "7 februari 2026" / "7 February 2026"; with days added
 * (for deadlines). A time "YYYY-MM-DDTHH:MM:SSZ" adds ", HH:MM UTC". */
void fmt_date(const struct doc *d, const char *iso, int add_days,
              char out[RFMT_NUM_SIZE]);

/* Output. Raw bytes (markup), escaped text on one line (line breaks become
 * spaces), escaped text keeping its line breaks. */
void doc_raw(struct doc *d, const char *s);
void doc_text(struct doc *d, const char *s);
void doc_mtext(struct doc *d, const char *s);
/* Escaped text with {0}..{3} replaced by the escaped args[i]. */
void doc_fill(struct doc *d, const char *tmpl, const char *a0, const char *a1,
              const char *a2, const char *a3);
void doc_count(struct doc *d, struct rcount c);

/* Structure. Headings (level 1-3; id: HTML anchor or NULL), paragraphs,
 * a warning paragraph that starts with the bold label, bold text, lists,
 * tables (heads: ncols labels; align: ncols of 'l'/'r'). */
void doc_heading_begin(struct doc *d, int level, const char *id);
void doc_heading_end(struct doc *d, int level);
void doc_para_begin(struct doc *d, const char *cls);
void doc_para_end(struct doc *d);
void doc_warn_begin(struct doc *d, const char *label);
void doc_warn_end(struct doc *d);
void doc_strong(struct doc *d, const char *s);
void doc_list_begin(struct doc *d);
void doc_item_begin(struct doc *d);
void doc_item_end(struct doc *d);
void doc_list_end(struct doc *d);
void doc_table_begin(struct doc *d, int ncols, const char *const *heads,
                     const char *align, const char *cls);
void doc_row_begin(struct doc *d);
void doc_cell_begin(struct doc *d);
void doc_cell_end(struct doc *d);
void doc_row_end(struct doc *d);
void doc_table_end(struct doc *d);

/* One bar of a chart: its label (escaped when written), count, and fill
 * colour (a #rrggbb literal of the renderer, NULL for the default). */
struct rbar {
    const char *label;
    struct rcount v;
    const char *fill;
};
/* An inline SVG horizontal bar chart (HTML only; nothing in Markdown):
 * bars scale to the largest integer, a string count ("< 10") gets a
 * minimal bar; every bar carries its exact label and figure. */
void doc_bars(struct doc *d, const char *title, const struct rbar *bars,
              size_t n);

#endif
