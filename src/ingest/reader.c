#include "reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonl.h"

/* How far format detection looks for the first non-blank byte. */
#define DETECT_PEEK 4096

struct reader {
    struct source *src;
    enum reader_format format;
    struct csv *csv;
    struct jsonl *jsonl;
    int fatal;
    char msg[256];
};

static void set_msg(char *msg, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_msg(char *msg, size_t msgsz, const char *fmt, ...)
{
    va_list ap;

    if (msg == NULL || msgsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
}

static int
detect(struct source *src, enum reader_format *fmt)
{
    const unsigned char *p;
    const void *v;
    size_t n, i = 0;
    int rc;

    rc = source_peek(src, DETECT_PEEK, &v, &n);
    if (rc < 0)
        return rc;
    p = v;
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n &&
           (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    *fmt = i < n && p[i] == '{' ? READER_JSONL : READER_CSV;
    return 0;
}

int
reader_open_source(struct source *src, const struct reader_options *opts,
                   struct reader **out, char *msg, size_t msgsz)
{
    struct reader *r;
    struct csv_options co;
    enum reader_format fmt = opts ? opts->format : READER_AUTO;
    int rc;

    *out = NULL;
    set_msg(msg, msgsz, "%s", "");
    if (fmt != READER_AUTO && fmt != READER_CSV && fmt != READER_JSONL) {
        source_free(src);
        set_msg(msg, msgsz, "unknown input format");
        return TOCSIN_EINVAL;
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        source_free(src);
        return TOCSIN_ENOMEM;
    }
    r->src = src;
    if (fmt == READER_AUTO) {
        rc = detect(src, &fmt);
        if (rc < 0) {
            set_msg(msg, msgsz, "%s", source_message(src));
            goto fail;
        }
    }
    r->format = fmt;
    if (fmt == READER_CSV) {
        memset(&co, 0, sizeof(co));
        co.delimiter = opts ? opts->delimiter : 0;
        rc = csv_open(src, &co, &r->csv, msg, msgsz);
    } else {
        rc = jsonl_open(src, &r->jsonl);
        if (rc < 0)
            set_msg(msg, msgsz, "%s", source_message(src));
    }
    if (rc < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    reader_free(r);
    return rc;
}

int
reader_open(const char *path, const struct reader_options *opts,
            struct reader **out, char *msg, size_t msgsz)
{
    struct source *src;
    int rc;

    *out = NULL;
    rc = source_open(path, &src);
    if (rc < 0) {
        set_msg(msg, msgsz, "cannot open the input: %s",
                rc == TOCSIN_EIO ? strerror(errno) : tocsin_strerror(rc));
        return rc;
    }
    return reader_open_source(src, opts, out, msg, msgsz);
}

void
reader_free(struct reader *r)
{
    if (r == NULL)
        return;
    csv_free(r->csv);
    jsonl_free(r->jsonl);
    source_free(r->src);
    free(r);
}

enum reader_format
reader_format(const struct reader *r)
{
    return r->format;
}

void
reader_columns(const struct reader *r, const struct source_span **names,
               size_t *n)
{
    if (r->csv != NULL)
        csv_header(r->csv, names, n);
    else
        jsonl_columns(r->jsonl, names, n);
}

int
reader_next(struct reader *r, struct reader_row *row)
{
    int rc;

    memset(row, 0, sizeof(*row));
    if (r->fatal)
        return r->fatal;
    if (r->csv != NULL) {
        struct csv_row cr;
        rc = csv_next(r->csv, &cr);
        if (rc > 0) {
            row->fields = cr.fields;
            row->nfields = cr.nfields;
            row->line = cr.line;
            row->lines = cr.lines;
            row->offset = cr.offset;
            row->raw = cr.raw;
            row->raw_len = cr.raw_len;
            row->raw_truncated = cr.raw_truncated;
            row->error = cr.error;
            if (cr.error) {
                row->error_text = csv_strerror(cr.error);
                row->error_line = cr.error_line;
                row->error_column = cr.error_column;
                row->error_field = cr.error_field;
            }
        }
    } else {
        struct jsonl_row jr;
        rc = jsonl_next(r->jsonl, &jr);
        if (rc > 0) {
            row->fields = jr.values;
            row->nfields = jr.nvalues;
            row->line = jr.line;
            row->lines = 1;
            row->offset = jr.offset;
            row->raw = jr.raw;
            row->raw_len = jr.raw_len;
            row->raw_truncated = jr.raw_truncated;
            row->error = jr.error;
            if (jr.error) {
                row->error_text = jsonl_strerror(jr.error);
                row->error_line = jr.line;
                row->error_column = jr.error_column;
                row->error_field = jr.error_field;
                row->error_key = jr.error_key;
            }
        }
    }
    if (rc < 0) {
        r->fatal = rc;
        if (rc == TOCSIN_ENOMEM)
            set_msg(r->msg, sizeof(r->msg), "out of memory");
        else
            set_msg(r->msg, sizeof(r->msg), "%s", source_message(r->src));
    }
    return rc;
}

int
reader_hash(struct reader *r, unsigned char out[SOURCE_HASH_BYTES])
{
    return source_hash(r->src, out);
}

void
reader_stats(const struct reader *r, struct reader_stats *st)
{
    memset(st, 0, sizeof(*st));
    st->raw_bytes = source_raw_bytes(r->src);
    st->bytes = source_decoded_bytes(r->src);
    st->size = source_size(r->src);
    if (r->csv != NULL) {
        struct csv_stats cs;
        csv_stats(r->csv, &cs);
        st->lines = cs.lines;
        st->rows = cs.rows;
        st->error_rows = cs.error_rows;
        st->blank_lines = cs.blank_lines;
    } else if (r->jsonl != NULL) {
        struct jsonl_stats js;
        jsonl_stats(r->jsonl, &js);
        st->lines = js.lines;
        st->rows = js.rows;
        st->error_rows = js.error_rows;
        st->blank_lines = js.blank_lines;
    }
}

const char *
reader_message(const struct reader *r)
{
    return r->msg;
}

struct source *
reader_source(const struct reader *r)
{
    return r->src;
}
