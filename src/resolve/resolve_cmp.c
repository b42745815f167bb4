/*
 * resolve_cmp.c - how two records compare, field by field: the level of
 * each comparison, and whether they contradict each other.
 */
#include <string.h>

#include "compare.h"
#include "nickname.h"
#include "resolve_int.h"

#define JW_HIGH   0.92
#define JW_LOW    0.80
#define JW_STREET 0.90

struct rcmp_def {
    const char *name;
    unsigned levels;
    int tf; /* enum rhash, or -1 */
    const char *level[RL_MAX];
};

static const struct rcmp_def rcmp_defs[RC_COUNT] = {
    [RC_FIRST] = {"first name",
                  RL_FIRST_N,
                  RH_FIRST,
                  {"missing", "exact", "nickname", "similar", "initials",
                   "somewhat similar", "different", "different initial"}},
    [RC_LAST] = {"last name",
                 RL_LAST_N,
                 RH_LAST,
                 {"missing", "exact", "similar", "part of the other",
                  "somewhat similar", "different"}},
    [RC_DOB] = {"birth date",
                RL_DOB_N,
                RH_DOB,
                {"missing", "exact", "day and month swapped", "one digit off",
                 "same year", "different"}},
    [RC_EMAIL] = {"e-mail",
                  RL_BINARY_N,
                  RH_EMAIL,
                  {"missing", "exact", "different"}},
    [RC_MOBILE] = {"mobile",
                   RL_BINARY_N,
                   RH_MOBILE,
                   {"missing", "exact", "different"}},
    [RC_LANDLINE] = {"landline",
                     RL_BINARY_N,
                     RH_LANDLINE,
                     {"missing", "exact", "different"}},
    [RC_IBAN] = {"IBAN",
                 RL_BINARY_N,
                 RH_IBAN,
                 {"missing", "exact", "different"}},
    [RC_ADDR] = {"address",
                 RL_ADDR_N,
                 RH_ADDR,
                 {"missing", "exact", "same postcode and number",
                  "same street and number", "same area", "different"}},
    [RC_DOC] = {"ID document",
                RL_BINARY_N,
                RH_DOC,
                {"missing", "exact", "different"}},
    [RC_NID] = {"national id",
                RL_NID_N,
                RH_NID,
                {"missing", "exact", "one digit off", "different"}},
    [RC_CUST] = {"customer number",
                 RL_BINARY_N,
                 RH_CUST,
                 {"missing", "exact", "different"}},
};

const char *
rcmp_name(enum rcmp k)
{
    return rcmp_defs[k].name;
}

const char *
rcmp_level_name(enum rcmp k, unsigned level)
{
    return level < rcmp_defs[k].levels ? rcmp_defs[k].level[level] : "?";
}

unsigned
rcmp_levels(enum rcmp k)
{
    return rcmp_defs[k].levels;
}

int
rcmp_tf_hash(enum rcmp k)
{
    return rcmp_defs[k].tf;
}

/* Both hold a value, and whether it is the same. */
static unsigned
rcmp_binary(const struct rfeat *a, const struct rfeat *b, enum rhash h)
{
    if (a->h[h] == 0 || b->h[h] == 0)
        return RL_MISSING;
    return a->h[h] == b->h[h] ? RL_EXACT : RL_DIFF;
}

/* Whether the letter c (a-z) is in an initials mask. */
static int
rcmp_initial_of(char c, uint32_t mask)
{
    return c >= 'a' && c <= 'z' && (mask & (1u << (c - 'a'))) != 0;
}

/* Whether the first words share a nickname group. */
static int
rcmp_nick(const struct rfeat *a, const struct rfeat *b)
{
    int i, j;

    for (i = 0; i < 2 && a->nick[i] != 0; i++)
        for (j = 0; j < 2 && b->nick[j] != 0; j++)
            if (a->nick[i] == b->nick[j])
                return 1;
    return 0;
}

static unsigned
rcmp_first(const char *aa, const struct rfeat *a, const char *ab,
           const struct rfeat *b)
{
    size_t al, bl, ail, bil;
    const char *as = rfeat_str(aa, a, RS_FIRST, &al);
    const char *bs = rfeat_str(ab, b, RS_FIRST, &bl);
    const char *ai = rfeat_str(aa, a, RS_INIT, &ail);
    const char *bi = rfeat_str(ab, b, RS_INIT, &bil);
    double jw;

    if (al == 0 || bl == 0) {
        if (ail == 0 || bil == 0)
            return RL_MISSING;
        if (compare_initials(ai, ail, bi, bil))
            return RL_FIRST_INIT;
        /* "K." for a Jacobus called Koos */
        if ((al == 0 && rcmp_initial_of(ai[0], b->initials)) ||
            (bl == 0 && rcmp_initial_of(bi[0], a->initials)))
            return RL_FIRST_INIT;
        return ai[0] == bi[0] ? RL_FIRST_DIFF : RL_FIRST_OTHER;
    }
    if (a->h[RH_FIRST] == b->h[RH_FIRST])
        return RL_EXACT;
    if (rcmp_nick(a, b))
        return RL_FIRST_NICK;
    jw = compare_name(as, al, bs, bl);
    if (jw >= JW_HIGH)
        return RL_FIRST_JW92;
    if (jw >= JW_LOW)
        return RL_FIRST_JW80;
    return as[0] == bs[0] ? RL_FIRST_DIFF : RL_FIRST_OTHER;
}

static double
rcmp_jw_max(const char *a1, size_t l1, const char *b1, size_t m1,
            const char *a2, size_t l2, const char *b2, size_t m2)
{
    double x = compare_jaro_winkler(a1, l1, b1, m1);
    double y = compare_jaro_winkler(a2, l2, b2, m2);

    return x > y ? x : y;
}

static unsigned
rcmp_last(const char *aa, const struct rfeat *a, const char *ab,
          const struct rfeat *b)
{
    size_t al, bl, af, bf;
    const char *as = rfeat_str(aa, a, RS_LAST, &al);
    const char *bs = rfeat_str(ab, b, RS_LAST, &bl);
    const char *afs = rfeat_str(aa, a, RS_FULL, &af);
    const char *bfs = rfeat_str(ab, b, RS_FULL, &bf);
    double jw;

    if (al == 0 || bl == 0)
        return RL_MISSING;
    if (a->h[RH_LAST] == b->h[RH_LAST] || a->h[RH_FULL] == b->h[RH_FULL])
        return RL_EXACT;
    /* the keys with the infix only when one has an infix */
    if (af == al && bf == bl)
        jw = compare_jaro_winkler(as, al, bs, bl);
    else
        jw = rcmp_jw_max(as, al, bs, bl, afs, af, bfs, bf);
    if (jw >= JW_HIGH)
        return RL_LAST_JW92;
    /* a double name holding the other: "jansendevries", "vries" */
    if ((al >= 4 && bf > al && memmem(bfs, bf, as, al) != NULL) ||
        (bl >= 4 && af > bl && memmem(afs, af, bs, bl) != NULL))
        return RL_LAST_PART;
    if (jw >= JW_LOW)
        return RL_LAST_JW80;
    return RL_LAST_DIFF;
}

static unsigned
rcmp_mobile(const struct rfeat *a, const struct rfeat *b)
{
    if (a->h[RH_MOBILE] == 0 || b->h[RH_MOBILE] == 0)
        return RL_MISSING;
    if (a->h[RH_MOBILE] == b->h[RH_MOBILE] ||
        (b->h[RH_MOBILE2] != 0 && a->h[RH_MOBILE] == b->h[RH_MOBILE2]) ||
        (a->h[RH_MOBILE2] != 0 && (a->h[RH_MOBILE2] == b->h[RH_MOBILE] ||
                                   a->h[RH_MOBILE2] == b->h[RH_MOBILE2])))
        return RL_EXACT;
    return RL_DIFF;
}

static unsigned
rcmp_addr(const char *aa, const struct rfeat *a, const char *ab,
          const struct rfeat *b)
{
    size_t al, bl;
    const char *as = rfeat_str(aa, a, RS_STREET, &al);
    const char *bs = rfeat_str(ab, b, RS_STREET, &bl);
    int pc = a->h[RH_POSTCODE] != 0 && b->h[RH_POSTCODE] != 0;
    int city = a->h[RH_CITY] != 0 && b->h[RH_CITY] != 0;
    int street = al > 0 && bl > 0;
    double jw;

    if (a->h[RH_ADDR] != 0 && a->h[RH_ADDR] == b->h[RH_ADDR])
        return RL_EXACT;
    if (a->h[RH_PCNR] != 0 && a->h[RH_PCNR] == b->h[RH_PCNR])
        return RL_ADDR_PCNR;
    jw = street ? compare_jaro_winkler(as, al, bs, bl) : 0.0;
    if (jw >= JW_STREET && a->housenr != 0 && a->housenr == b->housenr)
        return RL_ADDR_STREET;
    if ((pc && a->h[RH_POSTCODE] == b->h[RH_POSTCODE]) ||
        (city && a->h[RH_CITY] == b->h[RH_CITY]) || jw >= JW_STREET)
        return RL_ADDR_AREA;
    if (pc || city || street)
        return RL_ADDR_DIFF;
    return RL_MISSING;
}

static unsigned
rcmp_nid(const char *aa, const struct rfeat *a, const char *ab,
         const struct rfeat *b)
{
    size_t al, bl;
    const char *as, *bs;

    if (a->h[RH_NID] == 0 || b->h[RH_NID] == 0)
        return RL_MISSING;
    if (a->h[RH_NID] == b->h[RH_NID])
        return RL_EXACT;
    as = rfeat_str(aa, a, RS_NID, &al);
    bs = rfeat_str(ab, b, RS_NID, &bl);
    return compare_edit_distance(as, al, bs, bl, 1) <= 1 ? RL_NID_DIGIT
                                                         : RL_NID_DIFF;
}

/* First and last name written the wrong way round in one of them. */
static int
rcmp_swapped(const char *aa, const struct rfeat *a, const char *ab,
             const struct rfeat *b)
{
    size_t af, bf, al, bl;
    const char *afs = rfeat_str(aa, a, RS_FIRST, &af);
    const char *bfs = rfeat_str(ab, b, RS_FIRST, &bf);
    const char *als = rfeat_str(aa, a, RS_LAST, &al);
    const char *bls = rfeat_str(ab, b, RS_LAST, &bl);

    return af > 0 && bf > 0 && al > 0 && bl > 0 &&
           compare_jaro_winkler(afs, af, bls, bl) >= JW_HIGH &&
           compare_jaro_winkler(bfs, bf, als, al) >= JW_HIGH;
}

uint64_t
rcmp_pattern(const char *aa, const struct rfeat *a, const char *ab,
             const struct rfeat *b)
{
    unsigned lv[RC_COUNT];
    uint64_t p = 0;
    int k;

    lv[RC_FIRST] = rcmp_first(aa, a, ab, b);
    lv[RC_LAST] = rcmp_last(aa, a, ab, b);
    if (lv[RC_LAST] == RL_LAST_DIFF &&
        (lv[RC_FIRST] == RL_FIRST_DIFF || lv[RC_FIRST] == RL_FIRST_OTHER ||
         lv[RC_FIRST] == RL_FIRST_JW80) &&
        rcmp_swapped(aa, a, ab, b)) {
        lv[RC_FIRST] = RL_FIRST_JW92;
        lv[RC_LAST] = RL_LAST_JW92;
    }
    lv[RC_DOB] = (unsigned)compare_dates(a->dob, b->dob);
    lv[RC_EMAIL] = rcmp_binary(a, b, RH_EMAIL);
    lv[RC_MOBILE] = rcmp_mobile(a, b);
    lv[RC_LANDLINE] = rcmp_binary(a, b, RH_LANDLINE);
    lv[RC_IBAN] = rcmp_binary(a, b, RH_IBAN);
    lv[RC_ADDR] = rcmp_addr(aa, a, ab, b);
    lv[RC_DOC] = rcmp_binary(a, b, RH_DOC);
    lv[RC_NID] = rcmp_nid(aa, a, ab, b);
    /* a customer number means one person only within one brand */
    lv[RC_CUST] =
        a->brand == b->brand ? rcmp_binary(a, b, RH_CUST) : RL_MISSING;
    for (k = 0; k < RC_COUNT; k++)
        p |= (uint64_t)lv[k] << (4 * k);
    return p;
}

int
rcmp_conflict(uint64_t pattern, int nid_checked, int linkable, unsigned strong)
{
    unsigned first = RPAT_LEVEL(pattern, RC_FIRST);
    unsigned nid = RPAT_LEVEL(pattern, RC_NID);
    int dob_diff = RPAT_LEVEL(pattern, RC_DOB) == RL_DOB_DIFF;
    int first_diff = first == RL_FIRST_DIFF || first == RL_FIRST_OTHER;

    if (nid == RL_NID_DIFF && nid_checked)
        return 1;
    if (!dob_diff && !first_diff)
        return 0;
    /* the person's own national id or ID document outweighs it */
    if (nid == RL_EXACT || RPAT_LEVEL(pattern, RC_DOC) == RL_EXACT)
        return 0;
    /* A difference the same person (almost) never shows in this data,
     * and not the same mobile either: twins, father and son, a child's
     * subscription on the parent's address, e-mail and landline. */
    if (((first == RL_FIRST_DIFF && (strong & RCMP_STRONG_FIRST_DIFF)) ||
         (first == RL_FIRST_OTHER && (strong & RCMP_STRONG_FIRST_OTHER)) ||
         (dob_diff && (strong & RCMP_STRONG_DOB_DIFF))) &&
        RPAT_LEVEL(pattern, RC_MOBILE) != RL_EXACT)
        return 1;
    /* otherwise the pair's own evidence decides */
    return !linkable;
}

int
rcmp_may_conflict(const char *aa, const struct rfeat *a, const char *ab,
                  const struct rfeat *b)
{
    unsigned first;

    if (compare_dates(a->dob, b->dob) == COMPARE_DATE_DIFFERENT)
        return 1;
    if (a->h[RH_NID] != 0 && b->h[RH_NID] != 0 && a->h[RH_NID] != b->h[RH_NID])
        return 1;
    first = rcmp_first(aa, a, ab, b);
    return first == RL_FIRST_DIFF || first == RL_FIRST_OTHER;
}
