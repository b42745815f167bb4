/*
 * test_resolve.c - the resolve stage: comparison levels of record pairs,
 * the conflict rules, EM, and the clustering rules on a real case (a
 * synthetic breach with hand-made households, twins and movers in it).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/date.h"
#include "ingest/ingest.h"
#include "ingest/phone.h"
#include "resolve/resolve.h"
#include "resolve/resolve_int.h"
#include "store/casedir.h"
#include "store/seal.h"
#include "store/store.h"
#include "synth/synth.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Levels of pairs, through the real feature reduction.                */

struct pair_fx {
    struct record r[2];
    struct rfeat f[2];
    struct buf arena[2], scratch;
    unsigned char key[RLOAD_KEY_BYTES];
};

static void
px_set(struct record *r, enum field f, const char *v, uint32_t flags)
{
    r->val[f] = v;
    r->len[f] = strlen(v);
    r->flags[f] = flags;
}

static void
px_init(struct pair_fx *x)
{
    memset(x, 0, sizeof(*x));
    record_clear(&x->r[0]);
    record_clear(&x->r[1]);
    buf_init(&x->arena[0], 1 << 20);
    buf_init(&x->arena[1], 1 << 20);
    buf_init(&x->scratch, 1 << 20);
    memset(x->key, 7, sizeof(x->key));
}

static uint64_t
px_pattern(struct pair_fx *x)
{
    int i;

    for (i = 0; i < 2; i++) {
        buf_reset(&x->arena[i]);
        x->f[i].brand = 1;
        assert_int_equal(rload_features(&x->r[i], x->key, &x->arena[i],
                                        &x->scratch, &x->f[i]),
                         TOCSIN_OK);
    }
    return rcmp_pattern(buf_str(&x->arena[0]), &x->f[0], buf_str(&x->arena[1]),
                        &x->f[1]);
}

static void
px_free(struct pair_fx *x)
{
    buf_free(&x->arena[0]);
    buf_free(&x->arena[1]);
    buf_free(&x->scratch);
}

/* The level of comparison k for two values of field f. */
static unsigned
level_of(enum field f, const char *a, const char *b, enum rcmp k)
{
    struct pair_fx x;
    unsigned l;

    px_init(&x);
    if (a != NULL)
        px_set(&x.r[0], f, a, 0);
    if (b != NULL)
        px_set(&x.r[1], f, b, 0);
    l = RPAT_LEVEL(px_pattern(&x), k);
    px_free(&x);
    return l;
}

static void
test_first_name_levels(void **state)
{
    (void)state;
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Jan", "JAN", RC_FIRST),
                     RL_EXACT);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Jan Peter", "Jan", RC_FIRST),
                     RL_EXACT); /* first words */
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Johannes", "Hans", RC_FIRST),
                     RL_FIRST_NICK);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Wilhelmus", "Wim", RC_FIRST),
                     RL_FIRST_NICK);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Marieke", "Mariek", RC_FIRST),
                     RL_FIRST_JW92);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Jan", "Kees", RC_FIRST),
                     RL_FIRST_OTHER);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Jan", "Jozefien", RC_FIRST),
                     RL_FIRST_DIFF);
    assert_int_equal(level_of(FIELD_FIRST_NAME, "Jan", NULL, RC_FIRST),
                     RL_MISSING);
    assert_int_equal(level_of(FIELD_FIRST_NAME, NULL, NULL, RC_FIRST),
                     RL_MISSING);
}

static void
test_initials_levels(void **state)
{
    struct pair_fx x;

    (void)state;
    px_init(&x);
    px_set(&x.r[0], FIELD_FIRST_NAME, "J.P.", INGEST_INITIALS);
    px_set(&x.r[1], FIELD_FIRST_NAME, "Jan Peter", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_FIRST), RL_FIRST_INIT);
    px_set(&x.r[1], FIELD_FIRST_NAME, "Piet", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_FIRST), RL_FIRST_OTHER);
    px_free(&x);
}

static void
test_last_name_levels(void **state)
{
    struct pair_fx x;

    (void)state;
    assert_int_equal(level_of(FIELD_LAST_NAME, "Jansen", "JANSEN", RC_LAST),
                     RL_EXACT);
    assert_int_equal(level_of(FIELD_LAST_NAME, "Jansen", "Janssen", RC_LAST),
                     RL_LAST_JW92);
    assert_int_equal(
        level_of(FIELD_LAST_NAME, "El Amrani", "El-Amrani", RC_LAST),
        RL_EXACT);
    assert_int_equal(level_of(FIELD_LAST_NAME, "Bakker", "Visser", RC_LAST),
                     RL_LAST_DIFF);
    /* "van den Berg" split by ingest against a glued "Vandenberg" kept
     * whole: the infix and surname together agree */
    px_init(&x);
    px_set(&x.r[0], FIELD_INFIX, "van den", 0);
    px_set(&x.r[0], FIELD_LAST_NAME, "Berg", 0);
    px_set(&x.r[1], FIELD_LAST_NAME, "Vandenberg", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_LAST), RL_EXACT);
    /* a double name holding the other */
    px_set(&x.r[0], FIELD_INFIX, "de", 0);
    px_set(&x.r[0], FIELD_LAST_NAME, "Vries", 0);
    x.r[1].val[FIELD_INFIX] = NULL;
    px_set(&x.r[1], FIELD_LAST_NAME, "Bakker-de Vries", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_LAST), RL_LAST_PART);
    px_free(&x);
}

static void
test_swapped_names(void **state)
{
    struct pair_fx x;
    uint64_t p;

    (void)state;
    px_init(&x);
    px_set(&x.r[0], FIELD_FIRST_NAME, "Mitchell", 0);
    px_set(&x.r[0], FIELD_LAST_NAME, "Green", 0);
    px_set(&x.r[1], FIELD_FIRST_NAME, "Green", 0);
    px_set(&x.r[1], FIELD_LAST_NAME, "Mitchell", 0);
    p = px_pattern(&x);
    assert_int_equal(RPAT_LEVEL(p, RC_FIRST), RL_FIRST_JW92);
    assert_int_equal(RPAT_LEVEL(p, RC_LAST), RL_LAST_JW92);
    px_free(&x);
}

static void
test_birth_date_levels(void **state)
{
    struct pair_fx x;

    (void)state;
    assert_int_equal(
        level_of(FIELD_BIRTH_DATE, "1984-03-07", "1984-03-07", RC_DOB),
        RL_EXACT);
    assert_int_equal(
        level_of(FIELD_BIRTH_DATE, "1984-03-07", "1984-07-03", RC_DOB),
        RL_DOB_SWAP);
    assert_int_equal(
        level_of(FIELD_BIRTH_DATE, "1984-03-07", "1984-03-08", RC_DOB),
        RL_DOB_DIGIT);
    assert_int_equal(
        level_of(FIELD_BIRTH_DATE, "1984-03-07", "1984-11-25", RC_DOB),
        RL_DOB_YEAR);
    assert_int_equal(
        level_of(FIELD_BIRTH_DATE, "1984-03-07", "1962-11-25", RC_DOB),
        RL_DOB_DIFF);
    /* a placeholder birth date is no birth date */
    px_init(&x);
    px_set(&x.r[0], FIELD_BIRTH_DATE, "1900-01-01", DATE_PLACEHOLDER);
    px_set(&x.r[1], FIELD_BIRTH_DATE, "1900-01-01", DATE_PLACEHOLDER);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_DOB), RL_MISSING);
    /* one that failed validation is still compared on its digits */
    px_set(&x.r[0], FIELD_BIRTH_DATE, "19840230", RECORD_INVALID);
    px_set(&x.r[1], FIELD_BIRTH_DATE, "30-02-1984", RECORD_INVALID);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_DOB), RL_EXACT);
    px_free(&x);
}

static void
test_phone_levels(void **state)
{
    struct pair_fx x;
    uint32_t mob = (uint32_t)PHONE_MOBILE << 16;
    uint32_t fix = (uint32_t)PHONE_FIXED << 16;
    uint64_t p;

    (void)state;
    px_init(&x);
    /* the same mobile, once in the phone column, once in mobile */
    px_set(&x.r[0], FIELD_PHONE, "+31612345678", mob);
    px_set(&x.r[1], FIELD_MOBILE, "+31612345678", mob);
    px_set(&x.r[1], FIELD_PHONE, "+31201234567", fix);
    p = px_pattern(&x);
    assert_int_equal(RPAT_LEVEL(p, RC_MOBILE), RL_EXACT);
    assert_int_equal(RPAT_LEVEL(p, RC_LANDLINE), RL_MISSING);
    /* a shared landline is a landline, not a mobile */
    px_set(&x.r[0], FIELD_PHONE, "+31201234567", fix);
    p = px_pattern(&x);
    assert_int_equal(RPAT_LEVEL(p, RC_LANDLINE), RL_EXACT);
    assert_int_equal(RPAT_LEVEL(p, RC_MOBILE), RL_MISSING);
    px_free(&x);
}

static void
test_address_levels(void **state)
{
    struct pair_fx x;

    (void)state;
    px_init(&x);
    px_set(&x.r[0], FIELD_POSTCODE, "3511 AB", 0);
    px_set(&x.r[0], FIELD_HOUSE_NUMBER, "5", 0);
    px_set(&x.r[1], FIELD_POSTCODE, "3511AB", 0);
    px_set(&x.r[1], FIELD_HOUSE_NUMBER, "5", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_ADDR), RL_EXACT);
    px_set(&x.r[1], FIELD_HOUSE_NUMBER_SUFFIX, "A", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_ADDR), RL_ADDR_PCNR);
    px_set(&x.r[1], FIELD_HOUSE_NUMBER, "7", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_ADDR), RL_ADDR_AREA);
    px_set(&x.r[1], FIELD_POSTCODE, "9711CD", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_ADDR), RL_ADDR_DIFF);
    px_set(&x.r[0], FIELD_STREET, "Kerkstraat", 0);
    px_set(&x.r[1], FIELD_STREET, "Kerkstr", 0);
    px_set(&x.r[1], FIELD_HOUSE_NUMBER, "5", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_ADDR), RL_ADDR_STREET);
    px_free(&x);
}

static void
test_customer_number_per_brand(void **state)
{
    struct pair_fx x;

    (void)state;
    px_init(&x);
    px_set(&x.r[0], FIELD_CUSTOMER_NUMBER, "12345", 0);
    px_set(&x.r[1], FIELD_CUSTOMER_NUMBER, "67890", 0);
    assert_int_equal(RPAT_LEVEL(px_pattern(&x), RC_CUST), RL_DIFF);
    /* another brand's customer number says nothing */
    buf_reset(&x.arena[1]);
    x.f[1].brand = 2;
    assert_int_equal(
        rload_features(&x.r[1], x.key, &x.arena[1], &x.scratch, &x.f[1]),
        TOCSIN_OK);
    assert_int_equal(RPAT_LEVEL(rcmp_pattern(buf_str(&x.arena[0]), &x.f[0],
                                             buf_str(&x.arena[1]), &x.f[1]),
                                RC_CUST),
                     RL_MISSING);
    px_free(&x);
}

/* ------------------------------------------------------------------ */
/* The conflict rules.                                                 */

static uint64_t
pat(unsigned first, unsigned dob, unsigned nid, unsigned doc)
{
    return (uint64_t)first << (4 * RC_FIRST) | (uint64_t)dob << (4 * RC_DOB) |
           (uint64_t)nid << (4 * RC_NID) | (uint64_t)doc << (4 * RC_DOC);
}

static void
test_conflict_rules(void **state)
{
    const unsigned all = RCMP_STRONG_FIRST_DIFF | RCMP_STRONG_FIRST_OTHER |
                         RCMP_STRONG_DOB_DIFF;

    (void)state;
    /* nothing contradicts */
    assert_int_equal(rcmp_conflict(pat(RL_EXACT, RL_EXACT, 0, 0), 0, 0, all),
                     0);
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_NICK, RL_DOB_DIGIT, 0, 0), 0, 0, all), 0);
    /* a household: birth date and first name differ, and the pair alone
     * would not be linked */
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_DIFF, RL_DOB_DIFF, 0, 0), 0, 0, 0), 1);
    /* ... unless an identifier of the person's own is the same */
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_DIFF, RL_DOB_DIFF, RL_EXACT, 0), 0, 0, all),
        0);
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_DIFF, RL_DOB_DIFF, 0, RL_EXACT), 0, 0, all),
        0);
    /* in data where that difference is strong evidence, the pair's own
     * weight does not outweigh it */
    assert_int_equal(rcmp_conflict(pat(RL_FIRST_DIFF, RL_DOB_DIFF, 0, 0), 0, 1,
                                   RCMP_STRONG_DOB_DIFF),
                     1);
    /* twins: only the first name differs, from its first letter on; in
     * data where the same person never shows that, it is decisive */
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_OTHER, RL_EXACT, 0, 0), 0, 1, all), 1);
    /* in noisy data where it happens, the pair's own evidence decides */
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_OTHER, RL_EXACT, 0, 0), 0, 1, 0), 0);
    assert_int_equal(
        rcmp_conflict(pat(RL_FIRST_OTHER, RL_EXACT, 0, 0), 0, 0, 0), 1);
    /* father and son: only the birth date differs */
    assert_int_equal(rcmp_conflict(pat(RL_EXACT, RL_DOB_DIFF, 0, 0), 0, 1,
                                   RCMP_STRONG_DOB_DIFF),
                     1);
    assert_int_equal(rcmp_conflict(pat(RL_EXACT, RL_DOB_DIFF, 0, 0), 0, 0, 0),
                     1);
    assert_int_equal(rcmp_conflict(pat(RL_EXACT, RL_DOB_DIFF, 0, 0), 0, 1, 0),
                     0);
    /* the same mobile outweighs a strong difference */
    assert_int_equal(rcmp_conflict(pat(RL_EXACT, RL_DOB_DIFF, 0, 0) |
                                       (uint64_t)RL_EXACT << (4 * RC_MOBILE),
                                   0, 1, all),
                     0);
    /* two checked national ids that differ: two people */
    assert_int_equal(
        rcmp_conflict(pat(RL_EXACT, RL_EXACT, RL_NID_DIFF, 0), 1, 1, 0), 1);
    /* unchecked ones may hold typos */
    assert_int_equal(
        rcmp_conflict(pat(RL_EXACT, RL_EXACT, RL_NID_DIFF, 0), 0, 1, 0), 0);
}

/* ------------------------------------------------------------------ */
/* EM recovers known parameters.                                       */

static void
test_em_recovers_parameters(void **state)
{
    /* Three binary comparisons (first name, birth date, e-mail), matches
     * and non-matches mixed in known proportions; the counts are the
     * expected ones, so EM must find the parameters nearly exactly. */
    static const double m[3] = {0.9, 0.95, 0.7}, u[3] = {0.1, 0.02, 0.01};
    static const enum rcmp k[3] = {RC_FIRST, RC_DOB, RC_EMAIL};
    static const unsigned diff[3] = {RL_FIRST_DIFF, RL_DOB_DIFF, RL_DIFF};
    const double lambda = 0.2, total = 1e7;
    struct rpattern p[8];
    struct rmodel model;
    unsigned bits, j;

    (void)state;
    for (bits = 0; bits < 8; bits++) {
        double pm = lambda, pu = 1 - lambda;

        p[bits].pattern = 0;
        for (j = 0; j < 3; j++) {
            int agree = (bits >> j) & 1;

            pm *= agree ? m[j] : 1 - m[j];
            pu *= agree ? u[j] : 1 - u[j];
            p[bits].pattern |= (uint64_t)(agree ? RL_EXACT : diff[j])
                               << (4 * k[j]);
        }
        p[bits].count = (uint64_t)llround(total * (pm + pu));
    }
    rmodel_em(&model, p, 8);
    assert_true(fabs(model.lambda - lambda) < 0.005);
    for (j = 0; j < 3; j++) {
        assert_true(fabs(model.m[k[j]][RL_EXACT] - m[j]) < 0.01);
        assert_true(fabs(model.u[k[j]][RL_EXACT] - u[j]) < 0.01);
        /* agreement is evidence for, disagreement against */
        assert_true(model.w[k[j]][RL_EXACT] > 2);
        assert_true(model.w[k[j]][diff[j]] < 0);
    }
    /* a missing value is no evidence */
    assert_true(model.w[RC_FIRST][RL_MISSING] == 0.0);
}

/* ------------------------------------------------------------------ */
/* Clustering on a real case.                                          */

static const char scenario_csv[] =
    "record_id,brand,customer_number,subscription_type,first_name,infix,"
    "last_name,street,house_number,postcode,city,phone,email,iban,"
    "birth_date\n"
    /* father and son, one name, one address, one landline */
    "S-FATHER-1,Odido,880000001,mobiel,Gerrit,,Oudendijk,Kerkstraat,5,"
    "3511AB,Utrecht,+31612000001,,,1958-03-14\n"
    "S-FATHER-2,Odido,880000001,thuis,Gerrit,,Oudendijk,Kerkstraat,5,"
    "3511AB,Utrecht,+31302000001,g.oudendijk@example.nl,,1958-03-14\n"
    "S-SON-1,Odido,880000002,mobiel,Gerrit,,Oudendijk,Kerkstraat,5,"
    "3511AB,Utrecht,+31612000002,,,1989-07-02\n"
    "S-SON-2,Odido,880000003,prepaid,Gerrit,,Oudendijk,Kerkstraat,5,"
    "3511AB,Utrecht,+31612000002,,,1989-07-02\n"
    /* twins: one birth date, one address, one landline */
    "S-TWIN-A,Odido,880000010,thuis,Lotte,,Brouwersma,Dorpsweg,12,"
    "9711CD,Groningen,+31502000010,fam.brouwersma@example.nl,,2004-05-06\n"
    "S-TWIN-B,Odido,880000011,thuis,Femke,,Brouwersma,Dorpsweg,12,"
    "9711CD,Groningen,+31502000010,fam.brouwersma@example.nl,,2004-05-06\n"
    /* a couple sharing an IBAN, an address and a family e-mail */
    "S-HUSBAND,Odido,880000020,thuis,Pieter,,Zwanenburg,Molenlaan,3,"
    "2011EF,Haarlem,+31612000020,zwanenburg@example.nl,NL20INGB0001234567,"
    "1970-01-02\n"
    "S-WIFE,Odido,880000021,mobiel,Anna,,Zwanenburg,Molenlaan,3,"
    "2011EF,Haarlem,+31612000021,zwanenburg@example.nl,NL20INGB0001234567,"
    "1972-11-30\n"
    /* a person who moved and has a new e-mail address */
    "S-MOVER-OLD,Odido,880000030,mobiel,Sanne,,Wiegersma,Havenstraat,88,"
    "1011AA,Amsterdam,+31612000030,sanne.w@example.nl,,1985-08-09\n"
    "S-MOVER-NEW,Ben,B80000030,simonly,Sanne,,Wiegersma,Stationsplein,"
    "1,6811KL,Arnhem,+31612000030,s.wiegersma@example.com,,1985-08-09\n"
    /* formal name and nickname, two subscriptions */
    "S-NICK-1,Odido,880000040,mobiel,Johannes,,Verhoeven,Beukenlaan,19,"
    "5611GH,Eindhoven,+31612000040,,NL44RABO0123456789,1966-12-24\n"
    "S-NICK-2,Odido,880000041,thuis,Hans,,Verhoeven,Beukenlaan,19,"
    "5611GH,Eindhoven,+31402000040,,NL44RABO0123456789,1966-12-24\n";

struct case_fx {
    char root[64];
    char dir[96];
    struct casedir *c;
    struct buf why;
};

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int
case_setup(void **state)
{
    struct case_fx *f = calloc(1, sizeof(*f));
    struct synth_options so = {0};
    struct synth_stats ss;
    struct ingest_result res;
    struct ingest_options io = {0};
    char path[160];
    FILE *exp, *truth;
    int rc;

    assert_non_null(f);
    test_tmpdir(f->root, sizeof(f->root), "resolve");
    snprintf(f->dir, sizeof(f->dir), "%s/case", f->root);
    buf_init(&f->why, 4096);
    assert_int_equal(casedir_init(f->dir, &f->why), TOCSIN_OK);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);

    /* a synthetic breach around the scenario, so that EM has data */
    so.persons = 3000;
    so.seed = 42;
    so.format = SYNTH_FORMAT_CSV;
    snprintf(path, sizeof(path), "%s/synth.csv", f->root);
    exp = fopen(path, "w");
    truth = fopen("/dev/null", "w");
    assert_non_null(exp);
    assert_non_null(truth);
    assert_int_equal(synth_write(&so, exp, truth, &ss), TOCSIN_OK);
    fclose(exp);
    fclose(truth);
    rc = ingest_file(f->c, path, &io, &res, &f->why);
    assert_int_equal(rc, TOCSIN_OK);
    ingest_result_free(&res);
    snprintf(path, sizeof(path), "%s/scenario.csv", f->root);
    write_file(path, scenario_csv);
    rc = ingest_file(f->c, path, &io, &res, &f->why);
    assert_int_equal(rc, TOCSIN_OK);
    assert_int_equal(res.accepted, 12);
    ingest_result_free(&res);
    *state = f;
    return 0;
}

static int
case_teardown(void **state)
{
    struct case_fx *f = *state;

    casedir_close(f->c);
    buf_free(&f->why);
    test_rmtree(f->root);
    free(f);
    return 0;
}

/* The person of the record with this record id. */
static int64_t
person_of(struct case_fx *f, const char *rid)
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

static void
resolve_case(struct case_fx *f, struct resolve_result *res)
{
    struct resolve_options o = {0};

    assert_int_equal(resolve_run(f->c, &o, res, NULL, &f->why), TOCSIN_OK);
}

static void
test_households_are_not_merged(void **state)
{
    struct case_fx *f = *state;
    struct resolve_result res;

    resolve_case(f, &res);
    assert_true(res.persons > 3000 && res.persons < res.records);
    /* father and son: two persons, each with his own records */
    assert_int_equal(person_of(f, "S-FATHER-1"), person_of(f, "S-FATHER-2"));
    assert_int_equal(person_of(f, "S-SON-1"), person_of(f, "S-SON-2"));
    assert_int_not_equal(person_of(f, "S-FATHER-1"), person_of(f, "S-SON-1"));
    /* twins */
    assert_int_not_equal(person_of(f, "S-TWIN-A"), person_of(f, "S-TWIN-B"));
    /* a couple */
    assert_int_not_equal(person_of(f, "S-HUSBAND"), person_of(f, "S-WIFE"));
}

static void
test_movers_and_nicknames_are_merged(void **state)
{
    struct case_fx *f = *state;
    struct resolve_result res;

    resolve_case(f, &res);
    /* moved, new e-mail, another brand: one person (across brands) */
    assert_int_equal(person_of(f, "S-MOVER-OLD"), person_of(f, "S-MOVER-NEW"));
    assert_int_equal(person_of(f, "S-NICK-1"), person_of(f, "S-NICK-2"));
}

static void
test_resolve_is_deterministic(void **state)
{
    static const char *const rids[] = {"S-FATHER-1",  "S-SON-2",
                                       "S-TWIN-B",    "S-WIFE",
                                       "S-MOVER-NEW", "S-NICK-2"};
    struct case_fx *f = *state;
    struct resolve_result a, b;
    int64_t first[6];
    size_t i;

    resolve_case(f, &a);
    for (i = 0; i < 6; i++)
        first[i] = person_of(f, rids[i]);
    resolve_case(f, &b);
    assert_int_equal(a.persons, b.persons);
    assert_int_equal(a.candidates, b.candidates);
    assert_int_equal(a.links, b.links);
    for (i = 0; i < 6; i++)
        assert_int_equal(person_of(f, rids[i]), first[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_name_levels),
        cmocka_unit_test(test_initials_levels),
        cmocka_unit_test(test_last_name_levels),
        cmocka_unit_test(test_swapped_names),
        cmocka_unit_test(test_birth_date_levels),
        cmocka_unit_test(test_phone_levels),
        cmocka_unit_test(test_address_levels),
        cmocka_unit_test(test_customer_number_per_brand),
        cmocka_unit_test(test_conflict_rules),
        cmocka_unit_test(test_em_recovers_parameters),
        cmocka_unit_test(test_households_are_not_merged),
        cmocka_unit_test(test_movers_and_nicknames_are_merged),
        cmocka_unit_test(test_resolve_is_deterministic),
    };
    /* the group's state is the case; the pair tests do not use it */
    return cmocka_run_group_tests_name("resolve", tests, case_setup,
                                       case_teardown);
}
