/*
 * resolve_explain.c - what resolve decided, for people: the clusters as
 * CSV (to score them against a truth), and why a record belongs to its
 * person. Values are shown masked only: enough to see why two records
 * agree or differ, not enough to learn them.
 */
#include <stdlib.h>
#include <string.h>

#include "../ingest/email.h"
#include "../ingest/iban.h"
#include "../store/seal.h"
#include "../store/store.h"
#include "../util/log.h"
#include "resolve.h"
#include "resolve_int.h"
#include "../util/grow.h"

/* Unseal and decode a record into *plain / *r. */
static int
explain_unseal(struct casedir *c, const struct store_record_view *v,
               struct buf *plain, struct record *r)
{
    char ctx[32];
    int rc;

    snprintf(ctx, sizeof(ctx), "record:%lld", (long long)v->id);
    buf_wipe(plain);
    if ((rc = seal_decrypt(casedir_seal(c), ctx, v->sealed, v->sealed_len,
                           plain)) != TOCSIN_OK)
        return rc;
    return record_decode(buf_str(plain), buf_len(plain), r);
}

/* A value as a CSV field. */
static void
csv_field(FILE *out, const char *p, size_t len)
{
    size_t i;

    if (memchr(p, ',', len) == NULL && memchr(p, '"', len) == NULL &&
        memchr(p, '\n', len) == NULL && memchr(p, '\r', len) == NULL) {
        fwrite(p, 1, len, out);
        return;
    }
    putc('"', out);
    for (i = 0; i < len; i++) {
        if (p[i] == '"')
            putc('"', out);
        putc(p[i], out);
    }
    putc('"', out);
}

struct export_ctx {
    struct casedir *c;
    FILE *out;
    struct buf plain;
    uint64_t rows;
};

static int
export_row(void *arg, const struct store_record_view *v)
{
    struct export_ctx *x = arg;
    struct record r;
    int rc;

    if ((rc = explain_unseal(x->c, v, &x->plain, &r)) != TOCSIN_OK)
        return rc;
    if (r.val[FIELD_RECORD_ID] != NULL && r.len[FIELD_RECORD_ID] > 0)
        csv_field(x->out, r.val[FIELD_RECORD_ID], r.len[FIELD_RECORD_ID]);
    else
        fprintf(x->out, "#%lld", (long long)v->id);
    fprintf(x->out, ",%lld\n", (long long)v->person_id);
    x->rows++;
    return ferror(x->out) ? TOCSIN_EIO : TOCSIN_OK;
}

int
resolve_export_clusters(struct casedir *c, FILE *out, uint64_t *rows,
                        struct buf *why)
{
    struct export_ctx x;
    uint64_t total = 0;
    int rc;

    memset(&x, 0, sizeof(x));
    x.c = c;
    x.out = out;
    buf_init(&x.plain, SIZE_MAX);
    *rows = 0;
    if ((rc = store_begin(casedir_store(c))) != TOCSIN_OK) {
        buf_setf(why, "%s", store_errmsg(casedir_store(c)));
        buf_free(&x.plain);
        return rc;
    }
    rc = store_record_count(casedir_store(c), &total);
    if (rc == TOCSIN_OK) {
        fputs("record_id,person_id\n", out);
        rc = store_records_each(casedir_store(c), STORE_EACH_PERSONS,
                                export_row, &x);
    }
    store_rollback(casedir_store(c));
    buf_wipe(&x.plain);
    *rows = x.rows;
    if (rc == TOCSIN_EDB)
        buf_setf(why, "%s", store_errmsg(casedir_store(c)));
    else if (rc != TOCSIN_OK)
        buf_setf(why, "%s", tocsin_strerror(rc));
    else if (x.rows == 0 && total > 0) {
        buf_setf(why, "the case is not resolved: run 'tocsin resolve'");
        rc = TOCSIN_ENOENT;
    } else if (x.rows != total) {
        buf_setf(why,
                 "%llu of %llu records are not resolved yet (ingested "
                 "after the last resolve): run 'tocsin resolve'",
                 (unsigned long long)(total - x.rows),
                 (unsigned long long)total);
        rc = TOCSIN_ENOENT;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* explain                                                             */

#define MASK_BYTES 48

/* What explain shows of one record. */
struct ex_record {
    int64_t id, person;
    uint64_t line;
    int64_t source;
    char brand[32];
    char rid[MASK_BYTES];
    char mask[RC_COUNT][MASK_BYTES];
};

struct ex_ctx {
    struct casedir *c;
    struct buf plain, tmp;
    struct ex_record *rec;
    size_t n, cap;
    int rc;
};

/* Every letter and digit but the first `keep_first` and the last
 * `keep_last` as '*'. */
static void
mask_keep(const char *p, size_t len, size_t keep_first, size_t keep_last,
          char *out)
{
    size_t i, n = 0, alnum = 0, seen = 0;

    for (i = 0; i < len; i++)
        if ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'z') ||
            (p[i] >= 'A' && p[i] <= 'Z') || (unsigned char)p[i] >= 0x80)
            alnum++;
    for (i = 0; i < len && n + 2 < MASK_BYTES; i++) {
        unsigned char ch = (unsigned char)p[i];
        int an = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                 (ch >= 'A' && ch <= 'Z') || ch >= 0x80;

        if (!an) {
            out[n++] = (char)ch;
            continue;
        }
        if (ch >= 0x80 && (ch & 0xc0) == 0x80)
            continue; /* a continuation byte: masked with its lead */
        if (seen < keep_first || seen + keep_last >= alnum) {
            if (ch < 0x80)
                out[n++] = (char)ch;
            else
                out[n++] = '*';
        } else {
            out[n++] = '*';
        }
        seen++;
    }
    out[n] = '\0';
}

static void
mask_field(const struct record *r, enum field f, size_t first, size_t last,
           char *out)
{
    if (r->val[f] == NULL || r->len[f] == 0) {
        snprintf(out, MASK_BYTES, "-");
        return;
    }
    mask_keep(r->val[f], r->len[f], first, last, out);
}

/* "a b" into out, cut to MASK_BYTES - 1. */
static void
mask_join(char *out, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la > MASK_BYTES - 1)
        la = MASK_BYTES - 1;
    memcpy(out, a, la);
    if (la + 1 < MASK_BYTES - 1) {
        out[la++] = ' ';
        if (lb > MASK_BYTES - 1 - la)
            lb = MASK_BYTES - 1 - la;
        memcpy(out + la, b, lb);
        la += lb;
    }
    out[la] = '\0';
}

static void
ex_masks(struct ex_ctx *x, const struct record *r, struct ex_record *e)
{
    char a[MASK_BYTES], b[MASK_BYTES];

    mask_field(r, FIELD_FIRST_NAME, 1, 0, e->mask[RC_FIRST]);
    mask_field(r, FIELD_LAST_NAME, 1, 0, a);
    if (r->val[FIELD_INFIX] != NULL) {
        mask_field(r, FIELD_INFIX, 1, 0, b);
        mask_join(e->mask[RC_LAST], b, a);
    } else {
        snprintf(e->mask[RC_LAST], MASK_BYTES, "%s", a);
    }
    /* birth date: the century and the last digit */
    mask_field(r, FIELD_BIRTH_DATE, 2, 1, e->mask[RC_DOB]);
    snprintf(e->mask[RC_EMAIL], MASK_BYTES, "-");
    if (r->val[FIELD_EMAIL] != NULL &&
        email_mask(r->val[FIELD_EMAIL], r->len[FIELD_EMAIL], &x->tmp) ==
            TOCSIN_OK)
        snprintf(e->mask[RC_EMAIL], MASK_BYTES, "%s", buf_str(&x->tmp));
    mask_field(r, FIELD_MOBILE, 0, 2, a);
    mask_field(r, FIELD_PHONE, 0, 2, b);
    snprintf(e->mask[RC_MOBILE], MASK_BYTES, "%s",
             r->val[FIELD_MOBILE] != NULL ? a : b);
    snprintf(e->mask[RC_LANDLINE], MASK_BYTES, "%s", b);
    snprintf(e->mask[RC_IBAN], MASK_BYTES, "-");
    if (r->val[FIELD_IBAN] != NULL &&
        iban_mask(r->val[FIELD_IBAN], r->len[FIELD_IBAN], &x->tmp) ==
            TOCSIN_OK)
        snprintf(e->mask[RC_IBAN], MASK_BYTES, "%s", buf_str(&x->tmp));
    /* address: the postcode's first two, no number */
    mask_field(r, FIELD_POSTCODE, 2, 0, a);
    mask_field(r, FIELD_CITY, 1, 0, b);
    mask_join(e->mask[RC_ADDR], a, b);
    mask_field(r, FIELD_ID_DOC_NUMBER, 0, 2, e->mask[RC_DOC]);
    mask_field(r, FIELD_NATIONAL_ID, 0, 2, e->mask[RC_NID]);
    mask_field(r, FIELD_CUSTOMER_NUMBER, 0, 2, e->mask[RC_CUST]);
    buf_wipe(&x->tmp);
}

static int
ex_add(void *arg, const struct store_record_view *v)
{
    struct ex_ctx *x = arg;
    struct ex_record *e;
    struct record r;
    char esc[MASK_BYTES];
    size_t i;
    void *p;
    int rc;

    for (i = 0; i < x->n; i++)
        if (x->rec[i].id == v->id)
            return TOCSIN_OK;
    if (x->n == LIMIT_EXPLAIN_RECORDS)
        return TOCSIN_OK; /* the rest is not shown */
    if ((p = grow(x->rec, &x->cap, x->n + 1, sizeof(*x->rec), 16)) == NULL)
        return TOCSIN_ENOMEM;
    x->rec = p;
    e = &x->rec[x->n];
    memset(e, 0, sizeof(*e));
    e->id = v->id;
    e->person = v->person_id;
    e->line = v->line;
    e->source = v->source_id;
    snprintf(e->brand, sizeof(e->brand), "%s",
             v->brand != NULL ? v->brand : "-");
    if ((rc = explain_unseal(x->c, v, &x->plain, &r)) != TOCSIN_OK)
        return rc;
    if (r.val[FIELD_RECORD_ID] != NULL) {
        char raw[MASK_BYTES];
        size_t n = r.len[FIELD_RECORD_ID] < sizeof(raw) - 1
                       ? r.len[FIELD_RECORD_ID]
                       : sizeof(raw) - 1;

        memcpy(raw, r.val[FIELD_RECORD_ID], n);
        raw[n] = '\0';
        snprintf(e->rid, sizeof(e->rid), "%s",
                 log_escape(raw, esc, sizeof(esc)));
    } else {
        snprintf(e->rid, sizeof(e->rid), "#%lld", (long long)v->id);
    }
    ex_masks(x, &r, e);
    buf_wipe(&x->plain);
    x->n++;
    return TOCSIN_OK;
}

static const struct ex_record *
ex_find(const struct ex_ctx *x, int64_t id)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (x->rec[i].id == id)
            return &x->rec[i];
    return NULL;
}

struct ex_links {
    struct ex_ctx *x;
    FILE *out;
    uint64_t shown;
};

static const char *
link_status(int status)
{
    switch (status) {
    case STORE_LINK_JOINED:
        return "joined";
    default:
        return "REFUSED (contradicting evidence)";
    }
}

/* Make sure the other end of a link is known (a refused link leads to
 * another person). */
static int
ex_need(struct ex_ctx *x, int64_t id)
{
    if (ex_find(x, id) != NULL)
        return TOCSIN_OK;
    return store_record_get(casedir_store(x->c), id, ex_add, x);
}

static int
ex_link(void *arg, const struct store_link *l)
{
    struct ex_links *el = arg;
    const struct ex_record *a, *b;
    const unsigned char *w = l->weights;
    int rc, k;

    if ((rc = ex_need(el->x, l->a)) != TOCSIN_OK ||
        (rc = ex_need(el->x, l->b)) != TOCSIN_OK)
        return rc;
    a = ex_find(el->x, l->a);
    b = ex_find(el->x, l->b);
    if (a == NULL || b == NULL)
        return TOCSIN_OK;
    fprintf(el->out,
            "\n  %s (#%lld) - %s (#%lld): %s, weight %.1f bits, "
            "probability %.6f\n",
            a->rid, (long long)a->id, b->rid, (long long)b->id,
            link_status(l->status), l->weight, l->probability);
    for (k = 0; k < RC_COUNT; k++) {
        unsigned level = RPAT_LEVEL(l->levels, k);
        double wt = 0;

        if (l->weights_len >= (size_t)(2 * k + 2))
            wt = (double)(int16_t)(uint16_t)(w[2 * k] | w[2 * k + 1] << 8) /
                 100.0;
        if (level == RL_MISSING)
            continue;
        fprintf(el->out, "    %-16s %-26s %+7.2f   %s | %s\n",
                rcmp_name((enum rcmp)k), rcmp_level_name((enum rcmp)k, level),
                wt, a->mask[k], b->mask[k]);
    }
    el->shown++;
    return TOCSIN_OK;
}

int
resolve_explain(struct casedir *c, const char *rid, FILE *out,
                int (*more)(struct casedir *c, int64_t person, FILE *out,
                            struct buf *why),
                struct buf *why)
{
    struct store *s = casedir_store(c);
    unsigned char h[SEAL_HASH_BYTES];
    int64_t ids[8], person;
    struct store_person p;
    struct ex_ctx x;
    struct ex_links el;
    size_t n, i, j;
    int rc;

    memset(&x, 0, sizeof(x));
    x.c = c;
    buf_init(&x.plain, SIZE_MAX);
    buf_init(&x.tmp, 1024);
    seal_hash(casedir_seal(c), "record_id", rid, strlen(rid), h);
    if ((rc = store_records_by_rid(s, h, ids, 8, &n)) != TOCSIN_OK)
        goto out;
    if (n == 0) {
        buf_setf(why, "no record has this record id");
        rc = TOCSIN_ENOENT;
        goto out;
    }
    for (i = 0; i < n && i < 8; i++) {
        rc = store_person_of(s, ids[i], &person);
        if (rc == TOCSIN_ENOENT) {
            buf_setf(why, "the record is not resolved: run 'tocsin "
                          "resolve'");
            goto out;
        }
        if (rc != TOCSIN_OK ||
            (rc = store_person_get(s, person, &p)) != TOCSIN_OK)
            goto out;
        x.n = 0;
        if ((rc = store_person_records_each(s, person, ex_add, &x)) !=
            TOCSIN_OK)
            goto out;
        /* the record itself, also when its person holds more records
         * than are shown */
        if ((rc = ex_need(&x, ids[i])) != TOCSIN_OK)
            goto out;
        fprintf(out,
                "%sRecord %s (#%lld) belongs to person %lld: %llu "
                "record%s, %u brand%s, confidence %.6f\n",
                i > 0 ? "\n" : "",
                ex_find(&x, ids[i]) != NULL ? ex_find(&x, ids[i])->rid : "?",
                (long long)ids[i], (long long)person,
                (unsigned long long)p.records, p.records == 1 ? "" : "s",
                p.brands, p.brands == 1 ? "" : "s", p.confidence);
        fputs("\nRecords:\n", out);
        for (j = 0; j < x.n; j++)
            fprintf(out,
                    "  %-20s #%-9lld source %lld line %-8llu %-10s %s "
                    "%s, born %s\n",
                    x.rec[j].rid, (long long)x.rec[j].id,
                    (long long)x.rec[j].source,
                    (unsigned long long)x.rec[j].line, x.rec[j].brand,
                    x.rec[j].mask[RC_FIRST], x.rec[j].mask[RC_LAST],
                    x.rec[j].mask[RC_DOB]);
        if (p.records > x.n)
            fprintf(out, "  ... %llu more not shown\n",
                    (unsigned long long)(p.records - x.n));
        fputs("\nLinks, strongest first (per field: level, weight in bits, "
              "masked values):\n",
              out);
        el.x = &x;
        el.out = out;
        el.shown = 0;
        if ((rc = store_person_links_each(s, person, ex_link, &el)) !=
            TOCSIN_OK)
            goto out;
        if (el.shown == 0)
            fputs("  none: no other record came close enough\n", out);
        if (more != NULL && (rc = more(c, person, out, why)) != TOCSIN_OK)
            goto out;
    }
    if (n > 8)
        fprintf(out, "\n%zu more records have this record id\n", n - 8);
out:
    if (rc == TOCSIN_EDB)
        buf_setf(why, "%s", store_errmsg(s));
    else if (rc != TOCSIN_OK && rc != TOCSIN_ENOENT)
        buf_setf(why, "%s", tocsin_strerror(rc));
    buf_wipe(&x.plain);
    buf_wipe(&x.tmp);
    free(x.rec);
    return rc;
}
