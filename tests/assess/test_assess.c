/*
 * test_assess.c - the assess stage and the report figures on a case of
 * synthetic persons plus hand-made rows whose exposure is known exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "assess/assess.h"
#include "ingest/ingest.h"
#include "report/report.h"
#include "resolve/resolve.h"
#include "store/casedir.h"
#include "store/config.h"
#include "store/field.h"
#include "store/seal.h"
#include "store/store.h"
#include "synth/synth.h"

/* Incident 2026-02-07, minor_age 16, retention 24 months (data/case.ini):
 * contracts ended before 2024-02-07 are kept too long. */
static const char hand_csv[] =
    "record_id,brand,customer_number,first_name,last_name,street,"
    "house_number,postcode,city,phone,email,iban,birth_date,id_doc_type,"
    "id_doc_number,id_doc_expiry,vat_number,national_id,contract_end,"
    "language,notes\n"
    "A-FRAUD,Odido,770000001,Pieter,Bakkerzoon,Dorpsstraat,1,3511AB,"
    "Utrecht,,pieter.bakkerzoon@example.nl,NL35ABNA3010817171,1970-03-03,"
    ",,,,,,,\n"
    "A-MINOR,Ben,770000002,Lotte,Vissering,Kerkweg,2,3512AB,Utrecht,,"
    "lotte.vissering@example.nl,,2013-05-05,,,,,,,,\n"
    "A-SICK,Odido,770000003,Karel,Smitsma,Molenweg,3,3513AB,Utrecht,,"
    "karel.smitsma@example.nl,,1950-01-01,,,,,,,,"
    "Klant ligt in het ZIEKENHUIS\n"
    "A-BSNNOTE,Odido,770000004,Anna,Boerema,Laan,4,3514AB,Utrecht,,"
    "anna.boerema@example.nl,,1980-04-04,,,,,,,,"
    "Klant gaf burgerservicenummer 628194821 op\n"
    "A-VAT,Odido,770000005,Bram,Mulderink,Plein,5,3515AB,Utrecht,,"
    "bram.mulderink@example.nl,,1975-05-05,,,,NL252760189B01,,,,\n"
    "A-FIELD,Odido,770000006,Berend,Mulderman,Plein,6,3515AB,Utrecht,,"
    "berend.mulderman@example.nl,,1976-06-06,,,,,507529170,,,\n"
    "A-EXOLD,Odido,770000007,Cor,Jansma,Singel,7,3516AB,Utrecht,,"
    "cor.jansma@example.nl,,1960-07-07,,,,,,2020-01-01,,\n"
    "A-EXNEW,Odido,770000008,Dirk,Jansingh,Gracht,8,3517AB,Utrecht,,"
    "dirk.jansingh@example.nl,,1961-08-08,,,,,,2025-06-01,,\n"
    "A-TYPO,Odido,770000009,Els,Vossema,Haven,9,3518AB,Utrecht,,"
    "els.vossema@gmial.com,,1962-09-09,,,,,,,,\n"
    "A-SMS,Ben,770000010,Frank,Kokkema,Dijk,10,,,0612345670,,,1963-10-10,"
    ",,,,,,,\n"
    "A-NONE,Ben,770000011,Gert,Bosma,,,,,0201234567,,,1964-11-11,,,,,,,,\n"
    "A-TWO-1,Odido,770000012,Hanna,Dekkering,Wal,12,3519AB,Utrecht,,"
    "hanna.dekkering@example.nl,NL09SNSB0550460349,1965-12-12,,,,,,,,\n"
    "A-TWO-2,Ben,880000012,Hanna,Dekkering,Wal,12,3519AB,Utrecht,,"
    "hanna.dekkering@example.nl,NL09SNSB0550460349,1965-12-12,,,,,,,,\n"
    "A-IDOK,Odido,770000014,Ivo,Meijering,Weg,14,3520AB,Utrecht,,"
    "ivo.meijering@example.nl,,1966-01-14,paspoort,QTXG4EN96,2030-01-23,,,"
    ",,\n"
    "A-IDOLD,Odido,770000015,Joke,Meijerink,Pad,15,3521AB,Utrecht,,"
    "joke.meijerink@example.nl,,1967-02-15,identiteitskaart,UBT6HRFA7,"
    "2024-07-26,,,,,\n"
    "A-LANG,Odido,770000016,Kim,Lensink,Steeg,16,3522AB,Utrecht,,"
    "kim.lensink@example.nl,,1968-03-16,,,,,,,en,\n";

struct fx {
    char root[64];
    char dir[96];
    struct casedir *c;
    struct buf why;
    struct store_exposure *ex; /* every exposure, strings copied */
    char (*brand)[16];
    size_t nex;
};

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void
ingest(struct fx *f, const char *path, uint64_t accepted)
{
    struct ingest_options io = {0};
    struct ingest_result res;

    assert_int_equal(ingest_file(f->c, path, &io, &res, &f->why), TOCSIN_OK);
    if (accepted > 0)
        assert_int_equal(res.accepted, accepted);
    ingest_result_free(&res);
}

static void
resolve(struct fx *f)
{
    struct resolve_options o = {0};
    struct resolve_result res;

    assert_int_equal(resolve_run(f->c, &o, &res, NULL, &f->why), TOCSIN_OK);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct synth_options so = {0};
    char path[160];
    FILE *exp, *truth;

    assert_non_null(f);
    test_tmpdir(f->root, sizeof(f->root), "assess");
    snprintf(f->dir, sizeof(f->dir), "%s/case", f->root);
    buf_init(&f->why, 4096);
    assert_int_equal(casedir_init(f->dir, &f->why), TOCSIN_OK);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
    so.persons = 1500;
    so.seed = 7;
    so.format = SYNTH_FORMAT_CSV;
    snprintf(path, sizeof(path), "%s/synth.csv", f->root);
    exp = fopen(path, "w");
    truth = fopen("/dev/null", "w");
    assert_non_null(exp);
    assert_non_null(truth);
    assert_int_equal(synth_write(&so, exp, truth, NULL), TOCSIN_OK);
    fclose(exp);
    fclose(truth);
    ingest(f, path, 0);
    snprintf(path, sizeof(path), "%s/hand.csv", f->root);
    write_file(path, hand_csv);
    ingest(f, path, 16);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    casedir_close(f->c);
    buf_free(&f->why);
    free(f->ex);
    free(f->brand);
    test_rmtree(f->root);
    free(f);
    return 0;
}

static int
collect(void *ctx, const struct store_exposure *e)
{
    struct fx *f = ctx;

    f->ex = realloc(f->ex, (f->nex + 1) * sizeof(*f->ex));
    f->brand = realloc(f->brand, (f->nex + 1) * sizeof(*f->brand));
    assert_non_null(f->ex);
    assert_non_null(f->brand);
    assert_true(strlen(e->brand) < sizeof(f->brand[0]));
    snprintf(f->brand[f->nex], sizeof(f->brand[0]), "%s", e->brand);
    f->ex[f->nex] = *e;
    f->ex[f->nex].brand = NULL;
    f->ex[f->nex].language = strcmp(e->language, "en") == 0 ? "en" : "nl";
    f->nex++;
    return 0;
}

static void
assess(struct fx *f, struct assess_result *res)
{
    struct assess_options o = {0};

    assert_int_equal(assess_run(f->c, &o, res, NULL, &f->why), TOCSIN_OK);
    f->nex = 0;
    assert_int_equal(store_exposures_each(casedir_store(f->c), collect, f),
                     TOCSIN_OK);
}

static int64_t
person_of(struct fx *f, const char *rid)
{
    unsigned char h[SEAL_HASH_BYTES];
    int64_t ids[2], person = -1;
    size_t n;

    seal_hash(casedir_seal(f->c), "record_id", rid, strlen(rid), h);
    assert_int_equal(store_records_by_rid(casedir_store(f->c), h, ids, 2, &n),
                     TOCSIN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_person_of(casedir_store(f->c), ids[0], &person),
                     TOCSIN_OK);
    return person;
}

/* The exposure of the person of record rid at brand. */
static const struct store_exposure *
exposure(struct fx *f, const char *rid, const char *brand)
{
    int64_t p = person_of(f, rid);
    size_t i;

    for (i = 0; i < f->nex; i++)
        if (f->ex[i].person_id == p && strcmp(f->brand[i], brand) == 0)
            return &f->ex[i];
    fail_msg("no exposure for %s at %s", rid, brand);
    return NULL;
}

static unsigned
cat(enum category c)
{
    return 1u << c;
}

/* The rule index of name in the case's rules. */
static uint32_t
rule(struct fx *f, const char *name)
{
    const struct case_config *cfg = casedir_config(f->c);
    size_t i;

    for (i = 0; i < cfg->nrules; i++)
        if (strcmp(cfg->rules[i].name, name) == 0)
            return 1u << i;
    fail_msg("no rule %s", name);
    return 0;
}

static void
test_not_resolved_is_refused(void **state)
{
    struct fx *f = *state;
    struct assess_options o = {0};
    struct assess_result res;

    assert_int_equal(assess_run(f->c, &o, &res, NULL, &f->why), TOCSIN_ENOENT);
    assert_non_null(strstr(buf_str(&f->why), "tocsin resolve"));
}

static void
test_categories_risk_and_flags(void **state)
{
    struct fx *f = *state;
    const struct store_exposure *e;
    struct assess_result res;

    resolve(f);
    assess(f, &res);
    assert_int_equal(res.notices, f->nex);
    assert_true(res.persons > 1500 && res.persons < res.records);

    e = exposure(f, "A-FRAUD", "odido");
    assert_int_equal(e->records, 1);
    assert_int_equal(
        e->categories &
            (cat(CATEGORY_NAME) | cat(CATEGORY_ADDRESS) | cat(CATEGORY_IBAN)),
        cat(CATEGORY_NAME) | cat(CATEGORY_ADDRESS) | cat(CATEGORY_IBAN));
    assert_int_equal(e->categories & cat(CATEGORY_NOTES), 0);
    assert_int_equal(e->risk, CONFIG_RISK_HIGH);
    assert_true(e->reasons & rule(f, "fraud"));
    assert_true(e->reasons & rule(f, "phishing"));
    assert_int_equal(e->channel, ASSESS_EMAIL);
    assert_int_equal(e->flags & (ASSESS_F_MINOR | ASSESS_F_SENSITIVE |
                                 ASSESS_F_BSN | ASSESS_F_EX_CUSTOMER),
                     0);

    e = exposure(f, "A-MINOR", "ben");
    assert_true(e->flags & ASSESS_F_MINOR);
    assert_true(e->flags & ASSESS_F_GUARDIAN);
    assert_true(e->reasons & rule(f, "minor"));
    assert_int_equal(e->risk, CONFIG_RISK_MEDIUM);

    e = exposure(f, "A-SICK", "odido");
    assert_true(e->flags & ASSESS_F_SENSITIVE);
    assert_true(e->flags & ASSESS_F_PERSONAL);
    assert_int_not_equal(e->topics, 0);
    assert_true(e->reasons & rule(f, "sensitive_notes"));
    assert_int_equal(e->risk, CONFIG_RISK_HIGH);

    e = exposure(f, "A-BSNNOTE", "odido");
    assert_int_equal(e->flags & ASSESS_F_BSN, ASSESS_F_BSN_NOTES);
    assert_true(e->categories & cat(CATEGORY_NATIONAL_ID));
    assert_true(e->reasons & rule(f, "national_id"));
    assert_int_equal(e->risk, CONFIG_RISK_HIGH);
    assert_int_equal(e->flags & ASSESS_F_SENSITIVE, 0);

    e = exposure(f, "A-VAT", "odido");
    assert_int_equal(e->flags & ASSESS_F_BSN, ASSESS_F_BSN_VAT);
    assert_true(e->categories & cat(CATEGORY_VAT_NUMBER));
    assert_true(e->categories & cat(CATEGORY_NATIONAL_ID));
    assert_int_equal(e->risk, CONFIG_RISK_HIGH);

    e = exposure(f, "A-FIELD", "odido");
    assert_int_equal(e->flags & ASSESS_F_BSN, ASSESS_F_BSN_FIELD);

    e = exposure(f, "A-EXOLD", "odido");
    assert_true(e->flags & ASSESS_F_EX_CUSTOMER);
    assert_true(e->flags & ASSESS_F_PAST_RETENTION);
    assert_int_equal(e->past_retention, 1);
    assert_true(e->categories & cat(CATEGORY_CONTRACT));

    e = exposure(f, "A-EXNEW", "odido");
    assert_true(e->flags & ASSESS_F_EX_CUSTOMER);
    assert_int_equal(e->flags & ASSESS_F_PAST_RETENTION, 0);
    assert_int_equal(e->past_retention, 0);

    e = exposure(f, "A-IDOK", "odido");
    assert_true(e->flags & ASSESS_F_VALID_ID);
    assert_true(e->reasons & rule(f, "identity_fraud"));
    assert_int_equal(e->risk, CONFIG_RISK_HIGH);
    e = exposure(f, "A-IDOLD", "odido");
    assert_int_equal(e->flags & ASSESS_F_VALID_ID, 0);
    assert_true(e->reasons & rule(f, "identity_fraud"));
}

static void
test_channels(void **state)
{
    struct fx *f = *state;
    const struct store_exposure *e;

    e = exposure(f, "A-FRAUD", "odido");
    assert_int_equal(e->channel, ASSESS_EMAIL);
    assert_int_equal(e->why, ASSESS_WHY_NO_MOBILE);
    assert_true(e->contact_record > 0);

    e = exposure(f, "A-TYPO", "odido");
    assert_int_equal(e->channel, ASSESS_LETTER);
    assert_int_equal(e->why, ASSESS_WHY_EMAIL_TYPO | ASSESS_WHY_NO_MOBILE);

    e = exposure(f, "A-SMS", "ben");
    assert_int_equal(e->channel, ASSESS_SMS);
    assert_int_equal(e->why, ASSESS_WHY_NO_EMAIL | ASSESS_WHY_ADDRESS_PART);

    e = exposure(f, "A-NONE", "ben");
    assert_int_equal(e->channel, ASSESS_UNREACHABLE);
    assert_int_equal(e->contact_record, 0);
    assert_int_equal(e->why, ASSESS_WHY_NO_EMAIL | ASSESS_WHY_NO_ADDRESS |
                                 ASSESS_WHY_NO_MOBILE | ASSESS_WHY_LANDLINE);

    e = exposure(f, "A-LANG", "odido");
    assert_string_equal(e->language, "en");
    e = exposure(f, "A-FRAUD", "odido");
    assert_string_equal(e->language, "nl");
}

static void
test_one_person_two_brands(void **state)
{
    struct fx *f = *state;
    const struct store_exposure *a, *b;

    assert_int_equal(person_of(f, "A-TWO-1"), person_of(f, "A-TWO-2"));
    a = exposure(f, "A-TWO-1", "odido");
    b = exposure(f, "A-TWO-2", "ben");
    assert_int_equal(a->records, 1);
    assert_int_equal(b->records, 1);
    assert_int_equal(a->risk, CONFIG_RISK_HIGH);
    assert_int_equal(b->risk, CONFIG_RISK_HIGH);
}

/* A member of a JSON object by a dotted path. */
static struct json_object *
jget(struct json_object *o, const char *path)
{
    char key[64];
    const char *dot;

    while (o != NULL && *path != '\0') {
        struct json_object *v = NULL;
        size_t n;

        dot = strchr(path, '.');
        n = dot != NULL ? (size_t)(dot - path) : strlen(path);
        assert_true(n < sizeof(key));
        memcpy(key, path, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(o, key, &v))
            fail_msg("no member %s", key);
        o = v;
        path += n + (dot != NULL);
    }
    return o;
}

/* A count that must be an integer (>= small_count, or 0). */
static int64_t
jcount(struct json_object *r, const char *path)
{
    struct json_object *v = jget(r, path);

    if (!json_object_is_type(v, json_type_int))
        fail_msg("%s is not an integer: %s", path,
                 json_object_to_json_string(v));
    return json_object_get_int64(v);
}

/* The count at path is n as the report shows it: "< 10" for 1..9. */
static void
jis(struct json_object *r, const char *path, uint64_t n)
{
    struct json_object *v = jget(r, path);

    if (n > 0 && n < 10)
        assert_string_equal(json_object_get_string(v), "< 10");
    else
        assert_int_equal(jcount(r, path), (int64_t)n);
}

struct tally {
    uint64_t notices, channel[4];
};

static int
tally(void *ctx, const struct store_exposure *e)
{
    struct tally *t = ctx;

    t->notices++;
    t->channel[e->channel & 3]++;
    return 0;
}

static void
test_report_figures(void **state)
{
    struct fx *f = *state;
    struct json_object *r = NULL;
    struct assess_result res;
    struct store_ingest_totals in;
    struct tally t = {0};
    int64_t sum;

    assess(f, &res);
    assert_int_equal(report_build(f->c, "en", &r, &f->why), TOCSIN_OK);
    assert_non_null(r);
    assert_string_equal(json_object_get_string(jget(r, "format")),
                        "tocsin-report");
    assert_int_equal(jcount(r, "data_subjects"), (int64_t)res.persons);
    assert_int_equal(jcount(r, "records"), (int64_t)res.records);
    assert_int_equal(jcount(r, "notices"), (int64_t)res.notices);
    assert_int_equal(store_ingest_totals(casedir_store(f->c), &in), TOCSIN_OK);
    assert_int_equal(in.rows_read, in.accepted + in.rejected);
    assert_true(in.rejected > 0); /* synth writes a few broken rows */
    jis(r, "input.rows_read", in.rows_read);
    jis(r, "input.accepted", in.accepted);
    jis(r, "input.rejected", in.rejected);
    assert_int_equal(in.accepted, res.records);
    assert_int_equal(store_exposures_each(casedir_store(f->c), tally, &t),
                     TOCSIN_OK);
    assert_int_equal(t.notices, res.notices);
    assert_int_equal(t.channel[0] + t.channel[1] + t.channel[2] + t.channel[3],
                     t.notices);
    jis(r, "reachability.email", t.channel[ASSESS_EMAIL]);
    jis(r, "reachability.letter", t.channel[ASSESS_LETTER]);
    jis(r, "reachability.sms", t.channel[ASSESS_SMS]);
    jis(r, "reachability.unreachable", t.channel[ASSESS_UNREACHABLE]);
    assert_int_equal(res.risk[1] + res.risk[2] + res.risk[3], res.persons);
    jis(r, "risk.high", res.risk[CONFIG_RISK_HIGH]);
    jis(r, "risk.medium", res.risk[CONFIG_RISK_MEDIUM]);
    jis(r, "risk.low", res.risk[CONFIG_RISK_LOW]);
    jis(r, "special.minors", res.minors);
    assert_true(jcount(r, "data_subjects_range.low") <=
                jcount(r, "data_subjects"));
    assert_true(jcount(r, "data_subjects_range.high") >=
                jcount(r, "data_subjects"));
    /* the brands' persons add up to the notices */
    sum = 0;
    for (size_t i = 0; i < json_object_array_length(jget(r, "brands")); i++)
        sum += jcount(json_object_array_get_idx(jget(r, "brands"), i),
                      "data_subjects");
    assert_int_equal(sum, (int64_t)res.notices);
    json_object_put(r);
}

static void
test_report_stale_after_resolve(void **state)
{
    struct fx *f = *state;
    struct json_object *r = NULL;

    resolve(f);
    assert_int_equal(report_build(f->c, NULL, &r, &f->why), TOCSIN_ENOENT);
    assert_null(r);
    assert_non_null(strstr(buf_str(&f->why), "tocsin assess"));
}

/* Walk r: every integer member named like a count is 0 or >= 10. */
static void
no_small_counts(struct json_object *o, const char *name)
{
    static const char *const not_counts[] = {
        "version",         "small_count",
        "minor_age",       "months",
        "sources",         "hours_to_notify",
        "uncertain_joins", "refused_links",
        "threshold",       NULL};
    size_t i;

    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, v) no_small_counts(v, k);
    } else if (json_object_is_type(o, json_type_array)) {
        for (i = 0; i < json_object_array_length(o); i++)
            no_small_counts(json_object_array_get_idx(o, i), name);
    } else if (json_object_is_type(o, json_type_int)) {
        int64_t v = json_object_get_int64(o);

        for (i = 0; not_counts[i] != NULL; i++)
            if (strcmp(name, not_counts[i]) == 0)
                return;
        if (v > 0 && v < 10)
            fail_msg("%s is %lld: a small count shown", name, (long long)v);
    }
}

static void
test_small_counts_hidden(void **state)
{
    struct fx *f = *state;
    struct assess_result res;
    struct json_object *r = NULL, *cats;
    char text[4096];
    size_t i;
    int lt10 = 0;

    /* a case of the hand rows alone: most counts are small */
    casedir_close(f->c);
    snprintf(text, sizeof(text), "rm -rf '%s'", f->dir);
    assert_int_equal(system(text), 0);
    assert_int_equal(casedir_init(f->dir, &f->why), TOCSIN_OK);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
    snprintf(text, sizeof(text), "%s/hand.csv", f->root);
    ingest(f, text, 16);
    resolve(f);
    assess(f, &res);
    assert_int_equal(report_build(f->c, "nl", &r, &f->why), TOCSIN_OK);
    no_small_counts(r, "");
    cats = jget(r, "categories");
    for (i = 0; i < json_object_array_length(cats); i++) {
        struct json_object *ds =
            jget(json_object_array_get_idx(cats, i), "data_subjects");

        if (json_object_is_type(ds, json_type_string)) {
            assert_string_equal(json_object_get_string(ds), "< 10");
            lt10++;
        }
    }
    assert_true(lt10 >= 3); /* iban, id_document, vat_number, ... */
    assert_string_equal(json_object_get_string(jget(r, "special.minors")),
                        "< 10");
    json_object_put(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_resolved_is_refused),
        cmocka_unit_test(test_categories_risk_and_flags),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_one_person_two_brands),
        cmocka_unit_test(test_report_figures),
        cmocka_unit_test(test_report_stale_after_resolve),
        cmocka_unit_test(test_small_counts_hidden),
    };

    return cmocka_run_group_tests_name("assess", tests, setup, teardown);
}
