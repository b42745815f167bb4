/*
 * resolve_model.c - the Fellegi-Sunter model: m and u probabilities per
 * comparison level learnt by expectation maximisation over the candidate
 * pairs, and the match weights they give.
 *
 * EM runs over the distinct level patterns with their counts, not over the
 * pairs: a few thousand patterns stand for millions of pairs, so every
 * iteration is cheap and the result does not depend on the pair order.
 * A missing value is no evidence: it has weight 0 and takes no part in
 * the estimates. A small pseudo-count keeps every probability above 0.
 */
#include <math.h>
#include <string.h>

#include "resolve_int.h"

#define EM_MAX_ITER   200
#define EM_EPSILON    1e-7
#define EM_PSEUDO     0.5  /* pseudo-count per level and class */
#define EM_LAMBDA0    0.3  /* candidate pairs are rich in matches */
#define EM_M_EXACT0   0.85 /* P(exact | match) to start from */
#define TF_ADJUST_MAX 10.0 /* bits a term frequency may add or take */

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
        for (l = 1; l < rcmp_levels((enum rcmp)k); l++)
            m->w[k][l] = log2(m->m[k][l] / m->u[k][l]);
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
}

double
rmodel_weight(const struct rmodel *m, enum rcmp k, unsigned level,
              const struct rfeat *a, uint64_t nrecords)
{
    double w = m->w[k][level];
    int t = rcmp_tf_hash(k);

    (void)nrecords;
    if (level == RL_EXACT && t >= 0 && m->tf_mean[k] > 0 && a->tf[t] > 0) {
        double adj = log2(m->tf_mean[k] / (double)a->tf[t]);

        if (adj > TF_ADJUST_MAX)
            adj = TF_ADJUST_MAX;
        if (adj < -TF_ADJUST_MAX)
            adj = -TF_ADJUST_MAX;
        w += adj;
    }
    return w;
}

double
rmodel_score(const struct rmodel *m, uint64_t pattern, const struct rfeat *a,
             uint64_t nrecords)
{
    double w = log2(m->lambda / (1.0 - m->lambda));
    int k;

    for (k = 0; k < RC_COUNT; k++)
        w += rmodel_weight(m, (enum rcmp)k, RPAT_LEVEL(pattern, k), a,
                           nrecords);
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

    if ((rc = buf_printf(out,
                         "{\"match_share\":%.9g,\"iterations\":%u,"
                         "\"pairs\":%llu,\"comparisons\":[",
                         m->lambda, m->iterations,
                         (unsigned long long)m->pairs)) != TOCSIN_OK)
        return rc;
    for (k = 0; k < RC_COUNT; k++) {
        if ((rc = buf_printf(out,
                             "%s{\"name\":\"%s\",\"tf_mean\":%.6g,"
                             "\"levels\":[",
                             k > 0 ? "," : "", rcmp_name((enum rcmp)k),
                             m->tf_mean[k])) != TOCSIN_OK)
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
