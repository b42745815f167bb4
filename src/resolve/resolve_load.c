/*
 * resolve_load.c - every record of the case, unsealed and reduced to what
 * the comparisons need (struct rfeat).
 *
 * unseal.h reads and opens the records on two threads; each reduces its
 * records into its own string arena. Plaintext lives only in a worker's
 * scratch buffers and is wiped after each record; what stays in memory are
 * name keys and keyed hashes.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../ingest/address.h"
#include "../ingest/date.h"
#include "../ingest/email.h"
#include "../ingest/ingest.h"
#include "../ingest/name.h"
#include "../ingest/phone.h"
#include "../store/store.h"
#include "../store/unseal.h"
#include "nickname.h"
#include "resolve_int.h"

/* A 64-bit hash of a value under a kind; never 0. Memory only: the key is
 * random per run. */
static uint64_t
load_hash(const unsigned char *key, unsigned kind, const char *p, size_t len)
{
    unsigned char in[LIMIT_RESOLVE_VALUE + 1], out[crypto_shorthash_BYTES];
    uint64_t h;

    if (len > LIMIT_RESOLVE_VALUE)
        len = LIMIT_RESOLVE_VALUE;
    in[0] = (unsigned char)kind;
    memcpy(in + 1, p, len);
    crypto_shorthash(out, in, len + 1, key);
    memcpy(&h, out, sizeof(h));
    return h != 0 ? h : 1;
}

static int
load_val(const struct record *r, enum field f, const char **p, size_t *len)
{
    if (r->val[f] == NULL || r->len[f] == 0)
        return 0;
    *p = r->val[f];
    *len = r->len[f];
    return 1;
}

/* Append key without spaces to arena; its length (capped) to *len. */
static int
load_put(struct buf *arena, const char *p, size_t len, int nospace,
         uint8_t *olen)
{
    char tmp[LIMIT_RESOLVE_STRING];
    size_t i, n = 0;

    for (i = 0; i < len && n < LIMIT_RESOLVE_STRING; i++)
        if (!nospace || p[i] != ' ')
            tmp[n++] = p[i];
    *olen = (uint8_t)n;
    return buf_append(arena, tmp, n);
}

/* Digits of a date as given, for one that failed validation: 8 digits in
 * Y-M-D or D-M-Y order, else 0. */
static uint32_t
load_raw_date(const char *p, size_t len)
{
    char d[8];
    size_t i, n = 0;
    uint32_t v = 0, a, b;

    for (i = 0; i < len; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (n == 8)
                return 0;
            d[n++] = p[i];
        }
    }
    if (n != 8)
        return 0;
    for (i = 0; i < 8; i++)
        v = v * 10 + (uint32_t)(d[i] - '0');
    a = v / 10000; /* first four digits */
    b = v % 10000; /* last four */
    if (a >= 1800 && a <= 2100)
        return v;
    if (b >= 1800 && b <= 2100) /* DDMMYYYY */
        return b * 10000 + (a % 100) * 100 + a / 100;
    return 0;
}

static uint32_t
load_date(const struct record *r)
{
    const char *p;
    size_t len;

    if (!load_val(r, FIELD_BIRTH_DATE, &p, &len) ||
        (r->flags[FIELD_BIRTH_DATE] & DATE_PLACEHOLDER))
        return 0;
    if (r->flags[FIELD_BIRTH_DATE] & RECORD_INVALID)
        return load_raw_date(p, len);
    return date_ymd(p, len);
}

/* The first word of a key. */
static size_t
load_first_word(const char *p, size_t len)
{
    const char *sp = memchr(p, ' ', len);

    return sp != NULL ? (size_t)(sp - p) : len;
}

static int
load_names(const struct record *r, const unsigned char *hk, struct buf *arena,
           struct buf *scratch, struct rfeat *f)
{
    const char *p;
    size_t len, w;
    uint32_t groups[2];
    size_t ng;
    char init[LIMIT_RESOLVE_STRING];
    size_t ni = 0, i;
    int rc;

    /* first name: key and initials */
    if (load_val(r, FIELD_FIRST_NAME, &p, &len)) {
        if (r->flags[FIELD_FIRST_NAME] & INGEST_INITIALS)
            f->flags |= RF_INITIALS;
        /* initials: from name_initials() for a field of initials ("J.P.",
         * "JP"), else the first letter of each word of the key */
        if ((f->flags & RF_INITIALS) &&
            name_initials(p, len, scratch) == TOCSIN_OK) {
            for (i = 0; i < buf_len(scratch) && ni < sizeof(init); i++) {
                char c = buf_str(scratch)[i];

                init[ni++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        }
        if (!(f->flags & RF_INITIALS) &&
            name_key(p, len, scratch) == TOCSIN_OK && buf_len(scratch) > 0) {
            p = buf_str(scratch);
            len = buf_len(scratch);
            for (i = 0; i < len && ni < sizeof(init); i++)
                if ((i == 0 || p[i - 1] == ' ') && p[i] != ' ')
                    init[ni++] = p[i];
            w = load_first_word(p, len);
            f->h[RH_FIRST] = load_hash(hk, RH_FIRST, p, w);
            f->h[RH_FCANON] = f->h[RH_FIRST];
            f->initials = nickname_initials(p, w);
            ng = nickname_groups(p, w, groups, 2);
            for (i = 0; i < ng; i++)
                f->nick[i] = (uint16_t)groups[i];
            if (ng > 0)
                f->h[RH_FCANON] = load_hash(
                    hk, RH_FCANON, (const char *)groups, sizeof(groups[0]));
            if ((rc = load_put(arena, p, len, 0, &f->len[RS_FIRST])) !=
                TOCSIN_OK)
                return rc;
        }
    }
    if ((rc = load_put(arena, init, ni, 0, &f->len[RS_INIT])) != TOCSIN_OK)
        return rc;

    /* surname, and with its infix: "berg", "vandenberg" */
    {
        char last[LIMIT_RESOLVE_STRING], full[2 * LIMIT_RESOLVE_STRING];
        uint8_t ll = 0, il = 0;
        size_t n = 0;

        buf_reset(scratch);
        if (load_val(r, FIELD_INFIX, &p, &len) &&
            name_key(p, len, scratch) == TOCSIN_OK)
            for (i = 0; i < buf_len(scratch) && il < LIMIT_RESOLVE_STRING; i++)
                if (buf_str(scratch)[i] != ' ')
                    full[il++] = buf_str(scratch)[i];
        buf_reset(scratch);
        if (load_val(r, FIELD_LAST_NAME, &p, &len) &&
            name_key(p, len, scratch) == TOCSIN_OK)
            for (i = 0; i < buf_len(scratch) && ll < LIMIT_RESOLVE_STRING; i++)
                if (buf_str(scratch)[i] != ' ')
                    last[ll++] = buf_str(scratch)[i];
        memcpy(full + il, last, ll);
        n = il + (size_t)ll;
        if (n > LIMIT_RESOLVE_STRING)
            n = LIMIT_RESOLVE_STRING;
        if ((rc = load_put(arena, last, ll, 0, &f->len[RS_LAST])) !=
                TOCSIN_OK ||
            (rc = load_put(arena, full, n, 0, &f->len[RS_FULL])) != TOCSIN_OK)
            return rc;
        if (ll > 0)
            f->h[RH_LAST] = load_hash(hk, RH_LAST, last, ll);
        if (n > 0)
            f->h[RH_FULL] = load_hash(hk, RH_FULL, full, n);
    }
    return TOCSIN_OK;
}

static int
load_address(const struct record *r, const unsigned char *hk,
             struct buf *arena, struct buf *scratch, struct rfeat *f)
{
    char key[96];
    const char *p, *pc = NULL, *sfx = NULL;
    size_t len, pcl = 0, sl = 0, n = 0, i;
    int rc;

    if (load_val(r, FIELD_POSTCODE, &pc, &pcl)) {
        for (i = 0; i < pcl && n < 32; i++)
            if (pc[i] != ' ')
                key[n++] =
                    (char)(pc[i] >= 'a' && pc[i] <= 'z' ? pc[i] - 32 : pc[i]);
        f->h[RH_POSTCODE] = load_hash(hk, RH_POSTCODE, key, n);
    }
    if (load_val(r, FIELD_HOUSE_NUMBER, &p, &len)) {
        uint32_t v = 0;

        for (i = 0; i < len && i < 9; i++) {
            if (p[i] < '0' || p[i] > '9')
                break;
            v = v * 10 + (uint32_t)(p[i] - '0');
        }
        f->housenr = v;
    }
    if (f->h[RH_POSTCODE] != 0 && f->housenr != 0) {
        key[n++] = '|';
        memcpy(key + n, &f->housenr, sizeof(f->housenr));
        n += sizeof(f->housenr);
        f->h[RH_PCNR] = load_hash(hk, RH_PCNR, key, n);
        if (load_val(r, FIELD_HOUSE_NUMBER_SUFFIX, &sfx, &sl))
            for (i = 0; i < sl && n < sizeof(key); i++)
                if (sfx[i] != ' ' && sfx[i] != '-')
                    key[n++] =
                        (char)(sfx[i] >= 'a' && sfx[i] <= 'z' ? sfx[i] - 32
                                                              : sfx[i]);
        f->h[RH_ADDR] = load_hash(hk, RH_ADDR, key, n);
    }
    buf_reset(scratch);
    if (load_val(r, FIELD_STREET, &p, &len) &&
        name_key(p, len, scratch) == TOCSIN_OK &&
        (rc = load_put(arena, buf_str(scratch), buf_len(scratch), 1,
                       &f->len[RS_STREET])) != TOCSIN_OK)
        return rc;
    buf_reset(scratch);
    if (load_val(r, FIELD_CITY, &p, &len) &&
        name_key(p, len, scratch) == TOCSIN_OK && buf_len(scratch) > 0)
        f->h[RH_CITY] =
            load_hash(hk, RH_CITY, buf_str(scratch), buf_len(scratch));
    return TOCSIN_OK;
}

static void
load_phone(const struct record *r, enum field fld, const unsigned char *hk,
           struct rfeat *f)
{
    const char *p;
    size_t len;
    unsigned type;
    uint64_t h;

    if (!load_val(r, fld, &p, &len) || (r->flags[fld] & RECORD_INVALID))
        return;
    type = (r->flags[fld] >> 16) & 0xff;
    h = load_hash(hk, RH_MOBILE, p, len); /* one kind: same number, same
                                             hash in either field */
    if (type == PHONE_MOBILE || type == PHONE_FOREIGN) {
        if (f->h[RH_MOBILE] == 0)
            f->h[RH_MOBILE] = h;
        else if (f->h[RH_MOBILE] != h)
            f->h[RH_MOBILE2] = h;
    } else if (type == PHONE_FIXED || type == PHONE_OTHER) {
        f->h[RH_LANDLINE] = h;
    }
}

/* Reduce one decoded record. */
static int
load_record(const struct record *r, const unsigned char *hk, struct buf *arena,
            struct buf *scratch, struct rfeat *f)
{
    const char *p;
    size_t len;
    int rc;

    f->str = (uint32_t)buf_len(arena);
    if ((rc = load_names(r, hk, arena, scratch, f)) != TOCSIN_OK ||
        (rc = load_address(r, hk, arena, scratch, f)) != TOCSIN_OK)
        return rc;
    f->dob = load_date(r);
    if (f->dob != 0)
        f->h[RH_DOB] =
            load_hash(hk, RH_DOB, (const char *)&f->dob, sizeof(f->dob));
    if (load_val(r, FIELD_EMAIL, &p, &len) &&
        !(r->flags[FIELD_EMAIL] & RECORD_INVALID) &&
        email_key(p, len, scratch) == TOCSIN_OK)
        f->h[RH_EMAIL] =
            load_hash(hk, RH_EMAIL, buf_str(scratch), buf_len(scratch));
    load_phone(r, FIELD_PHONE, hk, f);
    load_phone(r, FIELD_MOBILE, hk, f);
    if (load_val(r, FIELD_IBAN, &p, &len))
        f->h[RH_IBAN] = load_hash(hk, RH_IBAN, p, len);
    if (load_val(r, FIELD_ID_DOC_NUMBER, &p, &len))
        f->h[RH_DOC] = load_hash(hk, RH_DOC, p, len);
    if (load_val(r, FIELD_NATIONAL_ID, &p, &len)) {
        f->h[RH_NID] = load_hash(hk, RH_NID, p, len);
        if ((r->flags[FIELD_NATIONAL_ID] & INGEST_CHECKED) &&
            !(r->flags[FIELD_NATIONAL_ID] & RECORD_INVALID))
            f->flags |= RF_NID_CHECKED;
        if ((rc = load_put(arena, p, len, 1, &f->len[RS_NID])) != TOCSIN_OK)
            return rc;
    }
    if (load_val(r, FIELD_CUSTOMER_NUMBER, &p, &len)) {
        char k[LIMIT_RESOLVE_VALUE];
        size_t n = len < sizeof(k) - 1 ? len : sizeof(k) - 1;

        k[0] = (char)f->brand;
        memcpy(k + 1, p, n);
        f->h[RH_CUST] = load_hash(hk, RH_CUST, k, n + 1);
    }
    return TOCSIN_OK;
}

int
rload_features(const struct record *r, const unsigned char *key,
               struct buf *arena, struct buf *scratch, struct rfeat *f)
{
    uint8_t brand = f->brand;
    int64_t id = f->id;

    memset(f, 0, sizeof(*f));
    f->brand = brand;
    f->id = id;
    return load_record(r, key, arena, scratch, f);
}

struct load_ctx {
    struct rload *out;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
    struct buf arena[UNSEAL_WORKERS];
    struct buf scratch[UNSEAL_WORKERS];
};

/* One decoded record into its features, on worker thread `worker`. */
static int
load_item(void *ctx, int worker, const struct unseal_item *it,
          const struct record *r)
{
    struct load_ctx *x = ctx;
    struct rfeat *f = &x->out->f[it->index];
    int rc;

    f->id = it->id;
    f->brand = (uint8_t)(it->brand <= 254 ? it->brand : 0);
    rc = rload_features(r, x->hkey, &x->arena[worker], &x->scratch[worker], f);
    f->arena = (uint8_t)worker;
    if (rc == TOCSIN_OK && buf_len(&x->arena[worker]) > UINT32_MAX)
        rc = TOCSIN_ELIMIT;
    buf_scrub(&x->scratch[worker]);
    return rc;
}

int
rload_run(struct casedir *c, int progress, struct rload *out, struct buf *why)
{
    const struct case_config *cfg = casedir_config(c);
    struct unseal_options uo = {0, 0, progress ? "resolve: reading" : NULL};
    struct load_ctx x;
    uint64_t total, got = 0;
    int rc, k;

    memset(out, 0, sizeof(*out));
    if ((rc = store_record_count(casedir_store(c), &total)) != TOCSIN_OK) {
        buf_setf(why, "reading the records: %s",
                 store_errmsg(casedir_store(c)));
        return rc;
    }
    if (total > LIMIT_RESOLVE_RECORDS) {
        buf_setf(why, "%llu records: more than one resolve takes (%llu)",
                 (unsigned long long)total,
                 (unsigned long long)LIMIT_RESOLVE_RECORDS);
        return TOCSIN_ELIMIT;
    }
    out->n = (size_t)total;
    out->f = calloc(out->n + 1, sizeof(*out->f));
    out->nbrands = cfg->nbrands;
    out->brands = calloc(cfg->nbrands + 1, sizeof(char *));
    if (out->f == NULL || out->brands == NULL) {
        rload_free(out);
        return TOCSIN_ENOMEM;
    }
    for (size_t i = 0; i < cfg->nbrands; i++)
        out->brands[i] = cfg->brands[i].id;

    memset(&x, 0, sizeof(x));
    x.out = out;
    crypto_shorthash_keygen(x.hkey);
    for (k = 0; k < UNSEAL_WORKERS; k++) {
        buf_init(&x.arena[k], (size_t)UINT32_MAX);
        buf_init(&x.scratch[k], SIZE_MAX);
    }
    uo.expected = total;
    rc = unseal_each(c, &uo, load_item, &x, &got, why);
    if (rc == TOCSIN_OK && got != total) {
        buf_setf(why, "%llu records read of %llu counted",
                 (unsigned long long)got, (unsigned long long)total);
        rc = TOCSIN_EDB;
    }
    for (k = 0; k < UNSEAL_WORKERS; k++) {
        size_t len;

        buf_wipe(&x.scratch[k]);
        if (rc != TOCSIN_OK || buf_len(&x.arena[k]) == 0) {
            buf_wipe(&x.arena[k]);
            out->arena[k] = calloc(1, 1);
            if (out->arena[k] == NULL && rc == TOCSIN_OK)
                rc = TOCSIN_ENOMEM;
            continue;
        }
        out->arena[k] = buf_detach(&x.arena[k], &len);
        out->arena_len[k] = len;
    }
    sodium_memzero(x.hkey, sizeof(x.hkey));
    if (rc != TOCSIN_OK)
        rload_free(out);
    return rc;
}

void
rload_free(struct rload *l)
{
    int k;

    for (k = 0; k < UNSEAL_WORKERS; k++) {
        if (l->arena[k] != NULL)
            sodium_memzero(l->arena[k], l->arena_len[k]);
        free(l->arena[k]);
    }
    free(l->f);
    free(l->brands);
    memset(l, 0, sizeof(*l));
}
