/*
 * assess.c - what leaked of whom, how bad, and how to reach them (see
 * assess.h).
 *
 * Two passes. First every resolved record is opened (unseal.h, two
 * threads) and reduced to a struct arec of bits: nothing personal stays
 * in memory. Then the records are ordered by person (a counting sort: a
 * person's number is its smallest record id) and each person's records
 * are folded, per brand and over all brands, into the rows that are
 * written.
 */
#include "assess.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ingest/date.h"
#include "../ingest/email.h"
#include "../ingest/idnum.h"
#include "../ingest/phone.h"
#include "../store/config.h"
#include "../store/field.h"
#include "../store/store.h"
#include "../store/unseal.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/progress.h"
#include "terms.h"

/* What one record says (struct arec's bits). */
#define R_EMAIL_OK   0x0001u /* a valid e-mail address */
#define R_EMAIL_BAD  0x0002u /* an invalid one */
#define R_EMAIL_TYPO 0x0004u /* valid, but a known typo of a domain */
#define R_ADDR_OK    0x0008u /* street, number, postcode and city valid */
#define R_ADDR_PART  0x0010u /* some address, not complete */
#define R_MOBILE     0x0020u /* a valid mobile number */
#define R_LANDLINE   0x0040u /* a valid number that is not a mobile */
#define R_BSN_FIELD  0x0080u
#define R_BSN_VAT    0x0100u
#define R_BSN_NOTES  0x0200u
#define R_VALID_ID   0x0400u /* ID document not expired on occurred */
#define R_MINOR      0x0800u
#define R_ENDED      0x1000u /* contract ended before occurred */
#define R_RETENTION  0x2000u /* ... and longer ago than the retention */

/* One record, reduced: 32 bytes. */
struct arec {
    int64_t id;
    int64_t person;
    uint32_t present; /* 1 << enum category */
    uint32_t bits;    /* R_* */
    uint32_t ended;   /* contract end as YYYYMMDD; 0 none */
    uint16_t topics;
    uint8_t brand; /* 1 + brand index; 0 none */
    uint8_t lang;  /* 0 none, 1 nl, 2 en */
};

struct assess_ctx {
    const struct case_config *cfg;
    const struct terms *terms;
    struct arec *rec;
    size_t n;
    uint32_t occurred;  /* YYYYMMDD */
    uint32_t retention; /* contracts ended before this are kept too long */
    uint32_t minor_born_after; /* born after this: a minor on occurred */
    struct buf scratch[UNSEAL_WORKERS];
};

static const char *const assess_channels[] = {"unreachable", "email", "letter",
                                              "sms"};
static const char *const assess_whys[ASSESS_WHY_COUNT] = {
    "no_email",           "email_invalid", "email_typo",   "no_address",
    "address_incomplete", "no_mobile",     "landline_only"};

const char *
assess_channel_name(int channel)
{
    if (channel < 0 || channel > ASSESS_SMS)
        return "?";
    return assess_channels[channel];
}

const char *
assess_why_name(unsigned bit_index)
{
    return bit_index < ASSESS_WHY_COUNT ? assess_whys[bit_index] : "?";
}

/* A valid date field's value as YYYYMMDD; 0 for none, invalid or a
 * placeholder. */
static uint32_t
assess_date(const struct record *r, enum field f)
{
    if (r->val[f] == NULL ||
        (r->flags[f] & (RECORD_INVALID | DATE_PLACEHOLDER)) != 0)
        return 0;
    return date_ymd(r->val[f], r->len[f]);
}

static int
assess_has(const struct record *r, enum field f)
{
    return r->val[f] != NULL && r->len[f] > 0;
}

static int
assess_valid(const struct record *r, enum field f)
{
    return assess_has(r, f) && !(r->flags[f] & RECORD_INVALID);
}

/* The phone fields: a mobile, or a landline only. */
static uint32_t
assess_phones(const struct record *r)
{
    static const enum field fs[] = {FIELD_MOBILE, FIELD_PHONE};
    uint32_t bits = 0;
    size_t i;

    for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
        if (!assess_valid(r, fs[i]))
            continue;
        if (((r->flags[fs[i]] >> 16) & 0xff) == PHONE_MOBILE)
            bits |= R_MOBILE;
        else
            bits |= R_LANDLINE;
    }
    return bits;
}

static uint32_t
assess_address(const struct record *r)
{
    static const enum field need[] = {FIELD_STREET, FIELD_HOUSE_NUMBER,
                                      FIELD_POSTCODE, FIELD_CITY};
    size_t i, ok = 0, any = 0;

    for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        any += assess_has(r, need[i]);
        ok += assess_valid(r, need[i]);
    }
    if (ok == sizeof(need) / sizeof(need[0]))
        return R_ADDR_OK;
    return any > 0 ? R_ADDR_PART : 0;
}

/* One opened record into its arec (worker thread). */
static int
assess_item(void *ctx, int worker, const struct unseal_item *it,
            const struct record *r)
{
    struct assess_ctx *x = ctx;
    struct arec *a = &x->rec[it->index];
    uint32_t born, expiry, ended;
    unsigned topics = 0;
    int rc;

    memset(a, 0, sizeof(*a));
    a->id = it->id;
    a->person = it->person_id;
    a->present = it->present;
    a->brand = (uint8_t)(it->brand <= 255 ? it->brand : 0);

    if (assess_has(r, FIELD_EMAIL)) {
        if (r->flags[FIELD_EMAIL] & RECORD_INVALID)
            a->bits |= R_EMAIL_BAD;
        else if (r->flags[FIELD_EMAIL] & EMAIL_TYPO_DOMAIN)
            a->bits |= R_EMAIL_TYPO;
        else
            a->bits |= R_EMAIL_OK;
    }
    a->bits |= assess_address(r) | assess_phones(r);

    if (assess_has(r, FIELD_NATIONAL_ID))
        a->bits |= R_BSN_FIELD;
    if (assess_valid(r, FIELD_VAT_NUMBER) &&
        (r->flags[FIELD_VAT_NUMBER] & VAT_CONTAINS_BSN))
        a->bits |= R_BSN_VAT;
    if (assess_has(r, FIELD_NOTES)) {
        if (r->flags[FIELD_NOTES] & 1u) /* ingest: the notes hold a BSN */
            a->bits |= R_BSN_NOTES;
        rc = terms_match(x->terms, r->val[FIELD_NOTES], r->len[FIELD_NOTES],
                         &x->scratch[worker], &topics);
        buf_scrub(&x->scratch[worker]);
        if (rc != TOCSIN_OK)
            return rc;
        a->topics = (uint16_t)topics;
    }
    if (assess_has(r, FIELD_ID_DOC_NUMBER)) {
        expiry = assess_date(r, FIELD_ID_DOC_EXPIRY);
        if (expiry == 0 || expiry >= x->occurred)
            a->bits |= R_VALID_ID;
    }
    born = assess_date(r, FIELD_BIRTH_DATE);
    if (born != 0 && born > x->minor_born_after && born <= x->occurred)
        a->bits |= R_MINOR;
    ended = assess_date(r, FIELD_CONTRACT_END);
    if (ended != 0 && ended < x->occurred) {
        a->bits |= R_ENDED;
        a->ended = ended;
        if (ended < x->retention)
            a->bits |= R_RETENTION;
    }
    if (assess_valid(r, FIELD_LANGUAGE) && r->len[FIELD_LANGUAGE] == 2)
        a->lang = memcmp(r->val[FIELD_LANGUAGE], "en", 2) == 0 ? 2 : 1;
    return TOCSIN_OK;
}

/* ---- folding a person's records ---- */

/* The state of one person x brand, or of a person over all brands. */
struct afold {
    uint32_t records, categories, topics, past_retention;
    uint32_t any;                  /* R_* of any record */
    uint32_t current;              /* records of a current customer */
    const struct arec *contact[4]; /* best record per channel */
    uint8_t lang;
};

/* Is a better than b as the record to reach the person by? A current
 * customer's before a former one's, then the latest contract end, then
 * the newest record. */
static int
assess_better(const struct arec *a, const struct arec *b)
{
    int ea = (a->bits & R_ENDED) != 0, eb = (b->bits & R_ENDED) != 0;

    if (ea != eb)
        return !ea;
    if (a->ended != b->ended)
        return a->ended > b->ended;
    return a->id > b->id;
}

static void
assess_add(struct afold *f, const struct arec *a)
{
    static const uint32_t chan_bit[4] = {0, R_EMAIL_OK, R_ADDR_OK, R_MOBILE};
    int k;

    f->records++;
    f->categories |= a->present;
    f->any |= a->bits;
    f->topics |= a->topics;
    if (a->bits & R_RETENTION)
        f->past_retention++;
    for (k = ASSESS_EMAIL; k <= ASSESS_SMS; k++)
        if ((a->bits & chan_bit[k]) &&
            (f->contact[k] == NULL || assess_better(a, f->contact[k])))
            f->contact[k] = a;
    if (f->lang == 0 && a->lang != 0)
        f->lang = a->lang;
    if (!(a->bits & R_ENDED))
        f->current++;
}

/* Flags from the records' bits (after every assess_add). */
static uint32_t
assess_flags(const struct afold *f)
{
    uint32_t fl = 0;

    if (f->any & R_MINOR)
        fl |= ASSESS_F_MINOR | ASSESS_F_GUARDIAN;
    if (f->topics != 0)
        fl |= ASSESS_F_SENSITIVE | ASSESS_F_PERSONAL;
    if (f->any & R_BSN_FIELD)
        fl |= ASSESS_F_BSN_FIELD;
    if (f->any & R_BSN_VAT)
        fl |= ASSESS_F_BSN_VAT;
    if (f->any & R_BSN_NOTES)
        fl |= ASSESS_F_BSN_NOTES;
    if (f->any & R_VALID_ID)
        fl |= ASSESS_F_VALID_ID;
    if (f->current == 0)
        fl |= ASSESS_F_EX_CUSTOMER;
    if (f->past_retention > 0)
        fl |= ASSESS_F_PAST_RETENTION;
    return fl;
}

/* The rules that hold for these categories and flags. */
static void
assess_risk(const struct case_config *cfg, uint32_t categories, uint32_t flags,
            uint32_t *risk, uint32_t *reasons)
{
    unsigned cond = 0;
    size_t i;

    if (flags & ASSESS_F_SENSITIVE)
        cond |= CONFIG_COND_SENSITIVE_NOTES;
    if (flags & ASSESS_F_MINOR)
        cond |= CONFIG_COND_MINOR;
    if (flags & ASSESS_F_PAST_RETENTION)
        cond |= CONFIG_COND_PAST_RETENTION;
    if (flags & ASSESS_F_VALID_ID)
        cond |= CONFIG_COND_VALID_ID_DOCUMENT;
    *risk = CONFIG_RISK_LOW;
    *reasons = 0;
    for (i = 0; i < cfg->nrules && i < 32; i++) {
        const struct config_rule *r = &cfg->rules[i];

        if ((categories & r->categories) != r->categories ||
            (cond & r->conditions) != r->conditions)
            continue;
        *reasons |= 1u << i;
        if ((uint32_t)r->level > *risk)
            *risk = (uint32_t)r->level;
    }
}

/* The channel of a fold, its contact record and what is missing. */
static void
assess_channel(const struct afold *f, struct store_exposure *e)
{
    uint32_t why = 0;
    int k;

    if (!(f->any & (R_EMAIL_OK | R_EMAIL_BAD | R_EMAIL_TYPO)))
        why |= ASSESS_WHY_NO_EMAIL;
    else if (!(f->any & R_EMAIL_OK))
        why |= (f->any & R_EMAIL_TYPO) ? ASSESS_WHY_EMAIL_TYPO
                                       : ASSESS_WHY_EMAIL_INVALID;
    if (!(f->any & (R_ADDR_OK | R_ADDR_PART)))
        why |= ASSESS_WHY_NO_ADDRESS;
    else if (!(f->any & R_ADDR_OK))
        why |= ASSESS_WHY_ADDRESS_PART;
    if (!(f->any & R_MOBILE))
        why |= (f->any & R_LANDLINE)
                   ? ASSESS_WHY_NO_MOBILE | ASSESS_WHY_LANDLINE
                   : ASSESS_WHY_NO_MOBILE;
    e->channel = ASSESS_UNREACHABLE;
    e->contact_record = 0;
    for (k = ASSESS_EMAIL; k <= ASSESS_SMS; k++)
        if (f->contact[k] != NULL) {
            e->channel = (uint32_t)k;
            e->contact_record = f->contact[k]->id;
            break;
        }
    e->why = why;
}

/* ---- the run ---- */

struct assess_out {
    struct assess_ctx *x;
    struct store *s;
    const char **brand_id;   /* per brand byte: id, "" for none */
    const char **brand_lang; /* per brand byte: default language */
    uint8_t *brand_rank;     /* brands in id order: rank -> brand byte */
    size_t nbrand;           /* 1 + number of brands */
    struct store_exposure *ex;
    size_t nex;
    struct store_exposed_person *pe;
    size_t npe;
    uint64_t cat_records[CATEGORY_COUNT];
    struct assess_result *res;
};

#define ASSESS_CHUNK 4096

static int
assess_flush(struct assess_out *o, int all)
{
    int rc;

    if (o->nex > 0 && (all || o->nex == ASSESS_CHUNK)) {
        if ((rc = store_exposures_add(o->s, o->ex, o->nex)) != TOCSIN_OK)
            return rc;
        o->nex = 0;
    }
    if (o->npe > 0 && (all || o->npe == ASSESS_CHUNK)) {
        if ((rc = store_exposed_persons_add(o->s, o->pe, o->npe)) != TOCSIN_OK)
            return rc;
        o->npe = 0;
    }
    return TOCSIN_OK;
}

static const char *
assess_lang_name(uint8_t lang, const char *dflt)
{
    return lang == 2 ? "en" : lang == 1 ? "nl" : dflt;
}

/* One person: records recs[order[0..n)], in id order. */
static int
assess_person(struct assess_out *o, const uint32_t *order, size_t n)
{
    const struct case_config *cfg = o->x->cfg;
    struct afold all, one;
    struct store_exposed_person *p;
    uint32_t brands_seen = 0;
    size_t r, i;
    int rc;

    memset(&all, 0, sizeof(all));
    for (i = 0; i < n; i++) {
        const struct arec *a = &o->x->rec[order[i]];
        int c;

        assess_add(&all, a);
        for (c = 0; c < CATEGORY_COUNT; c++)
            if (a->present & (1u << c))
                o->cat_records[c]++;
    }
    for (r = 0; r < o->nbrand; r++) {
        uint8_t b = o->brand_rank[r];
        struct store_exposure *e;

        memset(&one, 0, sizeof(one));
        for (i = 0; i < n; i++)
            if (o->x->rec[order[i]].brand == b)
                assess_add(&one, &o->x->rec[order[i]]);
        if (one.records == 0)
            continue;
        brands_seen++;
        e = &o->ex[o->nex++];
        memset(e, 0, sizeof(*e));
        e->person_id = o->x->rec[order[0]].person;
        e->brand = o->brand_id[b];
        e->records = one.records;
        e->categories = one.categories;
        e->flags = assess_flags(&one) | (b == 0 ? ASSESS_F_NO_BRAND : 0);
        e->topics = one.topics;
        e->past_retention = one.past_retention;
        assess_risk(cfg, e->categories, e->flags, &e->risk, &e->reasons);
        assess_channel(&one, e);
        e->language = assess_lang_name(
            e->contact_record != 0 && one.contact[e->channel]->lang != 0
                ? one.contact[e->channel]->lang
                : one.lang,
            o->brand_lang[b]);
        o->res->notices++;
        o->res->channel[e->channel]++;
        if ((rc = assess_flush(o, 0)) != TOCSIN_OK)
            return rc;
    }
    p = &o->pe[o->npe++];
    p->person_id = o->x->rec[order[0]].person;
    p->brands = brands_seen;
    p->records = all.records;
    p->categories = all.categories;
    p->flags = assess_flags(&all);
    p->topics = all.topics;
    p->past_retention = all.past_retention;
    assess_risk(cfg, p->categories, p->flags, &p->risk, &p->reasons);
    o->res->persons++;
    o->res->risk[p->risk & 3]++;
    if (p->flags & ASSESS_F_MINOR)
        o->res->minors++;
    if (p->flags & ASSESS_F_SENSITIVE)
        o->res->sensitive++;
    if (p->flags & ASSESS_F_BSN)
        o->res->bsn++;
    o->res->past_retention_records += p->past_retention;
    return assess_flush(o, 0);
}

/* Brand bytes in the order of their ids ("" first), for writing in key
 * order. */
static int
assess_brands(struct assess_out *o)
{
    const struct case_config *cfg = o->x->cfg;
    size_t i, j;

    o->nbrand = cfg->nbrands + 1;
    o->brand_id = calloc(o->nbrand, sizeof(*o->brand_id));
    o->brand_lang = calloc(o->nbrand, sizeof(*o->brand_lang));
    o->brand_rank = calloc(o->nbrand, sizeof(*o->brand_rank));
    if (o->brand_id == NULL || o->brand_lang == NULL || o->brand_rank == NULL)
        return TOCSIN_ENOMEM;
    o->brand_id[0] = "";
    o->brand_lang[0] = cfg->language;
    for (i = 0; i < cfg->nbrands; i++) {
        o->brand_id[i + 1] = cfg->brands[i].id;
        o->brand_lang[i + 1] = cfg->brands[i].language != NULL
                                   ? cfg->brands[i].language
                                   : cfg->language;
    }
    for (i = 0; i < o->nbrand; i++) { /* insertion sort: a few brands */
        o->brand_rank[i] = (uint8_t)i;
        for (j = i; j > 0 && strcmp(o->brand_id[o->brand_rank[j - 1]],
                                    o->brand_id[o->brand_rank[j]]) > 0;
             j--) {
            uint8_t t = o->brand_rank[j];

            o->brand_rank[j] = o->brand_rank[j - 1];
            o->brand_rank[j - 1] = t;
        }
    }
    return TOCSIN_OK;
}

/* Order the records by person (stable: id order within a person) and
 * fold each person. */
static int
assess_fold(struct assess_out *o, struct progress *prog)
{
    struct assess_ctx *x = o->x;
    uint32_t *start = NULL, *order = NULL;
    int64_t maxp = 0;
    size_t i, k;
    int rc = TOCSIN_OK;

    for (i = 0; i < x->n; i++)
        if (x->rec[i].person > maxp)
            maxp = x->rec[i].person;
    if ((uint64_t)maxp >= UINT32_MAX)
        return TOCSIN_ELIMIT;
    start = calloc((size_t)maxp + 2, sizeof(*start));
    order = malloc((x->n + 1) * sizeof(*order));
    if (start == NULL || order == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    for (i = 0; i < x->n; i++) {
        if (x->rec[i].person <= 0) {
            rc = TOCSIN_EDB;
            goto out;
        }
        start[x->rec[i].person + 1]++;
    }
    for (k = 1; k <= (size_t)maxp + 1; k++)
        start[k] += start[k - 1];
    for (i = 0; i < x->n; i++)
        order[start[x->rec[i].person]++] = (uint32_t)i;
    /* start[p] now ends person p; person p begins where p-1 ended */
    for (k = 1, i = 0; k <= (size_t)maxp && rc == TOCSIN_OK; k++) {
        size_t end = start[k];

        if (end == i)
            continue;
        rc = assess_person(o, order + i, end - i);
        i = end;
        if ((o->res->persons & 0xffff) == 0)
            progress_update(prog, i);
    }
    if (rc == TOCSIN_OK)
        rc = assess_flush(o, 1);
out:
    free(start);
    free(order);
    return rc;
}

/* The meta 'assess' document: what the report needs to read the rows. */
static int
assess_meta(struct assess_out *o, const char *stamp, struct buf *out)
{
    const struct case_config *cfg = o->x->cfg;
    struct json_object *j = json_object_new_object(), *a, *c;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    size_t i;
    int rc = TOCSIN_OK;

    if (j == NULL)
        return TOCSIN_ENOMEM;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_object_add(j, "assessed_at", json_object_new_string(now));
    json_object_object_add(j, "resolve_stamp", json_object_new_string(stamp));
    json_object_object_add(j, "records",
                           json_object_new_int64((int64_t)o->x->n));
    json_object_object_add(j, "persons",
                           json_object_new_int64((int64_t)o->res->persons));
    json_object_object_add(j, "notices",
                           json_object_new_int64((int64_t)o->res->notices));
    json_object_object_add(j, "occurred",
                           json_object_new_string(cfg->occurred));
    json_object_object_add(j, "minor_age",
                           json_object_new_int(cfg->minor_age));
    json_object_object_add(j, "retention_months",
                           json_object_new_int(cfg->retention_months));
    a = json_object_new_array();
    for (i = 0; i < cfg->nrules; i++) {
        static const char *const lv[] = {"", "low", "medium", "high"};
        const struct config_rule *r = &cfg->rules[i];

        c = json_object_new_object();
        json_object_object_add(c, "name", json_object_new_string(r->name));
        json_object_object_add(c, "level",
                               json_object_new_string(lv[r->level & 3]));
        json_object_object_add(c, "when", json_object_new_string(r->when));
        json_object_array_add(a, c);
    }
    json_object_object_add(j, "rules", a);
    a = json_object_new_array();
    for (i = 0; i < terms_topic_count(o->x->terms); i++)
        json_object_array_add(
            a, json_object_new_string(terms_topic_name(o->x->terms, i)));
    json_object_object_add(j, "topics", a);
    c = json_object_new_object();
    for (i = 0; i < CATEGORY_COUNT; i++)
        json_object_object_add(
            c, category_name((enum category)i),
            json_object_new_int64((int64_t)o->cat_records[i]));
    json_object_object_add(j, "records_by_category", c);
    /* for the dashboard, which would otherwise count them all again */
    c = json_object_new_object();
    json_object_object_add(
        c, "low",
        json_object_new_int64((int64_t)o->res->risk[CONFIG_RISK_LOW]));
    json_object_object_add(
        c, "medium",
        json_object_new_int64((int64_t)o->res->risk[CONFIG_RISK_MEDIUM]));
    json_object_object_add(
        c, "high",
        json_object_new_int64((int64_t)o->res->risk[CONFIG_RISK_HIGH]));
    json_object_object_add(j, "persons_by_risk", c);
    if (buf_appends(out, json_object_to_json_string_ext(
                             j, JSON_C_TO_STRING_PLAIN)) != TOCSIN_OK)
        rc = TOCSIN_ENOMEM;
    json_object_put(j);
    return rc;
}

int
assess_run(struct casedir *c, const struct assess_options *o,
           struct assess_result *res, struct buf *summary, struct buf *why)
{
    const struct case_config *cfg = casedir_config(c);
    struct store *s = casedir_store(c);
    struct unseal_options uo = {UNSEAL_PERSONS, 0, NULL};
    struct assess_ctx x;
    struct assess_out out;
    struct terms *terms = NULL;
    struct progress *prog = NULL;
    struct buf stamp, meta;
    struct date occurred, cutoff;
    unsigned dflags = 0;
    uint64_t total = 0, got = 0;
    double t0 = clock_now();
    int rc, k, in_tx = 0;

    memset(res, 0, sizeof(*res));
    memset(&x, 0, sizeof(x));
    memset(&out, 0, sizeof(out));
    buf_init(&stamp, 256);
    buf_init(&meta, 1u << 20);
    for (k = 0; k < UNSEAL_WORKERS; k++)
        buf_init(&x.scratch[k], TERMS_SCRATCH_MAX);
    (void)o->run_id;

    x.cfg = cfg;
    x.occurred = date_ymd(cfg->occurred, strlen(cfg->occurred));
    x.minor_born_after = x.occurred - (uint32_t)cfg->minor_age * 10000;
    if (date_parse(cfg->occurred, strlen(cfg->occurred), &occurred, &dflags) !=
            TOCSIN_OK ||
        date_add_months(&occurred, -cfg->retention_months, &cutoff) !=
            TOCSIN_OK ||
        x.occurred == 0) {
        buf_setf(why, "case.ini: occurred is not a date tocsin can use");
        rc = TOCSIN_ECONFIG;
        goto out;
    }
    x.retention =
        (uint32_t)(cutoff.year * 10000 + cutoff.month * 100 + cutoff.day);
    if ((rc = terms_compile(cfg, &terms)) != TOCSIN_OK) {
        buf_setf(why, "the sensitive terms of case.ini: %s",
                 tocsin_strerror(rc));
        goto out;
    }
    x.terms = terms;

    /* One transaction: the records, persons and stamp read agree with
     * what is written. */
    if ((rc = store_begin(s)) != TOCSIN_OK)
        goto dberr;
    in_tx = 1;
    if ((rc = store_record_count(s, &total)) != TOCSIN_OK)
        goto dberr;
    rc = store_meta_get(s, "resolve_stamp", &stamp);
    if (rc == TOCSIN_ENOENT && total > 0) {
        buf_setf(why, "the case is not resolved: run 'tocsin resolve'");
        goto out;
    }
    if (rc != TOCSIN_OK && rc != TOCSIN_ENOENT)
        goto dberr;
    if (total > LIMIT_ASSESS_RECORDS) {
        buf_setf(why, "%llu records: more than one assess takes (%llu)",
                 (unsigned long long)total,
                 (unsigned long long)LIMIT_ASSESS_RECORDS);
        rc = TOCSIN_ELIMIT;
        goto out;
    }
    x.rec = malloc(((size_t)total + 1) * sizeof(*x.rec));
    if (x.rec == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    uo.expected = total;
    uo.label = o->progress ? "assess: reading" : NULL;
    if ((rc = unseal_each(c, &uo, assess_item, &x, &got, why)) != TOCSIN_OK)
        goto out;
    x.n = (size_t)got;
    if (got != total) {
        buf_setf(why,
                 "%llu of %llu records are not resolved yet (ingested "
                 "after the last resolve): run 'tocsin resolve'",
                 (unsigned long long)(total - got), (unsigned long long)total);
        rc = TOCSIN_ENOENT;
        goto out;
    }
    res->records = got;
    log_debug("assess: %llu records read (%.1f s)", (unsigned long long)got,
              clock_now() - t0);

    out.x = &x;
    out.s = s;
    out.res = res;
    out.ex = malloc(ASSESS_CHUNK * sizeof(*out.ex));
    out.pe = malloc(ASSESS_CHUNK * sizeof(*out.pe));
    if (out.ex == NULL || out.pe == NULL ||
        (rc = assess_brands(&out)) != TOCSIN_OK) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    if ((rc = store_assess_clear(s)) != TOCSIN_OK)
        goto dberr;
    prog = o->progress ? progress_start("assess: writing", x.n) : NULL;
    rc = assess_fold(&out, prog);
    progress_end(prog);
    if (rc == TOCSIN_EDB)
        goto dberr;
    if (rc != TOCSIN_OK) {
        buf_setf(why, "folding the records: %s", tocsin_strerror(rc));
        goto out;
    }
    log_debug("assess: %llu persons, %llu notices written (%.1f s)",
              (unsigned long long)res->persons,
              (unsigned long long)res->notices, clock_now() - t0);
    if ((rc = assess_meta(&out, buf_str(&stamp), &meta)) != TOCSIN_OK)
        goto out;
    if ((rc = store_meta_set(s, "assess", buf_str(&meta))) != TOCSIN_OK ||
        (rc = store_commit(s)) != TOCSIN_OK)
        goto dberr;
    in_tx = 0;
    res->seconds = clock_now() - t0;
    if (summary != NULL &&
        buf_printf(summary,
                   ",\"assess\":{\"records\":%llu,\"persons\":%llu,"
                   "\"notices\":%llu,\"high\":%llu,\"medium\":%llu,"
                   "\"low\":%llu,\"email\":%llu,\"letter\":%llu,"
                   "\"sms\":%llu,\"unreachable\":%llu,\"minors\":%llu,"
                   "\"sensitive\":%llu,\"bsn\":%llu}",
                   (unsigned long long)res->records,
                   (unsigned long long)res->persons,
                   (unsigned long long)res->notices,
                   (unsigned long long)res->risk[CONFIG_RISK_HIGH],
                   (unsigned long long)res->risk[CONFIG_RISK_MEDIUM],
                   (unsigned long long)res->risk[CONFIG_RISK_LOW],
                   (unsigned long long)res->channel[ASSESS_EMAIL],
                   (unsigned long long)res->channel[ASSESS_LETTER],
                   (unsigned long long)res->channel[ASSESS_SMS],
                   (unsigned long long)res->channel[ASSESS_UNREACHABLE],
                   (unsigned long long)res->minors,
                   (unsigned long long)res->sensitive,
                   (unsigned long long)res->bsn) != TOCSIN_OK)
        rc = TOCSIN_ENOMEM;
    goto out;
dberr:
    buf_setf(why, "%s", store_errmsg(s));
out:
    if (in_tx)
        store_rollback(s);
    for (k = 0; k < UNSEAL_WORKERS; k++)
        buf_wipe(&x.scratch[k]);
    terms_free(terms);
    free(x.rec);
    free(out.ex);
    free(out.pe);
    free(out.brand_id);
    free(out.brand_lang);
    free(out.brand_rank);
    buf_free(&stamp);
    buf_free(&meta);
    return rc;
}

/* ---- explain ---- */

struct explain_ctx {
    FILE *out;
    struct json_object *rules, *topics; /* of meta 'assess', or NULL */
    int shown;
};

/* The name at index i of a meta 'assess' array (of strings, or of objects
 * with a "name"), or "?". */
static const char *
explain_name(struct json_object *a, size_t i)
{
    struct json_object *v, *n;

    if (a == NULL || i >= json_object_array_length(a))
        return "?";
    v = json_object_array_get_idx(a, i);
    if (json_object_is_type(v, json_type_object) &&
        json_object_object_get_ex(v, "name", &n))
        return json_object_get_string(n);
    return json_object_get_string(v);
}

/* Write the names of the set bits of bits, from names(i), comma-separated. */
static void
explain_bits(FILE *out, uint32_t bits, struct json_object *a)
{
    const char *sep = "";
    unsigned i;

    for (i = 0; i < 32; i++)
        if (bits & (1u << i)) {
            fprintf(out, "%s%s", sep, explain_name(a, i));
            sep = ", ";
        }
}

static int
explain_row(void *ctx, const struct store_exposure *e)
{
    static const char *const levels[] = {"?", "low", "medium", "high"};
    struct explain_ctx *x = ctx;
    FILE *out = x->out;
    const char *sep = "";
    unsigned i;

    x->shown++;
    fprintf(out, "  %s: %u record%s; risk %s",
            e->brand[0] ? e->brand : "(no brand)", e->records,
            e->records == 1 ? "" : "s", levels[e->risk & 3]);
    if (e->reasons != 0) {
        fputs(" (", out);
        explain_bits(out, e->reasons, x->rules);
        fputc(')', out);
    }
    fputs("\n    leaked:", out);
    for (i = 0; i < CATEGORY_COUNT; i++)
        if (e->categories & (1u << i)) {
            fprintf(out, "%s %s", sep, category_name((enum category)i));
            sep = ",";
        }
    fprintf(out, "\n    channel: %s", assess_channel_name((int)e->channel));
    if (e->contact_record != 0)
        fprintf(out, " (record #%lld)", (long long)e->contact_record);
    fprintf(out, "; language %s\n", e->language);
    if (e->why != 0) {
        fputs("    missing:", out);
        sep = "";
        for (i = 0; i < ASSESS_WHY_COUNT; i++)
            if (e->why & (1u << i)) {
                fprintf(out, "%s %s", sep, assess_why_name(i));
                sep = ",";
            }
        fputc('\n', out);
    }
    if (e->flags & ASSESS_F_GUARDIAN)
        fputs("    a minor: the notice goes to a parent or guardian\n", out);
    if (e->flags & ASSESS_F_PERSONAL) {
        fputs("    sensitive notes (", out);
        explain_bits(out, e->topics, x->topics);
        fputs("): personal contact, not a mass mail\n", out);
    }
    if (e->flags & ASSESS_F_BSN)
        fprintf(out, "    a BSN in:%s%s%s\n",
                (e->flags & ASSESS_F_BSN_FIELD) ? " national_id" : "",
                (e->flags & ASSESS_F_BSN_VAT) ? " vat_number" : "",
                (e->flags & ASSESS_F_BSN_NOTES) ? " notes" : "");
    if (e->flags & ASSESS_F_VALID_ID)
        fputs("    an ID document still valid on the incident date\n", out);
    if (e->flags & ASSESS_F_EX_CUSTOMER)
        fputs("    a former customer: every contract had ended\n", out);
    if (e->past_retention > 0)
        fprintf(out, "    %u record%s kept past the retention period\n",
                e->past_retention, e->past_retention == 1 ? "" : "s");
    return 0;
}

int
assess_explain(struct casedir *c, int64_t person_id, FILE *out,
               struct buf *why)
{
    struct store *s = casedir_store(c);
    struct explain_ctx x;
    struct json_object *meta = NULL, *v;
    struct buf text, stamp;
    int rc;

    memset(&x, 0, sizeof(x));
    x.out = out;
    buf_init(&text, 1u << 20);
    buf_init(&stamp, 256);
    rc = store_meta_get(s, "assess", &text);
    if (rc == TOCSIN_ENOENT) {
        fputs("\nNot assessed yet: run 'tocsin assess' to see what of theirs "
              "leaked.\n",
              out);
        rc = TOCSIN_OK;
        goto out;
    }
    if (rc != TOCSIN_OK)
        goto dberr;
    meta = json_tokener_parse(buf_str(&text));
    if (meta != NULL) {
        json_object_object_get_ex(meta, "rules", &x.rules);
        json_object_object_get_ex(meta, "topics", &x.topics);
    }
    fputs("\nAssessment", out);
    if (meta != NULL && json_object_object_get_ex(meta, "assessed_at", &v))
        fprintf(out, " of %s", json_object_get_string(v));
    rc = store_meta_get(s, "resolve_stamp", &stamp);
    if (rc != TOCSIN_OK && rc != TOCSIN_ENOENT)
        goto dberr;
    if (meta == NULL ||
        !json_object_object_get_ex(meta, "resolve_stamp", &v) ||
        strcmp(json_object_get_string(v), buf_str(&stamp)) != 0)
        fputs(" (older than the last resolve: run 'tocsin assess')", out);
    fputs(", per brand:\n", out);
    if ((rc = store_person_exposures_each(s, person_id, explain_row, &x)) !=
        TOCSIN_OK)
        goto dberr;
    if (x.shown == 0)
        fputs("  none for this person\n", out);
    goto out;
dberr:
    buf_setf(why, "%s", store_errmsg(s));
out:
    json_object_put(meta);
    buf_free(&text);
    buf_free(&stamp);
    return rc;
}
