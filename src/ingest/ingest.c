/*
 * ingest.c - an export file into the case (see ingest.h).
 *
 * Threads: INGEST_WORKERS workers take turns at the reader, each copying
 * a batch of rows out of it, then normalise, encode and seal their batch
 * in parallel; the calling thread writes the batches into the database in
 * reading order, committing every INGEST_COMMIT_ROWS rows. Batches go
 * round a small ring, so memory stays bounded whatever the input size.
 * A record's id is fixed when it is read (the first id of the ingest plus
 * its row number), so ids follow the input whichever worker seals it.
 */
#include "ingest.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../store/record.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/progress.h"
#include "address.h"
#include "date.h"
#include "email.h"
#include "iban.h"
#include "idnum.h"
#include "mapping.h"
#include "name.h"
#include "phone.h"
#include "../util/grow.h"

#define INGEST_BATCH       2048     /* rows per batch */
#define INGEST_RING        24       /* batches in flight */
#define INGEST_WORKERS     2        /* threads that normalise and seal */
#define INGEST_COMMIT_ROWS 100000   /* rows per transaction */
#define INGEST_NONE        SIZE_MAX /* no value at this arena offset */

enum ingest_hash {
    HASH_RID,
    HASH_EMAIL,
    HASH_PHONE,
    HASH_MOBILE,
    HASH_IBAN,
    HASH_COUNT
};

/* One row on its way to the database; strings and boxes live in the
 * batch's arena (offsets, since the arena may move while it grows). */
struct ingest_item {
    int reject;
    uint64_t line;
    uint64_t offset;
    uint64_t column;
    int64_t id;
    const char *brand; /* borrowed from the configuration */
    uint32_t present;
    uint32_t problems;
    unsigned hashes_set;
    unsigned char hash[HASH_COUNT][STORE_HASH_BYTES];
    size_t email_mask, phone_mask, iban_mask; /* arena offsets */
    size_t reason;                            /* arena offset */
    size_t sealed, sealed_len;
};

struct ingest_batch {
    struct ingest_item items[INGEST_BATCH];
    size_t n;
    struct buf arena;   /* strings and sealed boxes of the items */
    uint64_t raw_bytes; /* source position after the batch */
    uint64_t seq;       /* its place in the input */
    int last;           /* no batch follows */
    int busy;           /* taken by a worker, until the writer is done */
    int full;           /* ready for the writer */

    /* The rows as read, copied out of the reader (its rows are borrowed
     * only until its next row): fields and raw point into input. */
    struct reader_row in[INGEST_BATCH];
    size_t nin;
    struct buf input;
    struct source_span *spans;
    size_t nspans, spans_cap;
    int64_t first_id;   /* id of the batch's first row */
    enum field *fields; /* the columns' fields when it was read */
    size_t nfields;
    int col_of[FIELD_COUNT];
};

/* What the workers share; the reader and the ring are guarded by mu. */
struct ingest_shared {
    const struct case_config *cfg;
    const struct seal *seal;
    const struct ingest_options *o;
    struct reader *r;
    struct mapping *map;
    int nl; /* the data is Dutch: Dutch validation rules apply */
    const char *fixed_brand; /* --brand, or the only brand of the case */
    int64_t source_id;
    int64_t base_id; /* id of the first row of the ingest */

    /* The columns as mapped so far (JSON Lines may add some). */
    enum field *fields;
    size_t nfields_mapped;
    int col_of[FIELD_COUNT];

    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ingest_batch *ring[INGEST_RING];
    uint64_t next_seq;  /* the next batch to read */
    uint64_t rows_read; /* rows taken from the reader */
    int eof;            /* the reader is done */
    int stop;           /* writer failed: workers stop */
    int fatal;          /* a worker failed: status */
    char msg[LIMIT_SOURCE_MSG + 128];
};

/* One worker: its own scratch space and counts. */
struct ingest_ctx {
    struct ingest_shared *sh;
    const struct case_config *cfg;
    const struct seal *seal;
    const struct ingest_options *o;
    int nl;
    const char *fixed_brand;
    int64_t source_id;

    /* The columns of the batch at hand. */
    const enum field *fields;
    size_t nfields_mapped;
    const int *col_of;
    int csv;

    uint64_t accepted, rejected;
    struct ingest_problem *problems;
    size_t nproblems, problems_cap;

    char *vals; /* normalised values of one row */
    size_t vals_used, vals_cap;
    struct record rec;
    const struct reader_row *row; /* the row at hand */
    const char **colv;            /* its columns, for record_encode() */
    size_t *coll;
    size_t colcap;
    struct buf tmp, enc, ctxname;
    struct name_parts np;
    pthread_t thread;
    int started;
};

/* --- problems ----------------------------------------------------------- */

static void
ingest_problem(struct ingest_ctx *x, enum field f, const char *what)
{
    size_t i;

    for (i = 0; i < x->nproblems; i++) {
        if (x->problems[i].field == f &&
            (x->problems[i].what == what ||
             strcmp(x->problems[i].what, what) == 0)) {
            x->problems[i].count++;
            return;
        }
    }
    if (x->nproblems == x->problems_cap) {
        size_t cap = x->problems_cap ? x->problems_cap * 2 : 32;
        struct ingest_problem *p =
            realloc(x->problems, cap * sizeof(*x->problems));

        if (p == NULL)
            return; /* a count lost to memory shortage, never a row */
        x->problems = p;
        x->problems_cap = cap;
    }
    x->problems[x->nproblems].field = f;
    x->problems[x->nproblems].what = what;
    x->problems[x->nproblems].count = 1;
    x->nproblems++;
}

/* --- values of one row -------------------------------------------------- */

/* Keep len bytes as the value of field f with flags. */
static int
ingest_put(struct ingest_ctx *x, enum field f, const char *p, size_t len,
           uint32_t flags)
{
    char *v;
    int col;

    if (len > x->vals_cap - x->vals_used)
        return TOCSIN_ELIMIT;
    v = x->vals + x->vals_used;
    memcpy(v, p, len);
    x->vals_used += len;
    x->rec.val[f] = v;
    x->rec.len[f] = len;
    x->rec.flags[f] = flags;
    /* Unchanged from its column: the record keeps it once. */
    col = x->col_of[f];
    x->rec.col[f] = -1;
    if (col >= 0 && (size_t)col < x->row->nfields &&
        x->row->fields[col].ptr != NULL && x->row->fields[col].len == len &&
        memcmp(x->row->fields[col].ptr, p, len) == 0)
        x->rec.col[f] = col;
    return TOCSIN_OK;
}

/* Keep the value as given and mark it invalid, counting the problem. */
static int
ingest_invalid(struct ingest_ctx *x, enum field f, const char *p, size_t len,
               uint32_t flags, const char *what)
{
    ingest_problem(x, f, what);
    return ingest_put(x, f, p, len, flags | RECORD_INVALID);
}

static void
ingest_trim(const char **p, size_t *len)
{
    while (*len > 0 &&
           (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n')) {
        (*p)++;
        (*len)--;
    }
    while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t' ||
                        (*p)[*len - 1] == '\r' || (*p)[*len - 1] == '\n'))
        (*len)--;
}

/* The trimmed value of field f in this row, or 0 when absent or empty. */
static int
ingest_value(const struct ingest_ctx *x, const struct reader_row *row,
             enum field f, const char **p, size_t *len)
{
    int col = x->col_of[f];

    if (col < 0 || (size_t)col >= row->nfields || row->fields[col].ptr == NULL)
        return 0;
    *p = row->fields[col].ptr;
    *len = row->fields[col].len;
    ingest_trim(p, len);
    return *len > 0;
}

/* Free text of a name-like field (names, street, city): cleaned, or kept
 * as given when it cannot be. */
static int
ingest_text(struct ingest_ctx *x, enum field f, const char *p, size_t len)
{
    if (name_clean(p, len, &x->tmp) != TOCSIN_OK)
        return ingest_invalid(x, f, p, len, 0, "not a valid name or text");
    return ingest_put(x, f, buf_str(&x->tmp), buf_len(&x->tmp), 0);
}

static int
ingest_date(struct ingest_ctx *x, enum field f, const char *p, size_t len)
{
    struct date d;
    unsigned flags = 0;
    char iso[11];

    if (date_parse(p, len, &d, &flags) != TOCSIN_OK)
        return ingest_invalid(x, f, p, len, flags, "not a date");
    if (flags & DATE_IMPOSSIBLE)
        return ingest_invalid(x, f, p, len, flags, "impossible date");
    if (date_format_iso(&d, iso) != TOCSIN_OK)
        return ingest_invalid(x, f, p, len, flags, "not a date");
    if (flags & DATE_PLACEHOLDER)
        ingest_problem(x, f, "placeholder date");
    return ingest_put(x, f, iso, 10, flags);
}

static void
ingest_hash(struct ingest_ctx *x, struct ingest_item *it, enum ingest_hash h,
            const char *domain, const char *p, size_t len)
{
    unsigned char full[SEAL_HASH_BYTES];

    seal_hash(x->seal, domain, p, len, full);
    memcpy(it->hash[h], full, STORE_HASH_BYTES);
    it->hashes_set |= 1u << h;
}

static int
ingest_phone(struct ingest_ctx *x, struct ingest_item *it,
             struct ingest_batch *b, enum field f, const char *p, size_t len)
{
    struct phone ph;
    size_t mask;
    int rc;

    if (phone_normalize(p, len, &ph) != TOCSIN_OK)
        return ingest_invalid(x, f, p, len, 0, "not a phone number");
    if (ph.type == PHONE_SERVICE)
        ingest_problem(x, f, "service number, not a person's");
    ingest_hash(x, it, f == FIELD_MOBILE ? HASH_MOBILE : HASH_PHONE, "phone",
                ph.e164, strlen(ph.e164));
    buf_reset(&x->tmp);
    if (phone_mask(&ph, &x->tmp) == TOCSIN_OK) {
        mask = buf_len(&b->arena);
        if ((rc = buf_append(&b->arena, buf_str(&x->tmp),
                             buf_len(&x->tmp) + 1)) != TOCSIN_OK)
            return rc;
        /* the first phone is the one shown */
        if (it->phone_mask == INGEST_NONE || f == FIELD_MOBILE)
            it->phone_mask = mask;
    }
    /* The type goes with the value: mobile and landline mean different
     * things to the resolver (a landline is shared by a household). */
    return ingest_put(x, f, ph.e164, strlen(ph.e164),
                      ph.flags | ((uint32_t)ph.type << 16));
}

static int
ingest_email(struct ingest_ctx *x, struct ingest_item *it,
             struct ingest_batch *b, const char *p, size_t len)
{
    unsigned flags = 0;
    int rc;

    if (email_normalize(p, len, &x->tmp, &flags) != TOCSIN_OK)
        return ingest_invalid(x, FIELD_EMAIL, p, len, flags,
                              email_strerror(email_reason(flags)));
    if (flags & EMAIL_TYPO_DOMAIN)
        ingest_problem(x, FIELD_EMAIL, "a known typo in the domain");
    rc = ingest_put(x, FIELD_EMAIL, buf_str(&x->tmp), buf_len(&x->tmp), flags);
    if (rc != TOCSIN_OK)
        return rc;
    if (email_key(x->rec.val[FIELD_EMAIL], x->rec.len[FIELD_EMAIL], &x->tmp) ==
        TOCSIN_OK)
        ingest_hash(x, it, HASH_EMAIL, "email", buf_str(&x->tmp),
                    buf_len(&x->tmp));
    if (email_mask(x->rec.val[FIELD_EMAIL], x->rec.len[FIELD_EMAIL],
                   &x->tmp) == TOCSIN_OK) {
        it->email_mask = buf_len(&b->arena);
        return buf_append(&b->arena, buf_str(&x->tmp), buf_len(&x->tmp) + 1);
    }
    return TOCSIN_OK;
}

static int
ingest_iban(struct ingest_ctx *x, struct ingest_item *it,
            struct ingest_batch *b, const char *p, size_t len)
{
    unsigned flags = 0;
    int rc;

    if (iban_normalize(p, len, &x->tmp, &flags) != TOCSIN_OK) {
        /* kept: the electronic form when there is one, else as given */
        if (buf_len(&x->tmp) > 0)
            return ingest_invalid(x, FIELD_IBAN, buf_str(&x->tmp),
                                  buf_len(&x->tmp), flags,
                                  iban_strerror(iban_reason(flags)));
        return ingest_invalid(x, FIELD_IBAN, p, len, flags,
                              iban_strerror(iban_reason(flags)));
    }
    rc = ingest_put(x, FIELD_IBAN, buf_str(&x->tmp), buf_len(&x->tmp), flags);
    if (rc != TOCSIN_OK)
        return rc;
    ingest_hash(x, it, HASH_IBAN, "iban", x->rec.val[FIELD_IBAN],
                x->rec.len[FIELD_IBAN]);
    if (iban_mask(x->rec.val[FIELD_IBAN], x->rec.len[FIELD_IBAN], &x->tmp) ==
        TOCSIN_OK) {
        it->iban_mask = buf_len(&b->arena);
        return buf_append(&b->arena, buf_str(&x->tmp), buf_len(&x->tmp) + 1);
    }
    return TOCSIN_OK;
}

static int
ingest_bsn_found(size_t off, size_t len, void *ctx)
{
    (void)off;
    (void)len;
    *(int *)ctx = 1;
    return 1; /* one is enough */
}

/* The brand id for a brand value: a case brand's id or display name,
 * compared without case. NULL when unknown. */
static const char *
ingest_brand(const struct case_config *cfg, const char *p, size_t len)
{
    size_t i;

    for (i = 0; i < cfg->nbrands; i++) {
        const struct config_brand *b = &cfg->brands[i];

        if ((strlen(b->id) == len && strncasecmp(b->id, p, len) == 0) ||
            (b->display_name != NULL && strlen(b->display_name) == len &&
             strncasecmp(b->display_name, p, len) == 0))
            return b->id;
    }
    return NULL;
}

/* Split a full name ("Jan de Vries") when there are no separate name
 * fields: the first word is the first name, the rest the last name with
 * its infix. */
static int
ingest_full_name(struct ingest_ctx *x, const struct reader_row *row)
{
    const char *p, *sp;
    size_t len;
    int rc;

    if (!ingest_value(x, row, FIELD_FULL_NAME, &p, &len))
        return TOCSIN_OK;
    if ((rc = ingest_text(x, FIELD_FULL_NAME, p, len)) != TOCSIN_OK)
        return rc;
    if (x->col_of[FIELD_FIRST_NAME] >= 0 || x->col_of[FIELD_LAST_NAME] >= 0)
        return TOCSIN_OK;
    p = x->rec.val[FIELD_FULL_NAME];
    len = x->rec.len[FIELD_FULL_NAME];
    sp = memchr(p, ' ', len);
    if (sp == NULL)
        return ingest_put(x, FIELD_LAST_NAME, p, len, 0);
    if ((rc = ingest_put(x, FIELD_FIRST_NAME, p, (size_t)(sp - p), 0)) !=
        TOCSIN_OK)
        return rc;
    len -= (size_t)(sp - p) + 1;
    p = sp + 1;
    if (name_split(NULL, 0, p, len, &x->np) != TOCSIN_OK)
        return ingest_put(x, FIELD_LAST_NAME, p, len, 0);
    if (buf_len(&x->np.infix) > 0 &&
        (rc = ingest_put(x, FIELD_INFIX, buf_str(&x->np.infix),
                         buf_len(&x->np.infix), x->np.flags)) != TOCSIN_OK)
        return rc;
    return ingest_put(x, FIELD_LAST_NAME, buf_str(&x->np.surname),
                      buf_len(&x->np.surname), x->np.flags);
}

static int
ingest_names(struct ingest_ctx *x, const struct reader_row *row)
{
    const char *ip = NULL, *lp = NULL, *p;
    size_t il = 0, ll = 0, len;
    int rc;

    if (ingest_value(x, row, FIELD_FIRST_NAME, &p, &len)) {
        if ((rc = ingest_text(x, FIELD_FIRST_NAME, p, len)) != TOCSIN_OK)
            return rc;
        /* Counted, not a fault: "J.P." tells the resolver less than
         * "Jan Peter" does. */
        if (name_is_initials(p, len)) {
            ingest_problem(x, FIELD_FIRST_NAME, "initials only");
            x->rec.flags[FIELD_FIRST_NAME] |= INGEST_INITIALS;
        }
    }
    ingest_value(x, row, FIELD_INFIX, &ip, &il);
    ingest_value(x, row, FIELD_LAST_NAME, &lp, &ll);
    if (il == 0 && ll == 0)
        return ingest_full_name(x, row);
    if (name_split(ip, il, lp, ll, &x->np) != TOCSIN_OK) {
        if (ll > 0 && (rc = ingest_invalid(x, FIELD_LAST_NAME, lp, ll, 0,
                                           "not a valid name")) != TOCSIN_OK)
            return rc;
        if (il > 0)
            return ingest_invalid(x, FIELD_INFIX, ip, il, 0,
                                  "not a valid infix");
        return ingest_full_name(x, row);
    }
    if (x->np.flags & NAME_INFIX_UNKNOWN)
        ingest_problem(x, FIELD_INFIX, "not a known infix");
    if (buf_len(&x->np.infix) > 0 &&
        (rc = ingest_put(x, FIELD_INFIX, buf_str(&x->np.infix),
                         buf_len(&x->np.infix), x->np.flags)) != TOCSIN_OK)
        return rc;
    if (buf_len(&x->np.surname) > 0 &&
        (rc = ingest_put(x, FIELD_LAST_NAME, buf_str(&x->np.surname),
                         buf_len(&x->np.surname), x->np.flags)) != TOCSIN_OK)
        return rc;
    return ingest_full_name(x, row);
}

static int
ingest_address(struct ingest_ctx *x, const struct reader_row *row)
{
    static const enum field texts[] = {FIELD_STREET, FIELD_ADDRESS_EXTRA,
                                       FIELD_CITY, FIELD_REGION,
                                       FIELD_COUNTRY};
    const char *p, *sp = NULL;
    size_t len, sl = 0, i;
    unsigned flags = 0;
    struct housenr h;
    char num[16];
    int rc, n;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (ingest_value(x, row, texts[i], &p, &len) &&
            (rc = ingest_text(x, texts[i], p, len)) != TOCSIN_OK)
            return rc;
    if (ingest_value(x, row, FIELD_POSTCODE, &p, &len)) {
        if (postcode_normalize(p, len, &x->tmp, &flags) != TOCSIN_OK)
            rc = ingest_invalid(x, FIELD_POSTCODE, p, len, flags,
                                "not a postcode");
        else if (x->nl && (flags & POSTCODE_INVALID))
            rc = ingest_invalid(x, FIELD_POSTCODE, buf_str(&x->tmp),
                                buf_len(&x->tmp), flags,
                                "not an issued Dutch postcode");
        else {
            if (x->nl && (flags & POSTCODE_FOREIGN))
                ingest_problem(x, FIELD_POSTCODE, "not a Dutch postcode");
            rc = ingest_put(x, FIELD_POSTCODE, buf_str(&x->tmp),
                            buf_len(&x->tmp), flags);
        }
        if (rc != TOCSIN_OK)
            return rc;
    }
    ingest_value(x, row, FIELD_HOUSE_NUMBER_SUFFIX, &sp, &sl);
    if (ingest_value(x, row, FIELD_HOUSE_NUMBER, &p, &len)) {
        flags = 0;
        if (housenr_parse(p, len, sp, sl, &h, &flags) != TOCSIN_OK) {
            rc = ingest_invalid(x, FIELD_HOUSE_NUMBER, p, len, flags,
                                "not a house number");
            if (rc == TOCSIN_OK && sl > 0)
                rc = ingest_put(x, FIELD_HOUSE_NUMBER_SUFFIX, sp, sl, 0);
            return rc;
        }
        n = snprintf(num, sizeof(num), "%d", h.number);
        if ((rc = ingest_put(x, FIELD_HOUSE_NUMBER, num, (size_t)n, flags)) !=
            TOCSIN_OK)
            return rc;
        if (h.suffix[0] != '\0')
            return ingest_put(x, FIELD_HOUSE_NUMBER_SUFFIX, h.suffix,
                              strlen(h.suffix), flags);
    } else if (sl > 0) {
        return ingest_put(x, FIELD_HOUSE_NUMBER_SUFFIX, sp, sl, 0);
    }
    return TOCSIN_OK;
}

static int
ingest_identity(struct ingest_ctx *x, const struct reader_row *row,
                int *bsn_seen)
{
    const char *p, *tp = NULL;
    size_t len, tl = 0;
    unsigned flags = 0;
    struct iddoc doc;
    char bsn[10];
    int rc;

    if (ingest_value(x, row, FIELD_NATIONAL_ID, &p, &len)) {
        if (!x->nl)
            rc = ingest_put(x, FIELD_NATIONAL_ID, p, len, 0);
        else if (bsn_normalize(p, len, bsn, &flags) != TOCSIN_OK)
            rc = ingest_invalid(x, FIELD_NATIONAL_ID, p, len, flags,
                                "not a BSN (fails the 11-check)");
        else {
            *bsn_seen = 1;
            rc = ingest_put(x, FIELD_NATIONAL_ID, bsn, 9,
                            flags | INGEST_CHECKED);
        }
        if (rc != TOCSIN_OK)
            return rc;
    }
    if (ingest_value(x, row, FIELD_VAT_NUMBER, &p, &len)) {
        flags = 0;
        if (vat_normalize(p, len, &x->tmp, &flags, bsn) != TOCSIN_OK)
            rc = ingest_invalid(x, FIELD_VAT_NUMBER, p, len, flags,
                                "not a VAT number");
        else {
            if (flags & VAT_CONTAINS_BSN) {
                ingest_problem(x, FIELD_VAT_NUMBER, "holds a BSN");
                *bsn_seen = 1;
            }
            rc = ingest_put(x, FIELD_VAT_NUMBER, buf_str(&x->tmp),
                            buf_len(&x->tmp), flags);
        }
        if (rc != TOCSIN_OK)
            return rc;
    }
    ingest_value(x, row, FIELD_ID_DOC_TYPE, &tp, &tl);
    if (ingest_value(x, row, FIELD_ID_DOC_NUMBER, &p, &len)) {
        flags = 0;
        if (iddoc_normalize(tp, tl, p, len, &doc, &flags) != TOCSIN_OK) {
            rc = ingest_invalid(x, FIELD_ID_DOC_NUMBER, p, len, flags,
                                "not an ID-document number");
        } else {
            const char *type = iddoc_type_name(doc.type);

            if (flags & IDDOC_OLD_FORMAT)
                ingest_problem(x, FIELD_ID_DOC_NUMBER, "old number format");
            rc = ingest_put(x, FIELD_ID_DOC_NUMBER, doc.number,
                            strlen(doc.number), flags);
            if (rc == TOCSIN_OK)
                rc = ingest_put(x, FIELD_ID_DOC_TYPE, type, strlen(type),
                                flags);
        }
        if (rc != TOCSIN_OK)
            return rc;
    } else if (tl > 0 && (rc = ingest_put(x, FIELD_ID_DOC_TYPE, tp, tl, 0)) !=
                             TOCSIN_OK) {
        return rc;
    }
    if (ingest_value(x, row, FIELD_ID_DOC_EXPIRY, &p, &len) &&
        (rc = ingest_date(x, FIELD_ID_DOC_EXPIRY, p, len)) != TOCSIN_OK)
        return rc;
    return TOCSIN_OK;
}

/* Everything else: brand, record id, customer, contract, notes. */
static int
ingest_rest(struct ingest_ctx *x, struct ingest_item *it,
            const struct reader_row *row, int *bsn_seen)
{
    static const enum field plain[] = {FIELD_CUSTOMER_NUMBER,
                                       FIELD_SUBSCRIPTION_TYPE};
    const char *p;
    size_t len, i;
    int rc, found = 0;

    if (ingest_value(x, row, FIELD_RECORD_ID, &p, &len)) {
        ingest_hash(x, it, HASH_RID, "record_id", p, len);
        if ((rc = ingest_put(x, FIELD_RECORD_ID, p, len, 0)) != TOCSIN_OK)
            return rc;
    }
    it->brand = x->fixed_brand;
    if (ingest_value(x, row, FIELD_BRAND, &p, &len)) {
        const char *id = ingest_brand(x->cfg, p, len);

        if (x->o->brand == NULL)
            it->brand = id;
        if (id == NULL)
            rc = ingest_invalid(x, FIELD_BRAND, p, len, 0,
                                "not a brand of this case (case.ini)");
        else
            rc = ingest_put(x, FIELD_BRAND, id, strlen(id), 0);
        if (rc != TOCSIN_OK)
            return rc;
    }
    if (it->brand == NULL)
        ingest_problem(x, FIELD_BRAND, "no brand");
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (ingest_value(x, row, plain[i], &p, &len) &&
            (rc = ingest_put(x, plain[i], p, len, 0)) != TOCSIN_OK)
            return rc;
    if (ingest_value(x, row, FIELD_CONTRACT_END, &p, &len) &&
        (rc = ingest_date(x, FIELD_CONTRACT_END, p, len)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_LANGUAGE, &p, &len)) {
        if (len == 2 &&
            (strncasecmp(p, "nl", 2) == 0 || strncasecmp(p, "en", 2) == 0)) {
            char lang[2] = {(char)(p[0] | 0x20), (char)(p[1] | 0x20)};

            rc = ingest_put(x, FIELD_LANGUAGE, lang, 2, 0);
        } else {
            rc = ingest_invalid(x, FIELD_LANGUAGE, p, len, 0,
                                "not a language tocsin writes (nl, en)");
        }
        if (rc != TOCSIN_OK)
            return rc;
    }
    if (ingest_value(x, row, FIELD_NOTES, &p, &len)) {
        uint32_t flags = 0;

        if (x->nl && bsn_scan(p, len, ingest_bsn_found, &found) >= 0 &&
            found) {
            ingest_problem(x, FIELD_NOTES, "holds a BSN");
            *bsn_seen = 1;
            flags = 1;
        }
        if ((rc = ingest_put(x, FIELD_NOTES, p, len, flags)) != TOCSIN_OK)
            return rc;
    }
    return TOCSIN_OK;
}

/* Normalise one good row into x->rec and the item. */
static int
ingest_fields(struct ingest_ctx *x, struct ingest_item *it,
              struct ingest_batch *b, const struct reader_row *row)
{
    const char *p;
    size_t len, i;
    int rc, f, bsn_seen = 0;

    if ((rc = ingest_rest(x, it, row, &bsn_seen)) != TOCSIN_OK ||
        (rc = ingest_names(x, row)) != TOCSIN_OK ||
        (rc = ingest_address(x, row)) != TOCSIN_OK ||
        (rc = ingest_identity(x, row, &bsn_seen)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_PHONE, &p, &len) &&
        (rc = ingest_phone(x, it, b, FIELD_PHONE, p, len)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_MOBILE, &p, &len) &&
        (rc = ingest_phone(x, it, b, FIELD_MOBILE, p, len)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_EMAIL, &p, &len) &&
        (rc = ingest_email(x, it, b, p, len)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_IBAN, &p, &len) &&
        (rc = ingest_iban(x, it, b, p, len)) != TOCSIN_OK)
        return rc;
    if (ingest_value(x, row, FIELD_BIRTH_DATE, &p, &len) &&
        (rc = ingest_date(x, FIELD_BIRTH_DATE, p, len)) != TOCSIN_OK)
        return rc;

    for (f = 0; f < FIELD_COUNT; f++) {
        enum category cat;

        if (x->rec.val[f] == NULL)
            continue;
        if (x->rec.flags[f] & RECORD_INVALID)
            it->problems |= 1u << f;
        cat = field_category((enum field)f);
        if (cat != CATEGORY_NONE)
            it->present |= 1u << cat;
    }
    if (bsn_seen)
        it->present |= 1u << CATEGORY_NATIONAL_ID;
    for (i = 0; i < row->nfields && i < x->nfields_mapped; i++)
        if (x->fields[i] == FIELD_NONE && row->fields[i].ptr != NULL &&
            row->fields[i].len > 0) {
            it->present |= 1u << CATEGORY_EXTRA;
            break;
        }
    return TOCSIN_OK;
}

/* --- columns ------------------------------------------------------------ */

/* Map the reader's columns to fields; again when JSON Lines added keys.
 * Under sh->mu. */
static int
ingest_map_columns(struct ingest_shared *sh)
{
    const struct source_span *names;
    const char **heads;
    enum field *fields;
    size_t *lens, n, i;
    struct buf why;
    int rc, f;

    reader_columns(sh->r, &names, &n);
    if (n == sh->nfields_mapped && sh->fields != NULL)
        return TOCSIN_OK;
    heads = calloc(n ? n : 1, sizeof(*heads));
    lens = calloc(n ? n : 1, sizeof(*lens));
    fields = calloc(n ? n : 1, sizeof(*fields));
    if (heads == NULL || lens == NULL || fields == NULL) {
        free(heads);
        free(lens);
        free(fields);
        return TOCSIN_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        heads[i] = names[i].ptr;
        lens[i] = names[i].len;
    }
    buf_init(&why, 1024);
    rc = mapping_resolve(sh->map, heads, lens, n, fields, &why);
    if (rc != TOCSIN_OK)
        snprintf(sh->msg, sizeof(sh->msg), "%s", buf_str(&why));
    buf_free(&why);
    free(heads);
    free(lens);
    if (rc != TOCSIN_OK) {
        free(fields);
        return rc;
    }
    free(sh->fields);
    sh->fields = fields;
    for (f = 0; f < FIELD_COUNT; f++)
        sh->col_of[f] = -1;
    for (i = 0; i < n; i++)
        if (fields[i] != FIELD_NONE)
            sh->col_of[fields[i]] = (int)i;
    sh->nfields_mapped = n;
    return TOCSIN_OK;
}

/* --- reading a batch (under sh->mu) ------------------------------------- */

/* Copy one reader row into the batch; pointers become offsets into
 * b->input until ingest_batch_fix(). */
static int
ingest_copy_row(struct ingest_batch *b, const struct reader_row *row)
{
    struct reader_row *in = &b->in[b->nin];
    size_t i, need, bytes, at;
    void *room;
    char *p;
    int rc;

    *in = *row;
    in->error_key.ptr = NULL;
    in->error_key.len = 0;
    if (row->fields == NULL)
        in->nfields = 0;
    need = b->nspans + in->nfields;
    room = grow(b->spans, &b->spans_cap, need, sizeof(*b->spans), 4096);
    if (room == NULL)
        return TOCSIN_ENOMEM;
    b->spans = room;
    /* One extension of the input buffer for the row and its fields. */
    bytes = row->raw_len;
    for (i = 0; i < in->nfields; i++)
        if (row->fields[i].ptr != NULL)
            bytes += row->fields[i].len;
    at = buf_len(&b->input);
    if ((rc = buf_extend(&b->input, bytes, &p)) != TOCSIN_OK)
        return rc;
    in->raw = (const char *)(uintptr_t)at;
    memcpy(p, row->raw, row->raw_len);
    at += row->raw_len;
    p += row->raw_len;
    in->fields = (const struct source_span *)(uintptr_t)b->nspans;
    for (i = 0; i < in->nfields; i++) {
        struct source_span *sp = &b->spans[b->nspans + i];

        sp->len = row->fields[i].len;
        if (row->fields[i].ptr == NULL) {
            sp->ptr = NULL;
            continue;
        }
        /* offset + 1, so that 0 stays "absent" */
        sp->ptr = (const char *)(uintptr_t)(at + 1);
        memcpy(p, row->fields[i].ptr, sp->len);
        at += sp->len;
        p += sp->len;
    }
    b->nspans = need;
    b->nin++;
    return TOCSIN_OK;
}

/* Turn the offsets of the batch's rows into pointers. */
static void
ingest_batch_fix(struct ingest_batch *b)
{
    const char *base = b->input.data;
    size_t i, j;

    for (i = 0; i < b->nspans; i++)
        if (b->spans[i].ptr != NULL)
            b->spans[i].ptr = base + ((uintptr_t)b->spans[i].ptr - 1);
    for (i = 0; i < b->nin; i++) {
        struct reader_row *in = &b->in[i];

        j = (uintptr_t)in->fields;
        in->fields = in->error ? NULL : b->spans + j;
        in->raw = base + (uintptr_t)in->raw;
    }
}

/* Take the next batch slot and fill it from the reader: NULL when there
 * is nothing more to do (the end, a failure, or the writer stopped). */
static struct ingest_batch *
ingest_read_batch(struct ingest_shared *sh)
{
    struct reader_stats st;
    struct reader_row row;
    struct ingest_batch *b;
    int rc = TOCSIN_OK, more = 1;

    pthread_mutex_lock(&sh->mu);
    if (sh->eof || sh->stop || sh->fatal) {
        pthread_mutex_unlock(&sh->mu);
        return NULL;
    }
    /* The slot of the next sequence number; look again after waiting,
     * since the other worker may have taken that number meanwhile. */
    while ((b = sh->ring[sh->next_seq % INGEST_RING])->busy && !sh->stop &&
           !sh->eof && !sh->fatal)
        pthread_cond_wait(&sh->cv, &sh->mu);
    if (sh->stop || sh->eof || sh->fatal) {
        pthread_mutex_unlock(&sh->mu);
        return NULL;
    }
    b->seq = sh->next_seq++;
    b->busy = 1;
    b->n = b->nin = b->nspans = 0;
    b->last = 0;
    buf_reset(&b->arena);
    buf_reset(&b->input);
    b->first_id = sh->base_id + (int64_t)sh->rows_read;
    while (b->nin < INGEST_BATCH) {
        more = reader_next(sh->r, &row);
        if (more <= 0) {
            if (more < 0) {
                rc = more;
                snprintf(sh->msg, sizeof(sh->msg), "%s",
                         reader_message(sh->r));
            }
            break;
        }
        if (!row.error && (rc = ingest_map_columns(sh)) != TOCSIN_OK)
            break;
        if ((rc = ingest_copy_row(b, &row)) != TOCSIN_OK) {
            snprintf(sh->msg, sizeof(sh->msg), "line %llu: %s",
                     (unsigned long long)row.line, tocsin_strerror(rc));
            break;
        }
        sh->rows_read++;
    }
    if (more <= 0 || rc != TOCSIN_OK) {
        sh->eof = 1;
        b->last = 1;
        if (rc != TOCSIN_OK)
            sh->fatal = rc;
    }
    reader_stats(sh->r, &st);
    b->raw_bytes = st.raw_bytes;
    free(b->fields);
    b->fields = malloc((sh->nfields_mapped ? sh->nfields_mapped : 1) *
                       sizeof(*b->fields));
    if (b->fields == NULL) {
        sh->fatal = TOCSIN_ENOMEM;
        b->last = 1;
        sh->eof = 1;
    } else if (sh->nfields_mapped > 0) {
        memcpy(b->fields, sh->fields, sh->nfields_mapped * sizeof(*b->fields));
    }
    b->nfields = sh->nfields_mapped;
    memcpy(b->col_of, sh->col_of, sizeof(b->col_of));
    pthread_mutex_unlock(&sh->mu);
    ingest_batch_fix(b);
    return b;
}

/* --- normalising a batch (in parallel) ---------------------------------- */

/* Seal bytes with context into the batch arena. */
static int
ingest_seal(struct ingest_ctx *x, struct ingest_batch *b,
            struct ingest_item *it, const void *p, size_t len)
{
    it->sealed = buf_len(&b->arena);
    if (seal_encrypt(x->seal, buf_str(&x->ctxname), p, len, &b->arena) !=
        TOCSIN_OK)
        return TOCSIN_ECRYPTO;
    it->sealed_len = buf_len(&b->arena) - it->sealed;
    return TOCSIN_OK;
}

/* The row's columns as given, for the record. */
static int
ingest_columns(struct ingest_ctx *x, const struct reader_row *row)
{
    size_t i;

    if (row->nfields > x->colcap) {
        size_t cap = row->nfields < 64 ? 64 : row->nfields;
        const char **v = realloc(x->colv, cap * sizeof(*v));
        size_t *l;

        if (v == NULL)
            return TOCSIN_ENOMEM;
        x->colv = v;
        l = realloc(x->coll, cap * sizeof(*l));
        if (l == NULL)
            return TOCSIN_ENOMEM;
        x->coll = l;
        x->colcap = cap;
    }
    for (i = 0; i < row->nfields; i++) {
        x->colv[i] = row->fields[i].ptr;
        x->coll[i] = row->fields[i].len;
    }
    x->rec.ncols = row->nfields;
    x->rec.colv = x->colv;
    x->rec.coll = x->coll;
    return TOCSIN_OK;
}

/* "record:ID", the context a record is sealed with (cheaper than
 * printf for every record). */
static int
ingest_context(struct buf *out, int64_t id)
{
    char num[24];
    size_t n = sizeof(num);
    uint64_t v = (uint64_t)id;
    int rc;

    do {
        num[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if ((rc = buf_append(out, "record:", 7)) != TOCSIN_OK)
        return rc;
    return buf_append(out, num + n, sizeof(num) - n);
}

static int
ingest_reject(struct ingest_ctx *x, struct ingest_batch *b,
              const struct reader_row *row, const char *reason)
{
    struct ingest_item *it = &b->items[b->n];
    int rc;

    memset(it, 0, sizeof(*it));
    it->reject = 1;
    it->line = row->line;
    it->offset = row->offset;
    it->column = row->error ? row->error_column : 0;
    it->reason = buf_len(&b->arena);
    if ((rc = buf_append(&b->arena, reason, strlen(reason) + 1)) != TOCSIN_OK)
        return rc;
    buf_reset(&x->ctxname);
    if ((rc =
             buf_printf(&x->ctxname, "reject:%lld:%llu:%llu",
                        (long long)x->source_id, (unsigned long long)row->line,
                        (unsigned long long)row->offset)) != TOCSIN_OK)
        return rc;
    if ((rc = ingest_seal(x, b, it, row->raw, row->raw_len)) != TOCSIN_OK)
        return rc;
    b->n++;
    x->rejected++;
    return TOCSIN_OK;
}

static int
ingest_row(struct ingest_ctx *x, struct ingest_batch *b,
           const struct reader_row *row, int64_t id)
{
    struct ingest_item *it = &b->items[b->n];
    char reason[160];
    int rc;

    if (row->error) {
        snprintf(reason, sizeof(reason), "%s", row->error_text);
        return ingest_reject(x, b, row, reason);
    }
    if (x->csv && row->nfields != x->nfields_mapped) {
        snprintf(reason, sizeof(reason), "has %zu fields, the header has %zu",
                 row->nfields, x->nfields_mapped);
        return ingest_reject(x, b, row, reason);
    }
    memset(it, 0, sizeof(*it));
    it->line = row->line;
    it->offset = row->offset;
    it->id = id;
    it->email_mask = it->phone_mask = it->iban_mask = INGEST_NONE;
    record_clear(&x->rec);
    x->vals_used = 0;
    x->row = row;
    rc = ingest_fields(x, it, b, row);
    if (rc == TOCSIN_ELIMIT) {
        snprintf(reason, sizeof(reason), "longer than tocsin keeps a record");
        return ingest_reject(x, b, row, reason);
    }
    if (rc != TOCSIN_OK)
        return rc;
    if ((rc = ingest_columns(x, row)) != TOCSIN_OK)
        return rc;
    buf_reset(&x->enc);
    if ((rc = record_encode(&x->rec, &x->enc)) != TOCSIN_OK)
        return rc;
    buf_reset(&x->ctxname);
    if ((rc = ingest_context(&x->ctxname, id)) != TOCSIN_OK)
        return rc;
    rc = ingest_seal(x, b, it, buf_str(&x->enc), buf_len(&x->enc));
    sodium_memzero(x->enc.data, buf_len(&x->enc));
    if (rc != TOCSIN_OK)
        return rc;
    x->accepted++;
    b->n++;
    return TOCSIN_OK;
}

static void
ingest_fail(struct ingest_shared *sh, int rc, const char *what)
{
    pthread_mutex_lock(&sh->mu);
    if (sh->fatal == 0) {
        sh->fatal = rc;
        snprintf(sh->msg, sizeof(sh->msg), "%s: %s", what,
                 tocsin_strerror(rc));
    }
    pthread_cond_broadcast(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
}

static void *
ingest_worker(void *arg)
{
    struct ingest_ctx *x = arg;
    struct ingest_shared *sh = x->sh;
    struct ingest_batch *b;
    size_t i;
    int rc = TOCSIN_OK;

    while ((b = ingest_read_batch(sh)) != NULL) {
        x->fields = b->fields;
        x->nfields_mapped = b->nfields;
        x->col_of = b->col_of;
        for (i = 0; i < b->nin && rc == TOCSIN_OK; i++)
            rc = ingest_row(x, b, &b->in[i], b->first_id + (int64_t)i);
        if (rc != TOCSIN_OK) {
            ingest_fail(sh, rc, "normalising a row");
            return NULL;
        }
        pthread_mutex_lock(&sh->mu);
        b->full = 1;
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
    }
    return NULL;
}

/* --- the writer --------------------------------------------------------- */

static const char *
ingest_at(const struct ingest_batch *b, size_t off)
{
    return off == INGEST_NONE ? NULL : b->arena.data + off;
}

static int
ingest_write_batch(struct ingest_shared *sh, struct store *s,
                   const struct ingest_batch *b)
{
    size_t i;
    int rc = TOCSIN_OK, h;

    for (i = 0; i < b->n; i++) {
        const struct ingest_item *it = &b->items[i];

        if (it->reject) {
            struct store_reject rj = {
                .source_id = sh->source_id,
                .line = it->line,
                .byte_offset = it->offset,
                .column = it->column,
                .reason = ingest_at(b, it->reason),
                .sealed = b->arena.data + it->sealed,
                .sealed_len = it->sealed_len,
            };

            rc = store_reject_add(s, &rj);
        } else {
            const unsigned char *hp[HASH_COUNT];
            struct store_record r;

            for (h = 0; h < HASH_COUNT; h++)
                hp[h] = (it->hashes_set & (1u << h)) ? it->hash[h] : NULL;
            r.id = it->id;
            r.source_id = sh->source_id;
            r.line = it->line;
            r.brand = it->brand;
            r.present = it->present;
            r.problems = it->problems;
            r.rid_hash = hp[HASH_RID];
            r.email_hash = hp[HASH_EMAIL];
            r.phone_hash = hp[HASH_PHONE];
            r.mobile_hash = hp[HASH_MOBILE];
            r.iban_hash = hp[HASH_IBAN];
            r.email_mask = ingest_at(b, it->email_mask);
            r.phone_mask = ingest_at(b, it->phone_mask);
            r.iban_mask = ingest_at(b, it->iban_mask);
            r.sealed = b->arena.data + it->sealed;
            r.sealed_len = it->sealed_len;
            rc = store_record_add(s, &r);
        }
        if (rc != TOCSIN_OK)
            return rc;
    }
    return TOCSIN_OK;
}

/* Take batches in reading order until the last; commits every
 * INGEST_COMMIT_ROWS rows. */
static int
ingest_writer(struct ingest_shared *sh, struct store *s, struct progress *pr)
{
    uint64_t since_commit = 0, rows = 0, seq = 0;
    int rc, last = 0, fatal;

    rc = store_begin(s);
    while (rc == TOCSIN_OK && !last) {
        struct ingest_batch *b = sh->ring[seq % INGEST_RING];

        pthread_mutex_lock(&sh->mu);
        while (!(b->full && b->seq == seq) && sh->fatal == 0)
            pthread_cond_wait(&sh->cv, &sh->mu);
        fatal = b->full && b->seq == seq ? 0 : sh->fatal;
        pthread_mutex_unlock(&sh->mu);
        if (fatal != 0)
            break; /* a worker failed: nothing more comes */

        rc = ingest_write_batch(sh, s, b);
        since_commit += b->n;
        rows += b->nin;
        last = b->last;
        if (rc == TOCSIN_OK && since_commit >= INGEST_COMMIT_ROWS) {
            rc = store_commit(s);
            if (rc == TOCSIN_OK)
                rc = store_begin(s);
            since_commit = 0;
        }
        progress_items(pr, rows, "rows");
        progress_update(pr, b->raw_bytes);
        pthread_mutex_lock(&sh->mu);
        b->full = 0;
        b->busy = 0;
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
        seq++;
    }
    if (rc != TOCSIN_OK || !last) {
        store_rollback(s);
        pthread_mutex_lock(&sh->mu);
        sh->stop = 1;
        pthread_cond_broadcast(&sh->cv);
        pthread_mutex_unlock(&sh->mu);
        return rc;
    }
    return store_commit(s);
}

/* --- the whole file ----------------------------------------------------- */

/* A quick fingerprint of a regular file: its size and the BLAKE2b of its
 * first and last MiB. Files that differ here differ; files that agree are
 * compared by their full hash. 0 and *ok = 0 when path is not a regular
 * file. */
static int
ingest_quick_hash(const char *path, unsigned char out[STORE_HASH_BYTES],
                  int *ok)
{
    crypto_generichash_state st;
    unsigned char *block;
    struct stat sb;
    size_t n;
    FILE *f;

    *ok = 0;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return TOCSIN_OK;
    f = fopen(path, "rb");
    if (f == NULL)
        return TOCSIN_OK; /* reader_open() will say why */
    block = malloc(1u << 20);
    if (block == NULL) {
        fclose(f);
        return TOCSIN_ENOMEM;
    }
    crypto_generichash_init(&st, NULL, 0, STORE_HASH_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)&sb.st_size,
                              sizeof(sb.st_size));
    n = fread(block, 1, 1u << 20, f);
    crypto_generichash_update(&st, block, n);
    if (sb.st_size > (off_t)(2u << 20) &&
        fseeko(f, sb.st_size - (off_t)(1u << 20), SEEK_SET) == 0) {
        n = fread(block, 1, 1u << 20, f);
        crypto_generichash_update(&st, block, n);
    }
    crypto_generichash_final(&st, out, STORE_HASH_BYTES);
    free(block);
    fclose(f);
    *ok = 1;
    return TOCSIN_OK;
}

/* The full BLAKE2b-256 of a regular file, read once more. */
static int
ingest_full_hash(const char *path, unsigned char out[SOURCE_HASH_BYTES])
{
    struct source *src;
    unsigned char *block;
    size_t got;
    int rc;

    rc = source_open(path, &src);
    if (rc != TOCSIN_OK)
        return rc;
    block = malloc(1u << 20);
    if (block == NULL) {
        source_free(src);
        return TOCSIN_ENOMEM;
    }
    do
        rc = source_read(src, block, 1u << 20, &got);
    while (rc == TOCSIN_OK && got > 0);
    if (rc == TOCSIN_OK)
        rc = source_hash(src, out);
    free(block);
    source_free(src);
    return rc;
}

static int
ingest_problem_cmp(const void *a, const void *b)
{
    const struct ingest_problem *p = a, *q = b;

    if (p->field != q->field)
        return p->field < q->field ? -1 : 1;
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return strcmp(p->what, q->what);
}

/* Copy the column names and fields into the result. */
static int
ingest_keep_columns(struct ingest_shared *sh, struct ingest_result *res)
{
    const struct source_span *names;
    char esc[LIMIT_LOG_FIELD + 8];
    size_t n, i;

    reader_columns(sh->r, &names, &n);
    res->columns = calloc(n ? n : 1, sizeof(*res->columns));
    res->fields = calloc(n ? n : 1, sizeof(*res->fields));
    if (res->columns == NULL || res->fields == NULL)
        return TOCSIN_ENOMEM;
    for (i = 0; i < n; i++) {
        res->columns[i] = strdup(log_escape(names[i].ptr, esc, sizeof(esc)));
        if (res->columns[i] == NULL)
            return TOCSIN_ENOMEM;
        res->fields[i] = i < sh->nfields_mapped ? sh->fields[i] : FIELD_NONE;
        res->ncolumns = i + 1;
    }
    return TOCSIN_OK;
}

/* Add a worker's problem counts to the result's. */
static int
ingest_merge_problems(struct ingest_result *res, const struct ingest_ctx *x)
{
    size_t i, j;

    for (i = 0; i < x->nproblems; i++) {
        const struct ingest_problem *p = &x->problems[i];

        for (j = 0; j < res->nproblems; j++)
            if (res->problems[j].field == p->field &&
                strcmp(res->problems[j].what, p->what) == 0)
                break;
        if (j == res->nproblems) {
            struct ingest_problem *q =
                realloc(res->problems, (res->nproblems + 1) * sizeof(*q));

            if (q == NULL)
                return TOCSIN_ENOMEM;
            res->problems = q;
            q[j] = *p;
            q[j].count = 0;
            res->nproblems++;
        }
        res->problems[j].count += p->count;
    }
    return TOCSIN_OK;
}

static int
ingest_worker_setup(struct ingest_ctx *x, struct ingest_shared *sh)
{
    x->sh = sh;
    x->cfg = sh->cfg;
    x->seal = sh->seal;
    x->o = sh->o;
    x->vals_cap = 2 * (size_t)LIMIT_LINE_BYTES + 65536;
    x->vals = malloc(x->vals_cap);
    buf_init(&x->tmp, LIMIT_LINE_BYTES);
    buf_init(&x->enc, 4 * (size_t)LIMIT_LINE_BYTES);
    buf_init(&x->ctxname, 128);
    name_parts_init(&x->np);
    return x->vals == NULL ? TOCSIN_ENOMEM : TOCSIN_OK;
}

static void
ingest_worker_free(struct ingest_ctx *x)
{
    if (x->vals != NULL) {
        sodium_memzero(x->vals, x->vals_cap);
        free(x->vals);
    }
    buf_wipe(&x->tmp);
    buf_wipe(&x->enc);
    buf_free(&x->ctxname);
    name_parts_free(&x->np);
    free(x->problems);
    free(x->colv);
    free(x->coll);
}

static int
ingest_shared_setup(struct ingest_shared *sh)
{
    int i;

    pthread_mutex_init(&sh->mu, NULL);
    pthread_cond_init(&sh->cv, NULL);
    for (i = 0; i < FIELD_COUNT; i++)
        sh->col_of[i] = -1;
    for (i = 0; i < INGEST_RING; i++) {
        sh->ring[i] = calloc(1, sizeof(*sh->ring[i]));
        if (sh->ring[i] == NULL)
            return TOCSIN_ENOMEM;
        buf_init(&sh->ring[i]->arena,
                 (size_t)INGEST_BATCH * 8 * (size_t)LIMIT_LINE_BYTES);
        buf_init(&sh->ring[i]->input,
                 (size_t)INGEST_BATCH * 2 * (size_t)LIMIT_LINE_BYTES);
    }
    return TOCSIN_OK;
}

static void
ingest_shared_free(struct ingest_shared *sh)
{
    int i;

    for (i = 0; i < INGEST_RING; i++) {
        if (sh->ring[i] == NULL)
            continue;
        buf_wipe(&sh->ring[i]->arena);
        buf_wipe(&sh->ring[i]->input);
        free(sh->ring[i]->spans);
        free(sh->ring[i]->fields);
        free(sh->ring[i]);
    }
    free(sh->fields);
    mapping_free(sh->map);
    reader_free(sh->r);
    pthread_mutex_destroy(&sh->mu);
    pthread_cond_destroy(&sh->cv);
}

static int ingest_why(struct buf *why, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ingest_why(struct buf *why, const char *path, const char *fmt, ...)
{
    char esc[LIMIT_LOG_FIELD + 8];
    va_list ap;

    if (why == NULL)
        return 0;
    if (buf_printf(why, "%s: ", log_escape(path, esc, sizeof(esc))) !=
        TOCSIN_OK)
        return 0;
    va_start(ap, fmt);
    if (buf_vprintf(why, fmt, ap) != TOCSIN_OK)
        buf_reset(why);
    va_end(ap);
    return 0;
}

/* Load the column map and find the brand that applies. */
static int
ingest_prepare(struct ingest_shared *sh, const char *path, struct buf *why)
{
    struct buf mwhy;
    int rc;

    if (sh->o->map_path != NULL) {
        buf_init(&mwhy, 1024);
        rc = mapping_load(sh->o->map_path, &sh->map, &mwhy);
        if (rc == TOCSIN_ECONFIG) {
            if (why != NULL && buf_appends(why, buf_str(&mwhy)) != TOCSIN_OK)
                buf_reset(why);
        } else if (rc != TOCSIN_OK) {
            ingest_why(why, sh->o->map_path, "cannot read the map file: %s",
                       tocsin_strerror(rc));
        }
        buf_free(&mwhy);
        if (rc != TOCSIN_OK)
            return rc;
    } else {
        sh->map = mapping_default();
    }
    sh->nl = strcmp(mapping_country(sh->map), "NL") == 0;
    if (sh->o->brand != NULL) {
        sh->fixed_brand =
            ingest_brand(sh->cfg, sh->o->brand, strlen(sh->o->brand));
        if (sh->fixed_brand == NULL) {
            ingest_why(why, path,
                       "--brand %s is not a brand of this case; case.ini "
                       "has [brand NAME] sections for those",
                       sh->o->brand);
            return TOCSIN_EINVAL;
        }
    } else if (sh->cfg->nbrands == 1) {
        sh->fixed_brand = sh->cfg->brands[0].id;
    }
    return TOCSIN_OK;
}

/* Open the reader and map its columns. */
static int
ingest_open(struct ingest_shared *sh, const char *path, struct buf *why)
{
    struct reader_options ro = {0};
    int rc;

    ro.format = sh->o->format;
    ro.delimiter =
        sh->o->delimiter ? sh->o->delimiter : (char)mapping_delimiter(sh->map);
    rc = reader_open(path, &ro, &sh->r, sh->msg, sizeof(sh->msg));
    if (rc != TOCSIN_OK) {
        ingest_why(why, path, "%s",
                   sh->msg[0] ? sh->msg : tocsin_strerror(rc));
        return rc;
    }
    rc = ingest_map_columns(sh);
    if (rc != TOCSIN_OK)
        ingest_why(why, path, "%s", sh->msg);
    return rc;
}

/* Read, normalise and store the whole file under the registered source. */
static int
ingest_run(struct ingest_shared *sh, struct ingest_ctx *w, struct store *s,
           struct progress *pr)
{
    int i, rc, csv = reader_format(sh->r) == READER_CSV;

    for (i = 0; i < INGEST_WORKERS; i++) {
        rc = ingest_worker_setup(&w[i], sh);
        if (rc != TOCSIN_OK)
            return rc;
        w[i].nl = sh->nl;
        w[i].fixed_brand = sh->fixed_brand;
        w[i].source_id = sh->source_id;
        w[i].csv = csv;
    }
    for (i = 0; i < INGEST_WORKERS; i++) {
        if (pthread_create(&w[i].thread, NULL, ingest_worker, &w[i]) != 0) {
            ingest_fail(sh, TOCSIN_ENOMEM, "starting a thread");
            break;
        }
        w[i].started = 1;
    }
    rc = ingest_writer(sh, s, pr);
    for (i = 0; i < INGEST_WORKERS; i++)
        if (w[i].started) {
            pthread_join(w[i].thread, NULL);
            w[i].started = 0;
        }
    if (rc == TOCSIN_OK && sh->fatal != 0)
        rc = sh->fatal;
    return rc;
}

int
ingest_file(struct casedir *c, const char *path,
            const struct ingest_options *o, struct ingest_result *res,
            struct buf *why)
{
    unsigned char quick[STORE_HASH_BYTES], full[SOURCE_HASH_BYTES];
    struct ingest_ctx w[INGEST_WORKERS];
    struct store *s = casedir_store(c);
    struct store_source src = {0};
    struct ingest_shared sh;
    struct reader_stats st;
    struct progress *pr = NULL;
    struct buf summary;
    double t0 = clock_now();
    int rc, i, quick_ok, removed;
    int64_t dup;

    memset(res, 0, sizeof(*res));
    memset(&sh, 0, sizeof(sh));
    memset(w, 0, sizeof(w));
    sh.cfg = casedir_config(c);
    sh.seal = casedir_seal(c);
    sh.o = o;
    buf_init(&summary, 1u << 20);
    if ((rc = ingest_shared_setup(&sh)) != TOCSIN_OK)
        goto out;

    if ((rc = ingest_prepare(&sh, path, why)) != TOCSIN_OK)
        goto out;
    /* Already in the case? */
    if ((rc = ingest_quick_hash(path, quick, &quick_ok)) != TOCSIN_OK)
        goto out;
    if (quick_ok && store_source_find(s, quick, NULL, &dup) == TOCSIN_OK &&
        ingest_full_hash(path, full) == TOCSIN_OK &&
        store_source_find(s, NULL, full, &dup) == TOCSIN_OK) {
        res->duplicate = 1;
        res->source_id = dup;
        goto out;
    }
    if ((rc = ingest_open(&sh, path, why)) != TOCSIN_OK)
        goto out;

    /* Clean up after an interrupted ingest, then register this one. */
    if ((rc = store_begin(s)) != TOCSIN_OK)
        goto dberr;
    rc = store_source_cleanup(s, &removed);
    if (rc == TOCSIN_OK && removed > 0)
        log_info("removed %d unfinished ingest(s) of an earlier, interrupted "
                 "run",
                 removed);
    src.name = path;
    src.quick_hash = quick_ok ? quick : NULL;
    src.format = reader_format(sh.r) == READER_JSONL ? "jsonl" : "csv";
    src.compressed = source_is_gzip(reader_source(sh.r));
    src.brand = sh.fixed_brand;
    src.run_id = o->run_id;
    if (rc == TOCSIN_OK)
        rc = store_source_add(s, &src, &sh.source_id);
    if (rc == TOCSIN_OK)
        rc = store_record_max_id(s, &sh.base_id);
    if (rc != TOCSIN_OK) {
        store_rollback(s);
        goto dberr;
    }
    if ((rc = store_commit(s)) != TOCSIN_OK)
        goto dberr;
    sh.base_id++;

    if (o->progress)
        pr = progress_start("ingest",
                            source_size(reader_source(sh.r)) > 0
                                ? (uint64_t)source_size(reader_source(sh.r))
                                : 0);
    rc = ingest_run(&sh, w, s, pr);
    progress_end(pr);
    pr = NULL;
    if (rc != TOCSIN_OK) {
        if (sh.fatal != 0)
            ingest_why(why, path, "%s", sh.msg);
        else
            ingest_why(why, path, "case database: %s", store_errmsg(s));
        goto out;
    }
    log_debug("ingest: rows written after %.2f s", clock_now() - t0);

    /* The end: account, and look again for a duplicate (a pipe has no
     * quick hash). */
    reader_stats(sh.r, &st);
    res->source_id = sh.source_id;
    res->rows_read = sh.rows_read;
    for (i = 0; i < INGEST_WORKERS; i++) {
        res->accepted += w[i].accepted;
        res->rejected += w[i].rejected;
        if ((rc = ingest_merge_problems(res, &w[i])) != TOCSIN_OK)
            goto out;
    }
    res->blank_lines = st.blank_lines;
    res->bytes = st.raw_bytes;
    if ((rc = reader_hash(sh.r, full)) != TOCSIN_OK)
        goto out;
    if (store_source_find(s, NULL, full, &dup) == TOCSIN_OK) {
        if ((rc = store_begin(s)) == TOCSIN_OK &&
            (rc = store_source_remove(s, sh.source_id)) == TOCSIN_OK)
            rc = store_commit(s);
        else
            store_rollback(s);
        ingest_result_free(res);
        res->duplicate = 1;
        res->source_id = dup;
        if (rc != TOCSIN_OK)
            goto dberr;
        goto out;
    }
    if ((rc = ingest_keep_columns(&sh, res)) != TOCSIN_OK)
        goto out;
    qsort(res->problems, res->nproblems, sizeof(*res->problems),
          ingest_problem_cmp);
    res->seconds = clock_now() - t0;
    if ((rc = ingest_result_json(res, &summary)) != TOCSIN_OK)
        goto out;
    if ((rc = store_begin(s)) != TOCSIN_OK)
        goto dberr;
    if ((rc = store_source_finish(s, sh.source_id, full, st.raw_bytes,
                                  res->rows_read, res->accepted, res->rejected,
                                  buf_str(&summary))) != TOCSIN_OK) {
        store_rollback(s);
        goto dberr;
    }
    if ((rc = store_commit(s)) != TOCSIN_OK)
        goto dberr;
    goto out;
dberr:
    ingest_why(why, path, "case database: %s", store_errmsg(s));
out:
    progress_end(pr);
    res->seconds = clock_now() - t0;
    buf_free(&summary);
    for (i = 0; i < INGEST_WORKERS; i++)
        ingest_worker_free(&w[i]);
    ingest_shared_free(&sh);
    return rc;
}

void
ingest_result_free(struct ingest_result *res)
{
    size_t i;

    for (i = 0; i < res->ncolumns; i++)
        free(res->columns[i]);
    free(res->columns);
    free(res->fields);
    free(res->problems);
    memset(res, 0, sizeof(*res));
}

int
ingest_result_json(const struct ingest_result *res, struct buf *out)
{
    json_object *o = json_object_new_object(), *cols, *flags, *f = NULL;
    enum field last = FIELD_NONE;
    size_t i;
    int rc;

    if (o == NULL)
        return TOCSIN_ENOMEM;
    json_object_object_add(o, "rows_read",
                           json_object_new_int64((int64_t)res->rows_read));
    json_object_object_add(o, "accepted",
                           json_object_new_int64((int64_t)res->accepted));
    json_object_object_add(o, "rejected",
                           json_object_new_int64((int64_t)res->rejected));
    json_object_object_add(o, "blank_lines",
                           json_object_new_int64((int64_t)res->blank_lines));
    json_object_object_add(o, "duplicate",
                           json_object_new_boolean(res->duplicate));
    json_object_object_add(o, "bytes",
                           json_object_new_int64((int64_t)res->bytes));
    json_object_object_add(o, "seconds", json_object_new_double(res->seconds));
    cols = json_object_new_array();
    for (i = 0; i < res->ncolumns; i++) {
        json_object *c = json_object_new_object();

        json_object_object_add(c, "name",
                               json_object_new_string(res->columns[i]));
        json_object_object_add(
            c, "field",
            json_object_new_string(res->fields[i] == FIELD_NONE
                                       ? "extra"
                                       : field_name(res->fields[i])));
        json_object_array_add(cols, c);
    }
    json_object_object_add(o, "columns", cols);
    flags = json_object_new_object();
    for (i = 0; i < res->nproblems; i++) {
        const struct ingest_problem *p = &res->problems[i];

        if (f == NULL || p->field != last) {
            f = json_object_new_object();
            json_object_object_add(flags, field_name(p->field), f);
            last = p->field;
        }
        json_object_object_add(f, p->what,
                               json_object_new_int64((int64_t)p->count));
    }
    json_object_object_add(o, "flags", flags);
    rc = buf_appends(
        out, json_object_to_json_string_ext(
                 o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return rc;
}
