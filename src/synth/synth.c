/*
 * synth.c - the synthetic breach generator.
 *
 * Households are generated one after the other; each person's records go
 * to the current chunk or one of the next RING-1 chunks of a ring, and a
 * chunk is shuffled and written when its round of ROUND_PERSONS persons is
 * done. So a person's records are scattered over about RING * ROUND_PERSONS
 * * 1.55 records, and memory is bounded by the ring, not by the number of
 * persons. Identifiers that must be unique (mobiles, accounts, customer
 * numbers, landlines) come from bijections (a*i+b) mod 10^k with gcd(a, 10)
 * = 1 over counters; e-mail addresses through a fixed-size bit set (see
 * email_register()). Every random choice comes from one rng seeded from
 * the options, in a fixed order, so the output depends on nothing else.
 */
#include "synth.h"

#include <stdlib.h>
#include <string.h>

#include "../util/checkdigit.h"
#include "../util/limits.h"
#include "../util/rng.h"
#include "synth_int.h"
#include "../util/grow.h"

#define RING           8           /* chunks a person's records scatter over */
#define ROUND_PERSONS  4096u       /* persons per chunk round */
#define OUT_BUF        (1u << 20)  /* bytes buffered per output stream */
#define REC_STORE      4096        /* bytes of field text per record */
#define NAME_BYTES     128         /* one name or e-mail address */
#define BAD_SHARE      0.002       /* malformed rows per good record */
#define MOBILE_SPACE   60000000ull /* 06 + [1-58] + 7 digits */
#define ACCOUNT_SPACE  10000000000ull /* 10-digit account numbers */
#define CUSTOMER_SPACE 100000000ull   /* 8 digits after "1" or "B" */
#define EMAIL_BITS_MIN (1ull << 16)
#define EMAIL_BITS_MAX (1ull << 28) /* 32 MiB */

/* The reference date: the day of the breach. */
#define REF_Y 2026
#define REF_M 2
#define REF_D 7

enum field {
    F_ID,
    F_BRAND,
    F_CUSTNO,
    F_SUBTYPE,
    F_FIRST,
    F_INFIX,
    F_LAST,
    F_STREET,
    F_HOUSENO,
    F_SUFFIX,
    F_POSTCODE,
    F_CITY,
    F_PHONE,
    F_EMAIL,
    F_IBAN,
    F_BIRTH,
    F_DOCTYPE,
    F_DOCNO,
    F_DOCEXP,
    F_VAT,
    F_END,
    F_NOTES,
    NF
};

_Static_assert(NF == SYNTH_NCOLUMNS, "columns out of step");

enum brand { ODIDO = 0, BEN = 1 };

enum subtype { S_MOBIEL, S_THUIS, S_VAST, S_PREPAID, S_ZAKELIJK, S_SIMONLY };

static const char *const subtype_names[] = {
    "mobiel", "thuis", "vast", "prepaid", "zakelijk", "sim-only",
};

enum doctype { D_NONE, D_PASPOORT, D_IDKAART, D_RIJBEWIJS };

static const char *const doctype_names[] = {
    "",
    "paspoort",
    "identiteitskaart",
    "rijbewijs",
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                     */

static void
synth_bug(const char *what)
{
    fprintf(stderr, "tocsin synth: internal error: %s\n", what);
    abort();
}

/* A fixed-capacity string being built; overflowing it is a bug. */
struct sbuf {
    char *p;
    size_t len;
    size_t cap;
};

static void
sb_init(struct sbuf *s, char *mem, size_t cap)
{
    s->p = mem;
    s->len = 0;
    s->cap = cap;
    mem[0] = '\0';
}

static void
sb_putn(struct sbuf *s, const char *p, size_t n)
{
    if (n >= s->cap - s->len)
        synth_bug("string buffer overflow");
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void
sb_puts(struct sbuf *s, const char *p)
{
    sb_putn(s, p, strlen(p));
}

static void
sb_putc(struct sbuf *s, char c)
{
    sb_putn(s, &c, 1);
}

/* v in decimal, zero-padded to at least width digits. */
static void
sb_putu(struct sbuf *s, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n < width && n < (int)sizeof(tmp))
        tmp[sizeof(tmp) - 1 - n++] = '0';
    sb_putn(s, tmp + sizeof(tmp) - n, (size_t)n);
}

/* Cumulative weights for sampling. */
struct wt {
    double *cum;
    size_t n;
};

static size_t
wt_pick(struct rng *r, const struct wt *w)
{
    double x = rng_double(r) * w->cum[w->n - 1];
    size_t lo = 0, hi = w->n - 1;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (w->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Pick from a small table of integer weights. */
static int
pick_w(struct rng *r, const unsigned *w, int n)
{
    unsigned total = 0, x;
    int i;

    for (i = 0; i < n; i++)
        total += w[i];
    x = (unsigned)rng_below(r, total);
    for (i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

#define PICK(r, w) pick_w((r), (w), (int)(sizeof(w) / sizeof((w)[0])))

static const char *
pick_list(struct rng *r, const struct synth_list *l)
{
    return l->s[rng_below(r, l->n)];
}

/* A bijection on [0, space): (a*i + b) mod space, gcd(a, space) = 1 for a
 * space of the form 2^x 5^y. */
struct bij {
    uint64_t a, b, space;
};

static void
bij_init(struct bij *j, struct rng *r, uint64_t space)
{
    j->space = space;
    do
        j->a = 1 + rng_below(r, space - 1);
    while (j->a % 2 == 0 || j->a % 5 == 0);
    j->b = rng_below(r, space);
}

static uint64_t
bij_at(const struct bij *j, uint64_t i)
{
    return (uint64_t)(((__uint128_t)j->a * (i % j->space) + j->b) % j->space);
}

static uint64_t
fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ------------------------------------------------------------------ */
/* Dates as days since 1970-01-01 (H. Hinnant's civil algorithms).    */

static int32_t
days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int32_t z, int *y, int *m, int *d)
{
    int era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    *y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y += *m <= 2;
}

static int
days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

/* Age in whole years on the reference date. */
static int
age_on_ref(int32_t birth)
{
    int y, m, d, age;

    civil_from_days(birth, &y, &m, &d);
    age = REF_Y - y;
    if (m > REF_M || (m == REF_M && d > REF_D))
        age--;
    return age;
}

/* A random date between two dates (inclusive), as days. */
static int32_t
date_between(struct rng *r, int y0, int m0, int d0, int y1, int m1, int d1)
{
    int32_t lo = days_from_civil(y0, m0, d0);
    int32_t hi = days_from_civil(y1, m1, d1);

    return lo + (int32_t)rng_below(r, (uint64_t)(hi - lo + 1));
}

/* A birth date of someone exactly age years old on the reference date. */
static int32_t
birth_for_age(struct rng *r, int age)
{
    return date_between(r, REF_Y - age - 1, REF_M, REF_D + 1, REF_Y - age,
                        REF_M, REF_D);
}

static void
sb_iso_date(struct sbuf *s, int y, int m, int d)
{
    sb_putu(s, (uint64_t)y, 4);
    sb_putc(s, '-');
    sb_putu(s, (uint64_t)m, 2);
    sb_putc(s, '-');
    sb_putu(s, (uint64_t)d, 2);
}

/* ------------------------------------------------------------------ */
/* UTF-8 text: decode, case, diacritics.                              */

/* Decode one code point of valid UTF-8 at s; *n gets its length. */
static unsigned
utf8_get(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (u[0] < 0x80) {
        *n = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0) {
        *n = 2;
        return ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
    }
    if ((u[0] & 0xF0) == 0xE0) {
        *n = 3;
        return ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    }
    *n = 4;
    return ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) |
           ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
}

static void
sb_put_cp(struct sbuf *s, unsigned cp)
{
    char b[4];

    if (cp < 0x80) {
        sb_putc(s, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        sb_putn(s, b, 2);
    } else {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        sb_putn(s, b, 3);
    }
}

/* In Latin Extended-A, upper and lower case alternate; where the upper
 * case letter sits on the odd code point. */
static int
latin_a_odd_upper(unsigned cp)
{
    return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
}

static unsigned
cp_upper(unsigned cp)
{
    if (cp >= 'a' && cp <= 'z')
        return cp - 32;
    if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
        return cp - 0x20;
    if (cp == 0x131)
        return 'I';
    if (cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x138 &&
        cp != 0x149 && cp != 0x178) {
        int odd = cp & 1;

        if (latin_a_odd_upper(cp) ? !odd : odd)
            return cp - 1;
    }
    return cp;
}

static unsigned
cp_lower(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 0x20;
    if (cp == 0x130)
        return 'i';
    if (cp >= 0x100 && cp <= 0x17E && cp != 0x131 && cp != 0x138 &&
        cp != 0x149 && cp != 0x178) {
        int odd = cp & 1;

        if (latin_a_odd_upper(cp) ? odd : !odd)
            return cp + 1;
    }
    return cp;
}

/* The letter without its accent, or 0 when there is no such letter. */
static char
cp_fold(unsigned cp)
{
    static const char latin1[] = "AAAAAAACEEEEIIII"
                                 "DNOOOOOxOUUUUYTs"
                                 "aaaaaaaceeeeiiii"
                                 "dnooooo/ouuuuyty";
    static const char latin_a[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHh"
                                  "IiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOo"
                                  "OoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYy"
                                  "YZzZzZzs";

    _Static_assert(sizeof(latin1) == 65, "latin1 fold table");
    _Static_assert(sizeof(latin_a) == 129, "latin-a fold table");
    if (cp < 0x80)
        return (char)cp;
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F)
        return latin_a[cp - 0x100];
    return 0;
}

static int
is_ascii(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

enum textcase { TC_UPPER, TC_LOWER, TC_TITLE };

/* Append s in another case: TC_TITLE capitalises each word's first
 * letter and leaves the rest. */
static void
sb_put_case(struct sbuf *out, const char *s, enum textcase tc)
{
    int start = 1;
    size_t n;

    while (*s != '\0') {
        unsigned cp = utf8_get(s, &n);

        if (tc == TC_UPPER)
            cp = cp_upper(cp);
        else if (tc == TC_LOWER)
            cp = cp_lower(cp);
        else if (start)
            cp = cp_upper(cp);
        start = cp == ' ' || cp == '-' || cp == '.';
        sb_put_cp(out, cp);
        s += n;
    }
}

/* Append s without diacritics. */
static void
sb_put_folded(struct sbuf *out, const char *s)
{
    size_t n;

    while (*s != '\0') {
        unsigned cp = utf8_get(s, &n);
        char c = cp_fold(cp);

        if (c != 0)
            sb_putc(out, c);
        else
            sb_putn(out, s, n);
        s += n;
    }
}

/* Append s as an e-mail part: folded, lower case, letters and digits. */
static void
sb_put_mailpart(struct sbuf *out, const char *s)
{
    size_t n;

    while (*s != '\0') {
        char c = cp_fold(utf8_get(s, &n));

        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            sb_putc(out, c);
        s += n;
    }
}

/* Append the first letter of s (a whole code point). */
static void
sb_put_initial(struct sbuf *out, const char *s)
{
    size_t n;

    if (*s == '\0')
        return;
    sb_put_cp(out, cp_upper(utf8_get(s, &n)));
}

static const char *const qwerty[26] = {
    "qwsz",   "vghn", "xdfv",   "serfcx", "wsdr",   "drtgvc", "ftyhbv",
    "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
    "iklp",   "ol",   "wa",     "edft",   "awedxz", "rfgy",   "yhji",
    "cfgb",   "qase", "zsdc",   "tghu",   "asx",
};

static int
ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A typing error in s (in place, ASCII letters only): swap, drop, double
 * or neighbouring key. Leaves s alone when it has no room or letters. */
static void
typo(struct rng *r, struct sbuf *s)
{
    size_t pos[NAME_BYTES], np = 0, i, k;
    int kind = (int)rng_below(r, 4);
    char c;

    for (i = 1; i < s->len && np < NAME_BYTES; i++)
        if (ascii_letter(s->p[i]))
            pos[np++] = i;
    if (np == 0)
        return;
    k = pos[rng_below(r, np)];
    switch (kind) {
    case 0: /* swap with the next letter */
        if (k + 1 < s->len && ascii_letter(s->p[k + 1])) {
            c = s->p[k];
            s->p[k] = s->p[k + 1];
            s->p[k + 1] = c;
            break;
        }
        /* fall through */
    case 1: /* drop */
        if (s->len > 3) {
            memmove(s->p + k, s->p + k + 1, s->len - k);
            s->len--;
            break;
        }
        /* fall through */
    case 2: /* double */
        if (s->len + 2 < s->cap) {
            memmove(s->p + k + 1, s->p + k, s->len - k + 1);
            s->len++;
        }
        break;
    default: { /* neighbouring key */
        int upper = s->p[k] >= 'A' && s->p[k] <= 'Z';
        const char *nb = qwerty[(upper ? s->p[k] + 32 : s->p[k]) - 'a'];

        c = nb[rng_below(r, strlen(nb))];
        s->p[k] = upper ? (char)(c - 32) : c;
    } break;
    }
}

/* ------------------------------------------------------------------ */
/* Generator state.                                                   */

struct addr {
    unsigned city;
    unsigned number;
    char pc[7]; /* "1234AB" */
    const char *suffix;
};

struct household;

struct person {
    uint64_t idx;
    struct household *hh;
    unsigned char female, origin, minor, business, foreign_phone;
    unsigned char brand, both_brands, doc_type, family_mail;
    const char *first;  /* the name used */
    const char *formal; /* formal name, or NULL */
    const struct synth_nickname *nick;
    const char *second; /* second given name, or NULL */
    const char *infix;  /* "" when none */
    char last[64];
    const char *alt_infix; /* partner's surname when it differs */
    char alt_last[64];
    int32_t birth;
    char mobile[20]; /* "0612345678" or "+32470123456" */
    char email[NAME_BYTES];
    char iban[40];
    char doc_no[16];
    int32_t doc_exp;
    char vat[20];
    uint64_t cust[2];
    unsigned char has_cust[2];
};

#define HH_MAX 5

struct household {
    struct addr addr;
    int has_landline;
    char area[6];
    char sub[10];
    char family_email[NAME_BYTES];
    unsigned n;
    struct person p[HH_MAX];
};

/* One record's fields, before it is written. */
struct rec {
    const char *f[NF];
    size_t n[NF];
    size_t used;
    char store[REC_STORE];
};

struct entry {
    uint64_t off;
    uint64_t person; /* UINT64_MAX for a malformed row */
    size_t len;
};

struct chunk {
    char *data;
    size_t len, cap;
    struct entry *e;
    size_t n, ecap;
};

struct out {
    FILE *f;
    char *buf;
    size_t len;
    uint64_t total;
    int err;
};

#define BAD UINT64_MAX

struct gen {
    struct rng rng;
    struct rng bad_rng; /* how malformed rows break: format-specific */
    const struct synth_options *o;
    uint64_t persons_done;
    uint64_t households;
    uint64_t records;
    uint64_t bad;
    uint64_t next_id;
    int pid_width;

    struct bij mobile, account, customer[2], landline[2];
    uint64_t mobile_extra; /* next spare mobile index, from persons on */
    uint64_t accounts;
    uint64_t customers[2];
    uint64_t *land_next; /* per area code */
    unsigned *city_area; /* city -> area code index */
    size_t nareas;
    uint64_t *mail_bits;
    uint64_t mail_mask;
    uint64_t mail_fallback;

    struct wt first[SYNTH_NORIGINS][2];
    struct wt surname[SYNTH_NORIGINS];
    struct wt nl_surname, infix, domain, bank, city;
    size_t *nick_idx[SYNTH_NORIGINS][2];
    size_t nick_n[SYNTH_NORIGINS][2];

    struct chunk ring[RING];
    uint64_t round;
    struct out ex, tr;
    struct rec rec;
};

/* ------------------------------------------------------------------ */
/* Set-up.                                                            */

static int
wt_zipf(struct wt *w, size_t n, double q)
{
    size_t i;
    double sum = 0;

    w->cum = malloc((n > 0 ? n : 1) * sizeof(*w->cum));
    if (w->cum == NULL)
        return TOCSIN_ENOMEM;
    w->n = n;
    for (i = 0; i < n; i++) {
        sum += 1.0 / ((double)i + q);
        w->cum[i] = sum;
    }
    return TOCSIN_OK;
}

static int
wt_table(struct wt *w, const struct synth_wstr *t, size_t n)
{
    size_t i;
    double sum = 0;

    w->cum = malloc(n * sizeof(*w->cum));
    if (w->cum == NULL)
        return TOCSIN_ENOMEM;
    w->n = n;
    for (i = 0; i < n; i++) {
        sum += t[i].weight;
        w->cum[i] = sum;
    }
    return TOCSIN_OK;
}

static int
gen_tables(struct gen *g)
{
    size_t i, ncity = synth_city_count();
    int o, s, rc;
    double sum = 0;

    for (o = 0; o < SYNTH_NORIGINS; o++) {
        for (s = 0; s < 2; s++) {
            rc = wt_zipf(&g->first[o][s], synth_first_names[o][s].n, 4.0);
            if (rc != 0)
                return rc;
            g->nick_idx[o][s] =
                malloc(synth_nickname_count() * sizeof(size_t));
            if (g->nick_idx[o][s] == NULL)
                return TOCSIN_ENOMEM;
            for (i = 0; i < synth_nickname_count(); i++)
                if (synth_nickname_origin[i] == o &&
                    synth_nickname_female[i] == s)
                    g->nick_idx[o][s][g->nick_n[o][s]++] = i;
        }
        rc = wt_zipf(&g->surname[o], synth_surnames[o].n, 3.0);
        if (rc != 0)
            return rc;
    }
    if ((rc = wt_zipf(&g->nl_surname, synth_nl_surnames_len, 6.0)) != 0 ||
        (rc = wt_table(&g->infix, synth_infixes, synth_infixes_len)) != 0 ||
        (rc = wt_table(&g->domain, synth_mail_domains,
                       synth_mail_domains_len)) != 0 ||
        (rc = wt_table(&g->bank, synth_nl_banks, synth_nl_banks_len)) != 0)
        return rc;

    g->city.cum = malloc(ncity * sizeof(double));
    g->city_area = malloc(ncity * sizeof(unsigned));
    g->land_next = calloc(ncity, sizeof(uint64_t));
    if (g->city.cum == NULL || g->city_area == NULL || g->land_next == NULL)
        return TOCSIN_ENOMEM;
    g->city.n = ncity;
    for (i = 0; i < ncity; i++) {
        const struct synth_city *c = synth_city_at(i);
        size_t k;

        sum += c->weight;
        g->city.cum[i] = sum;
        for (k = 0; k < i; k++)
            if (strcmp(synth_city_at(k)->area_code, c->area_code) == 0)
                break;
        g->city_area[i] = k < i ? g->city_area[k] : (unsigned)g->nareas++;
    }
    return TOCSIN_OK;
}

static void
gen_free(struct gen *g)
{
    int o, s, i;

    for (o = 0; o < SYNTH_NORIGINS; o++) {
        for (s = 0; s < 2; s++) {
            free(g->first[o][s].cum);
            free(g->nick_idx[o][s]);
        }
        free(g->surname[o].cum);
    }
    free(g->nl_surname.cum);
    free(g->infix.cum);
    free(g->domain.cum);
    free(g->bank.cum);
    free(g->city.cum);
    free(g->city_area);
    free(g->land_next);
    free(g->mail_bits);
    for (i = 0; i < RING; i++) {
        free(g->ring[i].data);
        free(g->ring[i].e);
    }
    free(g->ex.buf);
    free(g->tr.buf);
}

/* ------------------------------------------------------------------ */
/* Output.                                                            */

static void
out_flush(struct out *o)
{
    if (o->len > 0 && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->err = 1;
    o->len = 0;
}

static void
out_put(struct out *o, const void *p, size_t n)
{
    if (o->len + n > OUT_BUF)
        out_flush(o);
    if (n > OUT_BUF) {
        if (!o->err && fwrite(p, 1, n, o->f) != n)
            o->err = 1;
    } else {
        memcpy(o->buf + o->len, p, n);
        o->len += n;
    }
    o->total += n;
}

static void
out_puts(struct out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Identifiers.                                                       */

static void
sb_digits(struct sbuf *s, struct rng *r, int n)
{
    while (n-- > 0)
        sb_putc(s, (char)('0' + rng_below(r, 10)));
}

/* A valid BSN (11-check) into out[10]. */
static void
bsn_new(struct rng *r, char out[10])
{
    int i, last;

    do {
        out[0] = (char)('1' + rng_below(r, 6));
        for (i = 1; i < 8; i++)
            out[i] = (char)('0' + rng_below(r, 10));
        last = checkdigit_bsn_last(out);
    } while (last < 0);
    out[8] = (char)('0' + last);
    out[9] = '\0';
}

/* An IBAN in electronic form into out (40 bytes): a new account. */
static void
iban_new(struct gen *g, char *out)
{
    uint64_t v = bij_at(&g->account, g->accounts++);
    char bban[40], cc[2];
    struct sbuf b, o;
    double u = rng_double(&g->rng);
    const char *country = "NL";

    sb_init(&b, bban, sizeof(bban));
    if (u < 0.005) { /* Belgian: 10 digits + national mod-97 check */
        uint64_t chk = v % 97;

        country = "BE";
        sb_putu(&b, v, 10);
        sb_putu(&b, chk == 0 ? 97 : chk, 2);
    } else if (u < 0.01) { /* German: bank code + 10-digit account */
        country = "DE";
        sb_puts(&b, pick_list(&g->rng, &synth_de_blz));
        sb_putu(&b, v, 10);
    } else {
        sb_puts(&b, synth_nl_banks[wt_pick(&g->rng, &g->bank)].s);
        sb_putu(&b, v, 10);
    }
    if (checkdigit_iban_compute(country, bban, cc) != 0)
        synth_bug("IBAN check digits");
    sb_init(&o, out, 40);
    sb_puts(&o, country);
    sb_putn(&o, cc, 2);
    sb_puts(&o, bban);
}

/* A VAT number into out (20 bytes): new style NL + 9 digits (not a BSN)
 * + B + 2 digits with the mod-97 check, or old style NL<BSN>B01. */
static void
vat_new(struct rng *r, char *out, int old_style)
{
    struct sbuf s;
    char d[10];
    int i, x, suffix;

    sb_init(&s, out, 20);
    sb_puts(&s, "NL");
    if (old_style) {
        bsn_new(r, d);
        sb_puts(&s, d);
        sb_puts(&s, "B01");
        return;
    }
    do {
        for (i = 0; i < 9; i++)
            d[i] = (char)('0' + rng_below(r, 10));
        d[9] = '\0';
    } while (checkdigit_bsn_valid(d));
    /* "NL" = 23 21, "B" = 11: the whole must leave 1 modulo 97. */
    x = (23 * 100 + 21) % 97;
    for (i = 0; i < 9; i++)
        x = (x * 10 + (d[i] - '0')) % 97;
    x = (x * 100 + 11) % 97;
    suffix = ((1 - x * 100) % 97 + 97) % 97;
    if (suffix < 2)
        suffix += 97;
    sb_puts(&s, d);
    sb_putc(&s, 'B');
    sb_putu(&s, (uint64_t)suffix, 2);
}

/* A new identity document of the given type (D_NONE: pick one). */
static void
doc_new(struct rng *r, struct person *p, int type)
{
    static const char letters[] = "ABCDEFGHIJKLMNPQRSTUVWXYZ"; /* no O */
    static const char alnum[] = "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789";
    static const unsigned w[] = {45, 35, 20};
    struct sbuf s;
    int i;

    p->doc_type =
        (unsigned char)(type != D_NONE ? type : D_PASPOORT + PICK(r, w));
    sb_init(&s, p->doc_no, sizeof(p->doc_no));
    if (p->doc_type == D_RIJBEWIJS) {
        sb_putc(&s, (char)('4' + rng_below(r, 2)));
        sb_digits(&s, r, 9);
    } else {
        for (i = 0; i < 2; i++)
            sb_putc(&s, letters[rng_below(r, sizeof(letters) - 1)]);
        for (i = 0; i < 6; i++)
            sb_putc(&s, alnum[rng_below(r, sizeof(alnum) - 1)]);
        sb_digits(&s, r, 1);
    }
    p->doc_exp = date_between(r, 2024, 1, 1, 2036, 12, 31);
}

/* The mobile of person index i (unique), or of a spare index. */
static void
mobile_of(struct gen *g, uint64_t i, char *out)
{
    struct sbuf s;

    uint64_t v = bij_at(&g->mobile, i);

    /* Dutch mobile numbers are 06-1 to 06-5 and 06-8 (the numbering plan);
     * 06-6 and 06-7 are other services, 06-0 and 06-9 unassigned. */
    sb_init(&s, out, 20);
    sb_puts(&s, "06");
    sb_putc(&s, "123458"[v / 10000000]);
    sb_putu(&s, v % 10000000, 7);
}

/* ------------------------------------------------------------------ */
/* E-mail addresses.                                                  */

/*
 * Register local@domain as issued and write it to out. Uniqueness is
 * certain, not likely: the bit set has no false negatives, so an address
 * whose bit is clear was never issued; one whose bit is set gets two more
 * digits (up to three tries) and otherwise "_" and a global counter, a
 * form no other address has (no other local part holds "_").
 */
static void
email_register(struct gen *g, const char *local, const char *domain, char *out)
{
    char cand[NAME_BYTES];
    struct sbuf s;
    int tries;

    for (tries = 0; tries < 4; tries++) {
        uint64_t h, bit;

        sb_init(&s, cand, sizeof(cand));
        sb_puts(&s, local);
        if (tries > 0)
            sb_putu(&s, 10 + rng_below(&g->rng, 90), 2);
        sb_putc(&s, '@');
        sb_puts(&s, domain);
        h = rng_mix(fnv1a(s.p, s.len));
        bit = h & g->mail_mask;
        if (!(g->mail_bits[bit >> 6] & (1ull << (bit & 63)))) {
            g->mail_bits[bit >> 6] |= 1ull << (bit & 63);
            memcpy(out, cand, s.len + 1);
            return;
        }
    }
    sb_init(&s, out, NAME_BYTES);
    sb_puts(&s, local);
    sb_putc(&s, '_');
    sb_putu(&s, g->mail_fallback++, 1);
    sb_putc(&s, '@');
    sb_puts(&s, domain);
}

static void
email_new(struct gen *g, const struct person *p, char *out)
{
    static const unsigned w[] = {22, 10, 10, 5, 8, 10, 5, 5, 10, 5, 5, 5};
    char fbuf[64], lbuf[64], lnbuf[64], loc[NAME_BYTES];
    struct sbuf f, l, ln, s;
    int y, m, d, k = PICK(&g->rng, w);

    civil_from_days(p->birth, &y, &m, &d);
    sb_init(&f, fbuf, sizeof(fbuf));
    sb_put_mailpart(&f, p->first);
    sb_init(&l, lbuf, sizeof(lbuf));
    sb_put_mailpart(&l, p->infix);
    sb_put_mailpart(&l, p->last);
    sb_init(&ln, lnbuf, sizeof(lnbuf));
    sb_put_mailpart(&ln, p->last);
    sb_init(&s, loc, sizeof(loc));
    if (p->minor && k < 8 && rng_chance(&g->rng, 0.5))
        k = 8;
    switch (k) {
    case 0: /* jan.devries */
        sb_puts(&s, f.p);
        sb_putc(&s, '.');
        sb_puts(&s, l.p);
        break;
    case 1: /* j.devries */
        sb_putc(&s, f.p[0]);
        sb_putc(&s, '.');
        sb_puts(&s, l.p);
        break;
    case 2: /* jandevries84 */
        sb_puts(&s, f.p);
        sb_puts(&s, l.p);
        sb_putu(&s, (uint64_t)(y % 100), 2);
        break;
    case 3: /* devries.jan */
        sb_puts(&s, l.p);
        sb_putc(&s, '.');
        sb_puts(&s, f.p);
        break;
    case 4: /* jdevries */
        sb_putc(&s, f.p[0]);
        sb_puts(&s, l.p);
        break;
    case 5: /* jandevries */
        sb_puts(&s, f.p);
        sb_puts(&s, l.p);
        break;
    case 6: /* jan1984 */
        sb_puts(&s, f.p);
        sb_putu(&s, (uint64_t)y, 4);
        break;
    case 7: /* jan.devries84 */
        sb_puts(&s, f.p);
        sb_putc(&s, '.');
        sb_puts(&s, l.p);
        sb_putu(&s, (uint64_t)(y % 100), 2);
        break;
    case 8: /* zonnetje77 */
        sb_puts(&s, pick_list(&g->rng, &synth_handles));
        sb_putu(&s, 1 + rng_below(&g->rng, 99), 2);
        break;
    case 9: /* jan-devries */
        sb_puts(&s, f.p);
        sb_putc(&s, '-');
        sb_puts(&s, l.p);
        break;
    case 10: /* jan.vries (infix left out) */
        sb_puts(&s, f.p);
        sb_putc(&s, '.');
        sb_puts(&s, ln.p);
        break;
    default: /* janv84 */
        sb_puts(&s, f.p);
        sb_putc(&s, l.p[0]);
        sb_putu(&s, (uint64_t)(y % 100), 2);
        break;
    }
    email_register(g, loc, synth_mail_domains[wt_pick(&g->rng, &g->domain)].s,
                   out);
}

static void
family_email_new(struct gen *g, const struct person *p, char *out)
{
    char lbuf[64], loc[NAME_BYTES];
    struct sbuf l, s;

    sb_init(&l, lbuf, sizeof(lbuf));
    sb_put_mailpart(&l, p->infix);
    sb_put_mailpart(&l, p->last);
    sb_init(&s, loc, sizeof(loc));
    switch (rng_below(&g->rng, 4)) {
    case 0:
        sb_puts(&s, "fam.");
        sb_puts(&s, l.p);
        break;
    case 1:
        sb_puts(&s, "familie");
        sb_puts(&s, l.p);
        break;
    case 2:
        sb_puts(&s, l.p);
        sb_puts(&s, ".thuis");
        break;
    default:
        sb_puts(&s, "fam");
        sb_puts(&s, l.p);
        break;
    }
    email_register(g, loc, synth_mail_domains[wt_pick(&g->rng, &g->domain)].s,
                   out);
}

/* ------------------------------------------------------------------ */
/* Persons and households.                                            */

static void
address_new(struct gen *g, struct addr *a, int city)
{
    static const char letters[] = "ABCDEGHJKLMNPRSTVWXZ";
    const struct synth_city *c;
    char l1, l2;

    a->city =
        city >= 0 ? (unsigned)city : (unsigned)wt_pick(&g->rng, &g->city);
    c = synth_city_at(a->city);
    do {
        l1 = letters[rng_below(&g->rng, sizeof(letters) - 1)];
        l2 = letters[rng_below(&g->rng, sizeof(letters) - 1)];
    } while (l1 == 'S' && (l2 == 'A' || l2 == 'D' || l2 == 'S'));
    {
        struct sbuf s;

        sb_init(&s, a->pc, sizeof(a->pc));
        sb_putu(&s, c->pc_lo + rng_below(&g->rng, c->pc_hi - c->pc_lo + 1), 4);
        sb_putc(&s, l1);
        sb_putc(&s, l2);
    }
    a->number = rng_chance(&g->rng, 0.7)
                    ? 1 + (unsigned)rng_below(&g->rng, 80)
                    : 1 + (unsigned)rng_below(&g->rng, 250);
    a->suffix =
        rng_chance(&g->rng, 0.12) ? pick_list(&g->rng, &synth_suffixes) : "";
}

/* Same postcode, same street. */
static const char *
street_of(const char *pc)
{
    return synth_streets.s[rng_mix(fnv1a(pc, 6)) % synth_streets.n];
}

static void
feminize_pl(char *last)
{
    size_t n = strlen(last);

    if (n > 3 && last[n - 1] == 'i' && last[n - 2] == 'k' &&
        (last[n - 3] == 's' || last[n - 3] == 'c' || last[n - 3] == 'z'))
        last[n - 1] = 'a';
}

static void
surname_new(struct gen *g, int origin, const char **infix, char *last)
{
    struct sbuf s;

    sb_init(&s, last, 64);
    if (origin != SYNTH_NL) {
        *infix = "";
        sb_puts(
            &s,
            synth_surnames[origin].s[wt_pick(&g->rng, &g->surname[origin])]);
        return;
    }
    if (rng_chance(&g->rng, 0.35)) {
        const struct synth_surname *n =
            &synth_nl_surnames[wt_pick(&g->rng, &g->nl_surname)];

        *infix = n->infix;
        sb_puts(&s, n->name);
        return;
    }
    *infix = rng_chance(&g->rng, 0.2)
                 ? synth_infixes[wt_pick(&g->rng, &g->infix)].s
                 : "";
    sb_puts(&s, pick_list(&g->rng, &synth_rare_prefix));
    sb_puts(&s, pick_list(&g->rng, &synth_rare_suffix));
}

static const char *
first_new(struct gen *g, int origin, int female)
{
    return synth_first_names[origin][female]
        .s[wt_pick(&g->rng, &g->first[origin][female])];
}

/* Names, birth date and the person's own identifiers. */
static void
person_new(struct gen *g, struct person *p, struct household *h, int origin,
           int female, int age)
{
    int y, m, d;
    double formal_p;

    memset(p, 0, sizeof(*p));
    p->idx = g->persons_done++;
    p->hh = h;
    p->origin = (unsigned char)origin;
    p->female = (unsigned char)female;
    p->birth = birth_for_age(&g->rng, age);
    p->minor = age_on_ref(p->birth) < 16;
    civil_from_days(p->birth, &y, &m, &d);

    p->first = first_new(g, origin, female);
    formal_p = origin == SYNTH_NL              ? (y < 1975 ? 0.35 : 0.07)
               : origin == SYNTH_MA && !female ? 0.4
                                               : 0.15;
    if (g->nick_n[origin][female] > 0 && rng_chance(&g->rng, formal_p)) {
        const struct synth_nickname *e = synth_nickname_at(
            g->nick_idx[origin][female]
                       [rng_below(&g->rng, g->nick_n[origin][female])]);
        size_t nn = 0;

        while (e->nick[nn] != NULL)
            nn++;
        p->nick = e;
        p->formal = e->formal;
        p->first = e->nick[rng_below(&g->rng, nn)];
    }
    if (rng_chance(&g->rng, origin == SYNTH_NL ? 0.35 : 0.1)) {
        p->second = first_new(g, origin, female);
        if (strcmp(p->second, p->first) == 0)
            p->second = NULL;
    }
    surname_new(g, origin, &p->infix, p->last);
    if (female && origin == SYNTH_PL)
        feminize_pl(p->last);
    p->alt_infix = "";
}

/* Copy the surname of q to p (a child, a partner who took it); Polish
 * surnames follow p's sex: Kowalski, Kowalska. */
static void
surname_copy(struct person *p, const struct person *q)
{
    size_t n;

    p->infix = q->infix;
    memcpy(p->last, q->last, sizeof(p->last));
    if (p->origin != SYNTH_PL)
        return;
    if (p->female) {
        feminize_pl(p->last);
        return;
    }
    n = strlen(p->last);
    if (n > 3 && p->last[n - 1] == 'a' && p->last[n - 2] == 'k' &&
        (p->last[n - 3] == 's' || p->last[n - 3] == 'c' ||
         p->last[n - 3] == 'z'))
        p->last[n - 1] = 'i';
}

static int
adult_age(struct rng *r)
{
    static const unsigned w[] = {9, 17, 15, 17, 17, 14, 8, 3};
    static const int lo[] = {18, 25, 35, 45, 55, 65, 75, 85};
    static const int hi[] = {24, 34, 44, 54, 64, 74, 84, 95};
    int b = PICK(r, w);

    return lo[b] + (int)rng_below(r, (uint64_t)(hi[b] - lo[b] + 1));
}

static int
clamp_age(int a)
{
    return a < 18 ? 18 : a > 95 ? 95 : a;
}

static int
origin_new(struct rng *r)
{
    static const unsigned w[] = {80, 5, 5, 4, 3, 3};

    return PICK(r, w);
}

/* The rest of a person's own data, once the household is complete. */
static void
person_finish(struct gen *g, struct person *p)
{
    double u;

    if (rng_chance(&g->rng, 0.01)) {
        struct sbuf s;
        uint64_t v = bij_at(&g->mobile, p->idx);

        p->foreign_phone = 1;
        sb_init(&s, p->mobile, sizeof(p->mobile));
        if (rng_chance(&g->rng, 0.5)) {
            sb_puts(&s, "+324");
            sb_putu(&s, v, 8);
        } else {
            sb_puts(&s, "+4915");
            sb_putc(&s, (char)('1' + rng_below(&g->rng, 9)));
            sb_putu(&s, v, 8);
        }
    } else {
        mobile_of(g, p->idx, p->mobile);
    }
    if (!rng_chance(&g->rng, p->minor ? 0.25 : 0.08))
        email_new(g, p, p->email);
    if (p->iban[0] == '\0' && !rng_chance(&g->rng, p->minor ? 0.6 : 0.1))
        iban_new(g, p->iban);
    if (rng_chance(&g->rng, 0.6))
        doc_new(&g->rng, p, D_NONE);
    if (!p->minor && age_on_ref(p->birth) >= 21 && rng_chance(&g->rng, 0.04)) {
        p->business = 1;
        vat_new(&g->rng, p->vat, rng_chance(&g->rng, 0.1));
    }
    u = rng_double(&g->rng);
    p->brand = u < (p->minor ? 0.35 : 0.11) ? BEN : ODIDO;
    p->both_brands = rng_chance(&g->rng, 0.03);
}

enum role { R_HEAD, R_PARTNER, R_CHILD, R_GRAND };

static void
household_new(struct gen *g, struct household *h, unsigned size)
{
    static const unsigned wsize[] = {35, 33, 13, 14, 5};
    unsigned char roles[HH_MAX];
    int origin = origin_new(&g->rng);
    int nchild = 0, i, age_head, twins = 0;
    int child_age[HH_MAX];
    unsigned n = 0, want;
    struct person *head, *partner = NULL, *father = NULL;
    double u = rng_double(&g->rng);

    want = 1 + (unsigned)PICK(&g->rng, wsize);
    if (want > size)
        want = size;
    roles[n++] = R_HEAD;
    switch (want) {
    case 1:
        break;
    case 2:
        roles[n++] = u < 0.75 ? R_PARTNER : R_CHILD;
        break;
    case 3:
        if (u < 0.8) {
            roles[n++] = R_PARTNER;
            roles[n++] = R_CHILD;
        } else if (u < 0.92) {
            roles[n++] = R_CHILD;
            roles[n++] = R_CHILD;
        } else {
            roles[n++] = R_PARTNER;
            roles[n++] = R_GRAND;
        }
        break;
    default:
        roles[n++] = R_PARTNER;
        while (n < want - 1)
            roles[n++] = R_CHILD;
        roles[n++] = u < (want == 4 ? 0.9 : 0.85) ? R_CHILD : R_GRAND;
        break;
    }
    h->n = n;
    address_new(g, &h->addr, -1);
    h->has_landline = rng_chance(&g->rng, 0.4);
    if (h->has_landline) {
        const struct synth_city *c = synth_city_at(h->addr.city);
        unsigned ai = g->city_area[h->addr.city];
        int digits = 10 - (int)strlen(c->area_code);
        uint64_t space = digits == 7 ? 8000000 : 800000;
        uint64_t v =
            bij_at(&g->landline[digits == 7 ? 0 : 1], g->land_next[ai]++);
        struct sbuf s;

        memcpy(h->area, c->area_code, strlen(c->area_code) + 1);
        sb_init(&s, h->sub, sizeof(h->sub));
        sb_putu(&s, v + space / 4, (int)digits);
    }
    h->family_email[0] = '\0';

    for (i = 0; i < (int)n; i++)
        if (roles[i] == R_CHILD)
            child_age[nchild++] = 12 + (int)rng_below(&g->rng, 14);
    if (nchild >= 2 && rng_chance(&g->rng, 0.02)) {
        twins = 1;
        child_age[1] = child_age[0];
    }
    if (nchild > 0) {
        int cmax = 0;

        for (i = 0; i < nchild; i++)
            if (child_age[i] > cmax)
                cmax = child_age[i];
        age_head = clamp_age(cmax + 20 + (int)rng_below(&g->rng, 21));
    } else if (n > 1 && roles[1] == R_PARTNER && n == 3) {
        age_head = 35 + (int)rng_below(&g->rng, 26); /* with a grandparent */
    } else {
        age_head = adult_age(&g->rng);
    }

    head = &h->p[0];
    person_new(g, head, h, origin, (int)rng_below(&g->rng, 2), age_head);
    if (!head->female)
        father = head;
    nchild = 0;
    for (i = 1; i < (int)n; i++) {
        struct person *p = &h->p[i];

        switch (roles[i]) {
        case R_PARTNER: {
            int o2 = rng_chance(&g->rng, 0.9) ? origin
                     : origin == SYNTH_NL     ? origin_new(&g->rng)
                                              : SYNTH_NL;
            int fem = rng_chance(&g->rng, 0.95) ? !head->female : head->female;
            int age = clamp_age(age_head - 4 + (int)rng_below(&g->rng, 9));

            person_new(g, p, h, o2, fem, age);
            partner = p;
            if (!p->female && father == NULL)
                father = p;
            if (rng_chance(&g->rng, p->female && !head->female ? 0.4 : 0.1))
                surname_copy(p, head);
            if (strcmp(p->last, head->last) != 0) {
                p->alt_infix = head->infix;
                memcpy(p->alt_last, head->last, sizeof(p->alt_last));
                head->alt_infix = p->infix;
                memcpy(head->alt_last, p->last, sizeof(head->alt_last));
            }
            if (rng_chance(&g->rng, 0.3)) {
                iban_new(g, head->iban);
                memcpy(p->iban, head->iban, sizeof(p->iban));
            }
        } break;
        case R_CHILD: {
            const struct person *parent = head;
            int fem = (int)rng_below(&g->rng, 2);
            int origin_c = head->origin;

            if (partner != NULL && father != NULL && rng_chance(&g->rng, 0.85))
                parent = father;
            else if (partner != NULL && rng_chance(&g->rng, 0.5))
                parent = partner;
            if (twins && nchild == 1)
                fem = h->p[i - 1].female ^ (int)rng_below(&g->rng, 2);
            person_new(g, p, h, origin_c, fem, child_age[nchild]);
            surname_copy(p, parent);
            if (twins && nchild == 1) {
                const struct person *t = &h->p[i - 1];
                size_t n1, n2;

                p->birth = t->birth;
                p->minor = t->minor;
                surname_copy(p, t);
                while (utf8_get(p->first, &n1) == utf8_get(t->first, &n2))
                    p->first = first_new(g, origin_c, fem);
                p->formal = NULL;
                p->nick = NULL;
            } else if (!fem && father != NULL && parent == father &&
                       rng_chance(&g->rng, 0.05)) {
                /* Jan Jansen sr and jr. */
                p->first = father->first;
                p->formal = father->formal;
                p->nick = father->nick;
            }
            nchild++;
        } break;
        default: { /* grandparent: a parent of the head */
            int age = clamp_age(age_head + 22 + (int)rng_below(&g->rng, 14));

            person_new(g, p, h, head->origin, (int)rng_below(&g->rng, 2), age);
            if (!p->female || rng_chance(&g->rng, 0.3))
                surname_copy(p, head);
        } break;
        }
    }
    if (n >= 2 && rng_chance(&g->rng, 0.1)) {
        family_email_new(g, head, h->family_email);
        for (i = 0; i < (int)n; i++)
            h->p[i].family_mail = roles[i] == R_HEAD ||
                                  roles[i] == R_PARTNER ||
                                  rng_chance(&g->rng, 0.2);
    }
    for (i = 0; i < (int)n; i++)
        person_finish(g, &h->p[i]);
    g->households++;
}

/* ------------------------------------------------------------------ */
/* One record: the person as one system saw them.                     */

static void
rec_reset(struct rec *r)
{
    int i;

    r->used = 0;
    for (i = 0; i < NF; i++) {
        r->f[i] = "";
        r->n[i] = 0;
    }
}

static void
rec_set(struct rec *r, int i, const char *s, size_t n)
{
    if (n >= REC_STORE - r->used)
        synth_bug("record store overflow");
    memcpy(r->store + r->used, s, n);
    r->store[r->used + n] = '\0';
    r->f[i] = r->store + r->used;
    r->n[i] = n;
    r->used += n + 1;
}

static void
rec_sets(struct rec *r, int i, const char *s)
{
    rec_set(r, i, s, strlen(s));
}

static void
rec_setsb(struct rec *r, int i, const struct sbuf *s)
{
    rec_set(r, i, s->p, s->len);
}

/* Spelling of a name in this record: case, diacritics. */
static void
name_finish(struct gen *g, struct sbuf *out, const char *s, int extra)
{
    double u = rng_double(&g->rng);
    char tmp[NAME_BYTES];
    struct sbuf t;

    sb_init(&t, tmp, sizeof(tmp));
    if (!is_ascii(s) && rng_chance(&g->rng, extra ? 0.3 : 0.05))
        sb_put_folded(&t, s);
    else
        sb_puts(&t, s);
    if (u < (extra ? 0.03 : 0.01))
        sb_put_case(out, t.p, TC_UPPER);
    else if (u < (extra ? 0.045 : 0.015))
        sb_put_case(out, t.p, TC_LOWER);
    else
        sb_puts(out, t.p);
}

static void
rec_first_name(struct gen *g, struct rec *r, const struct person *p, int extra)
{
    char buf[NAME_BYTES], tmp[NAME_BYTES];
    struct sbuf s, t;
    const char *base = p->first;
    double u = rng_double(&g->rng);

    sb_init(&s, buf, sizeof(buf));
    sb_init(&t, tmp, sizeof(tmp));
    if (rng_chance(&g->rng, 0.003))
        return;
    if (p->formal != NULL) {
        double v = rng_double(&g->rng);

        if (v < (extra ? 0.35 : 0.5))
            base = p->formal;
        else if (extra && v < 0.5) {
            size_t nn = 0;

            while (p->nick->nick[nn] != NULL)
                nn++;
            base = p->nick->nick[rng_below(&g->rng, nn)];
        }
    }
    if (extra && u < 0.08) { /* initials */
        double v = rng_double(&g->rng);

        sb_put_initial(&s, base);
        if (p->second != NULL && v < 0.35) {
            if (v < 0.2) { /* J.P. */
                sb_putc(&s, '.');
                sb_put_initial(&s, p->second);
                sb_putc(&s, '.');
            } else if (v < 0.27) { /* JP */
                sb_put_initial(&s, p->second);
            } else { /* J. P. */
                sb_puts(&s, ". ");
                sb_put_initial(&s, p->second);
                sb_putc(&s, '.');
            }
        } else if (v < 0.8) {
            sb_putc(&s, '.');
        }
        rec_setsb(r, F_FIRST, &s);
        return;
    }
    sb_puts(&t, base);
    if (p->second != NULL && rng_chance(&g->rng, extra ? 0.06 : 0.04)) {
        sb_putc(&t, ' ');
        sb_puts(&t, p->second);
    }
    if (extra && u < 0.14)
        typo(&g->rng, &t);
    name_finish(g, &s, t.p, extra);
    rec_setsb(r, F_FIRST, &s);
}

static int
infix_abbreviable(const char *infix)
{
    return strncmp(infix, "van d", 5) == 0;
}

/* Infix and surname as this record has them. */
static void
rec_last_name(struct gen *g, struct rec *r, const struct person *p, int extra)
{
    char lbuf[NAME_BYTES], ibuf[32], tmp[NAME_BYTES], dbl[NAME_BYTES];
    struct sbuf l, in, t;
    const char *infix = p->infix, *last = p->last;
    double u;

    sb_init(&l, lbuf, sizeof(lbuf));
    sb_init(&in, ibuf, sizeof(ibuf));
    sb_init(&t, tmp, sizeof(tmp));
    if (extra && p->alt_last[0] != '\0' && rng_chance(&g->rng, 0.08)) {
        if (rng_chance(&g->rng, 0.5)) { /* the partner's name */
            infix = p->alt_infix;
            last = p->alt_last;
        } else { /* Jansen-de Vries */
            struct sbuf d;

            sb_init(&d, dbl, sizeof(dbl));
            sb_puts(&d, p->alt_last);
            sb_putc(&d, '-');
            if (p->infix[0] != '\0') {
                sb_puts(&d, p->infix);
                sb_putc(&d, ' ');
            }
            sb_puts(&d, p->last);
            infix = p->alt_infix;
            last = dbl;
        }
    }
    u = rng_double(&g->rng);
    if (infix[0] != '\0' && u < (extra ? 0.45 : 0.08)) {
        double v = rng_double(&g->rng);

        if (v < 0.35 || (v < 0.65 && v >= 0.5 && !infix_abbreviable(infix))) {
            sb_puts(&t, infix); /* van der Berg */
            sb_putc(&t, ' ');
            sb_puts(&t, last);
        } else if (v < 0.5) { /* Van der Berg, Van Der Berg */
            sb_put_case(&t, infix,
                        rng_chance(&g->rng, 0.5) ? TC_TITLE : TC_UPPER);
            if (t.len > 1 && rng_chance(&g->rng, 0.5)) {
                /* only the first letter: "Van der" */
                char first[8];
                struct sbuf f;
                size_t n;

                sb_init(&f, first, sizeof(first));
                sb_put_cp(&f, cp_upper(utf8_get(infix, &n)));
                t.len = 0;
                sb_puts(&t, f.p);
                sb_puts(&t, infix + n);
            }
            sb_putc(&t, ' ');
            sb_puts(&t, last);
        } else if (v < 0.65) { /* vd Berg, v.d. Berg */
            static const char *const ab[] = {"vd", "Vd", "v.d.", "v/d", "VD"};
            sb_puts(&t, ab[rng_below(&g->rng, 5)]);
            sb_putc(&t, ' ');
            sb_puts(&t, last);
        } else if (v < 0.75) { /* vanderberg */
            char lo[NAME_BYTES];
            struct sbuf x;
            const char *c;

            sb_init(&x, lo, sizeof(lo));
            sb_put_case(&x, infix, TC_LOWER);
            sb_put_case(&x, last, TC_LOWER);
            for (c = x.p; *c != '\0'; c++)
                if (*c != ' ' && *c != '\'')
                    sb_putc(&t, *c);
        } else if (v < 0.9) { /* Berg, van der */
            sb_puts(&t, last);
            sb_puts(&t, ", ");
            sb_puts(&t, infix);
        } else if (v < 0.95) { /* Berg van der */
            sb_puts(&t, last);
            sb_putc(&t, ' ');
            sb_puts(&t, infix);
        } else { /* infix field capitalised */
            sb_put_case(&in, infix, TC_TITLE);
            sb_puts(&t, last);
        }
    } else {
        sb_puts(&in, infix);
        if (extra && strchr(last, ' ') != NULL && u < 0.25) {
            /* El Amrani -> El-Amrani, ElAmrani; Tjon A Fong -> TjonAFong */
            int join = (int)rng_below(&g->rng, 2);
            const char *c;

            for (c = last; *c != '\0'; c++) {
                if (*c != ' ')
                    sb_putc(&t, *c);
                else if (join)
                    sb_putc(&t, '-');
            }
        } else {
            sb_puts(&t, last);
        }
    }
    if (rng_chance(&g->rng, extra ? 0.05 : 0.008))
        typo(&g->rng, &t);
    name_finish(g, &l, t.p, extra);
    rec_setsb(r, F_INFIX, &in);
    if (!rng_chance(&g->rng, 0.001))
        rec_setsb(r, F_LAST, &l);
}

static void
rec_address(struct gen *g, struct rec *r, const struct addr *a, int extra)
{
    const struct synth_city *c = synth_city_at(a->city);
    const char *street = street_of(a->pc);
    char buf[NAME_BYTES];
    struct sbuf s;
    double u;

    /* street */
    sb_init(&s, buf, sizeof(buf));
    u = rng_double(&g->rng);
    if (u < 0.03 && strstr(street, "straat") != NULL) {
        const char *at = strstr(street, "straat");

        sb_putn(&s, street, (size_t)(at - street));
        sb_puts(&s, "str.");
        sb_puts(&s, at + 6);
    } else if (u < 0.05) {
        sb_put_case(&s, street, TC_UPPER);
    } else if (u < 0.06) {
        sb_put_case(&s, street, TC_LOWER);
    } else {
        sb_puts(&s, street);
    }
    if (!rng_chance(&g->rng, 0.005))
        rec_setsb(r, F_STREET, &s);

    /* house number and suffix */
    sb_init(&s, buf, sizeof(buf));
    sb_putu(&s, a->number, 1);
    if (a->suffix[0] != '\0' && rng_chance(&g->rng, extra ? 0.3 : 0.08)) {
        double v = rng_double(&g->rng);
        char sx[16];
        struct sbuf x;

        sb_init(&x, sx, sizeof(sx));
        if (v < 0.4) { /* 12A, 12-A, 12 a */
            static const char *const sep[] = {"", "-", " "};

            sb_puts(&s, sep[rng_below(&g->rng, 3)]);
            sb_puts(&s, a->suffix[0] == '-' ? a->suffix + 1 : a->suffix);
        } else if (v < 0.7) {
            sb_put_case(&x, a->suffix,
                        rng_chance(&g->rng, 0.5) ? TC_LOWER : TC_UPPER);
        } else if (a->suffix[0] == '-') {
            sb_puts(&x, a->suffix + 1);
        } else {
            sb_putc(&x, '-');
            sb_puts(&x, a->suffix);
        }
        rec_setsb(r, F_SUFFIX, &x);
    } else {
        rec_sets(r, F_SUFFIX, a->suffix);
    }
    if (!rng_chance(&g->rng, 0.003))
        rec_setsb(r, F_HOUSENO, &s);

    /* postcode */
    sb_init(&s, buf, sizeof(buf));
    u = rng_double(&g->rng);
    sb_putn(&s, a->pc, 4);
    if (u < 0.75) {
        sb_putn(&s, a->pc + 4, 2);
    } else if (u < 0.9) {
        sb_putc(&s, ' ');
        sb_putn(&s, a->pc + 4, 2);
    } else {
        if (u < 0.95)
            sb_putc(&s, ' ');
        sb_putc(&s, (char)(a->pc[4] + 32));
        sb_putc(&s, (char)(a->pc[5] + 32));
    }
    if (!rng_chance(&g->rng, 0.008))
        rec_setsb(r, F_POSTCODE, &s);

    /* city */
    sb_init(&s, buf, sizeof(buf));
    u = rng_double(&g->rng);
    if (c->alias != NULL && u < 0.3)
        sb_puts(&s, c->alias);
    else if (u > 0.96)
        sb_put_case(&s, c->name, TC_UPPER);
    else
        sb_puts(&s, c->name);
    if (!rng_chance(&g->rng, 0.005))
        rec_setsb(r, F_CITY, &s);
}

/* A Dutch mobile ("0612345678") in one of the ways people write it. */
static void
write_mobile(struct gen *g, struct sbuf *s, const char *m)
{
    static const unsigned w[] = {30, 20, 10, 8, 10, 7, 4, 4, 4, 3};
    const char *d8 = m + 2;

    switch (PICK(&g->rng, w)) {
    case 0:
        sb_puts(s, m);
        break;
    case 1:
        sb_puts(s, "06-");
        sb_puts(s, d8);
        break;
    case 2:
        sb_puts(s, "06 ");
        sb_puts(s, d8);
        break;
    case 3:
        sb_puts(s, "06 ");
        sb_putn(s, d8, 4);
        sb_putc(s, ' ');
        sb_puts(s, d8 + 4);
        break;
    case 4:
        sb_puts(s, "+316");
        sb_puts(s, d8);
        break;
    case 5:
        sb_puts(s, "+31 6 ");
        sb_puts(s, d8);
        break;
    case 6:
        sb_puts(s, "+31 (0)6 ");
        sb_puts(s, d8);
        break;
    case 7:
        sb_puts(s, "00316");
        sb_puts(s, d8);
        break;
    case 8:
        sb_puts(s, "(06) ");
        sb_puts(s, d8);
        break;
    default: /* a spreadsheet ate the leading zero */
        sb_putc(s, '6');
        sb_puts(s, d8);
        break;
    }
}

static void
write_landline(struct gen *g, struct sbuf *s, const char *area,
               const char *sub)
{
    static const unsigned w[] = {35, 30, 10, 10, 10, 5};
    size_t n = strlen(sub);

    switch (PICK(&g->rng, w)) {
    case 0:
        sb_puts(s, area);
        sb_puts(s, sub);
        break;
    case 1:
        sb_puts(s, area);
        sb_putc(s, '-');
        sb_puts(s, sub);
        break;
    case 2: /* 010 123 45 67, 0229 12 34 56 */
        sb_puts(s, area);
        sb_putc(s, ' ');
        if (n == 7) {
            sb_putn(s, sub, 3);
            sub += 3;
        } else {
            sb_putn(s, sub, 2);
            sub += 2;
        }
        sb_putc(s, ' ');
        sb_putn(s, sub, 2);
        sb_putc(s, ' ');
        sb_puts(s, sub + 2);
        break;
    case 3:
        sb_puts(s, "+31 ");
        sb_puts(s, area + 1);
        sb_putc(s, ' ');
        sb_puts(s, sub);
        break;
    case 4:
        sb_putc(s, '(');
        sb_puts(s, area);
        sb_puts(s, ") ");
        sb_puts(s, sub);
        break;
    default:
        sb_puts(s, area);
        sb_putc(s, ' ');
        sb_puts(s, sub);
        break;
    }
}

static void
write_foreign(struct gen *g, struct sbuf *s, const char *m)
{
    if (rng_chance(&g->rng, 0.4)) {
        sb_puts(s, m);
        return;
    }
    if (m[2] == '2') { /* +32 470 12 34 56 */
        sb_putn(s, m, 3);
        sb_putc(s, ' ');
        sb_putn(s, m + 3, 3);
        sb_putc(s, ' ');
        sb_putn(s, m + 6, 2);
        sb_putc(s, ' ');
        sb_putn(s, m + 8, 2);
        sb_putc(s, ' ');
        sb_puts(s, m + 10);
    } else { /* +49 151 12345678 */
        sb_putn(s, m, 3);
        sb_putc(s, ' ');
        sb_putn(s, m + 3, 3);
        sb_putc(s, ' ');
        sb_puts(s, m + 6);
    }
}

static void
rec_phone(struct gen *g, struct rec *r, const struct person *p, int sub,
          int extra)
{
    const struct household *h = p->hh;
    char buf[40], other[20];
    struct sbuf s;

    if (rng_chance(&g->rng, 0.02))
        return;
    sb_init(&s, buf, sizeof(buf));
    if ((sub == S_THUIS || sub == S_VAST) && h->has_landline &&
        rng_chance(&g->rng, 0.75)) {
        write_landline(g, &s, h->area, h->sub);
    } else if (p->foreign_phone) {
        write_foreign(g, &s, p->mobile);
    } else if (extra && rng_chance(&g->rng, 0.05) &&
               g->mobile_extra < MOBILE_SPACE) {
        mobile_of(g, g->mobile_extra++, other); /* another number */
        write_mobile(g, &s, other);
    } else {
        write_mobile(g, &s, p->mobile);
    }
    rec_setsb(r, F_PHONE, &s);
}

static void
rec_email(struct gen *g, struct rec *r, const struct person *p, int extra)
{
    char changed[NAME_BYTES], buf[NAME_BYTES];
    const char *e = p->email;
    struct sbuf s;
    double u;

    if (p->family_mail && rng_chance(&g->rng, 0.6))
        e = p->hh->family_email;
    else if (extra && e[0] != '\0' && rng_chance(&g->rng, 0.08)) {
        email_new(g, p, changed);
        e = changed;
    }
    if (e[0] == '\0' || rng_chance(&g->rng, 0.04))
        return;
    sb_init(&s, buf, sizeof(buf));
    u = rng_double(&g->rng);
    if (u < 0.85) {
        sb_puts(&s, e);
    } else if (u < 0.93) { /* Jan.devries@gmail.com */
        sb_putc(&s, (char)(e[0] >= 'a' && e[0] <= 'z' ? e[0] - 32 : e[0]));
        sb_puts(&s, e + 1);
    } else if (u < 0.97) { /* Jan.Devries@Gmail.com */
        sb_put_case(&s, e, TC_TITLE);
        {
            char *at = strchr(s.p, '@');

            if (at != NULL && at[1] >= 'a' && at[1] <= 'z')
                at[1] = (char)(at[1] - 32);
        }
    } else {
        sb_put_case(&s, e, TC_UPPER);
    }
    rec_setsb(r, F_EMAIL, &s);
}

static void
rec_iban(struct gen *g, struct rec *r, const struct person *p, int sub)
{
    char ib[40], buf[64];
    struct sbuf s;
    size_t n = strlen(p->iban), i;
    double u;

    if (n == 0 || (sub == S_PREPAID && rng_chance(&g->rng, 0.5)) ||
        rng_chance(&g->rng, 0.01))
        return;
    memcpy(ib, p->iban, n + 1);
    if (rng_chance(&g->rng, 0.006)) { /* a typo: one account digit off */
        size_t k = n - 1 - (size_t)rng_below(&g->rng, 10);
        char c;

        do
            c = (char)('0' + rng_below(&g->rng, 10));
        while (c == ib[k]);
        ib[k] = c;
    }
    sb_init(&s, buf, sizeof(buf));
    u = rng_double(&g->rng);
    if (u < 0.6) {
        sb_puts(&s, ib);
    } else if (u < 0.97) {
        for (i = 0; i < n; i += 4) {
            if (i > 0)
                sb_putc(&s, ' ');
            sb_putn(&s, ib + i, n - i < 4 ? n - i : 4);
        }
    } else {
        sb_put_case(&s, ib, TC_LOWER);
    }
    rec_setsb(r, F_IBAN, &s);
}

/* A date in one of the formats people type. */
static void
write_date(struct gen *g, struct sbuf *s, int y, int m, int d)
{
    static const unsigned w[] = {55, 20, 10, 10, 5};

    int k = PICK(&g->rng, w);
    char sep = k == 2 ? '/' : '-';

    switch (k) {
    case 0:
        sb_iso_date(s, y, m, d);
        break;
    case 1: /* 07-03-1984 */
    case 2: /* 07/03/1984 */
        sb_putu(s, (uint64_t)d, 2);
        sb_putc(s, sep);
        sb_putu(s, (uint64_t)m, 2);
        sb_putc(s, sep);
        sb_putu(s, (uint64_t)y, 4);
        break;
    case 3:
        sb_putu(s, (uint64_t)y, 4);
        sb_putu(s, (uint64_t)m, 2);
        sb_putu(s, (uint64_t)d, 2);
        break;
    default:
        sb_putu(s, (uint64_t)d, 1);
        sb_putc(s, '-');
        sb_putu(s, (uint64_t)m, 1);
        sb_putc(s, '-');
        sb_putu(s, (uint64_t)y, 4);
        break;
    }
}

static void
rec_birth(struct gen *g, struct rec *r, const struct person *p, int extra)
{
    static const char *const placeholders[] = {"1900-01-01", "1901-01-01",
                                               "01-01-1970"};
    char buf[32];
    struct sbuf s;
    int y, m, d;
    double u = rng_double(&g->rng);

    if (u < 0.02)
        return;
    sb_init(&s, buf, sizeof(buf));
    if (u < 0.023) {
        rec_sets(r, F_BIRTH, placeholders[rng_below(&g->rng, 3)]);
        return;
    }
    civil_from_days(p->birth, &y, &m, &d);
    if (u < 0.024) { /* impossible: 30 February, 31 April, month 13 */
        static const int m30[] = {4, 6, 9, 11};

        switch (rng_below(&g->rng, 3)) {
        case 0:
            m = 2;
            d = 30 + (int)rng_below(&g->rng, 2);
            break;
        case 1:
            m = m30[rng_below(&g->rng, 4)];
            d = 31;
            break;
        default:
            m = 13;
            break;
        }
        if (rng_chance(&g->rng, 0.5))
            sb_iso_date(&s, y, m, d);
        else {
            sb_putu(&s, (uint64_t)d, 2);
            sb_putc(&s, '-');
            sb_putu(&s, (uint64_t)m, 2);
            sb_putc(&s, '-');
            sb_putu(&s, (uint64_t)y, 4);
        }
        rec_setsb(r, F_BIRTH, &s);
        return;
    }
    if (extra) {
        u = rng_double(&g->rng);
        /* Day and month swapped in ~1% of these records: only a day up
         * to 12 (about 37% of them) swaps into a valid date. */
        if (u < 0.027 && d <= 12 && d != m) {
            int t = d;

            d = m;
            m = t;
        } else if (u >= 0.027 && u < 0.037) { /* one digit off */
            int tens = d / 10 * 10, alt[10], nalt = 0, i;

            for (i = 0; i < 10; i++)
                if (tens + i != d && tens + i >= 1 &&
                    tens + i <= days_in_month(y, m))
                    alt[nalt++] = tens + i;
            if (nalt > 0 && rng_chance(&g->rng, 0.5)) {
                d = alt[rng_below(&g->rng, (uint64_t)nalt)];
            } else { /* the year's last digit */
                int unit = y % 10, nu;

                do
                    nu = (int)rng_below(&g->rng, 10);
                while (nu == unit);
                y = y - unit + nu;
                if (m == 2 && d == 29 && days_in_month(y, 2) == 28)
                    d = 28;
            }
        }
    }
    write_date(g, &s, y, m, d);
    rec_setsb(r, F_BIRTH, &s);
}

static void
rec_doc(struct gen *g, struct rec *r, const struct person *p, int extra)
{
    char buf[16];
    struct sbuf s;
    int y, m, d;

    if (p->doc_type == D_NONE || !rng_chance(&g->rng, 0.55))
        return;
    rec_sets(r, F_DOCTYPE, doctype_names[p->doc_type]);
    if (extra && rng_chance(&g->rng, 0.1)) { /* a newer document */
        struct person q = {0};

        doc_new(&g->rng, &q, p->doc_type);
        rec_sets(r, F_DOCNO, q.doc_no);
        civil_from_days(q.doc_exp, &y, &m, &d);
    } else {
        rec_sets(r, F_DOCNO, p->doc_no);
        civil_from_days(p->doc_exp, &y, &m, &d);
    }
    sb_init(&s, buf, sizeof(buf));
    sb_iso_date(&s, y, m, d);
    rec_setsb(r, F_DOCEXP, &s);
}

static void
rec_notes(struct gen *g, struct rec *r)
{
    double u = rng_double(&g->rng);
    char buf[160], bsn[10];
    struct sbuf s;

    if (u < 0.003) {
        if (rng_chance(&g->rng, 0.25)) {
            sb_init(&s, buf, sizeof(buf));
            bsn_new(&g->rng, bsn);
            sb_puts(&s, pick_list(&g->rng, &synth_bsn_note_pre));
            sb_puts(&s, bsn);
            sb_puts(&s, pick_list(&g->rng, &synth_bsn_note_post));
            rec_setsb(r, F_NOTES, &s);
        } else {
            rec_sets(r, F_NOTES, pick_list(&g->rng, &synth_notes_sensitive));
        }
    } else if (u < 0.06) {
        rec_sets(r, F_NOTES, pick_list(&g->rng, &synth_notes));
    }
}

static int
subtype_pick(struct gen *g, const struct person *p, int brand, int first)
{
    static const unsigned w[] = {52, 25, 8, 10, 5};

    if (brand == BEN)
        return p->minor || rng_chance(&g->rng, 0.25) ? S_PREPAID : S_SIMONLY;
    if (p->minor)
        return S_PREPAID;
    if (p->business && first)
        return S_ZAKELIJK;
    switch (PICK(&g->rng, w)) {
    case 1:
        return S_THUIS;
    case 2:
        return p->hh->has_landline ? S_VAST : S_MOBIEL;
    case 3:
        return S_PREPAID;
    case 4:
        return p->business ? S_ZAKELIJK : S_MOBIEL;
    default:
        return S_MOBIEL;
    }
}

static void
rec_build(struct gen *g, struct rec *r, struct person *p, int k)
{
    int extra = k > 0, brand = p->brand, sub, y, m, d;
    char buf[32];
    struct sbuf s;
    uint64_t cust;
    struct addr moved;
    const struct addr *a = &p->hh->addr;

    rec_reset(r);
    if (p->both_brands && k == 1)
        brand = !brand;
    rec_sets(r, F_BRAND, brand == BEN ? "Ben" : "Odido");
    if (!p->has_cust[brand] || rng_chance(&g->rng, 0.5)) {
        cust = bij_at(&g->customer[brand], g->customers[brand]++);
        if (!p->has_cust[brand]) {
            p->cust[brand] = cust;
            p->has_cust[brand] = 1;
        }
    } else {
        cust = p->cust[brand];
    }
    sb_init(&s, buf, sizeof(buf));
    sb_putc(&s, brand == BEN ? 'B' : '1');
    sb_putu(&s, cust, 8);
    rec_setsb(r, F_CUSTNO, &s);
    sub = subtype_pick(g, p, brand, k == 0 || (k == 1 && p->both_brands));
    rec_sets(r, F_SUBTYPE, subtype_names[sub]);

    rec_first_name(g, r, p, extra);
    rec_last_name(g, r, p, extra);
    if (extra && rng_chance(&g->rng, 0.08)) { /* moved */
        address_new(g, &moved, rng_chance(&g->rng, 0.6) ? (int)a->city : -1);
        a = &moved;
    }
    rec_address(g, r, a, extra);
    rec_phone(g, r, p, sub, extra);
    rec_email(g, r, p, extra);
    rec_iban(g, r, p, sub);
    rec_birth(g, r, p, extra);
    rec_doc(g, r, p, extra);
    if (p->business && (sub == S_ZAKELIJK || rng_chance(&g->rng, 0.85)))
        rec_sets(r, F_VAT, p->vat);
    if (rng_chance(&g->rng, 0.15)) { /* ex-customer */
        sb_init(&s, buf, sizeof(buf));
        civil_from_days(date_between(&g->rng, 2018, 1, 1, 2026, 1, 31), &y, &m,
                        &d);
        sb_iso_date(&s, y, m, d);
        rec_setsb(r, F_END, &s);
    }
    rec_notes(g, r);
}

/* ------------------------------------------------------------------ */
/* Writing a record into a chunk: CSV or JSON, well- or malformed.    */

enum bad_kind {
    B_NONE,
    B_BREAK,      /* unescaped line break inside street or city */
    B_STRAY,      /* stray quote inside an unquoted field */
    B_AFTERQUOTE, /* text after a closing quote */
    B_CUT,        /* too few columns; JSON: truncated object */
    B_EXTRA,      /* one column too many */
    B_UTF8,       /* invalid UTF-8 in a name */
};

/* A record as it will be written: field texts, possibly mangled. */
struct view {
    const char *v[NF];
    size_t n[NF];
    unsigned char raw[NF]; /* write as is: no quoting or escaping */
    int nf;                /* fields to write (CSV cut) */
    const char *tail;      /* CSV: text before the line end */
    int trunc;             /* JSON: cut the object short */
    char scratch[2][NAME_BYTES * 2];
};

static int
csv_needs_quotes(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return 1;
    return 0;
}

/* Insert a line break into field f at a character boundary. */
static int
mangle_break(struct gen *g, struct view *w, int f, int slot)
{
    size_t n = w->n[f], pos, tries;
    const char *s = w->v[f];
    struct sbuf b;

    if (n < 2)
        return -1;
    for (tries = 0; tries < 8; tries++) {
        pos = 1 + (size_t)rng_below(&g->bad_rng, n - 1);
        if (((unsigned char)s[pos] & 0xC0) != 0x80)
            break;
    }
    if (((unsigned char)s[pos] & 0xC0) == 0x80)
        return -1;
    sb_init(&b, w->scratch[slot], sizeof(w->scratch[slot]));
    sb_putn(&b, s, pos);
    sb_putc(&b, '\n');
    sb_putn(&b, s + pos, n - pos);
    w->v[f] = b.p;
    w->n[f] = b.len;
    w->raw[f] = 1;
    return 0;
}

static int
mangle_stray(struct gen *g, struct view *w, int f, int slot)
{
    struct sbuf b;

    if (w->n[f] == 0 || w->v[f][0] == '"' ||
        csv_needs_quotes(w->v[f], w->n[f]))
        return -1;
    sb_init(&b, w->scratch[slot], sizeof(w->scratch[slot]));
    sb_putn(&b, w->v[f], w->n[f]);
    sb_puts(&b, " \"");
    sb_puts(&b, pick_list(&g->bad_rng, &synth_stray_nicks));
    sb_putc(&b, '"');
    if (f == F_FIRST && w->n[F_LAST] > 0 && rng_chance(&g->bad_rng, 0.5) &&
        !csv_needs_quotes(w->v[F_LAST], w->n[F_LAST])) {
        sb_putc(&b, ' ');
        sb_putn(&b, w->v[F_LAST], w->n[F_LAST]);
    }
    w->v[f] = b.p;
    w->n[f] = b.len;
    w->raw[f] = 1;
    return 0;
}

static void
mangle_utf8(struct gen *g, struct view *w, int f, int slot)
{
    static const char *const junk[] = {"\xC3", "\xFF", "\xC0\xAF"};
    size_t n = w->n[f], pos = 0, tries;
    const char *s = w->v[f];
    struct sbuf b;

    for (tries = 0; tries < 8 && n > 0; tries++) {
        pos = (size_t)rng_below(&g->bad_rng, n + 1);
        if (pos == n || ((unsigned char)s[pos] & 0xC0) != 0x80)
            break;
    }
    if (pos < n && ((unsigned char)s[pos] & 0xC0) == 0x80)
        pos = n;
    sb_init(&b, w->scratch[slot], sizeof(w->scratch[slot]));
    sb_putn(&b, s, pos);
    sb_puts(&b, junk[rng_below(&g->bad_rng, 3)]);
    sb_putn(&b, s + pos, n - pos);
    w->v[f] = b.p;
    w->n[f] = b.len;
}

static int
name_field(const struct view *w)
{
    if (w->n[F_FIRST] > 0)
        return F_FIRST;
    if (w->n[F_LAST] > 0)
        return F_LAST;
    return F_STREET;
}

/* Make the view of r; for a malformed row, mangle it. */
static void
view_make(struct gen *g, struct view *w, const struct rec *r, int csv, int bad)
{
    int i, kind = B_NONE;

    for (i = 0; i < NF; i++) {
        w->v[i] = r->f[i];
        w->n[i] = r->n[i];
        w->raw[i] = 0;
    }
    w->nf = NF;
    w->tail = NULL;
    w->trunc = 0;
    if (!bad)
        return;
    /* Malformed rows carry no multi-line note: nothing may swallow the
     * rows after them. */
    if (memchr(w->v[F_NOTES], '\n', w->n[F_NOTES]) != NULL ||
        memchr(w->v[F_NOTES], '\r', w->n[F_NOTES]) != NULL) {
        w->v[F_NOTES] = "";
        w->n[F_NOTES] = 0;
    }
    if (csv) {
        static const unsigned wk[] = {20, 15, 10, 20, 15, 20};

        kind = B_BREAK + PICK(&g->bad_rng, wk);
    } else {
        static const int kinds[] = {B_CUT, B_UTF8, B_BREAK, B_STRAY};

        kind = kinds[rng_below(&g->bad_rng, 4)];
    }
    switch (kind) {
    case B_BREAK:
        if (mangle_break(g, w,
                         rng_chance(&g->bad_rng, 0.5) ? F_STREET : F_CITY,
                         0) == 0 ||
            mangle_break(g, w, F_STREET, 0) == 0 ||
            mangle_break(g, w, F_CITY, 0) == 0)
            return;
        break;
    case B_STRAY:
        if (mangle_stray(g, w, F_FIRST, 0) == 0 ||
            mangle_stray(g, w, F_STREET, 0) == 0)
            return;
        break;
    case B_AFTERQUOTE:
        if (w->n[F_STREET] > 0 &&
            !csv_needs_quotes(w->v[F_STREET], w->n[F_STREET])) {
            struct sbuf b;

            sb_init(&b, w->scratch[0], sizeof(w->scratch[0]));
            sb_putc(&b, '"');
            sb_putn(&b, w->v[F_STREET], w->n[F_STREET]);
            sb_putc(&b, '"');
            sb_putn(&b, w->v[F_HOUSENO], w->n[F_HOUSENO]);
            if (w->n[F_HOUSENO] == 0)
                sb_putc(&b, '1');
            w->v[F_STREET] = b.p;
            w->n[F_STREET] = b.len;
            w->raw[F_STREET] = 1;
            w->v[F_HOUSENO] = "";
            w->n[F_HOUSENO] = 0;
            return;
        }
        break;
    case B_EXTRA:
        if (w->n[F_NOTES] > 0 &&
            memchr(w->v[F_NOTES], ',', w->n[F_NOTES]) != NULL &&
            memchr(w->v[F_NOTES], '"', w->n[F_NOTES]) == NULL) {
            w->raw[F_NOTES] = 1; /* the comma splits it */
            return;
        }
        w->tail = rng_chance(&g->bad_rng, 0.5) ? "," : ",NL";
        return;
    case B_UTF8:
        mangle_utf8(g, w, name_field(w), 1);
        return;
    default:
        break;
    }
    /* B_CUT, and what could not be mangled otherwise. */
    if (csv)
        w->nf = 2 + (int)rng_below(&g->bad_rng, 20);
    else
        w->trunc = 1;
}

static int
chunk_reserve(struct chunk *c, size_t need)
{
    size_t cap;
    char *p;

    if (need <= c->cap - c->len)
        return TOCSIN_OK;
    cap = c->cap ? c->cap : (1u << 20);
    while (cap - c->len < need) {
        if (cap > SIZE_MAX / 2)
            return TOCSIN_ENOMEM;
        cap *= 2;
    }
    p = realloc(c->data, cap);
    if (p == NULL)
        return TOCSIN_ENOMEM;
    c->data = p;
    c->cap = cap;
    return TOCSIN_OK;
}

static char *
put(char *d, const char *s, size_t n)
{
    memcpy(d, s, n);
    return d + n;
}

static char *
csv_body(const struct view *w, char *d)
{
    int i;
    size_t k;

    for (i = 1; i < w->nf; i++) {
        const char *s = w->v[i];
        size_t n = w->n[i];

        *d++ = ',';
        if (w->raw[i] || !csv_needs_quotes(s, n)) {
            d = put(d, s, n);
            continue;
        }
        *d++ = '"';
        for (k = 0; k < n; k++) {
            if (s[k] == '"')
                *d++ = '"';
            *d++ = s[k];
        }
        *d++ = '"';
    }
    if (w->tail != NULL)
        d = put(d, w->tail, strlen(w->tail));
    *d++ = '\n';
    return d;
}

/* ,"key":" for every column but record_id (written at flush time). */
#define JKEY(k)                                                               \
    {                                                                         \
        ",\"" k "\":\"", sizeof(",\"" k "\":\"") - 1                          \
    }
static const struct {
    const char *s;
    size_t n;
} json_keys[NF] = {
    {"", 0},
    JKEY("brand"),
    JKEY("customer_number"),
    JKEY("subscription_type"),
    JKEY("first_name"),
    JKEY("infix"),
    JKEY("last_name"),
    JKEY("street"),
    JKEY("house_number"),
    JKEY("house_number_suffix"),
    JKEY("postcode"),
    JKEY("city"),
    JKEY("phone"),
    JKEY("email"),
    JKEY("iban"),
    JKEY("birth_date"),
    JKEY("id_doc_type"),
    JKEY("id_doc_number"),
    JKEY("id_doc_expiry"),
    JKEY("vat_number"),
    JKEY("contract_end"),
    JKEY("notes"),
};
#undef JKEY

static char *
json_body(const struct view *w, char *d)
{
    static const char hex[] = "0123456789abcdef";
    int i;
    size_t k;

    for (i = 1; i < NF; i++) {
        const char *s = w->v[i];
        size_t n = w->n[i];

        if (n == 0)
            continue;
        d = put(d, json_keys[i].s, json_keys[i].n);
        if (w->raw[i]) {
            d = put(d, s, n);
        } else {
            for (k = 0; k < n; k++) {
                unsigned char c = (unsigned char)s[k];

                if (c == '"' || c == '\\') {
                    *d++ = '\\';
                    *d++ = (char)c;
                } else if (c == '\n') {
                    d = put(d, "\\n", 2);
                } else if (c == '\r') {
                    d = put(d, "\\r", 2);
                } else if (c == '\t') {
                    d = put(d, "\\t", 2);
                } else if (c < 0x20) {
                    d = put(d, "\\u00", 4);
                    *d++ = hex[c >> 4];
                    *d++ = hex[c & 15];
                } else {
                    *d++ = (char)c;
                }
            }
        }
        *d++ = '"';
    }
    *d++ = '}';
    *d++ = '\n';
    return d;
}

/* Write r (mangled when bad) into one of the ring's chunks. */
static int
chunk_add(struct gen *g, const struct rec *r, uint64_t person, int bad)
{
    struct chunk *c = &g->ring[(g->round + rng_below(&g->rng, RING)) % RING];
    struct view w;
    size_t need = 1024, i;
    char *start, *end;
    void *e;
    int rc;

    view_make(g, &w, r, g->o->format == SYNTH_FORMAT_CSV, bad);
    for (i = 0; i < NF; i++)
        need += 6 * w.n[i] + 32;
    if ((rc = chunk_reserve(c, need)) != 0)
        return rc;
    if ((e = grow(c->e, &c->ecap, c->n + 1, sizeof(*c->e), 4096)) == NULL)
        return TOCSIN_ENOMEM;
    c->e = e;
    start = c->data + c->len;
    if (g->o->format == SYNTH_FORMAT_CSV) {
        end = csv_body(&w, start);
    } else {
        end = json_body(&w, start);
        if (w.trunc) { /* cut before the closing brace */
            end = start + rng_below(&g->bad_rng, (uint64_t)(end - start - 1));
            *end++ = '\n';
        }
    }
    c->e[c->n].off = c->len;
    c->e[c->n].len = (size_t)(end - start);
    c->e[c->n].person = person;
    c->n++;
    c->len += (size_t)(end - start);
    g->records++;
    if (bad)
        g->bad++;
    return TOCSIN_OK;
}

/* Shuffle a chunk, number its records and write them out. */
static int
chunk_flush(struct gen *g, struct chunk *c)
{
    char idbuf[32], tbuf[64];
    size_t i;

    for (i = c->n; i > 1; i--) {
        size_t j = (size_t)rng_below(&g->rng, i);
        struct entry t = c->e[i - 1];

        c->e[i - 1] = c->e[j];
        c->e[j] = t;
    }
    for (i = 0; i < c->n; i++) {
        const struct entry *e = &c->e[i];
        struct sbuf id, t;

        sb_init(&id, idbuf, sizeof(idbuf));
        sb_putc(&id, 'R');
        sb_putu(&id, ++g->next_id, 8);
        if (g->o->format == SYNTH_FORMAT_CSV) {
            out_put(&g->ex, id.p, id.len);
        } else {
            out_puts(&g->ex, "{\"record_id\":\"");
            out_put(&g->ex, id.p, id.len);
            out_put(&g->ex, "\"", 1);
        }
        out_put(&g->ex, c->data + e->off, e->len);
        sb_init(&t, tbuf, sizeof(tbuf));
        sb_puts(&t, id.p);
        sb_putc(&t, ',');
        if (e->person == BAD) {
            sb_puts(&t, "BAD");
        } else {
            sb_putc(&t, 'P');
            sb_putu(&t, e->person + 1, g->pid_width);
        }
        sb_putc(&t, '\n');
        out_put(&g->tr, t.p, t.len);
    }
    c->n = 0;
    c->len = 0;
    return g->ex.err || g->tr.err ? TOCSIN_EIO : TOCSIN_OK;
}

/* ------------------------------------------------------------------ */
/* The whole run.                                                     */

static int
person_records(struct gen *g, struct person *p)
{
    static const unsigned w[] = {60, 29, 8, 3};
    int n = 1 + PICK(&g->rng, w), k, rc;

    if (p->both_brands && n < 2)
        n = 2;
    for (k = 0; k < n; k++) {
        rec_build(g, &g->rec, p, k);
        if ((rc = chunk_add(g, &g->rec, p->idx, 0)) != 0)
            return rc;
        if (rng_chance(&g->rng, BAD_SHARE) &&
            (rc = chunk_add(g, &g->rec, BAD, 1)) != 0)
            return rc;
    }
    return TOCSIN_OK;
}

static int
gen_init(struct gen *g, const struct synth_options *o, FILE *exp, FILE *truth)
{
    uint64_t bits = EMAIL_BITS_MIN, v;
    int rc;

    g->o = o;
    rng_seed(&g->rng, rng_mix(o->seed ^ 0x73796e7468ull) ^ o->seed);
    rng_seed(&g->bad_rng, rng_mix(o->seed ^ 0x626164ull) + o->format);
    g->pid_width = 0;
    for (v = o->persons; v > 0; v /= 10)
        g->pid_width++;
    bij_init(&g->mobile, &g->rng, MOBILE_SPACE);
    bij_init(&g->account, &g->rng, ACCOUNT_SPACE);
    bij_init(&g->customer[0], &g->rng, CUSTOMER_SPACE);
    bij_init(&g->customer[1], &g->rng, CUSTOMER_SPACE);
    bij_init(&g->landline[0], &g->rng, 8000000);
    bij_init(&g->landline[1], &g->rng, 800000);
    g->mobile_extra = o->persons;
    while (bits < EMAIL_BITS_MAX && bits / 64 < o->persons)
        bits *= 2;
    g->mail_mask = bits - 1;
    g->mail_bits = calloc(bits / 64, sizeof(uint64_t));
    g->ex.f = exp;
    g->tr.f = truth;
    g->ex.buf = malloc(OUT_BUF);
    g->tr.buf = malloc(OUT_BUF);
    if (g->mail_bits == NULL || g->ex.buf == NULL || g->tr.buf == NULL)
        return TOCSIN_ENOMEM;
    if ((rc = gen_tables(g)) != 0)
        return rc;
    return TOCSIN_OK;
}

int
synth_write(const struct synth_options *o, FILE *exp, FILE *truth,
            struct synth_stats *stats)
{
    struct gen *g;
    struct household *h;
    uint64_t round_start = 0;
    int rc, i;
    unsigned k;

    if (o == NULL || exp == NULL || truth == NULL ||
        (o->format != SYNTH_FORMAT_CSV && o->format != SYNTH_FORMAT_JSONL) ||
        o->persons == 0)
        return TOCSIN_EINVAL;
    if (o->persons > LIMIT_SYNTH_PERSONS)
        return TOCSIN_ELIMIT;
    g = calloc(1, sizeof(*g));
    h = calloc(1, sizeof(*h));
    if (g == NULL || h == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    if ((rc = gen_init(g, o, exp, truth)) != 0)
        goto out;

    if (o->format == SYNTH_FORMAT_CSV) {
        for (i = 0; i < NF; i++) {
            if (i > 0)
                out_put(&g->ex, ",", 1);
            out_puts(&g->ex, synth_columns[i]);
        }
        out_put(&g->ex, "\n", 1);
    }
    out_puts(&g->tr, "record_id,person_id\n");

    while (g->persons_done < o->persons) {
        household_new(g, h,
                      (unsigned)(o->persons - g->persons_done < HH_MAX
                                     ? o->persons - g->persons_done
                                     : HH_MAX));
        for (k = 0; k < h->n; k++)
            if ((rc = person_records(g, &h->p[k])) != 0)
                goto out;
        if (g->persons_done - round_start >= ROUND_PERSONS) {
            if ((rc = chunk_flush(g, &g->ring[g->round % RING])) != 0)
                goto out;
            g->round++;
            round_start = g->persons_done;
            if (o->progress != NULL)
                o->progress(o->progress_arg, g->persons_done);
        }
    }
    for (i = 0; i < RING; i++)
        if ((rc = chunk_flush(g, &g->ring[(g->round + i) % RING])) != 0)
            goto out;
    out_flush(&g->ex);
    out_flush(&g->tr);
    if (g->ex.err || g->tr.err || fflush(exp) != 0 || fflush(truth) != 0) {
        rc = TOCSIN_EIO;
        goto out;
    }
    if (o->progress != NULL)
        o->progress(o->progress_arg, g->persons_done);
    if (stats != NULL) {
        stats->persons = g->persons_done;
        stats->households = g->households;
        stats->records = g->records;
        stats->bad = g->bad;
        stats->export_bytes = g->ex.total;
        stats->truth_bytes = g->tr.total;
    }
    rc = TOCSIN_OK;
out:
    if (g != NULL) {
        gen_free(g);
        free(g);
    }
    free(h);
    return rc;
}
