/* Tests of terms.c: folding (case, accents, compatibility forms, invalid
 * UTF-8), whole words, phrases and prefixes against a naive matcher, the
 * limits, threads, and the built-in lists against the synthetic notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "assess/terms.h"
#include "store/config.h"
#include "store/embedded.h"
#include "synth/synth_int.h"
#include "util/fsutil.h"
#include "util/rng.h"

/* One topic of a test configuration: its language, name and terms
 * (NULL-terminated). */
struct topic_def {
    const char *language;
    const char *topic;
    const char *terms[16];
};

/* A case_config holding only these topics (config_free() frees it). */
static struct case_config *
make_config(const struct topic_def *defs, size_t n)
{
    struct case_config *cfg = calloc(1, sizeof(*cfg));
    size_t i, j;

    assert_non_null(cfg);
    cfg->terms = calloc(n + 1, sizeof(*cfg->terms));
    assert_non_null(cfg->terms);
    for (i = 0; i < n; i++) {
        struct config_terms *t = &cfg->terms[i];

        t->language = strdup(defs[i].language);
        t->topic = strdup(defs[i].topic);
        assert_non_null(t->language);
        assert_non_null(t->topic);
        for (j = 0; defs[i].terms[j] != NULL; j++)
            ;
        t->terms = calloc(j + 1, sizeof(*t->terms));
        assert_non_null(t->terms);
        for (j = 0; defs[i].terms[j] != NULL; j++) {
            t->terms[j] = strdup(defs[i].terms[j]);
            assert_non_null(t->terms[j]);
        }
        t->count = j;
        cfg->nterms++;
    }
    return cfg;
}

static struct terms *
compile(const struct topic_def *defs, size_t n)
{
    struct case_config *cfg = make_config(defs, n);
    struct terms *t = NULL;

    assert_int_equal(terms_compile(cfg, &t), TOCSIN_OK);
    assert_non_null(t);
    config_free(cfg);
    return t;
}

static int
compile_rc(const struct topic_def *defs, size_t n)
{
    struct case_config *cfg = make_config(defs, n);
    struct terms *t = (struct terms *)cfg; /* must be reset to NULL */
    int rc = terms_compile(cfg, &t);

    if (rc != TOCSIN_OK)
        assert_null(t);
    terms_free(t);
    config_free(cfg);
    return rc;
}

static unsigned
match_n(const struct terms *t, const char *text, size_t len)
{
    struct buf scratch;
    unsigned topics = 99;

    buf_init(&scratch, TERMS_SCRATCH_MAX);
    assert_int_equal(terms_match(t, text, len, &scratch, &topics), TOCSIN_OK);
    buf_wipe(&scratch);
    return topics;
}

static unsigned
match(const struct terms *t, const char *text)
{
    return match_n(t, text, strlen(text));
}

/* The folded form of text, as terms_match() leaves it in scratch. */
static void
folded(const struct terms *t, const char *text, size_t len, char *out,
       size_t outsz)
{
    struct buf scratch;
    unsigned topics;

    buf_init(&scratch, TERMS_SCRATCH_MAX);
    assert_int_equal(terms_match(t, text, len, &scratch, &topics), TOCSIN_OK);
    assert_true(buf_len(&scratch) < outsz);
    memcpy(out, buf_str(&scratch), buf_len(&scratch) + 1);
    buf_wipe(&scratch);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct topic_def small[] = {
    {"nl", "health", {"ziekenhuis", "suïcide", "psychisch*", NULL}},
    {"nl", "debt", {"schuld*", "WSNP", NULL}},
    {"nl", "violence", {"huiselijk geweld", "blijf-van-mijn-lijfhuis", NULL}},
    {"en", "health", {"hospital*", "mental health", NULL}},
    {"en", "police", {"police", "court ord*", NULL}},
};

#define HEALTH   (1u << 0)
#define DEBT     (1u << 1)
#define VIOLENCE (1u << 2)
#define POLICE   (1u << 3)

static void
test_topics(void **state)
{
    struct terms *t = compile(small, N(small));

    (void)state;
    /* Numbered in order of first appearance; en health is the same topic
     * as nl health. */
    assert_int_equal(terms_topic_count(t), 4);
    assert_string_equal(terms_topic_name(t, 0), "health");
    assert_string_equal(terms_topic_name(t, 1), "debt");
    assert_string_equal(terms_topic_name(t, 2), "violence");
    assert_string_equal(terms_topic_name(t, 3), "police");
    assert_null(terms_topic_name(t, 4));
    assert_int_equal(match(t, "Opgenomen in ziekenhuis"), HEALTH);
    assert_int_equal(match(t, "taken to hospital by police"), HEALTH | POLICE);
    assert_int_equal(match(t, "Klant belt over factuur"), 0);
    assert_int_equal(match(t, ""), 0);
    terms_free(t);
}

static void
test_case_and_accents(void **state)
{
    struct terms *t = compile(small, N(small));

    (void)state;
    assert_int_equal(match(t, "Ziekenhuis"), HEALTH);
    assert_int_equal(match(t, "ZIEKENHUIS"), HEALTH);
    assert_int_equal(match(t, "ZIEKENHUÏS"), HEALTH);
    assert_int_equal(match(t, "ziekenhuís"), HEALTH);
    /* e + COMBINING ACUTE ACCENT; SOFT HYPHEN and ZERO WIDTH SPACE are
     * default-ignorable: dropped, they do not split the word. */
    assert_int_equal(match(t, "zie\xcc\x81kenhuis"), HEALTH);
    assert_int_equal(match(t, "\xcc\x81ziekenhuis\xcc\x81"), HEALTH);
    assert_int_equal(match(t, "zieken\xc2\xadhuis"), HEALTH);
    assert_int_equal(match(t, "zieken\xe2\x80\x8bhuis"), HEALTH);
    /* Full-width letters (compatibility forms). */
    assert_int_equal(match(t, "\xef\xbc\xba\xef\xbc\xa9\xef\xbc\xa5\xef\xbc"
                              "\xab\xef\xbc\xa5\xef\xbc\xae\xef\xbd\x88\xef"
                              "\xbd\x95\xef\xbd\x89\xef\xbd\x93"),
                     HEALTH);
    /* The term's accent does not matter either. */
    assert_int_equal(match(t, "poging tot suicide"), HEALTH);
    assert_int_equal(match(t, "SUÏCIDE"), HEALTH);
    /* Upper-case term in the configuration. */
    assert_int_equal(match(t, "in de wsnp"), DEBT);
    terms_free(t);
}

static void
test_words_and_prefixes(void **state)
{
    struct terms *t = compile(small, N(small));

    (void)state;
    /* Whole words only. */
    assert_int_equal(match(t, "ziekenhuisopname"), 0);
    assert_int_equal(match(t, "academischziekenhuis"), 0);
    assert_int_equal(match(t, "(ziekenhuis)"), HEALTH);
    assert_int_equal(match(t, "ziekenhuis2"), 0);
    assert_int_equal(match(t, "ziekenhuis's"), HEALTH);
    /* A prefix matches words that start with it, the word itself too. */
    assert_int_equal(match(t, "schuldeiser belde"), DEBT);
    assert_int_equal(match(t, "Schuld"), DEBT);
    assert_int_equal(match(t, "onschuldig"), 0);
    assert_int_equal(match(t, "psychische klachten"), HEALTH);
    assert_int_equal(match(t, "psych"), 0);
    /* Phrases: consecutive words, whatever separates them. */
    assert_int_equal(match(t, "slachtoffer huiselijk geweld"), VIOLENCE);
    assert_int_equal(match(t, "Huiselijk-Geweld"), VIOLENCE);
    assert_int_equal(match(t, "huiselijk\n  geweld"), VIOLENCE);
    assert_int_equal(match(t, "huiselijk geweldig"), 0);
    assert_int_equal(match(t, "huiselijk en geweld"), 0);
    assert_int_equal(match(t, "huiselijk"), 0);
    assert_int_equal(match(t, "in een Blijf van mijn lijfhuis"), VIOLENCE);
    assert_int_equal(match(t, "Mental-health team"), HEALTH);
    /* A phrase ending in a prefix. */
    assert_int_equal(match(t, "a court order was served"), POLICE);
    assert_int_equal(match(t, "court ordered"), POLICE);
    assert_int_equal(match(t, "court or"), 0);
    terms_free(t);
}

static void
test_bad_text(void **state)
{
    struct terms *t = compile(small, N(small));
    static const char nul[] = "x\0ziekenhuis\0";
    char out[256];

    (void)state;
    /* Invalid UTF-8 separates words; it never fails. */
    assert_int_equal(match(t, "\xffziekenhuis\xc3"), HEALTH);
    assert_int_equal(match(t, "zieken\xffhuis"), 0);
    assert_int_equal(match(t, "\xed\xa0\x80police"), POLICE); /* surrogate */
    assert_int_equal(match(t, "\xc0\xafpolice\xf8\x88\x80\x80\x80"), POLICE);
    assert_int_equal(match_n(t, nul, sizeof(nul) - 1), HEALTH);
    folded(t, "  Ziek--ZIEKENHUÏS!\xff zé ", 26, out, sizeof(out));
    assert_string_equal(out, "ziek ziekenhuis ze");
    folded(t, "\xef\xac\x81ne \xc3\x9f \xc4\xb3s", 12, out, sizeof(out));
    assert_string_equal(out, "fine ss ijs");
    /* Emoji and punctuation separate. */
    folded(t, "ziek\xf0\x9f\x98\x80huis", 12, out, sizeof(out));
    assert_string_equal(out, "ziek huis");
    terms_free(t);
}

static void
test_nested_prefixes(void **state)
{
    static const struct topic_def defs[] = {
        {"nl", "t0", {"ab*", NULL}},      {"nl", "t1", {"abc*", NULL}},
        {"nl", "t2", {"abcd", NULL}},     {"nl", "t3", {"abd", NULL}},
        {"nl", "t4", {"abca", NULL}},     {"nl", "t5", {"ab cd*", NULL}},
        {"nl", "t6", {"ab", "b*", NULL}}, {"nl", "t7", {"ab*", NULL}},
    };
    struct terms *t = compile(defs, N(defs));

    (void)state;
    assert_int_equal(match(t, "abcx"), 0x01 | 0x02 | 0x80);
    assert_int_equal(match(t, "abcd"), 0x01 | 0x02 | 0x04 | 0x80);
    assert_int_equal(match(t, "abd"), 0x01 | 0x08 | 0x80);
    assert_int_equal(match(t, "abcb"), 0x01 | 0x02 | 0x80);
    assert_int_equal(match(t, "abca"), 0x01 | 0x02 | 0x10 | 0x80);
    assert_int_equal(match(t, "abe"), 0x01 | 0x80);
    assert_int_equal(match(t, "ab"), 0x01 | 0x40 | 0x80);
    assert_int_equal(match(t, "ab cde"), 0x01 | 0x20 | 0x40 | 0x80);
    assert_int_equal(match(t, "ab c"), 0x01 | 0x40 | 0x80);
    assert_int_equal(match(t, "a"), 0);
    assert_int_equal(match(t, "ba"), 0x40);
    assert_int_equal(match(t, "x y z"), 0);
    terms_free(t);
}

/* A naive matcher over folded ASCII text and folded ASCII terms. */
static unsigned
naive(const char *text, char terms[][8], const unsigned *bits, size_t n)
{
    size_t len = strlen(text), i, k;
    unsigned mask = 0;

    for (i = 0; i < len; i++) {
        if (i > 0 && text[i - 1] != ' ')
            continue;
        for (k = 0; k < n; k++) {
            size_t tl = strlen(terms[k]);
            int prefix = terms[k][tl - 1] == '*';

            if (prefix)
                tl--;
            if (tl > len - i || memcmp(text + i, terms[k], tl) != 0)
                continue;
            if (prefix || i + tl == len || text[i + tl] == ' ')
                mask |= bits[k];
        }
    }
    return mask;
}

static void
test_random_against_naive(void **state)
{
    char terms[12][8], text[64], out[64];
    unsigned bits[12];
    struct rng r;
    int round;

    (void)state;
    rng_seed(&r, 42);
    for (round = 0; round < 3000; round++) {
        struct topic_def defs[12];
        size_t n = 1 + rng_below(&r, 12), k, i, len;
        struct terms *t;

        memset(defs, 0, sizeof(defs));
        for (k = 0; k < n; k++) {
            /* 1..4 letters of "ab" with maybe a space, maybe a '*'. */
            len = 1 + rng_below(&r, 4);
            for (i = 0; i < len; i++)
                terms[k][i] = "ab"[rng_below(&r, 2)];
            if (len >= 3 && rng_below(&r, 3) == 0)
                terms[k][1] = ' ';
            if (rng_below(&r, 2) == 0)
                terms[k][len++] = '*';
            terms[k][len] = '\0';
            defs[k].language = "nl";
            defs[k].topic = k % 2 ? "odd" : "even";
            if (k == 0)
                defs[k].topic = "first";
            defs[k].terms[0] = terms[k];
            /* Topics in order of first appearance: first, odd, even. */
            bits[k] = k == 0 ? 1u : k % 2 ? 2u : 4u;
        }
        t = compile(defs, n);
        for (i = 0; i < 20; i++) {
            size_t tl = rng_below(&r, 12), j;

            for (j = 0; j < tl; j++)
                text[j] = "ab  -"[rng_below(&r, 5)];
            text[tl] = '\0';
            folded(t, text, tl, out, sizeof(out));
            if (match(t, text) != naive(out, terms, bits, n)) {
                for (k = 0; k < n; k++)
                    print_message("term %zu '%s' bit %u\n", k, terms[k],
                                  bits[k]);
                fail_msg("text '%s' (folded '%s'): got %u, want %u", text, out,
                         match(t, text), naive(out, terms, bits, n));
            }
        }
        terms_free(t);
    }
}

static void
test_compile_errors(void **state)
{
    static const struct topic_def empty_term[] = {
        {"nl", "x", {"ok", "--", NULL}},
    };
    static const struct topic_def star_only[] = {
        {"nl", "x", {"*", NULL}},
    };
    struct topic_def long_term[1] = {{"nl", "x", {NULL}}};
    char longest[LIMIT_CONFIG_TERM + 2];
    struct topic_def many[CONFIG_MAX_TOPICS + 1];
    char names[CONFIG_MAX_TOPICS + 1][8];
    struct case_config *cfg;
    struct terms *t;
    size_t i;

    (void)state;
    assert_int_equal(compile_rc(empty_term, 1), TOCSIN_EINVAL);
    assert_int_equal(compile_rc(star_only, 1), TOCSIN_EINVAL);
    memset(longest, 'a', sizeof(longest));
    longest[LIMIT_CONFIG_TERM + 1] = '\0';
    long_term[0].terms[0] = longest;
    assert_int_equal(compile_rc(long_term, 1), TOCSIN_ELIMIT);
    longest[LIMIT_CONFIG_TERM] = '\0';
    t = compile(long_term, 1);
    assert_int_equal(match(t, longest), 1);
    terms_free(t);
    memset(many, 0, sizeof(many));
    for (i = 0; i <= CONFIG_MAX_TOPICS; i++) {
        snprintf(names[i], sizeof(names[i]), "t%zu", i);
        many[i].language = "en";
        many[i].topic = names[i];
        many[i].terms[0] = "word";
    }
    assert_int_equal(compile_rc(many, CONFIG_MAX_TOPICS + 1), TOCSIN_EINVAL);
    t = compile(many, CONFIG_MAX_TOPICS);
    assert_int_equal(terms_topic_count(t), CONFIG_MAX_TOPICS);
    assert_int_equal(match(t, "a word"), 0xffffu);
    terms_free(t);

    /* No terms at all: nothing matches. */
    cfg = make_config(NULL, 0);
    assert_int_equal(terms_compile(cfg, &t), TOCSIN_OK);
    assert_int_equal(terms_topic_count(t), 0);
    assert_int_equal(match(t, "ziekenhuis"), 0);
    terms_free(t);
    config_free(cfg);
    terms_free(NULL);
}

static void
test_limits(void **state)
{
    struct terms *t = compile(small, N(small));
    struct buf scratch;
    unsigned topics = 7;
    char *big;

    (void)state;
    big = malloc(LIMIT_TERMS_TEXT + 1);
    assert_non_null(big);
    memset(big, 'x', LIMIT_TERMS_TEXT + 1);
    memcpy(big + LIMIT_TERMS_TEXT - 7, " police", 7);
    buf_init(&scratch, TERMS_SCRATCH_MAX);
    assert_int_equal(
        terms_match(t, big, LIMIT_TERMS_TEXT + 1, &scratch, &topics),
        TOCSIN_ELIMIT);
    assert_int_equal(topics, 0);
    assert_int_equal(terms_match(t, big, LIMIT_TERMS_TEXT, &scratch, &topics),
                     TOCSIN_OK);
    assert_int_equal(topics, POLICE);
    buf_wipe(&scratch);

    /* A scratch buffer too small for the folded text. */
    buf_init(&scratch, 16);
    assert_int_equal(terms_match(t, "a rather long text about the police", 35,
                                 &scratch, &topics),
                     TOCSIN_ELIMIT);
    assert_int_equal(topics, 0);
    assert_int_equal(terms_match(t, "the police", 10, &scratch, &topics),
                     TOCSIN_OK);
    assert_int_equal(topics, POLICE);
    buf_wipe(&scratch);
    free(big);
    terms_free(t);
}

/* TERMS_FOLD_FACTOR bounds the growth of every code point, counting the
 * space that may go before it. */
static void
test_fold_factor(void **state)
{
    static const struct topic_def one[] = {{"en", "x", {"zz", NULL}}};
    struct terms *t = compile(one, 1);
    struct buf scratch;
    utf8proc_int32_t cp;
    size_t worst = 0;

    (void)state;
    buf_init(&scratch, TERMS_SCRATCH_MAX);
    for (cp = 0x80; cp <= 0x10ffff; cp++) {
        char text[8] = "a.";
        unsigned topics;
        utf8proc_ssize_t n;
        size_t grew;

        if (cp >= 0xd800 && cp <= 0xdfff)
            continue;
        n = utf8proc_encode_char(cp, (utf8proc_uint8_t *)text + 2);
        assert_true(n >= 2 && n <= 4);
        assert_int_equal(
            terms_match(t, text, 2 + (size_t)n, &scratch, &topics), TOCSIN_OK);
        grew = buf_len(&scratch) - 1;
        if (grew > (size_t)n * TERMS_FOLD_FACTOR)
            fail_msg("U+%04X folds to %zu bytes", (unsigned)cp, grew);
        if (grew * 100 / (size_t)n > worst)
            worst = grew * 100 / (size_t)n;
    }
    assert_true(worst <= TERMS_FOLD_FACTOR * 100);
    buf_wipe(&scratch);
    terms_free(t);
}

struct worker {
    const struct terms *t;
    const char *const *texts;
    size_t n;
    const unsigned *want;
    int bad;
};

static void *
worker_run(void *arg)
{
    struct worker *w = arg;
    struct buf scratch;
    int round;
    size_t i;

    buf_init(&scratch, TERMS_SCRATCH_MAX);
    for (round = 0; round < 2000; round++) {
        for (i = 0; i < w->n; i++) {
            unsigned topics;

            if (terms_match(w->t, w->texts[i], strlen(w->texts[i]), &scratch,
                            &topics) != TOCSIN_OK ||
                topics != w->want[i])
                w->bad++;
        }
    }
    buf_wipe(&scratch);
    return NULL;
}

static void
test_threads(void **state)
{
    static const char *const texts[] = {
        "Klant ligt in het ZIEKENHUIS",
        "schuldeisers bellen",
        "geen",
        "huiselijk geweld, police involved",
        "court orders and hospitals",
    };
    struct terms *t = compile(small, N(small));
    unsigned want[N(texts)];
    struct worker w[2];
    pthread_t th[2];
    size_t i;

    (void)state;
    for (i = 0; i < N(texts); i++)
        want[i] = match(t, texts[i]);
    assert_int_equal(want[0], HEALTH);
    assert_int_equal(want[3], VIOLENCE | POLICE);
    assert_int_equal(want[4], HEALTH | POLICE);
    for (i = 0; i < 2; i++) {
        w[i].t = t;
        w[i].texts = texts;
        w[i].n = N(texts);
        w[i].want = want;
        w[i].bad = 0;
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].bad, 0);
    }
    terms_free(t);
}

/* ---- the built-in lists and data/case.ini against the synthetic notes */

static const char minimal_ini[] = "[incident]\n"
                                  "name = Test incident\n"
                                  "organisation = Example B.V.\n"
                                  "occurred = 2026-02-07\n"
                                  "\n"
                                  "[dpo]\n"
                                  "email = dpo@example.org\n"
                                  "\n"
                                  "[brand a]\n"
                                  "from = A <noreply@a.example>\n"
                                  "reply_to = privacy@a.example\n"
                                  "info_url = https://www.a.example/info\n"
                                  "message_id_domain = mail.a.example\n";

static struct terms *
compile_ini(const char *text)
{
    char dir[] = "/tmp/tocsin-terms-XXXXXX", path[64];
    struct case_config *cfg = NULL;
    struct terms *t = NULL;
    struct buf why;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/case.ini", dir);
    assert_int_equal(fs_write_file(path, text, strlen(text), 0600, 0),
                     TOCSIN_OK);
    buf_init(&why, 4096);
    if (config_load(path, &cfg, &why) != TOCSIN_OK)
        fail_msg("%s", buf_str(&why));
    buf_free(&why);
    unlink(path);
    rmdir(dir);
    assert_int_equal(terms_compile(cfg, &t), TOCSIN_OK);
    config_free(cfg);
    return t;
}

static const char *
embedded_case_ini(void)
{
    const struct embedded_file *e;

    for (e = embedded_files; e->name != NULL; e++)
        if (strcmp(e->name, "case.ini") == 0)
            return e->data;
    fail_msg("no embedded case.ini");
    return NULL;
}

static void
check_synth_notes(const struct terms *t)
{
    size_t i, k;
    int bad = 0;

    assert_int_equal(terms_topic_count(t), 5);
    assert_string_equal(terms_topic_name(t, 0), "health");
    assert_string_equal(terms_topic_name(t, 1), "debt");
    assert_string_equal(terms_topic_name(t, 2), "violence");
    assert_string_equal(terms_topic_name(t, 3), "stalking");
    assert_string_equal(terms_topic_name(t, 4), "police");
    assert_true(synth_notes_sensitive.n >= 10);
    assert_true(synth_notes.n >= 30);
    for (i = 0; i < synth_notes_sensitive.n; i++) {
        if (match(t, synth_notes_sensitive.s[i]) == 0) {
            print_error("sensitive note matches no topic: %s\n",
                        synth_notes_sensitive.s[i]);
            bad++;
        }
    }
    for (i = 0; i < synth_notes.n; i++) {
        unsigned m = match(t, synth_notes.s[i]);

        if (m != 0) {
            for (k = 0; k < terms_topic_count(t); k++)
                if (m & (1u << k))
                    print_error("ordinary note matches %s: %s\n",
                                terms_topic_name(t, k), synth_notes.s[i]);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void
test_defaults_and_synth_notes(void **state)
{
    struct terms *t;

    (void)state;
    t = compile_ini(minimal_ini);
    check_synth_notes(t);
    /* Each sensitive note of the generator, by topic. */
    assert_int_equal(match(t, "Klant is ernstig ziek, coulance toegepast"),
                     1u << 0);
    assert_int_equal(match(t, "Klant onder bewind: post naar bewindvoerder"),
                     1u << 1);
    assert_int_equal(
        match(t, "Slachtoffer huiselijk geweld: adres NIET doorgeven"),
        1u << 2);
    assert_int_equal(match(t, "Klant wordt gestalkt door ex, geheim nummer "
                              "aangevraagd"),
                     1u << 3);
    assert_int_equal(match(t, "Vordering OM ontvangen, gegevens verstrekt"),
                     1u << 4);
    assert_int_equal(match(t, "Klant gedetineerd, abonnement opgeschort"),
                     1u << 4);
    /* English notes too. */
    assert_int_equal(match(t, "Customer in hospital, daughter calls"),
                     1u << 0);
    assert_int_equal(match(t, "Bailiff letter received"), 1u << 1);
    assert_int_equal(match(t, "Restraining order against ex-partner"),
                     1u << 3);
    /* Ordinary words the prefixes must not catch. */
    assert_int_equal(match(t, "Niet mijn schuld, zegt klant"), 0);
    assert_int_equal(match(t, "Geweldige service!"), 0);
    assert_int_equal(match(t, "Automatische incasso aangezet"), 0);
    assert_int_equal(match(t, "Gesprek nam veel tijd in beslag"), 0);
    assert_int_equal(match(t, "Contact opgenomen, opname gesprek gestart"), 0);
    assert_int_equal(match(t, "Kinderopvang belt namens ouder"), 0);
    assert_int_equal(match(t, "Klant wil een geheim nummer"), 0);
    terms_free(t);
}

static void
test_case_ini_and_synth_notes(void **state)
{
    struct terms *t;

    (void)state;
    t = compile_ini(embedded_case_ini());
    check_synth_notes(t);
    terms_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics),
        cmocka_unit_test(test_case_and_accents),
        cmocka_unit_test(test_words_and_prefixes),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_nested_prefixes),
        cmocka_unit_test(test_random_against_naive),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_fold_factor),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_defaults_and_synth_notes),
        cmocka_unit_test(test_case_ini_and_synth_notes),
    };

    return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
