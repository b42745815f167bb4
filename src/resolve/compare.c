/*
 * compare.c - comparison primitives of record linkage (compare.h).
 *
 * Everything works on at most COMPARE_MAX_LEN (64) bytes per string, so a
 * set of matched positions fits in one uint64_t and the edit-distance rows
 * in a few hundred bytes of stack.
 */
#include <assert.h>
#include <string.h>

#include "compare.h"

_Static_assert(COMPARE_MAX_LEN <= 64, "match masks are one uint64_t");
_Static_assert(COMPARE_MAX_CAP >= 0 && COMPARE_MAX_CAP < COMPARE_MAX_LEN,
               "edit-distance cap");

#define WINKLER_SCALE      0.1
#define WINKLER_PREFIX     4
#define WINKLER_BOOST_FROM 0.7

static size_t
cut(size_t n)
{
    return n < COMPARE_MAX_LEN ? n : COMPARE_MAX_LEN;
}

/*
 * Positions of each byte value in s[0..n) (n <= 64) as bit masks, for the
 * bit-parallel loops below. Only the entries of bytes that occur in s or
 * in also[0..alen) are written, so only those may be read: that saves
 * clearing 2 KiB per pair.
 */
static void
byte_masks(uint64_t pm[256], const unsigned char *s, size_t n,
           const unsigned char *also, size_t alen)
{
    size_t i;

    for (i = 0; i < alen; i++)
        pm[also[i]] = 0;
    for (i = 0; i < n; i++)
        pm[s[i]] = 0;
    for (i = 0; i < n; i++)
        pm[s[i]] |= (uint64_t)1 << i;
}

/* Bits lo..hi-1 set (lo < hi <= 64). */
static uint64_t
bit_range(size_t lo, size_t hi)
{
    uint64_t upto = hi >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1;

    return upto & ~(((uint64_t)1 << lo) - 1);
}

/*
 * Jaro-Winkler of a and b, both at most COMPARE_MAX_LEN bytes, in the
 * order the caller chose. Matching is greedy as in Winkler's strcmp95:
 * each byte of a, left to right, takes the first unmatched equal byte of b
 * within the window (here: the lowest bit of a mask); the count of matched
 * bytes out of order is halved with integer division (strcmp95's
 * N_trans / 2).
 */
static double
jw_ordered(const unsigned char *a, size_t alen, const unsigned char *b,
           size_t blen)
{
    uint64_t pm[256]; /* see byte_masks() */
    uint64_t amask = 0, bmask = 0;
    size_t window, i, m = 0, t = 0, prefix, lim;
    double jaro;

    if (alen == 0 || blen == 0)
        return 0.0;
    byte_masks(pm, b, blen, a, alen);
    window = (alen > blen ? alen : blen) / 2;
    window = window > 0 ? window - 1 : 0;
    for (i = 0; i < alen; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < blen ? i + window + 1 : blen;
        uint64_t cand;

        if (lo >= hi)
            break; /* past the end of b, and so are the next ones */
        cand = pm[a[i]] & ~bmask & bit_range(lo, hi);
        if (cand != 0) {
            bmask |= cand & (~cand + 1);
            amask |= (uint64_t)1 << i;
            m++;
        }
    }
    if (m == 0)
        return 0.0;
    /* Walk the matched bytes of both in order. */
    while (amask != 0) {
        if (a[__builtin_ctzll(amask)] != b[__builtin_ctzll(bmask)])
            t++;
        amask &= amask - 1;
        bmask &= bmask - 1;
    }
    t /= 2;
    /* (m/alen + m/blen + (m-t)/m) / 3 with one division; exact in
     * integers (at most 3 * 64^3). */
    jaro = (double)(m * m * (alen + blen) + (m - t) * alen * blen) /
           (double)(3 * alen * blen * m);
    if (jaro < WINKLER_BOOST_FROM)
        return jaro;
    lim = alen < blen ? alen : blen;
    if (lim > WINKLER_PREFIX)
        lim = WINKLER_PREFIX;
    for (prefix = 0; prefix < lim && a[prefix] == b[prefix]; prefix++)
        ;
    return jaro + (double)prefix * WINKLER_SCALE * (1.0 - jaro);
}

/* Jaro-Winkler of strings already cut to COMPARE_MAX_LEN, exactly
 * symmetric: greedy matching can depend on which string leads, so the
 * shorter (or, equally long, the smaller) one always does. */
static double
jw_cut(const unsigned char *a, size_t alen, const unsigned char *b,
       size_t blen)
{
    int c;

    if (alen == 0 || blen == 0)
        return 0.0;
    if (alen == blen) {
        c = memcmp(a, b, alen);
        if (c == 0)
            return 1.0;
        if (c > 0)
            return jw_ordered(b, blen, a, alen);
        return jw_ordered(a, alen, b, blen);
    }
    if (alen > blen)
        return jw_ordered(b, blen, a, alen);
    return jw_ordered(a, alen, b, blen);
}

double
compare_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
    return jw_cut((const unsigned char *)a, cut(alen),
                  (const unsigned char *)b, cut(blen));
}

/*
 * Hyyro's bit-vector algorithm for the optimal-string-alignment distance
 * (Hyyro 2003, "A bit-vector algorithm for computing Levenshtein and
 * Damerau edit distances"): one column of the table per byte of b, as
 * vertical delta bit vectors over a (alen <= 64). Carries and shifts only
 * move information towards higher bits, so the bits above alen - 1 never
 * change the answer, read at bit alen - 1.
 */
int
compare_edit_distance(const char *as, size_t alen, const char *bs, size_t blen,
                      int cap)
{
    const unsigned char *a = (const unsigned char *)as;
    const unsigned char *b = (const unsigned char *)bs;
    uint64_t pm[256]; /* see byte_masks() */
    uint64_t vp = ~(uint64_t)0, vn = 0, d0 = 0, pm_prev = 0, last;
    size_t j;
    int dist, inf;

    assert(cap >= 0 && cap <= COMPARE_MAX_CAP);
    if (cap < 0)
        cap = 0;
    if (cap > COMPARE_MAX_CAP)
        cap = COMPARE_MAX_CAP;
    inf = cap + 1;
    alen = cut(alen);
    blen = cut(blen);
    /* A common prefix and suffix never change the distance (OSA too). */
    while (alen > 0 && blen > 0 && a[0] == b[0]) {
        a++;
        b++;
        alen--;
        blen--;
    }
    while (alen > 0 && blen > 0 && a[alen - 1] == b[blen - 1]) {
        alen--;
        blen--;
    }
    if ((alen > blen ? alen - blen : blen - alen) > (size_t)cap)
        return inf;
    if (alen == 0 || blen == 0)
        return (int)(alen + blen); /* <= cap, checked above */

    byte_masks(pm, a, alen, b, blen);
    last = (uint64_t)1 << (alen - 1);
    dist = (int)alen;
    for (j = 0; j < blen; j++) {
        uint64_t pmj = pm[b[j]];
        uint64_t tr = ((~d0 & pmj) << 1) & pm_prev;
        uint64_t hp, hn;

        d0 = (((pmj & vp) + vp) ^ vp) | pmj | vn | tr;
        hp = vn | ~(d0 | vp);
        hn = d0 & vp;
        dist += (hp & last) != 0;
        dist -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_prev = pmj;
        /* Each column left changes the distance by at most one. */
        if ((size_t)dist > (size_t)cap + (blen - j - 1))
            return inf;
    }
    return dist < inf ? dist : inf;
}

/*
 * Whether the 8-digit forms of a and b (both below 10^8, a != b) differ in
 * exactly one digit, or by one transposition of two adjacent different
 * digits. Digits are taken from the right until the rest is equal.
 */
static int
one_digit_apart(uint32_t a, uint32_t b)
{
    uint32_t first_a = 0, first_b = 0;
    int k, first = -1;

    for (k = 0; a != b; k++, a /= 10, b /= 10) {
        uint32_t da = a % 10, db = b % 10;

        if (da == db)
            continue;
        if (first < 0) {
            first = k;
            first_a = da;
            first_b = db;
            continue;
        }
        /* A second difference: only a swap with the first one, and
         * nothing different after it. */
        return k == first + 1 && da == first_b && db == first_a &&
               a / 10 == b / 10;
    }
    return first >= 0;
}

enum compare_date
compare_dates(uint32_t a, uint32_t b)
{
    const uint32_t max8 = 99999999u;

    if (a == 0 || b == 0)
        return COMPARE_DATE_MISSING;
    if (a == b)
        return COMPARE_DATE_EXACT;
    if (a <= max8 && b <= max8) {
        uint32_t ya = a / 10000, ma = a / 100 % 100, da = a % 100;
        uint32_t yb = b / 10000, mb = b / 100 % 100, db = b % 100;

        if (ya == yb && da != ma && ma == db && da == mb)
            return COMPARE_DATE_SWAPPED;
        if (one_digit_apart(a, b))
            return COMPARE_DATE_ONE_DIGIT;
    }
    if (a / 10000 == b / 10000)
        return COMPARE_DATE_YEAR;
    return COMPARE_DATE_DIFFERENT;
}

static unsigned char
ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int
compare_initials(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a[i]) !=
            ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* The first COMPARE_MAX_LEN non-space bytes of s into out; returns their
 * number. */
static size_t
squeeze(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t i, k = 0;

    for (i = 0; i < n && k < COMPARE_MAX_LEN; i++)
        if (s[i] != ' ')
            out[k++] = s[i];
    return k;
}

/* Length of the first word (up to the first space). */
static size_t
first_word(const unsigned char *s, size_t n)
{
    const unsigned char *sp = n > 0 ? memchr(s, ' ', n) : NULL;

    return sp != NULL ? (size_t)(sp - s) : n;
}

double
compare_name(const char *as, size_t alen, const char *bs, size_t blen)
{
    const unsigned char *a = (const unsigned char *)as;
    const unsigned char *b = (const unsigned char *)bs;
    unsigned char sa[COMPARE_MAX_LEN], sb[COMPARE_MAX_LEN];
    size_t na, nb;
    double best, v;

    if (alen == 0 || blen == 0)
        return 0.0;
    best = jw_cut(a, cut(alen), b, cut(blen));
    if (best == 1.0)
        return best;
    /* Without a space among the bytes looked at, (b) and (c) are (a). */
    if (memchr(a, ' ', cut(alen)) == NULL && memchr(b, ' ', cut(blen)) == NULL)
        return best;
    na = squeeze(a, alen, sa);
    nb = squeeze(b, blen, sb);
    v = jw_cut(sa, na, sb, nb);
    if (v > best)
        best = v;
    v = jw_cut(a, cut(first_word(a, alen)), b, cut(first_word(b, blen)));
    if (v > best)
        best = v;
    return best;
}
