/*
 * resolve_model.c - the Fellegi-Sunter model: m probabilities per
 * comparison level learnt by expectation maximisation over the candidate
 * pairs, u measured on random pairs, and the match weights they give.
 *
 * EM runs over the distinct level patterns with their counts, not over the
 * pairs: a few thousand patterns stand for millions of pairs, so every
 * iteration is cheap and the result does not depend on the pair order.
 * A missing value is no evidence: it has weight 0 and takes no part in
 * the estimates. A small pseudo-count keeps every probability above 0.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "resolve_int.h"

#define EM_MAX_ITER 200
#define EM_EPSILON  1e-7
#define EM_PSEUDO   0.5  /* pseudo-count per level and class */
#define EM_LAMBDA0  0.3  /* candidate pairs are rich in matches */
#define EM_M_EXACT0 0.85 /* P(exact | match) to start from */
#define U_PSEUDO    0.5  /* pseudo-count of random-pair levels */
#define LOG2_TABLE  4096 /* counts whose log2 is looked up */

static double model_log2_tab[LOG2_TABLE];

static void
model_log2_init(void)
{
    unsigned i;

    for (i = 1; i < LOG2_TABLE; i++)
        model_log2_tab[i] = log2((double)i);
}

/* The start: u from how often each level occurs among all the pairs
 * (mostly non-matches), m leaning to agreement. */
static void
em_start(struct rmodel *m, const struct rpattern *p, size_t n)
{
    double cnt[RC_COUNT][RL_MAX] = {{0}};
    size_t i;
    int k;
    unsigned l;

    for (i = 0; i < n; i++)
        for (k = 0; k < RC_COUNT; k++)
            cnt[k][RPAT_LEVEL(p[i].pattern, k)] += (double)p[i].count;
    for (k = 0; k < RC_COUNT; k++) {
        unsigned nl = rcmp_levels((enum rcmp)k);
        double tot = 0;

        for (l = 1; l < nl; l++)
            tot += cnt[k][l] + EM_PSEUDO;
        for (l = 1; l < nl; l++) {
            m->u[k][l] = (cnt[k][l] + EM_PSEUDO) / tot;
            m->m[k][l] =
                l == RL_EXACT ? EM_M_EXACT0 : (1.0 - EM_M_EXACT0) / (nl - 2);
        }
    }
    m->lambda = EM_LAMBDA0;
}

static void
em_weights(struct rmodel *m)
{
    int k;
    unsigned l;

    for (k = 0; k < RC_COUNT; k++) {
        m->w[k][RL_MISSING] = 0.0;
        m->w_hh[k][RL_MISSING] = 0.0;
        for (l = 1; l < rcmp_levels((enum rcmp)k); l++) {
            m->w[k][l] = log2(m->m[k][l] / m->u[k][l]);
            if (m->u_hh[k][l] > 0)
                m->w_hh[k][l] = log2(m->m[k][l] / m->u_hh[k][l]);
        }
    }
}

/* A household pattern: both records at one address. */
static int
em_same_address(uint64_t pattern)
{
    unsigned a = RPAT_LEVEL(pattern, RC_ADDR);

    return a == RL_EXACT || a == RL_ADDR_PCNR;
}

/*
 * u given that both records are at one address, from the non-matches EM
 * found among the candidates there: a household shares its surname,
 * landline, family e-mail and often an IBAN, so agreement on those says
 * little once the address agrees. Used only with enough such pairs.
 */
static void
em_household(struct rmodel *m, const struct rpattern *p, size_t n)
{
    double au[RC_COUNT][RL_MAX], mass = 0;
    double lo0 = log2(m->lambda / (1.0 - m->lambda));
    size_t i;
    int k;
    unsigned l;

    memset(au, 0, sizeof(au));
    for (i = 0; i < n; i++) {
        double lo = lo0, g, c;

        if (!em_same_address(p[i].pattern))
            continue;
        for (k = 0; k < RC_COUNT; k++)
            lo += m->w[k][RPAT_LEVEL(p[i].pattern, k)];
        g = lo > 60 ? 1.0 : lo < -60 ? 0.0 : 1.0 / (1.0 + exp2(-lo));
        c = (double)p[i].count * (1.0 - g);
        mass += c;
        for (k = 0; k < RC_COUNT; k++)
            au[k][RPAT_LEVEL(p[i].pattern, k)] += c;
    }
    m->household_pairs = mass;
    m->household = mass >= RESOLVE_HOUSEHOLD_MIN;
    for (k = 0; k < RC_COUNT; k++) {
        unsigned nl = rcmp_levels((enum rcmp)k);
        double tot = 0;

        for (l = 1; l < nl; l++)
            tot += au[k][l] + EM_PSEUDO;
        for (l = 1; l < nl; l++)
            m->u_hh[k][l] = (au[k][l] + EM_PSEUDO) / tot;
    }
}

void
rmodel_em(struct rmodel *m, const struct rpattern *p, size_t n)
{
    double am[RC_COUNT][RL_MAX], au[RC_COUNT][RL_MAX];
    double total = 0, matches, change;
    unsigned it, l;
    size_t i;
    int k;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < n; i++)
        total += (double)p[i].count;
    m->pairs = (uint64_t)total;
    em_start(m, p, n);
    if (total == 0) {
        em_weights(m);
        return;
    }
    for (it = 0; it < EM_MAX_ITER; it++) {
        memset(am, 0, sizeof(am));
        memset(au, 0, sizeof(au));
        matches = 0;
        em_weights(m);
        for (i = 0; i < n; i++) {
            double lo = log2(m->lambda / (1.0 - m->lambda)), g, c;

            for (k = 0; k < RC_COUNT; k++)
                lo += m->w[k][RPAT_LEVEL(p[i].pattern, k)];
            if (lo > 60)
                g = 1.0;
            else if (lo < -60)
                g = 0.0;
            else
                g = 1.0 / (1.0 + exp2(-lo));
            c = (double)p[i].count;
            matches += c * g;
            for (k = 0; k < RC_COUNT; k++) {
                l = RPAT_LEVEL(p[i].pattern, k);
                am[k][l] += c * g;
                au[k][l] += c * (1.0 - g);
            }
        }
        change = fabs(matches / total - m->lambda);
        m->lambda = matches / total;
        if (m->lambda < 1e-9)
            m->lambda = 1e-9;
        if (m->lambda > 1 - 1e-9)
            m->lambda = 1 - 1e-9;
        for (k = 0; k < RC_COUNT; k++) {
            unsigned nl = rcmp_levels((enum rcmp)k);
            double tm = 0, tu = 0;

            for (l = 1; l < nl; l++) {
                tm += am[k][l] + EM_PSEUDO;
                tu += au[k][l] + EM_PSEUDO;
            }
            for (l = 1; l < nl; l++) {
                double nm = (am[k][l] + EM_PSEUDO) / tm;
                double nu = (au[k][l] + EM_PSEUDO) / tu;

                if (fabs(nm - m->m[k][l]) > change)
                    change = fabs(nm - m->m[k][l]);
                if (fabs(nu - m->u[k][l]) > change)
                    change = fabs(nu - m->u[k][l]);
                m->m[k][l] = nm;
                m->u[k][l] = nu;
            }
        }
        if (change < EM_EPSILON) {
            it++;
            break;
        }
    }
    m->iterations = it;
    em_weights(m);
    em_household(m, p, n);
}

void
rmodel_set_u(struct rmodel *m, const uint64_t cnt[RC_COUNT][RL_MAX],
             uint64_t npairs, uint64_t candidates, uint64_t records)
{
    double all = (double)records * ((double)records - 1) / 2;
    int k;
    unsigned l;

    for (k = 0; k < RC_COUNT; k++) {
        unsigned nl = rcmp_levels((enum rcmp)k);
        double tot = 0;

        for (l = 1; l < nl; l++)
            tot += (double)cnt[k][l] + U_PSEUDO;
        for (l = 1; l < nl; l++)
            m->u[k][l] = ((double)cnt[k][l] + U_PSEUDO) / tot;
    }
    m->u_pairs = npairs;
    m->records = records;
    for (k = 0; k < RC_COUNT; k++)
        m->w_exact[k] = records > 1
                            ? log2(m->m[k][RL_EXACT] * ((double)records - 1))
                            : m->w[k][RL_EXACT];
    m->lambda_candidates = m->lambda;
    /* every match is among the candidates (what blocking misses cannot
     * be linked anyway) */
    if (all > 0)
        m->lambda = m->lambda_candidates * (double)candidates / all;
    if (m->lambda < 1e-15)
        m->lambda = 1e-15;
    if (m->lambda > 0.5)
        m->lambda = 0.5;
    em_weights(m);
}

/* log2 of a count, at least 1: from a table for the common small
 * counts (a value held by a few records). */
static double
model_log2_count(uint32_t c)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    if (c <= 1)
        return 0.0;
    if (c >= LOG2_TABLE)
        return log2((double)c);
    if (pthread_once(&once, model_log2_init) != 0)
        return log2((double)c);
    return model_log2_tab[c];
}

double
rmodel_weight(const struct rmodel *m, enum rcmp k, uint64_t pattern,
              const struct rfeat *a)
{
    unsigned level = RPAT_LEVEL(pattern, k);
    int t = rcmp_tf_hash(k);

    /* at one address, the rest is compared as within a household */
    if (m->household && k != RC_ADDR && em_same_address(pattern))
        return m->w_hh[k][level];
    /* exact agreement on a value: how likely another record holds it */
    if (level == RL_EXACT && t >= 0 && a->tf[t] > 0 && m->records > 1)
        return m->w_exact[k] - model_log2_count(a->tf[t] - 1);
    return m->w[k][level];
}

double
rmodel_score(const struct rmodel *m, uint64_t pattern, const struct rfeat *a)
{
    double w = log2(m->lambda / (1.0 - m->lambda));
    int k;

    for (k = 0; k < RC_COUNT; k++)
        w += rmodel_weight(m, (enum rcmp)k, pattern, a);
    return w;
}

double
rmodel_probability(const struct rmodel *m, double weight)
{
    (void)m;
    if (weight > 60)
        return 1.0;
    if (weight < -60)
        return 0.0;
    return 1.0 / (1.0 + exp2(-weight));
}

int
rmodel_json(const struct rmodel *m, struct buf *out)
{
    int k, rc;
    unsigned l;

    if ((rc = buf_printf(
             out,
             "{\"prior\":%.9g,\"match_share\":%.9g,"
             "\"iterations\":%u,\"candidate_pairs\":%llu,"
             "\"random_pairs\":%llu,\"records\":%llu,"
             "\"household_pairs\":%.0f,\"comparisons\":[",
             m->lambda, m->lambda_candidates, m->iterations,
             (unsigned long long)m->pairs, (unsigned long long)m->u_pairs,
             (unsigned long long)m->records,
             m->household ? m->household_pairs : 0.0)) != TOCSIN_OK)
        return rc;
    for (k = 0; k < RC_COUNT; k++) {
        if ((rc = buf_printf(out, "%s{\"name\":\"%s\",\"levels\":[",
                             k > 0 ? "," : "", rcmp_name((enum rcmp)k))) !=
            TOCSIN_OK)
            return rc;
        for (l = 1; l < rcmp_levels((enum rcmp)k); l++)
            if ((rc = buf_printf(out,
                                 "%s{\"level\":\"%s\",\"m\":%.6g,"
                                 "\"u\":%.6g,\"weight\":%.4f}",
                                 l > 1 ? "," : "",
                                 rcmp_level_name((enum rcmp)k, l), m->m[k][l],
                                 m->u[k][l], m->w[k][l])) != TOCSIN_OK)
                return rc;
        if ((rc = buf_appends(out, "]}")) != TOCSIN_OK)
            return rc;
    }
    return buf_appends(out, "]}");
}
