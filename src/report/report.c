/*
 * report.c - the figures of an assessed case as the report JSON (see
 * report.h and docs/report.md).
 *
 * One pass over exposed_persons gives the per-person figures, one over
 * exposures the per-notice and per-brand ones; both are in key order and
 * cost a few seconds at millions of rows. The key order of the JSON is the
 * documented one: json-c keeps insertion order.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../assess/assess.h"
#include "../ingest/date.h"
#include "../store/config.h"
#include "../store/field.h"
#include "../store/store.h"

#define REPORT_MAX_RULES  32
#define REPORT_MAX_TOPICS 16

/* The figures of one brand. */
struct rbrand {
    uint64_t persons, records, cats[CATEGORY_COUNT], risk[4], chan[4];
    uint64_t minors, sensitive, bsn, past_retention;
};

struct rfig {
    /* per person */
    uint64_t persons, multi_records, multi_brands, cats[CATEGORY_COUNT];
    uint64_t risk[4], rule[REPORT_MAX_RULES], topic[REPORT_MAX_TOPICS];
    uint64_t minors, sensitive, bsn, bsn_field, bsn_vat, bsn_notes;
    uint64_t valid_id, ex_customers, past_persons, past_records;
    /* per notice */
    uint64_t notices, chan[4], personal, guardian;
    uint64_t why[ASSESS_WHY_COUNT]; /* of the unreachable notices */
    struct rbrand *brand;           /* per config brand; [nbrands]: none */
    size_t nbrands;
    const struct case_config *cfg;
};

struct rctx {
    const struct case_config *cfg;
    int small;
};

/* A count: an integer, or "< N" for 1..N-1. */
static struct json_object *
report_count(const struct rctx *x, uint64_t n)
{
    char text[32];

    if (n > 0 && n < (uint64_t)x->small) {
        snprintf(text, sizeof(text), "< %d", x->small);
        return json_object_new_string(text);
    }
    return json_object_new_int64((int64_t)n);
}

static struct json_object *
report_str(const char *s)
{
    return s != NULL ? json_object_new_string(s) : NULL;
}

/* A number with at most 4 decimals, written as such ("0.9993"). */
static struct json_object *
report_number(double v)
{
    char text[32];

    snprintf(text, sizeof(text), "%.4f", v);
    return json_object_new_double_s(strtod(text, NULL), text);
}

static void
report_add(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add(o, key, v);
}

static int
report_person(void *ctx, const struct store_exposed_person *p)
{
    struct rfig *f = ctx;
    size_t i;

    f->persons++;
    f->multi_records += p->records > 1;
    f->multi_brands += p->brands > 1;
    for (i = 0; i < CATEGORY_COUNT; i++)
        f->cats[i] += (p->categories >> i) & 1u;
    f->risk[p->risk & 3]++;
    for (i = 0; i < REPORT_MAX_RULES; i++)
        f->rule[i] += (p->reasons >> i) & 1u;
    for (i = 0; i < REPORT_MAX_TOPICS; i++)
        f->topic[i] += (p->topics >> i) & 1u;
    f->minors += (p->flags & ASSESS_F_MINOR) != 0;
    f->sensitive += (p->flags & ASSESS_F_SENSITIVE) != 0;
    f->bsn += (p->flags & ASSESS_F_BSN) != 0;
    f->bsn_field += (p->flags & ASSESS_F_BSN_FIELD) != 0;
    f->bsn_vat += (p->flags & ASSESS_F_BSN_VAT) != 0;
    f->bsn_notes += (p->flags & ASSESS_F_BSN_NOTES) != 0;
    f->valid_id += (p->flags & ASSESS_F_VALID_ID) != 0;
    f->ex_customers += (p->flags & ASSESS_F_EX_CUSTOMER) != 0;
    f->past_persons += p->past_retention > 0;
    f->past_records += p->past_retention;
    return 0;
}

static int
report_exposure(void *ctx, const struct store_exposure *e)
{
    struct rfig *f = ctx;
    struct rbrand *b = &f->brand[f->nbrands];
    size_t i;

    for (i = 0; i < f->nbrands; i++)
        if (strcmp(f->cfg->brands[i].id, e->brand) == 0) {
            b = &f->brand[i];
            break;
        }
    f->notices++;
    f->chan[e->channel & 3]++;
    f->personal += (e->flags & ASSESS_F_PERSONAL) != 0;
    f->guardian += (e->flags & ASSESS_F_GUARDIAN) != 0;
    if (e->channel == ASSESS_UNREACHABLE)
        for (i = 0; i < ASSESS_WHY_COUNT; i++)
            f->why[i] += (e->why >> i) & 1u;
    b->persons++;
    b->records += e->records;
    for (i = 0; i < CATEGORY_COUNT; i++)
        b->cats[i] += (e->categories >> i) & 1u;
    b->risk[e->risk & 3]++;
    b->chan[e->channel & 3]++;
    b->minors += (e->flags & ASSESS_F_MINOR) != 0;
    b->sensitive += (e->flags & ASSESS_F_SENSITIVE) != 0;
    b->bsn += (e->flags & ASSESS_F_BSN) != 0;
    b->past_retention += e->past_retention;
    return 0;
}

/* Days since 1970-01-01 of a date of case.ini (checked there). */
static long
report_days(const char *d)
{
    struct date v;
    unsigned flags = 0;

    if (date_parse(d, strlen(d), &v, &flags) != TOCSIN_OK)
        return 0;
    return (long)date_days(&v);
}

static struct json_object *
report_incident(const struct case_config *cfg)
{
    struct json_object *o = json_object_new_object(),
                       *t = json_object_new_object();
    const char *from = cfg->detected != NULL ? cfg->detected : cfg->occurred;

    report_add(o, "name", report_str(cfg->incident_name));
    report_add(o, "organisation", report_str(cfg->organisation));
    report_add(o, "description", report_str(cfg->description));
    report_add(o, "consequences", report_str(cfg->consequences));
    report_add(o, "measures", report_str(cfg->measures));
    report_add(t, "occurred", report_str(cfg->occurred));
    report_add(t, "detected", report_str(cfg->detected));
    report_add(t, "contained", report_str(cfg->contained));
    report_add(t, "authority_notified", report_str(cfg->authority_notified));
    if (cfg->authority_notified != NULL) {
        long hours =
            24 * (report_days(cfg->authority_notified) - report_days(from));

        report_add(t, "hours_to_notify", json_object_new_int64(hours));
        report_add(t, "within_72_hours", json_object_new_boolean(hours <= 72));
    } else {
        report_add(t, "hours_to_notify", NULL);
        report_add(t, "within_72_hours", NULL);
    }
    report_add(o, "timeline", t);
    return o;
}

static struct json_object *
report_dpo(const struct case_config *cfg)
{
    struct json_object *o = json_object_new_object();

    report_add(o, "name", report_str(cfg->dpo_name));
    report_add(o, "email", report_str(cfg->dpo_email));
    report_add(o, "phone", report_str(cfg->dpo_phone));
    report_add(o, "address", report_str(cfg->dpo_address));
    return o;
}

static int
report_listed(const struct config_list *l, const char *name)
{
    size_t i;

    for (i = 0; i < l->count; i++)
        if (strcmp(l->items[i], name) == 0)
            return 1;
    return 0;
}

/* meta 'assess' member name as an int64, or -1. */
static int64_t
report_meta_int(struct json_object *meta, const char *name)
{
    struct json_object *v;

    if (!json_object_object_get_ex(meta, name, &v) ||
        !json_object_is_type(v, json_type_int))
        return -1;
    return json_object_get_int64(v);
}

static struct json_object *
report_categories(const struct rctx *x, const struct rfig *f,
                  struct json_object *meta)
{
    struct json_object *a = json_object_new_array(), *byc = NULL, *v;
    size_t i;

    json_object_object_get_ex(meta, "records_by_category", &byc);
    for (i = 0; i < CATEGORY_COUNT; i++) {
        const char *name = category_name((enum category)i);
        struct json_object *c = json_object_new_object();
        int64_t records = 0;

        if (byc != NULL && json_object_object_get_ex(byc, name, &v))
            records = json_object_get_int64(v);
        report_add(c, "name", json_object_new_string(name));
        report_add(
            c, "taken",
            json_object_new_boolean(report_listed(&x->cfg->taken, name)));
        report_add(c, "data_subjects", report_count(x, f->cats[i]));
        report_add(c, "records", report_count(x, (uint64_t)records));
        json_object_array_add(a, c);
    }
    return a;
}

static struct json_object *
report_levels(const struct rctx *x, const uint64_t *risk)
{
    struct json_object *o = json_object_new_object();

    report_add(o, "high", report_count(x, risk[CONFIG_RISK_HIGH]));
    report_add(o, "medium", report_count(x, risk[CONFIG_RISK_MEDIUM]));
    report_add(o, "low", report_count(x, risk[CONFIG_RISK_LOW]));
    return o;
}

static struct json_object *
report_risk(const struct rctx *x, const struct rfig *f,
            struct json_object *meta)
{
    struct json_object *o = report_levels(x, f->risk),
                       *a = json_object_new_array(), *rules = NULL;
    size_t i, n;

    if (json_object_object_get_ex(meta, "rules", &rules) &&
        json_object_is_type(rules, json_type_array)) {
        n = json_object_array_length(rules);
        for (i = 0; i < n && i < REPORT_MAX_RULES; i++) {
            struct json_object *r = json_object_array_get_idx(rules, i),
                               *c = json_object_new_object(), *v;
            static const char *const keys[] = {"name", "level", "when"};
            size_t k;

            for (k = 0; k < 3; k++)
                report_add(c, keys[k],
                           json_object_object_get_ex(r, keys[k], &v)
                               ? json_object_get(v)
                               : NULL);
            report_add(c, "data_subjects", report_count(x, f->rule[i]));
            json_object_array_add(a, c);
        }
    }
    report_add(o, "rules", a);
    return o;
}

/* The index of topic name in meta 'assess' topics, or -1. */
static int
report_topic(struct json_object *meta, const char *name)
{
    struct json_object *topics = NULL;
    size_t i, n;

    if (!json_object_object_get_ex(meta, "topics", &topics) ||
        !json_object_is_type(topics, json_type_array))
        return -1;
    n = json_object_array_length(topics);
    for (i = 0; i < n && i < REPORT_MAX_TOPICS; i++)
        if (strcmp(
                json_object_get_string(json_object_array_get_idx(topics, i)),
                name) == 0)
            return (int)i;
    return -1;
}

static struct json_object *
report_special(const struct rctx *x, const struct rfig *f,
               struct json_object *meta)
{
    struct json_object *o = json_object_new_object(),
                       *a = json_object_new_array(), *in, *pr, *topics = NULL;
    size_t i, n;

    report_add(o, "minor_age", json_object_new_int(x->cfg->minor_age));
    report_add(o, "minors", report_count(x, f->minors));
    report_add(o, "sensitive_notes", report_count(x, f->sensitive));
    if (json_object_object_get_ex(meta, "topics", &topics) &&
        json_object_is_type(topics, json_type_array)) {
        n = json_object_array_length(topics);
        for (i = 0; i < n && i < REPORT_MAX_TOPICS; i++) {
            struct json_object *t = json_object_new_object();

            report_add(t, "topic",
                       json_object_get(json_object_array_get_idx(topics, i)));
            report_add(t, "data_subjects", report_count(x, f->topic[i]));
            json_object_array_add(a, t);
        }
    }
    report_add(o, "sensitive_topics", a);
    report_add(o, "national_id", report_count(x, f->bsn));
    in = json_object_new_object();
    report_add(in, "national_id", report_count(x, f->bsn_field));
    report_add(in, "vat_number", report_count(x, f->bsn_vat));
    report_add(in, "notes", report_count(x, f->bsn_notes));
    report_add(o, "national_id_in", in);
    report_add(o, "valid_id_documents", report_count(x, f->valid_id));
    report_add(o, "ex_customers", report_count(x, f->ex_customers));
    pr = json_object_new_object();
    report_add(pr, "months", json_object_new_int(x->cfg->retention_months));
    report_add(pr, "records", report_count(x, f->past_records));
    report_add(pr, "data_subjects", report_count(x, f->past_persons));
    report_add(o, "past_retention", pr);
    return o;
}

static struct json_object *
report_channels(const struct rctx *x, const uint64_t *chan)
{
    struct json_object *o = json_object_new_object();

    report_add(o, "email", report_count(x, chan[ASSESS_EMAIL]));
    report_add(o, "letter", report_count(x, chan[ASSESS_LETTER]));
    report_add(o, "sms", report_count(x, chan[ASSESS_SMS]));
    report_add(o, "unreachable", report_count(x, chan[ASSESS_UNREACHABLE]));
    return o;
}

static struct json_object *
report_reach(const struct rctx *x, const struct rfig *f)
{
    struct json_object *o = report_channels(x, f->chan),
                       *a = json_object_new_array();
    unsigned i;

    report_add(o, "personal_contact", report_count(x, f->personal));
    report_add(o, "guardian", report_count(x, f->guardian));
    for (i = 0; i < ASSESS_WHY_COUNT; i++) {
        struct json_object *w;

        if (f->why[i] == 0)
            continue;
        w = json_object_new_object();
        report_add(w, "why", json_object_new_string(assess_why_name(i)));
        report_add(w, "notices", report_count(x, f->why[i]));
        json_object_array_add(a, w);
    }
    report_add(o, "unreachable_why", a);
    return o;
}

static struct json_object *
report_brand(const struct rctx *x, const char *id, const char *name,
             const struct rbrand *b)
{
    struct json_object *o = json_object_new_object(),
                       *c = json_object_new_object();
    size_t i;

    report_add(o, "id", json_object_new_string(id));
    report_add(o, "name", json_object_new_string(name));
    report_add(o, "data_subjects", report_count(x, b->persons));
    report_add(o, "records", report_count(x, b->records));
    for (i = 0; i < CATEGORY_COUNT; i++)
        report_add(c, category_name((enum category)i),
                   report_count(x, b->cats[i]));
    report_add(o, "categories", c);
    report_add(o, "risk", report_levels(x, b->risk));
    report_add(o, "reachability", report_channels(x, b->chan));
    report_add(o, "minors", report_count(x, b->minors));
    report_add(o, "sensitive_notes", report_count(x, b->sensitive));
    report_add(o, "national_id", report_count(x, b->bsn));
    report_add(o, "past_retention_records",
               report_count(x, b->past_retention));
    return o;
}

static struct json_object *
report_brands(const struct rctx *x, const struct rfig *f)
{
    struct json_object *a = json_object_new_array();
    size_t i;

    for (i = 0; i < f->nbrands; i++)
        json_object_array_add(a, report_brand(x, x->cfg->brands[i].id,
                                              x->cfg->brands[i].display_name,
                                              &f->brand[i]));
    if (f->brand[f->nbrands].persons > 0)
        json_object_array_add(a,
                              report_brand(x, "", "", &f->brand[f->nbrands]));
    return a;
}

static void
report_push(struct json_object *a, const char *s)
{
    json_object_array_add(a, json_object_new_string(s));
}

static struct json_object *
report_form(const struct rctx *x, const struct rfig *f,
            struct json_object *meta, uint64_t low, uint64_t high)
{
    const struct case_config *cfg = x->cfg;
    struct json_object *o = json_object_new_object(), *c, *a;
    int t;
    size_t i;

    report_add(o, "organisatie", report_str(cfg->organisation));
    c = json_object_new_object();
    report_add(c, "naam", report_str(cfg->dpo_name));
    report_add(c, "email", report_str(cfg->dpo_email));
    report_add(c, "telefoon", report_str(cfg->dpo_phone));
    report_add(o, "contactpersoon", c);
    report_add(o, "samenvatting", report_str(cfg->description));
    a = json_object_new_array();
    report_push(a, "vertrouwelijkheid");
    report_add(o, "aard", a);
    report_add(o, "datum_begin", report_str(cfg->occurred));
    report_add(o, "datum_einde", report_str(cfg->contained));
    report_add(o, "datum_ontdekt", report_str(cfg->detected));
    report_add(o, "datum_gemeld", report_str(cfg->authority_notified));
    c = json_object_new_object();
    report_add(c, "minimaal", report_count(x, low));
    report_add(c, "maximaal", report_count(x, high));
    report_add(o, "aantal_betrokkenen", c);
    a = json_object_new_array();
    if (f->persons > f->ex_customers)
        report_push(a, "klanten");
    if (f->ex_customers > 0)
        report_push(a, "oud-klanten");
    if (f->minors > 0)
        report_push(a, "minderjarigen");
    if (f->sensitive > 0)
        report_push(a, "kwetsbare personen");
    report_add(o, "groepen_betrokkenen", a);
    a = json_object_new_array();
    for (i = 0; i < CATEGORY_COUNT; i++)
        if (f->cats[i] > 0)
            report_push(a, category_name((enum category)i));
    report_add(o, "soort_gegevens", a);
    a = json_object_new_array();
    if ((t = report_topic(meta, "health")) >= 0 && f->topic[t] > 0)
        report_push(a, "gezondheid");
    if ((t = report_topic(meta, "police")) >= 0 && f->topic[t] > 0)
        report_push(a, "strafrechtelijk");
    report_add(o, "bijzondere_gegevens", a);
    report_add(o, "bsn", json_object_new_boolean(f->bsn > 0));
    report_add(o, "gevolgen", report_str(cfg->consequences));
    report_add(o, "maatregelen", report_str(cfg->measures));
    c = json_object_new_object();
    report_add(c, "email", report_count(x, f->chan[ASSESS_EMAIL]));
    report_add(c, "brief", report_count(x, f->chan[ASSESS_LETTER]));
    report_add(c, "sms", report_count(x, f->chan[ASSESS_SMS]));
    report_add(c, "onbereikbaar",
               report_count(x, f->chan[ASSESS_UNREACHABLE]));
    report_add(o, "betrokkenen_informeren", c);
    return o;
}

/* Read meta key into a fresh string in *out; ENOENT passes through. */
static int
report_meta(struct store *s, const char *key, struct buf *out)
{
    buf_reset(out);
    return store_meta_get(s, key, out);
}

/* Is the assessment of the records and persons now in the case? */
static int
report_fresh(struct casedir *c, struct json_object *meta, struct buf *tmp,
             struct buf *why)
{
    struct store *s = casedir_store(c);
    struct json_object *v;
    uint64_t total;
    int rc;

    if ((rc = store_record_count(s, &total)) != TOCSIN_OK)
        return rc;
    rc = report_meta(s, "resolve_stamp", tmp);
    if (rc != TOCSIN_OK && rc != TOCSIN_ENOENT)
        return rc;
    if (!json_object_object_get_ex(meta, "resolve_stamp", &v) ||
        (rc == TOCSIN_OK &&
         strcmp(json_object_get_string(v), buf_str(tmp)) != 0)) {
        buf_setf(why, "the persons changed after the last assess (resolve "
                      "ran again): run 'tocsin assess'");
        return TOCSIN_ENOENT;
    }
    if (report_meta_int(meta, "records") != (int64_t)total) {
        buf_setf(why,
                 "the assessment is of %lld records, the case holds "
                 "%llu: run 'tocsin resolve' and 'tocsin assess'",
                 (long long)report_meta_int(meta, "records"),
                 (unsigned long long)total);
        return TOCSIN_ENOENT;
    }
    return TOCSIN_OK;
}

static void
report_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The top of the report: format, case, incident, dpo. */
static void
report_head(struct json_object *r, const struct case_config *cfg,
            const char *lang, const struct rctx *x, struct json_object *meta,
            const char *case_id, const char *resolved_at)
{
    struct json_object *cs = json_object_new_object(), *v;
    char now[32];

    report_now(now);
    report_add(r, "format", json_object_new_string("tocsin-report"));
    report_add(r, "version", json_object_new_int(1));
    report_add(r, "generated_at", json_object_new_string(now));
    report_add(r, "language", json_object_new_string(lang));
    report_add(r, "small_count", json_object_new_int(x->small));
    report_add(cs, "id", json_object_new_string(case_id));
    report_add(cs, "assessed_at",
               json_object_object_get_ex(meta, "assessed_at", &v)
                   ? json_object_get(v)
                   : NULL);
    report_add(cs, "resolved_at", report_str(resolved_at));
    report_add(r, "case", cs);
    report_add(r, "incident", report_incident(cfg));
    report_add(r, "dpo", report_dpo(cfg));
}

int
report_build(struct casedir *c, const char *lang, struct json_object **out,
             struct buf *why)
{
    const struct case_config *cfg = casedir_config(c);
    struct store *s = casedir_store(c);
    struct store_ingest_totals in;
    struct store_resolve_figures rf;
    struct json_object *r = NULL, *meta = NULL, *o;
    struct buf tmp, case_id, resolved_at, threshold;
    struct rctx x;
    struct rfig f;
    uint64_t low, high;
    int rc;

    *out = NULL;
    memset(&f, 0, sizeof(f));
    x.cfg = cfg;
    x.small = cfg->small_count > 0 ? cfg->small_count : 10;
    f.cfg = cfg;
    f.nbrands = cfg->nbrands;
    buf_init(&tmp, 1u << 20);
    buf_init(&case_id, 256);
    buf_init(&resolved_at, 256);
    buf_init(&threshold, 64);
    if ((f.brand = calloc(cfg->nbrands + 1, sizeof(*f.brand))) == NULL)
        return TOCSIN_ENOMEM;
    if (lang == NULL)
        lang = cfg->language;

    /* one read transaction: every figure of one state of the case */
    if ((rc = store_begin(s)) != TOCSIN_OK)
        goto dberr;
    rc = report_meta(s, "assess", &tmp);
    if (rc == TOCSIN_ENOENT) {
        buf_setf(why, "the case is not assessed: run 'tocsin assess'");
        goto out;
    }
    if (rc != TOCSIN_OK)
        goto dberr;
    if ((meta = json_tokener_parse(buf_str(&tmp))) == NULL ||
        !json_object_is_type(meta, json_type_object)) {
        buf_setf(why, "the stored assessment is damaged: run 'tocsin "
                      "assess' again");
        rc = TOCSIN_EFORMAT;
        goto out;
    }
    if ((rc = report_fresh(c, meta, &tmp, why)) != TOCSIN_OK) {
        if (rc == TOCSIN_EDB)
            goto dberr;
        goto out;
    }
    if ((rc = report_meta(s, "case_id", &case_id)) != TOCSIN_OK ||
        ((rc = report_meta(s, "resolved_at", &resolved_at)) != TOCSIN_OK &&
         rc != TOCSIN_ENOENT) ||
        ((rc = report_meta(s, "resolve_threshold", &threshold)) != TOCSIN_OK &&
         rc != TOCSIN_ENOENT) ||
        (rc = store_ingest_totals(s, &in)) != TOCSIN_OK ||
        (rc = store_resolve_figures(s, &rf)) != TOCSIN_OK ||
        (rc = store_exposed_persons_each(s, report_person, &f)) != TOCSIN_OK ||
        (rc = store_exposures_each(s, report_exposure, &f)) != TOCSIN_OK)
        goto dberr;

    low = f.persons > rf.refused ? f.persons - rf.refused : (f.persons > 0);
    high = f.persons + rf.uncertain;
    r = json_object_new_object();
    report_head(r, cfg, lang, &x, meta, buf_str(&case_id),
                buf_len(&resolved_at) > 0 ? buf_str(&resolved_at) : NULL);
    report_add(r, "data_subjects", report_count(&x, f.persons));
    o = json_object_new_object();
    report_add(o, "low", report_count(&x, low));
    report_add(o, "high", report_count(&x, high));
    report_add(r, "data_subjects_range", o);
    report_add(r, "records",
               report_count(&x, (uint64_t)report_meta_int(meta, "records")));
    report_add(r, "notices", report_count(&x, f.notices));
    o = json_object_new_object();
    report_add(o, "sources", json_object_new_int64((int64_t)in.sources));
    report_add(o, "rows_read", report_count(&x, in.rows_read));
    report_add(o, "accepted", report_count(&x, in.accepted));
    report_add(o, "rejected", report_count(&x, in.rejected));
    report_add(r, "input", o);
    o = json_object_new_object();
    report_add(o, "threshold",
               report_number(buf_len(&threshold) > 0
                                 ? strtod(buf_str(&threshold), NULL)
                                 : 0.9));
    report_add(o, "persons_with_several_records",
               report_count(&x, f.multi_records));
    report_add(o, "persons_in_several_brands",
               report_count(&x, f.multi_brands));
    report_add(o, "uncertain_joins",
               json_object_new_int64((int64_t)rf.uncertain));
    report_add(o, "refused_links", json_object_new_int64((int64_t)rf.refused));
    report_add(o, "lowest_confidence",
               f.persons > 0 ? report_number(rf.lowest_confidence) : NULL);
    report_add(r, "resolution", o);
    report_add(r, "categories", report_categories(&x, &f, meta));
    o = json_object_new_array();
    for (size_t i = 0; i < cfg->not_taken.count; i++)
        report_push(o, cfg->not_taken.items[i]);
    report_add(r, "not_taken", o);
    report_add(r, "risk", report_risk(&x, &f, meta));
    report_add(r, "special", report_special(&x, &f, meta));
    report_add(r, "reachability", report_reach(&x, &f));
    report_add(r, "brands", report_brands(&x, &f));
    report_add(r, "meldformulier", report_form(&x, &f, meta, low, high));
    *out = r;
    rc = TOCSIN_OK;
    goto out;
dberr:
    buf_setf(why, "%s", store_errmsg(s));
out:
    store_rollback(s);
    json_object_put(meta);
    free(f.brand);
    buf_free(&tmp);
    buf_free(&case_id);
    buf_free(&resolved_at);
    buf_free(&threshold);
    return rc;
}
