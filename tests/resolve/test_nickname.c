/* Tests of resolve/nickname.h: the built-in table (it parses, covers the
 * synthetic generator's nicknames and the common Dutch, English and
 * Moroccan/Turkish variants), lookups and the table parser. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/name.h"
#include "resolve/nickname.h"
#include "synth/synth.h"
#include "util/limits.h"

static int
match(const char *a, const char *b)
{
    size_t alen = strlen(a), blen = strlen(b);
    char *pa = test_exact(a, alen), *pb = test_exact(b, blen);
    int v = nickname_match(pa, alen, pb, blen);

    free(pa);
    free(pb);
    return v;
}

static size_t
groups(const char *key, uint32_t *out, size_t max)
{
    size_t len = strlen(key);
    char *p = test_exact(key, len);
    size_t n = nickname_groups(p, len, out, max);

    free(p);
    return n;
}

static int
check(const char *text, struct nickname_stats *st)
{
    size_t len = strlen(text);
    char *p = test_exact(text, len);
    int rc = nickname_check(p, len, st);

    free(p);
    return rc;
}

/* First use from many threads at once: every thread sees the whole
 * table (pthread_once). Runs first, before any other lookup. */
#define NTHREADS 8

static void *
lookup_thread(void *arg)
{
    int *ok = arg;
    int k;

    *ok = 1;
    for (k = 0; k < 2000; k++) {
        if (nickname_match("jan", 3, "johannes", 8) != 1 ||
            nickname_match("bert", 4, "hubertus", 8) != 1 ||
            nickname_match("jan", 3, "piet", 4) != 0)
            *ok = 0;
    }
    return NULL;
}

static void
test_first_use_threads(void **state)
{
    pthread_t t[NTHREADS];
    int ok[NTHREADS];
    int i;

    (void)state;
    for (i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, lookup_thread, &ok[i]),
                         0);
    for (i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(ok[i], 1);
    }
}

/* The built-in table parses; its shape; every line in house form. */
static void
test_builtin_parses(void **state)
{
    struct nickname_stats st;
    const char *text, *p, *end;
    size_t len, line = 0;

    (void)state;
    text = nickname_table_text(&len);
    assert_non_null(text);
    assert_true(len > 1000);
    assert_int_equal(strlen(text), len);
    assert_int_equal(nickname_check(text, len, &st), TOCSIN_OK);
    assert_int_equal(st.line, 0);
    print_message("# nicknames.txt: %zu groups, %zu names, %zu memberships, "
                  "%zu bytes\n",
                  st.groups, st.names, st.memberships, len);
    assert_true(st.groups > 250);
    assert_true(st.names > 600);
    assert_true(st.memberships > st.names);
    /* Stricter than the parser: single spaces, no blank at either end,
     * a newline after the last line. */
    assert_int_equal(text[len - 1], '\n');
    for (p = text; p < text + len; p = end + 1) {
        const char *q;

        end = memchr(p, '\n', (size_t)(text + len - p));
        assert_non_null(end);
        line++;
        if (p == end || *p == '#')
            continue;
        if (*p == ' ' || end[-1] == ' ')
            fail_msg("nicknames.txt:%zu: blank at an end", line);
        for (q = p; q < end; q++) {
            if (*q == ' ' && q[1] == ' ')
                fail_msg("nicknames.txt:%zu: two spaces", line);
            if (*q != ' ' && (*q < 'a' || *q > 'z'))
                fail_msg("nicknames.txt:%zu: byte 0x%02x", line,
                         (unsigned char)*q);
        }
    }
}

/* Every formal/nickname pair of the synthetic generator's table matches,
 * through name_key() as the resolver will see them. */
static void
test_synth_pairs(void **state)
{
    struct buf kf, kn;
    size_t i, j, pairs = 0;

    (void)state;
    buf_init(&kf, NAME_OUT_MAX);
    buf_init(&kn, NAME_OUT_MAX);
    assert_true(synth_nickname_count() > 50);
    for (i = 0; i < synth_nickname_count(); i++) {
        const struct synth_nickname *e = synth_nickname_at(i);
        uint32_t g[NICKNAME_MAX_GROUPS];

        assert_int_equal(name_key(e->formal, strlen(e->formal), &kf),
                         TOCSIN_OK);
        if (groups(buf_str(&kf), g, NICKNAME_MAX_GROUPS) == 0)
            fail_msg("formal name %s (key %s) not in the table", e->formal,
                     buf_str(&kf));
        for (j = 0; e->nick[j] != NULL; j++) {
            assert_int_equal(name_key(e->nick[j], strlen(e->nick[j]), &kn),
                             TOCSIN_OK);
            if (!match(buf_str(&kf), buf_str(&kn)) ||
                !match(buf_str(&kn), buf_str(&kf)))
                fail_msg("%s / %s (keys %s / %s) do not match", e->formal,
                         e->nick[j], buf_str(&kf), buf_str(&kn));
            pairs++;
        }
    }
    print_message("# %zu generator pairs match\n", pairs);
    assert_true(pairs > 150);
    buf_free(&kf);
    buf_free(&kn);
}

/* The common variants the brief names, and some that must not match. */
static void
test_common_variants(void **state)
{
    static const char *const same[][2] = {
        {"jan", "johannes"},        {"hans", "johannes"},
        {"johan", "jan"},           {"joop", "johannes"},
        {"joop", "josephus"},       {"wim", "wilhelmus"},
        {"willem", "wim"},          {"kees", "cornelis"},
        {"cor", "cornelis"},        {"henk", "hendrik"},
        {"rik", "hendrik"},         {"gert", "gerardus"},
        {"geert", "gerard"},        {"piet", "petrus"},
        {"peter", "piet"},          {"adri", "adrianus"},
        {"arie", "adrianus"},       {"aad", "adrianus"},
        {"jaap", "jacobus"},        {"koos", "jacobus"},
        {"sjaak", "jacobus"},       {"joke", "johanna"},
        {"anneke", "johanna"},      {"hanneke", "johanna"},
        {"marie", "maria"},         {"mies", "maria"},
        {"ria", "maria"},           {"marieke", "maria"},
        {"els", "elisabeth"},       {"elly", "elisabeth"},
        {"lies", "elisabeth"},      {"betty", "elisabeth"},
        {"bert", "albert"},         {"bert", "robert"},
        {"bert", "gilbert"},        {"bert", "herbert"},
        {"bert", "hubert"},         {"bill", "william"},
        {"will", "william"},        {"bob", "robert"},
        {"rob", "robert"},          {"liz", "elizabeth"},
        {"beth", "elizabeth"},      {"betty", "elizabeth"},
        {"maggie", "margaret"},     {"meg", "margaret"},
        {"peggy", "margaret"},      {"mohammed", "mohamed"},
        {"muhammad", "mohammad"},   {"mehmet", "mohammed"},
        {"youssef", "yusuf"},       {"mustafa", "mustapha"},
        {"fatma", "fatima"},        {"hatice", "khadija"},
        {"ayse", "aicha"},          {"huseyin", "hussein"},
        {"zeynep", "zineb"},        {"rajesh", "radjesh"},
        {"malgosia", "malgorzata"},
    };
    static const char *const differ[][2] = {
        {"jan", "piet"},       {"albert", "robert"},
        {"gilbert", "hubert"}, {"johannes", "cornelis"},
        {"maria", "johanna"},  {"bill", "wim"},
        {"jan", "jannes "},    {"jan", "Jan"},
        {"jan", ""},           {"", ""},
        {"xyzzy", "plugh"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        if (!match(same[i][0], same[i][1]) || !match(same[i][1], same[i][0]))
            fail_msg("%s / %s should match", same[i][0], same[i][1]);
    }
    for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
        if (match(differ[i][0], differ[i][1]) ||
            match(differ[i][1], differ[i][0]))
            fail_msg("%s / %s should not match", differ[i][0], differ[i][1]);
    }
    /* Equal keys match even when not in the table. */
    assert_int_equal(match("xyzzy", "xyzzy"), 1);
    assert_int_equal(match("jan", "jan"), 1);
    assert_int_equal(nickname_match(NULL, 0, NULL, 0), 0);
}

static void
test_groups(void **state)
{
    uint32_t g[NICKNAME_MAX_GROUPS], h[NICKNAME_MAX_GROUPS], a;
    size_t n, m, i, j;
    int shared = 0;

    (void)state;
    /* "johannes" is in one group; "jan" in it too. */
    n = groups("johannes", g, NICKNAME_MAX_GROUPS);
    assert_int_equal(n, 1);
    assert_true(g[0] >= 1);
    m = groups("jan", h, NICKNAME_MAX_GROUPS);
    assert_true(m >= 1);
    for (j = 0; j < m; j++)
        shared |= h[j] == g[0];
    assert_true(shared);
    /* "bert": many groups, ascending, one of them albert's. */
    n = groups("bert", g, NICKNAME_MAX_GROUPS);
    assert_true(n >= 7);
    for (i = 1; i < n; i++)
        assert_true(g[i] > g[i - 1]);
    assert_int_equal(groups("albert", h, NICKNAME_MAX_GROUPS), 1);
    shared = 0;
    for (i = 0; i < n; i++)
        shared |= g[i] == h[0];
    assert_true(shared);
    assert_int_equal(groups("albertus", g + 1, 1), 1);
    assert_int_equal(g[1], h[0]);
    n = groups("bert", g, NICKNAME_MAX_GROUPS);
    /* A short out[] gets the first groups. */
    assert_int_equal(groups("bert", h, 2), 2);
    assert_int_equal(h[0], g[0]);
    assert_int_equal(h[1], g[1]);
    assert_int_equal(groups("bert", h, 0), 0);
    a = 0xdeadbeef;
    assert_int_equal(nickname_groups("bert", 4, &a, 1), 1);
    assert_int_equal(a, g[0]);
    /* Not in the table: empty, unknown, upper case, a space, a prefix,
     * longer than any name, a key that runs on past its length. */
    assert_int_equal(groups("", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(nickname_groups(NULL, 0, g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("xyzzy", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("Jan", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("jan ", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("jan peter", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("johanne", g, NICKNAME_MAX_GROUPS), 0);
    assert_int_equal(groups("johannesjohannesjohannesjohannesjohannes", g, 16),
                     0);
    assert_int_equal(nickname_groups("johannes", 3, g, NICKNAME_MAX_GROUPS),
                     0); /* "joh" */
    assert_true(nickname_groups("jan peter", 3, g, NICKNAME_MAX_GROUPS) >= 1);
}

/* The parser: good and malformed tables. */
static void
test_check(void **state)
{
    struct nickname_stats st;
    char big[LIMIT_NICKNAME_GROUP_NAMES * 4 + 8];
    size_t i, off = 0;
    char *text;

    (void)state;
    assert_int_equal(check("", &st), TOCSIN_OK);
    assert_int_equal(st.groups, 0);
    assert_int_equal(check("# only a comment\n\n", &st), TOCSIN_OK);
    assert_int_equal(st.groups, 0);
    assert_int_equal(check("a b\n\n  \n\tc  d\t\n# x\nb c", &st), TOCSIN_OK);
    assert_int_equal(st.groups, 3);
    assert_int_equal(st.names, 4);
    assert_int_equal(st.memberships, 6);
    assert_int_equal(st.line, 0);

    assert_int_equal(check("jan\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(st.line, 1);
    assert_int_equal(check("# c\njan Jan\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(st.line, 2);
    assert_int_equal(check("a b\njan jo jan\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(st.line, 2);
    assert_int_equal(check("jan jo\r\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(st.line, 1);
    assert_int_equal(check("jan j.p\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(check("jan jo-ann\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(check("jan jos\xc3\xa9\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(check("jan j0\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(check("a b\n c # no\n", &st), TOCSIN_EFORMAT);
    assert_int_equal(st.line, 2);
    {
        static const char nul[] = "jan\0jo\n";
        char *p = test_exact(nul, sizeof(nul) - 1);

        assert_int_equal(nickname_check(p, sizeof(nul) - 1, &st),
                         TOCSIN_EFORMAT);
        free(p);
    }

    /* A name of LIMIT_NICKNAME_NAME bytes passes; one more does not. */
    memset(big, 'a', sizeof(big));
    big[LIMIT_NICKNAME_NAME] = ' ';
    big[LIMIT_NICKNAME_NAME + 1] = 'b';
    big[LIMIT_NICKNAME_NAME + 2] = '\0';
    assert_int_equal(check(big, &st), TOCSIN_OK);
    memmove(big + 1, big, LIMIT_NICKNAME_NAME + 3);
    assert_int_equal(check(big, &st), TOCSIN_ELIMIT);
    assert_int_equal(st.line, 1);
    /* LIMIT_NICKNAME_GROUP_NAMES names on a line; then one more. */
    for (i = 0; i < LIMIT_NICKNAME_GROUP_NAMES; i++) {
        big[off++] = (char)('a' + i / 26);
        big[off++] = (char)('a' + i % 26);
        big[off++] = ' ';
    }
    big[off] = '\0';
    assert_int_equal(check(big, &st), TOCSIN_OK);
    assert_int_equal(st.names, LIMIT_NICKNAME_GROUP_NAMES);
    big[off++] = 'z';
    big[off] = '\0';
    assert_int_equal(check(big, &st), TOCSIN_ELIMIT);

    /* One name in LIMIT_NICKNAME_NAME_GROUPS groups; then one more. */
    text = malloc(16 * (LIMIT_NICKNAME_NAME_GROUPS + 1) + 1);
    assert_non_null(text);
    off = 0;
    for (i = 0; i < LIMIT_NICKNAME_NAME_GROUPS; i++) {
        off += (size_t)snprintf(text + off, 16, "bert x%c%c\n",
                                (char)('a' + i / 26), (char)('a' + i % 26));
    }
    assert_int_equal(check(text, &st), TOCSIN_OK);
    assert_int_equal(st.groups, LIMIT_NICKNAME_NAME_GROUPS);
    snprintf(text + off, 16, "bert zz\n");
    assert_int_equal(check(text, &st), TOCSIN_ELIMIT);
    assert_int_equal(st.line, LIMIT_NICKNAME_NAME_GROUPS + 1);
    free(text);

    /* LIMIT_NICKNAME_NAMES distinct names; then one more. */
    text = malloc(8 * (LIMIT_NICKNAME_NAMES + 2) + 1);
    assert_non_null(text);
    off = 0;
    for (i = 0; i < LIMIT_NICKNAME_NAMES; i += 2) {
        off += (size_t)snprintf(
            text + off, 16, "%c%c%c %c%c%c\n", (char)('a' + i / 676),
            (char)('a' + i / 26 % 26), (char)('a' + i % 26),
            (char)('a' + (i + 1) / 676), (char)('a' + (i + 1) / 26 % 26),
            (char)('a' + (i + 1) % 26));
    }
    assert_int_equal(check(text, &st), TOCSIN_OK);
    assert_int_equal(st.names, LIMIT_NICKNAME_NAMES);
    snprintf(text + off, 16, "zzy zzz\n");
    assert_int_equal(check(text, &st), TOCSIN_ELIMIT);
    assert_int_equal(st.line, LIMIT_NICKNAME_NAMES / 2 + 1);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_use_threads),
        cmocka_unit_test(test_builtin_parses),
        cmocka_unit_test(test_synth_pairs),
        cmocka_unit_test(test_common_variants),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_check),
    };

    return cmocka_run_group_tests_name("resolve_nickname", tests, NULL, NULL);
}
