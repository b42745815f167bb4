/*
 * resolve_int.h - what the files of the resolve stage share; not part of
 * its interface (resolve.h).
 *
 * resolve_load.c  records -> features (struct rfeat)
 * resolve_cmp.c   the comparisons: levels of a pair, conflicts, masks
 * resolve_model.c EM, weights, term frequencies
 * resolve.c       blocking, clustering, the tables; the stage itself
 * resolve_explain.c  export and explain
 */
#ifndef TOCSIN_RESOLVE_RESOLVE_INT_H
#define TOCSIN_RESOLVE_RESOLVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../store/casedir.h"
#include "../store/record.h"
#include "../store/unseal.h"
#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

/* Identifiers compared for equality, as 64-bit hashes (0: absent). */
enum rhash {
    RH_EMAIL,
    RH_MOBILE,
    RH_MOBILE2,
    RH_LANDLINE,
    RH_IBAN,
    RH_ADDR,     /* postcode + house number + suffix */
    RH_PCNR,     /* postcode + house number */
    RH_POSTCODE, /* postcode */
    RH_CITY,     /* city key */
    RH_DOC,      /* ID-document number */
    RH_NID,      /* national id */
    RH_CUST,     /* brand + customer number */
    RH_FIRST,    /* first-name key, first word */
    RH_FCANON,   /* the first name's nickname group, else RH_FIRST */
    RH_LAST,     /* surname key without spaces */
    RH_FULL,     /* infix + surname key without spaces */
    RH_DOB,      /* birth date */
    RH_COUNT
};

/* Strings kept for similarity, in the load arena. */
enum rstr {
    RS_FIRST,  /* first-name key: "jan peter" */
    RS_INIT,   /* initials, lower case: "jp" */
    RS_LAST,   /* surname key without spaces: "berg" */
    RS_FULL,   /* infix and surname without spaces: "vandenberg" */
    RS_STREET, /* street key without spaces */
    RS_NID,    /* national id as kept */
    RS_COUNT
};

#define RF_INITIALS    1u /* the first name holds initials only */
#define RF_NID_CHECKED 2u /* the national id passed its check digit */

/* One record as the resolver sees it. */
struct rfeat {
    uint64_t h[RH_COUNT];
    uint32_t tf[RH_COUNT]; /* records sharing h[k] */
    int64_t id;            /* records.id */
    uint32_t dob;          /* y * 10000 + m * 100 + d; 0: absent */
    uint32_t housenr;      /* 0: absent */
    uint32_t initials;     /* letters the first name may be initialled
                              with (nickname_initials) */
    uint16_t nick[2];      /* nickname groups of its first word; 0: none */
    uint32_t str;          /* offset of its strings in its arena */
    uint8_t len[RS_COUNT];
    uint8_t arena; /* which arena */
    uint8_t brand; /* 1 + index of the case brand; 0: unknown */
    uint8_t flags; /* RF_* */
};

/* The comparisons and their levels (level 0 is always "missing": no
 * evidence, weight 0). */
enum rcmp {
    RC_FIRST,
    RC_LAST,
    RC_DOB,
    RC_EMAIL,
    RC_MOBILE,
    RC_LANDLINE,
    RC_IBAN,
    RC_ADDR,
    RC_DOC,
    RC_NID,
    RC_CUST,
    RC_COUNT
};

#define RL_MISSING 0
#define RL_EXACT   1
#define RL_MAX     8 /* levels per comparison, at most */

/* Levels of RC_FIRST. */
enum {
    RL_FIRST_NICK = 2,
    RL_FIRST_JW92,
    RL_FIRST_INIT,
    RL_FIRST_JW80,
    RL_FIRST_DIFF,  /* not similar, same first letter */
    RL_FIRST_OTHER, /* not similar, another first letter */
    RL_FIRST_N
};
/* Levels of RC_LAST. */
enum { RL_LAST_JW92 = 2, RL_LAST_PART, RL_LAST_JW80, RL_LAST_DIFF, RL_LAST_N };
/* Levels of RC_DOB (the order of enum compare_date). */
enum { RL_DOB_SWAP = 2, RL_DOB_DIGIT, RL_DOB_YEAR, RL_DOB_DIFF, RL_DOB_N };
/* Levels of RC_ADDR. */
enum {
    RL_ADDR_PCNR = 2,
    RL_ADDR_STREET,
    RL_ADDR_AREA,
    RL_ADDR_DIFF,
    RL_ADDR_N
};
/* Levels of RC_NID. */
enum { RL_NID_DIGIT = 2, RL_NID_DIFF, RL_NID_N };
/* Levels of the exact-or-not comparisons. */
enum { RL_DIFF = 2, RL_BINARY_N };

/* The pattern of a pair: its level per comparison, 4 bits each. */
#define RPAT_LEVEL(p, k) ((unsigned)(((p) >> (4 * (k))) & 0xf))

/* The load: every record's features, and their strings. */
struct rload {
    struct rfeat *f;
    size_t n;
    char *arena[UNSEAL_WORKERS];
    size_t arena_len[UNSEAL_WORKERS];
    char **brands; /* borrowed from the case config */
    size_t nbrands;
};

/* Unseal and reduce every record of the case (two threads). */
TOCSIN_MUST_CHECK int rload_run(struct casedir *c, int progress,
                                struct rload *out, struct buf *why);
void rload_free(struct rload *l);

#define RLOAD_KEY_BYTES 16 /* crypto_shorthash_KEYBYTES */

/* The features of one decoded record into *f (cleared first), its strings
 * appended to *arena; scratch is the caller's. Hashes are keyed with key
 * (random per use: they are compared within one run, never stored). */
TOCSIN_MUST_CHECK int rload_features(const struct record *r,
                                     const unsigned char *key,
                                     struct buf *arena, struct buf *scratch,
                                     struct rfeat *f);

/* A string of a record's features. */
static inline const char *
rfeat_str(const char *arena, const struct rfeat *f, enum rstr k, size_t *len)
{
    size_t off = f->str, i;

    for (i = 0; i < (size_t)k; i++)
        off += f->len[i];
    *len = f->len[k];
    return arena + off;
}

/* The level pattern of a pair of records. */
uint64_t rcmp_pattern(const char *aa, const struct rfeat *a, const char *ab,
                      const struct rfeat *b);

/* Differences the model says the same person (almost) never shows in
 * this data (m below RESOLVE_STRONG_M): bits for rcmp_conflict(). */
#define RCMP_STRONG_FIRST_DIFF  1u
#define RCMP_STRONG_FIRST_OTHER 2u
#define RCMP_STRONG_DOB_DIFF    4u

/*
 * Whether two records with this level pattern hold contradicting strong
 * evidence, so that no chain of links may make them one person: 1 or 0.
 *  - two different national ids that both passed their check digit
 *    (nid_checked);
 *  - a birth date or first name that differs (not a typo, swap or
 *    nickname), unless the national id or ID document is the same, when
 *    - the same person (almost) never shows that difference in this data
 *      (strong: RCMP_STRONG_* bits) and the mobile differs too: twins,
 *      father and son;
 *    - or the pair's own evidence is not enough to link it (linkable 0).
 */
int rcmp_conflict(uint64_t pattern, int nid_checked, int linkable,
                  unsigned strong);

/* 0 when two records cannot conflict (rcmp_conflict would say 0 whatever
 * else they hold): a cheap test before the whole pattern. */
int rcmp_may_conflict(const char *aa, const struct rfeat *a, const char *ab,
                      const struct rfeat *b);

/* Names of comparisons and levels, for explain and the model. */
const char *rcmp_name(enum rcmp k);
const char *rcmp_level_name(enum rcmp k, unsigned level);
unsigned rcmp_levels(enum rcmp k);
/* The hash whose term frequency adjusts exact agreement of k, or -1. */
int rcmp_tf_hash(enum rcmp k);

/*
 * The model. m, P(level | match), is learnt by EM over the candidate
 * pairs; u, P(level | non-match), is measured on random pairs of records
 * (the candidates are far from random: their non-matches agree on what
 * they were blocked on), and for exact agreement on a value it is that
 * value's own frequency: P(another record holds it). The prior is the
 * share of matches among all pairs of records.
 */
struct rmodel {
    double lambda;              /* P(match) of two random records */
    double lambda_candidates;   /* share of matches among candidates */
    double m[RC_COUNT][RL_MAX]; /* P(level | match) */
    double u[RC_COUNT][RL_MAX]; /* P(level | non-match) */
    double w[RC_COUNT][RL_MAX]; /* log2(m / u); 0 for missing */
    /* u and weights when both records are at one address: within a
     * household (used when household is set: enough such pairs) */
    double u_hh[RC_COUNT][RL_MAX];
    double w_hh[RC_COUNT][RL_MAX];
    /* log2(m_exact * (records - 1)): exact agreement on a value that c
     * other records hold weighs this minus log2(c) */
    double w_exact[RC_COUNT];
    double household_pairs;
    int household;
    unsigned iterations;
    uint64_t pairs;   /* candidate pairs EM saw */
    uint64_t u_pairs; /* random pairs u was measured on */
    uint64_t records;
};

/* A pattern and how many pairs have it. */
struct rpattern {
    uint64_t pattern;
    uint64_t count;
};

/* Learn m (and a first u and the match share among the candidates) from
 * the distinct patterns of the candidate pairs (EM). */
void rmodel_em(struct rmodel *m, const struct rpattern *p, size_t n);

/* Set u from the level counts of npairs random pairs (cnt[k][l]), and
 * the prior from the candidates' match share: candidates of all
 * records pairs. */
void rmodel_set_u(struct rmodel *m, const uint64_t cnt[RC_COUNT][RL_MAX],
                  uint64_t npairs, uint64_t candidates, uint64_t records);

/* The weight of comparison k for a pair with this pattern, in bits: for
 * exact agreement from the frequency of the value a holds; for a pair at
 * one address, as within a household. */
double rmodel_weight(const struct rmodel *m, enum rcmp k, uint64_t pattern,
                     const struct rfeat *a);

/* The match weight of a pair (prior included) and its probability. */
double rmodel_score(const struct rmodel *m, uint64_t pattern,
                    const struct rfeat *a);
double rmodel_probability(const struct rmodel *m, double weight);

/* The model as JSON (for the case's meta table) into out. */
TOCSIN_MUST_CHECK int rmodel_json(const struct rmodel *m, struct buf *out);

#endif
