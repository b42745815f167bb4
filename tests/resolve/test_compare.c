/* Tests of resolve/compare.h: Jaro-Winkler, capped OSA edit distance,
 * dates, initials and token-aware name comparison. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testutil.h"

#include "resolve/compare.h"
#include "util/limits.h"

/* Every call goes through exact malloc'd copies, so that ASan sees a read
 * past the length. */
static double
jw(const char *a, size_t alen, const char *b, size_t blen)
{
    char *pa = test_exact(a, alen), *pb = test_exact(b, blen);
    double v = compare_jaro_winkler(pa, alen, pb, blen);

    free(pa);
    free(pb);
    return v;
}

static double
jws(const char *a, const char *b)
{
    return jw(a, strlen(a), b, strlen(b));
}

static int
ed(const char *a, size_t alen, const char *b, size_t blen, int cap)
{
    char *pa = test_exact(a, alen), *pb = test_exact(b, blen);
    int v = compare_edit_distance(pa, alen, pb, blen, cap);

    free(pa);
    free(pb);
    return v;
}

static int
eds(const char *a, const char *b, int cap)
{
    return ed(a, strlen(a), b, strlen(b), cap);
}

static double
names(const char *a, const char *b)
{
    size_t alen = strlen(a), blen = strlen(b);
    char *pa = test_exact(a, alen), *pb = test_exact(b, blen);
    double v = compare_name(pa, alen, pb, blen);

    free(pa);
    free(pb);
    return v;
}

static int
initials(const char *a, const char *b)
{
    size_t alen = strlen(a), blen = strlen(b);
    char *pa = test_exact(a, alen), *pb = test_exact(b, blen);
    int v = compare_initials(pa, alen, pb, blen);

    free(pa);
    free(pb);
    return v;
}

static void
expect_near(const char *a, const char *b, double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("\"%s\" vs \"%s\": got %.6f, want %.6f (+-%g)", a, b, got,
                 want, tol);
}

/* xorshift64*, so that the random cases are the same on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
next_rand(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* A random string over the first `alpha` letters of "abcdefgh" (plus a
 * high byte when alpha > 8), length 0..maxlen. */
static size_t
rand_string(char *out, size_t maxlen, unsigned alpha)
{
    static const char letters[] = "abcdefgh\xc3 ";
    size_t n = (size_t)(next_rand() % (maxlen + 1)), i;

    for (i = 0; i < n; i++)
        out[i] = letters[next_rand() % alpha];
    return n;
}

/*
 * Reference Jaro-Winkler, written the plain way (flag arrays, no masks,
 * no cut, shorter-or-smaller string leading): to check the fast one.
 */
static double
ref_jw(const char *a, size_t alen, const char *b, size_t blen)
{
    char af[COMPARE_MAX_LEN] = {0}, bf[COMPARE_MAX_LEN] = {0};
    size_t i, j, k, m = 0, t = 0, w, l = 0;
    double jaro;

    if (alen > COMPARE_MAX_LEN)
        alen = COMPARE_MAX_LEN;
    if (blen > COMPARE_MAX_LEN)
        blen = COMPARE_MAX_LEN;
    if (alen > blen || (alen == blen && memcmp(a, b, alen) > 0)) {
        const char *ts = a;
        size_t tn = alen;

        a = b;
        alen = blen;
        b = ts;
        blen = tn;
    }
    if (alen == 0 || blen == 0)
        return 0.0;
    w = (alen > blen ? alen : blen) / 2;
    w = w > 0 ? w - 1 : 0;
    for (i = 0; i < alen; i++) {
        for (j = i > w ? i - w : 0; j <= i + w && j < blen; j++) {
            if (!bf[j] && a[i] == b[j]) {
                af[i] = bf[j] = 1;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0.0;
    for (i = 0, k = 0; i < alen; i++) {
        if (!af[i])
            continue;
        while (!bf[k])
            k++;
        if (a[i] != b[k])
            t++;
        k++;
    }
    jaro =
        ((double)m / alen + (double)m / blen + (double)(m - t / 2) / m) / 3.0;
    if (jaro < 0.7)
        return jaro;
    while (l < 4 && l < alen && l < blen && a[l] == b[l])
        l++;
    return jaro + l * 0.1 * (1.0 - jaro);
}

/* Reference OSA distance: the full table, no band, no cap. */
static int
ref_osa(const char *a, size_t alen, const char *b, size_t blen)
{
    static int d[COMPARE_MAX_LEN + 1][COMPARE_MAX_LEN + 1];
    size_t i, j;

    if (alen > COMPARE_MAX_LEN)
        alen = COMPARE_MAX_LEN;
    if (blen > COMPARE_MAX_LEN)
        blen = COMPARE_MAX_LEN;
    for (i = 0; i <= alen; i++)
        d[i][0] = (int)i;
    for (j = 0; j <= blen; j++)
        d[0][j] = (int)j;
    for (i = 1; i <= alen; i++) {
        for (j = 1; j <= blen; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j - 1] + cost;

            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[alen][blen];
}

/* ------------------------------------------------------------------ */
/* Jaro-Winkler                                                       */

/* Winkler's published values (Winkler 1990; Porter and Winkler 1997). */
static void
test_jw_published(void **state)
{
    static const struct {
        const char *a, *b;
        double want;
    } cases[] = {
        {"MARTHA", "MARHTA", 0.961},
        {"DWAYNE", "DUANE", 0.840},
        {"DIXON", "DICKSONX", 0.813},
        {"SHACKLEFORD", "SHACKELFORD", 0.982},
        {"DUNNINGHAM", "CUNNIGHAM", 0.896},
        {"NICHLESON", "NICHULSON", 0.956},
        {"JONES", "JOHNSON", 0.832},
        {"MASSEY", "MASSIE", 0.933},
        {"ABROMS", "ABRAMS", 0.922},
        {"HARDIN", "MARTINEZ", 0.722},
        {"ITMAN", "SMITH", 0.467},
        {"JERALDINE", "GERALDINE", 0.926},
        {"MICHELLE", "MICHAEL", 0.921},
        {"JULIES", "JULIUS", 0.933},
        {"TANYA", "TONYA", 0.880},
        {"SEAN", "SUSAN", 0.805},
        {"JON", "JOHN", 0.933},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect_near(cases[i].a, cases[i].b, jws(cases[i].a, cases[i].b),
                    cases[i].want, 0.001);
        expect_near(cases[i].b, cases[i].a, jws(cases[i].b, cases[i].a),
                    cases[i].want, 0.001);
    }
    /* The same on lower-case keys. */
    expect_near("martha", "marhta", jws("martha", "marhta"), 0.961, 0.001);
    /* The Jaro part exactly: MARTHA/MARHTA has m = 6, t = 1:
     * (1 + 1 + 5/6) / 3 = 17/18; 3 common bytes: + 0.3 * (1/18). */
    assert_true(fabs(jws("MARTHA", "MARHTA") - (17.0 / 18 + 0.3 / 18)) <
                1e-12);
    /* DWAYNE/DUANE: m = 4, t = 0: (4/6 + 4/5 + 1) / 3, prefix 1. */
    {
        double j = (4.0 / 6 + 4.0 / 5 + 1.0) / 3;

        assert_true(fabs(jws("DWAYNE", "DUANE") - (j + 0.1 * (1 - j))) <
                    1e-12);
    }
}

static void
test_jw_edges(void **state)
{
    (void)state;
    assert_true(compare_jaro_winkler(NULL, 0, NULL, 0) == 0.0);
    assert_true(compare_jaro_winkler(NULL, 0, "jan", 3) == 0.0);
    assert_true(compare_name(NULL, 0, NULL, 0) == 0.0);
    assert_true(compare_name("jan", 3, NULL, 0) == 0.0);
    assert_true(jws("", "") == 0.0);
    assert_true(jws("", "a") == 0.0);
    assert_true(jws("jan", "") == 0.0);
    assert_true(jws("a", "a") == 1.0);
    assert_true(jws("a", "b") == 0.0);
    /* Window 0 for two bytes: "ab" and "ba" share no position. */
    assert_true(jws("ab", "ba") == 0.0);
    assert_true(jws("ab", "ab") == 1.0);
    /* Window 0 for 3 bytes: of "abc" and "bac" only the "c" matches. */
    expect_near("abc", "bac", jws("abc", "bac"), (1.0 / 3 + 1.0 / 3 + 1) / 3,
                1e-12);
    /* Window 1 for 4 bytes: all four match, one transposition (2 bytes
     * out of order, halved); no common prefix. */
    expect_near("abcd", "bacd", jws("abcd", "bacd"), (1.0 + 1.0 + 0.75) / 3,
                1e-12);
    assert_true(jws("johannes", "johannes") == 1.0);
    assert_true(jws("\xc3\xa7"
                    "elik",
                    "\xc3\xa7"
                    "elik") == 1.0);
    /* Nothing in common. */
    assert_true(jws("abc", "xyz") == 0.0);
}

/* The boost applies from Jaro 0.7, with at most 4 prefix bytes. */
static void
test_jw_boost(void **state)
{
    (void)state;
    /* m = 2 of 8: Jaro (2/8 + 2/8 + 1) / 3 = 0.5, no boost despite the
     * common prefix "ab". */
    assert_true(fabs(jws("abcdefgh", "abxxxxxx") - 0.5) < 1e-12);
    /* m = 7 of 8: Jaro 11/12; the prefix of 7 counts as 4. */
    assert_true(fabs(jws("abcdefgh", "abcdefgx") - (11.0 / 12 + 0.4 / 12)) <
                1e-12);
    /* No common first byte: no boost, Jaro (7/8 + 7/8 + 1) / 3. */
    assert_true(fabs(jws("xbcdefgh", "ybcdefgh") - 11.0 / 12) < 1e-12);
}

/* Only the first COMPARE_MAX_LEN bytes count; nothing past a length is
 * read (the copies are exact). */
static void
test_jw_cut(void **state)
{
    char a[200], b[200];

    (void)state;
    memset(a, 'q', sizeof(a));
    memset(b, 'q', sizeof(b));
    b[COMPARE_MAX_LEN] = 'z';
    b[150] = 'y';
    assert_true(jw(a, sizeof(a), b, sizeof(b)) == 1.0);
    assert_true(jw(a, COMPARE_MAX_LEN, b, sizeof(b)) == 1.0);
    assert_true(jw(a, COMPARE_MAX_LEN + 1, b, COMPARE_MAX_LEN + 1) == 1.0);
    b[COMPARE_MAX_LEN - 1] = 'z';
    assert_true(jw(a, sizeof(a), b, sizeof(b)) < 1.0);
    /* 64 bytes of a vs 63 of b: one unmatched byte. */
    assert_true(jw(a, 100, a, 63) ==
                compare_jaro_winkler(a, COMPARE_MAX_LEN, a, 63));
}

/* Symmetric bit for bit, within [0, 1], 1 only for equal strings, and
 * equal to the plain reference, over many random pairs. */
static void
test_jw_random(void **state)
{
    char a[80], b[80];
    int k;

    (void)state;
    for (k = 0; k < 200000; k++) {
        unsigned alpha = 2 + (unsigned)(k % 9);
        size_t alen = rand_string(a, k % 7 == 0 ? 75 : 12, alpha);
        size_t blen = rand_string(b, k % 7 == 0 ? 75 : 12, alpha);
        double x = compare_jaro_winkler(a, alen, b, blen);
        double y = compare_jaro_winkler(b, blen, a, alen);
        double r = ref_jw(a, alen, b, blen);
        size_t ca = alen < COMPARE_MAX_LEN ? alen : COMPARE_MAX_LEN;
        size_t cb = blen < COMPARE_MAX_LEN ? blen : COMPARE_MAX_LEN;
        int same = ca == cb && ca > 0 && memcmp(a, b, ca) == 0;

        if (memcmp(&x, &y, sizeof(x)) != 0)
            fail_msg("asymmetric: %.*s / %.*s: %.17g %.17g", (int)alen, a,
                     (int)blen, b, x, y);
        if (!(x >= 0.0 && x <= 1.0))
            fail_msg("out of range: %.17g", x);
        if ((x == 1.0) != same)
            fail_msg("1.0 iff equal: %.*s / %.*s: %.17g", (int)alen, a,
                     (int)blen, b, x);
        if (fabs(x - r) > 1e-12)
            fail_msg("reference: %.*s / %.*s: %.17g, want %.17g", (int)alen, a,
                     (int)blen, b, x, r);
    }
}

/* ------------------------------------------------------------------ */
/* Edit distance                                                      */

static void
test_ed_operations(void **state)
{
    (void)state;
    assert_int_equal(eds("", "", 8), 0);
    assert_int_equal(compare_edit_distance(NULL, 0, NULL, 0, 2), 0);
    assert_int_equal(eds("jan", "jan", 0), 0);
    assert_int_equal(eds("", "abc", 8), 3);
    assert_int_equal(eds("abc", "", 8), 3);
    /* Substitution, insertion, deletion, transposition: one each. */
    assert_int_equal(eds("kitten", "sitten", 8), 1);
    assert_int_equal(eds("kitten", "kittens", 8), 1);
    assert_int_equal(eds("kitten", "kiten", 8), 1);
    assert_int_equal(eds("kitten", "iktten", 8), 1);
    assert_int_equal(eds("jansen", "jasnen", 8), 1);
    assert_int_equal(eds("jansen", "janssen", 8), 1);
    assert_int_equal(eds("meijer", "meyer", 8), 2);
    assert_int_equal(eds("kitten", "sitting", 8), 3);
    /* In the middle, at the start, at the end. */
    assert_int_equal(eds("abcdef", "abxdef", 8), 1);
    assert_int_equal(eds("xbcdef", "abcdef", 8), 1);
    assert_int_equal(eds("abcdex", "abcdef", 8), 1);
    assert_int_equal(eds("bacdef", "abcdef", 8), 1);
    assert_int_equal(eds("abcdfe", "abcdef", 8), 1);
    /* Optimal string alignment, not unrestricted Damerau: "ca" -> "abc"
     * is 3 (true Damerau-Levenshtein: 2), no substring edited twice. */
    assert_int_equal(eds("ca", "abc", 8), 3);
    assert_int_equal(eds("abc", "ca", 8), 3);
    /* Two transpositions. */
    assert_int_equal(eds("abcd", "badc", 8), 2);
    /* Bytes, not characters: e-acute (2 bytes) vs e is 2 edits. */
    assert_int_equal(eds("\xc3\xa9", "e", 8), 2);
    assert_int_equal(eds("\xc3\xa9mile", "\xc3\xa9mile", 1), 0);
}

static void
test_ed_cap(void **state)
{
    (void)state;
    /* min(distance, cap + 1). */
    assert_int_equal(eds("kitten", "sitting", 3), 3);
    assert_int_equal(eds("kitten", "sitting", 2), 3);
    assert_int_equal(eds("kitten", "sitting", 1), 2);
    assert_int_equal(eds("kitten", "sitting", 0), 1);
    assert_int_equal(eds("jan", "jan", 0), 0);
    assert_int_equal(eds("jan", "jen", 0), 1);
    assert_int_equal(eds("jan", "jen", 1), 1);
    /* Lengths apart by more than the cap. */
    assert_int_equal(eds("a", "aaaaaaaaaaaaaaaaaaaa", 8), 9);
    assert_int_equal(eds("", "abcdefghij", 8), 9);
    assert_int_equal(eds("", "abc", 2), 3);
    assert_int_equal(eds("abc", "", 0), 1);
    /* Same length, all different: 10 substitutions, capped. */
    assert_int_equal(eds("aaaaaaaaaa", "bbbbbbbbbb", 8), 9);
    assert_int_equal(eds("aaaaaaaaaa", "bbbbbbbbbb", 4), 5);
    /* A distance of exactly the cap is returned as such. */
    assert_int_equal(eds("aaaaaaaa", "bbbbbbbb", 8), 8);
    assert_int_equal(eds("aaaa", "bbbb", 4), 4);
}

static void
test_ed_cut(void **state)
{
    char a[100], b[100];

    (void)state;
    memset(a, 'k', sizeof(a));
    memset(b, 'k', sizeof(b));
    /* Differences past COMPARE_MAX_LEN are ignored... */
    b[COMPARE_MAX_LEN] = 'x';
    b[99] = 'y';
    assert_int_equal(ed(a, sizeof(a), b, sizeof(b), 8), 0);
    assert_int_equal(ed(a, sizeof(a), b, 70, 8), 0);
    /* ...and so is length past it. */
    assert_int_equal(ed(a, 64, b, 100, 0), 0);
    /* One inside counts. */
    b[COMPARE_MAX_LEN - 1] = 'x';
    assert_int_equal(ed(a, sizeof(a), b, sizeof(b), 8), 1);
    assert_int_equal(ed(a, 63, b, 64, 8), 1);
}

/* Symmetric, equal to the full-table reference under every cap, over many
 * random pairs. */
static void
test_ed_random(void **state)
{
    char a[80], b[80];
    int k, cap;

    (void)state;
    for (k = 0; k < 100000; k++) {
        unsigned alpha = 2 + (unsigned)(k % 9);
        size_t maxlen = k % 11 == 0 ? 75 : 10;
        size_t alen = rand_string(a, maxlen, alpha);
        size_t blen;
        int r;

        /* Half of the pairs: b is a with a few edits, so that small
         * distances are common. */
        if (k % 2 == 0) {
            int edits = (int)(next_rand() % 4), e;

            memcpy(b, a, alen);
            blen = alen;
            for (e = 0; e < edits && blen > 0; e++) {
                size_t at = (size_t)(next_rand() % blen);
                switch (next_rand() % 4) {
                case 0:
                    b[at] = (char)('a' + next_rand() % 3);
                    break;
                case 1:
                    memmove(b + at, b + at + 1, blen - at - 1);
                    blen--;
                    break;
                case 2:
                    if (blen < sizeof(b)) {
                        memmove(b + at + 1, b + at, blen - at);
                        b[at] = 'c';
                        blen++;
                    }
                    break;
                default:
                    if (at + 1 < blen) {
                        char t = b[at];
                        b[at] = b[at + 1];
                        b[at + 1] = t;
                    }
                }
            }
        } else {
            blen = rand_string(b, maxlen, alpha);
        }
        r = ref_osa(a, alen, b, blen);
        for (cap = 0; cap <= COMPARE_MAX_CAP; cap++) {
            int want = r < cap + 1 ? r : cap + 1;
            int x = compare_edit_distance(a, alen, b, blen, cap);
            int y = compare_edit_distance(b, blen, a, alen, cap);

            if (x != want || y != want)
                fail_msg("%.*s / %.*s cap %d: got %d and %d, want %d",
                         (int)alen, a, (int)blen, b, cap, x, y, want);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Dates                                                              */

static void
test_dates_cases(void **state)
{
    static const struct {
        uint32_t a, b;
        enum compare_date want;
    } cases[] = {
        {0, 0, COMPARE_DATE_MISSING},
        {0, 19840307, COMPARE_DATE_MISSING},
        {19840307, 0, COMPARE_DATE_MISSING},
        {19840307, 19840307, COMPARE_DATE_EXACT},
        {19840303, 19840303, COMPARE_DATE_EXACT},
        {19840307, 19840703, COMPARE_DATE_SWAPPED},
        {19841201, 19840112, COMPARE_DATE_SWAPPED},
        {19840110, 19841001, COMPARE_DATE_SWAPPED},
        {19840307, 19840308, COMPARE_DATE_ONE_DIGIT},
        {19840307, 19480307, COMPARE_DATE_ONE_DIGIT}, /* "84" -> "48" */
        {19840307, 19850307, COMPARE_DATE_ONE_DIGIT},
        {19840307, 29840307, COMPARE_DATE_ONE_DIGIT},
        {19840307, 91840307, COMPARE_DATE_ONE_DIGIT}, /* "19" -> "91" */
        {19840312, 19840321, COMPARE_DATE_ONE_DIGIT}, /* day "12" -> "21" */
        {19840307, 19840370, COMPARE_DATE_ONE_DIGIT}, /* not validated */
        {19840307, 19843007, COMPARE_DATE_ONE_DIGIT}, /* "03" -> "30" */
        {19840307, 19841225, COMPARE_DATE_YEAR},
        {19840307, 19840408, COMPARE_DATE_YEAR}, /* 2 digits, apart */
        {19840307, 19840418, COMPARE_DATE_YEAR}, /* 2 adjacent, no swap */
        {19840307, 19840337, COMPARE_DATE_ONE_DIGIT},
        {19840307, 19840730, COMPARE_DATE_YEAR},      /* swap + one digit */
        {19840307, 19850703, COMPARE_DATE_DIFFERENT}, /* swap, other year */
        {19840307, 19901225, COMPARE_DATE_DIFFERENT},
        {19840307, 19480703, COMPARE_DATE_DIFFERENT},
        {19841111, 19841112, COMPARE_DATE_ONE_DIGIT},
        {19840101, 19840101, COMPARE_DATE_EXACT},
        /* Beyond 8 digits: only exact, year or different. */
        {100000000u, 100000001u, COMPARE_DATE_YEAR},
        {4294967295u, 4294967295u, COMPARE_DATE_EXACT},
        {4294967295u, 19840307, COMPARE_DATE_DIFFERENT},
        /* Short packed values have leading zeros: 00010203 */
        {10203, 10302, COMPARE_DATE_SWAPPED},
        {10203, 10204, COMPARE_DATE_ONE_DIGIT},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum compare_date x = compare_dates(cases[i].a, cases[i].b);
        enum compare_date y = compare_dates(cases[i].b, cases[i].a);

        if (x != cases[i].want || y != cases[i].want)
            fail_msg("%u vs %u: got %d and %d, want %d", cases[i].a,
                     cases[i].b, (int)x, (int)y, (int)cases[i].want);
    }
}

/* Reference classification by 8-digit strings. */
static enum compare_date
ref_dates(uint32_t a, uint32_t b)
{
    char sa[16], sb[16];
    int k, diff = 0, first = -1;

    if (a == 0 || b == 0)
        return COMPARE_DATE_MISSING;
    if (a == b)
        return COMPARE_DATE_EXACT;
    snprintf(sa, sizeof(sa), "%08u", a);
    snprintf(sb, sizeof(sb), "%08u", b);
    if (memcmp(sa, sb, 4) == 0 && memcmp(sa + 4, sb + 6, 2) == 0 &&
        memcmp(sa + 6, sb + 4, 2) == 0 && memcmp(sa + 4, sa + 6, 2) != 0)
        return COMPARE_DATE_SWAPPED;
    for (k = 0; k < 8; k++) {
        if (sa[k] != sb[k]) {
            diff++;
            if (first < 0)
                first = k;
        }
    }
    if (diff == 1 || (diff == 2 && first < 7 && sa[first] == sb[first + 1] &&
                      sa[first + 1] == sb[first]))
        return COMPARE_DATE_ONE_DIGIT;
    if (memcmp(sa, sb, 4) == 0)
        return COMPARE_DATE_YEAR;
    return COMPARE_DATE_DIFFERENT;
}

/* Around a few dates, every date with one or two digits changed, and
 * random pairs: as the reference, symmetric. */
static void
test_dates_exhaustive(void **state)
{
    static const uint32_t base[] = {19840307, 19840303, 19841212,
                                    20011110, 19990909, 19000101};
    size_t i;
    int p, q, dp, dq, k;
    int counts[COMPARE_DATE_DIFFERENT + 1] = {0};

    (void)state;
    for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
        for (p = 0; p < 8; p++) {
            for (q = p; q < 8; q++) {
                for (dp = 0; dp < 10; dp++) {
                    for (dq = 0; dq < 10; dq++) {
                        char s[16];
                        uint32_t b = 0;

                        snprintf(s, sizeof(s), "%08u", base[i]);
                        s[p] = (char)('0' + dp);
                        s[q] = (char)('0' + dq);
                        for (k = 0; k < 8; k++)
                            b = b * 10 + (uint32_t)(s[k] - '0');
                        {
                            enum compare_date x = compare_dates(base[i], b);
                            enum compare_date y = compare_dates(b, base[i]);
                            enum compare_date r = ref_dates(base[i], b);

                            if (x != r || y != r)
                                fail_msg("%u vs %u: got %d/%d, want %d",
                                         base[i], b, (int)x, (int)y, (int)r);
                            counts[x]++;
                        }
                    }
                }
            }
        }
    }
    for (k = 0; k < 100000; k++) {
        uint32_t a = 19000101 + (uint32_t)(next_rand() % 1300000);
        uint32_t b = next_rand() % 3 == 0
                         ? a + (uint32_t)(next_rand() % 2000)
                         : 19000101 + (uint32_t)(next_rand() % 1300000);
        enum compare_date x = compare_dates(a, b);

        if (x != ref_dates(a, b) || x != compare_dates(b, a))
            fail_msg("%u vs %u", a, b);
    }
    /* Every class but MISSING came up around the bases. */
    for (k = COMPARE_DATE_EXACT; k <= COMPARE_DATE_DIFFERENT; k++)
        assert_true(counts[k] > 0);
}

/* ------------------------------------------------------------------ */
/* Initials and names                                                 */

static void
test_initials(void **state)
{
    (void)state;
    assert_int_equal(initials("jp", "j"), 1);
    assert_int_equal(initials("j", "jp"), 1);
    assert_int_equal(initials("jp", "jp"), 1);
    assert_int_equal(initials("jpm", "jp"), 1);
    assert_int_equal(initials("jp", "pj"), 0);
    assert_int_equal(initials("jpm", "jpk"), 0);
    assert_int_equal(initials("j", "k"), 0);
    assert_int_equal(initials("", "j"), 0);
    assert_int_equal(initials("j", ""), 0);
    assert_int_equal(initials("", ""), 0);
    assert_int_equal(compare_initials(NULL, 0, NULL, 0), 0);
    /* ASCII case is folded anyway. */
    assert_int_equal(initials("JP", "j"), 1);
    assert_int_equal(initials("jp", "JPM"), 1);
    assert_int_equal(initials("JP", "k"), 0);
}

static void
test_name(void **state)
{
    double v;

    (void)state;
    /* (c) the first word: "jan peter" and "jan". */
    assert_true(names("jan peter", "jan") == 1.0);
    assert_true(names("jan", "jan peter") == 1.0);
    /* (b) spaces removed. */
    assert_true(names("jan peter", "janpeter") == 1.0);
    assert_true(names("janpeter", "jan peter") == 1.0);
    assert_true(names("anne marie", "annemarie") == 1.0);
    /* (a) whole keys. */
    assert_true(names("jan", "jan") == 1.0);
    assert_true(names("maria", "marie") == jws("maria", "marie"));
    expect_near("martha", "marhta", names("martha", "marhta"), 0.961, 0.001);
    /* Best of the three. */
    v = names("jan peter", "jan pieter");
    assert_true(v == 1.0); /* first words equal */
    v = names("johannes peter", "johanes piet");
    assert_true(v >= jws("johannes peter", "johanes piet"));
    assert_true(v >= jws("johannes", "johanes"));
    assert_true(fabs(v - jws("johannes", "johanes")) < 1e-12 ||
                fabs(v - jws("johannespeter", "johanespiet")) < 1e-12 ||
                fabs(v - jws("johannes peter", "johanes piet")) < 1e-12);
    /* Empty: no evidence. */
    assert_true(names("", "") == 0.0);
    assert_true(names("jan", "") == 0.0);
    assert_true(names("", "jan peter") == 0.0);
    /* Different names stay different. */
    assert_true(names("piet", "klaas") < 0.6);
    /* Symmetric. */
    assert_true(names("willem jan", "wim") == names("wim", "willem jan"));
}

static void
test_name_random(void **state)
{
    char a[80], b[80];
    int k;

    (void)state;
    for (k = 0; k < 100000; k++) {
        size_t alen = rand_string(a, k % 13 == 0 ? 75 : 14, 10);
        size_t blen = rand_string(b, k % 13 == 0 ? 75 : 14, 10);
        double x = compare_name(a, alen, b, blen);
        double y = compare_name(b, blen, a, alen);
        double w = compare_jaro_winkler(a, alen, b, blen);

        if (memcmp(&x, &y, sizeof(x)) != 0)
            fail_msg("asymmetric: %.*s / %.*s", (int)alen, a, (int)blen, b);
        if (!(x >= 0.0 && x <= 1.0) || x < w)
            fail_msg("%.*s / %.*s: %.17g (jw %.17g)", (int)alen, a, (int)blen,
                     b, x, w);
        if (alen > 0 && compare_name(a, alen, a, alen) != 1.0)
            fail_msg("not 1 with itself: %.*s", (int)alen, a);
    }
}

/* A rough speed figure in CPU time (printed, not asserted; meaningless
 * under the sanitizers): the resolver calls these on tens of millions of
 * pairs. */
static void
test_speed(void **state)
{
    static const char *const keys[] = {
        "jansen",   "janssen", "de vries",  "devries", "bakker",   "backer",
        "johannes", "johan",   "jan peter", "mohamed", "mohammed", "meijer",
    };
    const size_t nk = sizeof(keys) / sizeof(keys[0]);
    struct timespec t0, t1;
    volatile double sink = 0;
    size_t i, j, n = 0;
    int rep;

    (void)state;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (rep = 0; rep < 2000; rep++)
        for (i = 0; i < nk; i++)
            for (j = 0; j < nk; j++, n++)
                sink += compare_jaro_winkler(keys[i], strlen(keys[i]), keys[j],
                                             strlen(keys[j]));
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    print_message("# jaro-winkler: %.0f ns a pair (%zu pairs)\n",
                  ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
                   (double)(t1.tv_nsec - t0.tv_nsec)) /
                      (double)n,
                  n);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    n = 0;
    for (rep = 0; rep < 2000; rep++)
        for (i = 0; i < nk; i++)
            for (j = 0; j < nk; j++, n++)
                sink += compare_edit_distance(keys[i], strlen(keys[i]),
                                              keys[j], strlen(keys[j]), 2);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    print_message("# edit distance (cap 2): %.0f ns a pair\n",
                  ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
                   (double)(t1.tv_nsec - t0.tv_nsec)) /
                      (double)n);
    assert_true(sink > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jw_published),
        cmocka_unit_test(test_jw_edges),
        cmocka_unit_test(test_jw_boost),
        cmocka_unit_test(test_jw_cut),
        cmocka_unit_test(test_jw_random),
        cmocka_unit_test(test_ed_operations),
        cmocka_unit_test(test_ed_cap),
        cmocka_unit_test(test_ed_cut),
        cmocka_unit_test(test_ed_random),
        cmocka_unit_test(test_dates_cases),
        cmocka_unit_test(test_dates_exhaustive),
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_name_random),
        cmocka_unit_test(test_speed),
    };

    return cmocka_run_group_tests_name("resolve_compare", tests, NULL, NULL);
}
