/*
 * serve_dash.c - the incident dashboard (/dashboard, HTTP Basic with the
 * token of case.ini [serve] as the password: works without JavaScript)
 * and /metrics (Prometheus text format, Bearer token).
 *
 * The figures come from the journal and the stage tables (counts only, no
 * personal data), read at most every SERVE_DASH_CACHE_S seconds and kept:
 * some are whole-table scans, and notify writes beside them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "../util/clock.h"
#include "serve_int.h"

#define T(nl, en) SERVE_T(lang, nl, en)

#define FIG_BRANDS ((LIMIT_BRANDS + 1) * 2)

struct fig_brand {
    char brand[LIMIT_BRAND_NAME + 1];
    int kind;
    uint64_t n[STORE_MSG_NSTATES];
};

struct fig_domain {
    char domain[LIMIT_EMAIL_DOMAIN + 1];
    uint64_t n[STORE_MSG_NSTATES];
};

struct fig_minute {
    char minute[17];
    uint64_t sent, accepted, failed;
};

struct serve_figures {
    char at[32]; /* when read, ISO 8601 UTC */
    uint64_t states[STORE_MSG_NSTATES];
    struct fig_brand brands[FIG_BRANDS];
    size_t nbrands;
    struct fig_domain domains[LIMIT_SERVE_DOMAINS];
    size_t ndomains;
    struct fig_minute minutes[LIMIT_SERVE_MINUTES];
    size_t nminutes;
    struct store_ingest_totals ingest;
    uint64_t risks[4];
    int has_risks; /* from assess's figures */
    int assessed;
    uint64_t records, persons, notices;
    char assessed_at[32];
};

static int
fig_brand_cb(void *ctx, const char *brand, int kind, int state, uint64_t n)
{
    struct serve_figures *f = ctx;
    size_t i;

    if (state < 0 || state >= STORE_MSG_NSTATES ||
        strlen(brand) > LIMIT_BRAND_NAME)
        return 0;
    for (i = 0; i < f->nbrands; i++)
        if (f->brands[i].kind == kind &&
            strcmp(f->brands[i].brand, brand) == 0)
            break;
    if (i == f->nbrands) {
        if (f->nbrands >= FIG_BRANDS)
            return 0;
        memset(&f->brands[i], 0, sizeof(f->brands[i]));
        memcpy(f->brands[i].brand, brand, strlen(brand) + 1);
        f->brands[i].kind = kind;
        f->nbrands++;
    }
    f->brands[i].n[state] += n;
    return 0;
}

static int
fig_domain_cb(void *ctx, const char *domain, const uint64_t *counts)
{
    struct serve_figures *f = ctx;
    struct fig_domain *d;

    if (f->ndomains >= LIMIT_SERVE_DOMAINS ||
        strlen(domain) > LIMIT_EMAIL_DOMAIN)
        return 0;
    d = &f->domains[f->ndomains++];
    memcpy(d->domain, domain, strlen(domain) + 1);
    memcpy(d->n, counts, sizeof(d->n));
    return 0;
}

static int
fig_minute_cb(void *ctx, const char *minute, uint64_t sent, uint64_t accepted,
              uint64_t failed)
{
    struct serve_figures *f = ctx;
    struct fig_minute *m;

    if (f->nminutes >= LIMIT_SERVE_MINUTES || strlen(minute) != 16)
        return 0;
    m = &f->minutes[f->nminutes++];
    memcpy(m->minute, minute, 17);
    m->sent = sent;
    m->accepted = accepted;
    m->failed = failed;
    return 0;
}

/* The figures of meta 'assess' (JSON written by assess). */
static void
fig_assess(struct serve_figures *f, const char *text)
{
    json_object *j = json_tokener_parse(text), *v;

    if (j == NULL)
        return;
    if (json_object_object_get_ex(j, "records", &v))
        f->records = (uint64_t)json_object_get_int64(v);
    if (json_object_object_get_ex(j, "persons", &v))
        f->persons = (uint64_t)json_object_get_int64(v);
    if (json_object_object_get_ex(j, "notices", &v))
        f->notices = (uint64_t)json_object_get_int64(v);
    if (json_object_object_get_ex(j, "persons_by_risk", &v) &&
        json_object_is_type(v, json_type_object)) {
        static const char *const level[4] = {NULL, "low", "medium", "high"};
        json_object *n;
        int k;

        for (k = 1; k < 4; k++)
            if (json_object_object_get_ex(v, level[k], &n))
                f->risks[k] = (uint64_t)json_object_get_int64(n);
        f->has_risks = 1;
    }
    if (json_object_object_get_ex(j, "assessed_at", &v) &&
        json_object_is_type(v, json_type_string))
        snprintf(f->assessed_at, sizeof(f->assessed_at), "%.24s",
                 json_object_get_string(v));
    f->assessed = 1;
    json_object_put(j);
}

/* Read every figure from the database into f. */
static int
fig_read(struct serve_ctx *x, struct serve_figures *f)
{
    struct buf meta;
    struct tm tm;
    time_t now = time(NULL);
    int rc;

    memset(f, 0, sizeof(*f));
    gmtime_r(&now, &tm);
    strftime(f->at, sizeof(f->at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* one snapshot for all of them */
    store_serve_release(x->q); /* the pages' shared read, if open */
    if ((rc = store_begin(x->store)) != TOCSIN_OK)
        return rc;
    if ((rc = store_msg_counts(x->store, f->states)) != TOCSIN_OK ||
        (rc = store_serve_by_brand(x->q, fig_brand_cb, f)) != TOCSIN_OK ||
        (rc = store_serve_domains(x->q, LIMIT_SERVE_DOMAINS, fig_domain_cb,
                                  f)) != TOCSIN_OK ||
        (rc = store_serve_minutes(x->q, LIMIT_SERVE_MINUTES, fig_minute_cb,
                                  f)) != TOCSIN_OK ||
        (rc = store_ingest_totals(x->store, &f->ingest)) != TOCSIN_OK)
        goto out;
    buf_init(&meta, 1u << 20);
    rc = store_meta_get(x->store, "assess", &meta);
    if (rc == TOCSIN_OK)
        fig_assess(f, buf_str(&meta));
    else if (rc == TOCSIN_ENOENT)
        rc = TOCSIN_OK;
    buf_free(&meta);
    /* an assess before persons_by_risk: count them */
    if (rc == TOCSIN_OK && !f->has_risks)
        rc = store_serve_risks(x->q, f->risks);
out:
    store_rollback(x->store); /* a read: nothing to keep */
    return rc;
}

/* The figures, read again when older than SERVE_DASH_CACHE_S: a copy into
 * out. */
static int
fig_get(struct serve *sv, struct serve_ctx *x, struct serve_figures *out)
{
    double now = clock_now();
    int rc = TOCSIN_OK;

    pthread_mutex_lock(&sv->dlock);
    if (sv->fig == NULL) {
        sv->fig = calloc(1, sizeof(*sv->fig));
        if (sv->fig == NULL) {
            pthread_mutex_unlock(&sv->dlock);
            return TOCSIN_ENOMEM;
        }
        sv->fig_at = -1e9;
    }
    if (now - sv->fig_at >= SERVE_DASH_CACHE_S) {
        rc = fig_read(x, sv->fig);
        if (rc == TOCSIN_OK)
            sv->fig_at = now;
    }
    if (rc == TOCSIN_OK)
        *out = *sv->fig;
    pthread_mutex_unlock(&sv->dlock);
    return rc;
}

void
serve_dash_free(struct serve *sv)
{
    free(sv->fig);
    sv->fig = NULL;
}

/* 401 or 403 (no token configured): 1 when the request may pass. */
static int
serve_dash_auth(struct serve *sv, const struct serve_request *rq, int lang,
                int metrics, struct serve_response *rs)
{
    int rc;

    if (!sv->have_token) {
        rs->status = 403;
        if (metrics) {
            rs->content_type = "text/plain; charset=utf-8";
            rc = buf_appends(&rs->body,
                             "The dashboard and /metrics are off: set "
                             "[serve] token in case.ini.\n");
        } else if ((rc = serve_page_begin(sv, &rs->body, lang, "Dashboard",
                                          "/dashboard")) == TOCSIN_OK &&
                   (rc = buf_printf(
                        &rs->body, "<h1>%s</h1>\n<p>%s</p>\n",
                        T("Het dashboard staat uit", "The dashboard is off"),
                        T("Deze case heeft geen geheim voor het dashboard. "
                          "Zet een token in case.ini, sectie [serve] "
                          "(token = 32 tot 256 tekens), en start tocsin "
                          "serve opnieuw.",
                          "This case has no secret for the dashboard. Put a "
                          "token into case.ini, section [serve] (token = 32 "
                          "to 256 characters), and restart tocsin serve."))) ==
                       TOCSIN_OK)
            rc = serve_page_end(sv, &rs->body, lang);
        if (rc != TOCSIN_OK)
            buf_reset(&rs->body);
        return 0;
    }
    if (serve_auth_ok(rq->authorization, sv->token_hash))
        return 1;
    serve_count(sv, SC_AUTH_FAILED);
    serve_page_error(sv, 401, lang, 0, rs);
    if (metrics) {
        buf_reset(&rs->body);
        rs->content_type = "text/plain; charset=utf-8";
        if (buf_appends(&rs->body, "401 Unauthorized\n") != TOCSIN_OK)
            buf_reset(&rs->body);
        rs->authenticate = "Bearer realm=\"tocsin metrics\"";
    } else {
        rs->authenticate =
            "Basic realm=\"tocsin dashboard\", charset=\"UTF-8\"";
    }
    return 0;
}

static const char *const serve_state_label[2][STORE_MSG_NSTATES] = {
    {"in de wachtrij", "onderweg", "afgeleverd", "uitgesteld", "mislukt",
     "onzeker"},
    {"queued", "in flight", "accepted", "deferred", "failed (bounced)",
     "uncertain"},
};

static int
dash_table_head(struct buf *b, const char *first, int lang)
{
    int rc, k;

    if ((rc = buf_printf(b, "<table>\n<tr><th>%s</th>", first)) != TOCSIN_OK)
        return rc;
    for (k = 0; k < STORE_MSG_NSTATES; k++)
        if ((rc = buf_printf(b, "<th>%s</th>", serve_state_label[lang][k])) !=
            TOCSIN_OK)
            return rc;
    return buf_appends(b, "</tr>\n");
}

static int
dash_row_counts(struct buf *b, const uint64_t *n)
{
    int rc, k;

    for (k = 0; k < STORE_MSG_NSTATES; k++)
        if ((rc = buf_printf(b, "<td>%llu</td>", (unsigned long long)n[k])) !=
            TOCSIN_OK)
            return rc;
    return buf_appends(b, "</tr>\n");
}

/* Minutes since the epoch of "YYYY-MM-DDTHH:MM". */
static long long
dash_minute(const char *m)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = (int)strtol(m, NULL, 10) - 1900;
    tm.tm_mon = (int)strtol(m + 5, NULL, 10) - 1;
    tm.tm_mday = (int)strtol(m + 8, NULL, 10);
    tm.tm_hour = (int)strtol(m + 11, NULL, 10);
    tm.tm_min = (int)strtol(m + 14, NULL, 10);
    return (long long)timegm(&tm) / 60;
}

/* The rate over time: bars per minute, inline SVG (styled by classes). */
static int
dash_chart(struct buf *b, const struct serve_figures *f, int lang)
{
    const int w = 720, h = 200, left = 48, bottom = 24, top = 10;
    const int slots = LIMIT_SERVE_MINUTES;
    double bw = (double)(w - left - 8) / slots;
    long long last, first;
    uint64_t max = 1;
    size_t i;
    int rc;

    if (f->nminutes == 0)
        return buf_printf(
            b, "<p>%s</p>\n",
            T("Nog geen berichten verstuurd.", "No messages sent yet."));
    for (i = 0; i < f->nminutes; i++) {
        if (f->minutes[i].sent > max)
            max = f->minutes[i].sent;
        if (f->minutes[i].accepted + f->minutes[i].failed > max)
            max = f->minutes[i].accepted + f->minutes[i].failed;
    }
    last = dash_minute(f->minutes[f->nminutes - 1].minute);
    first = last - slots + 1;
    if ((rc = buf_printf(
             b,
             "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
             "aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">\n"
             "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
             "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n"
             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu</text>"
             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
             w, h, T("Berichten per minuut", "Messages per minute"), left,
             h - bottom, w - 4, h - bottom, left, top, left, h - bottom,
             left - 4, top + 10, (unsigned long long)max, left - 4,
             h - bottom)) != TOCSIN_OK)
        return rc;
    for (i = 0; i < f->nminutes; i++) {
        const struct fig_minute *m = &f->minutes[i];
        long long slot = dash_minute(m->minute) - first;
        double x = left + (double)slot * bw, avail = h - bottom - top;
        double hs = avail * (double)m->sent / (double)max;
        double ha = avail * (double)m->accepted / (double)max;
        double hf = avail * (double)m->failed / (double)max;

        if (slot < 0 || slot >= slots)
            continue;
        if ((rc = buf_printf(
                 b,
                 "<g><title>%s UTC: %llu %s, %llu %s, %llu %s</title>"
                 "<rect class=\"bar-sent\" x=\"%.1f\" y=\"%.1f\" "
                 "width=\"%.1f\" height=\"%.1f\"/>"
                 "<rect class=\"bar-accepted\" x=\"%.1f\" y=\"%.1f\" "
                 "width=\"%.1f\" height=\"%.1f\"/>"
                 "<rect class=\"bar-failed\" x=\"%.1f\" y=\"%.1f\" "
                 "width=\"%.1f\" height=\"%.1f\"/></g>\n",
                 m->minute + 11, (unsigned long long)m->sent,
                 T("verstuurd", "sent"), (unsigned long long)m->accepted,
                 T("afgeleverd", "accepted"), (unsigned long long)m->failed,
                 T("mislukt", "failed"), x + 0.5, h - bottom - hs,
                 bw / 2 - 0.5, hs, x + bw / 2, h - bottom - ha - hf,
                 bw / 2 - 0.5, ha, x + bw / 2, h - bottom - hf, bw / 2 - 0.5,
                 hf)) != TOCSIN_OK)
            return rc;
    }
    {
        char a[8], z[8];
        time_t t0 = (time_t)(first * 60), t1 = (time_t)(last * 60);
        struct tm tm;

        gmtime_r(&t0, &tm);
        strftime(a, sizeof(a), "%H:%M", &tm);
        gmtime_r(&t1, &tm);
        strftime(z, sizeof(z), "%H:%M", &tm);
        rc = buf_printf(b,
                        "<text x=\"%d\" y=\"%d\">%s</text>"
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s "
                        "UTC</text>\n</svg>\n"
                        "<p class=\"legend\"><span class=\"k-sent\">%s</span>"
                        "<span class=\"k-accepted\">%s</span>"
                        "<span class=\"k-failed\">%s</span></p>\n",
                        left, h - 6, a, w - 4, h - 6, z,
                        T("verstuurd", "handed over"),
                        T("afgeleverd", "accepted"), T("mislukt", "failed"));
    }
    return rc;
}

static int
dash_figure(struct buf *b, const char *label, uint64_t n)
{
    return buf_printf(b, "<div class=\"figure\"><b>%llu</b>%s</div>",
                      (unsigned long long)n, label);
}

static uint64_t
serve_get(struct serve *sv, enum serve_counter k)
{
    return (uint64_t)atomic_load(&sv->count[k]);
}

static int
dash_html(struct serve *sv, const struct serve_figures *f, int lang,
          struct buf *b)
{
    char date[64];
    size_t i;
    int rc, k;

    serve_date(f->at, lang, date, sizeof(date));
    if ((rc = serve_page_begin(sv, b, lang,
                               T("Incidentdashboard", "Incident dashboard"),
                               "/dashboard")) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h1>%s</h1>\n<p>%s %s. %s</p>\n",
                         T("Incidentdashboard", "Incident dashboard"),
                         T("Stand van", "Figures of"), date,
                         T("Herlaad de pagina voor nieuwe cijfers.",
                           "Reload the page for new figures."))) !=
            TOCSIN_OK ||
        (rc = buf_printf(b, "<h2>%s</h2>\n<div class=\"figures\">",
                         T("Berichten", "Messages"))) != TOCSIN_OK)
        return rc;
    for (k = 0; k < STORE_MSG_NSTATES; k++)
        if ((rc = dash_figure(b, serve_state_label[lang][k], f->states[k])) !=
            TOCSIN_OK)
            return rc;
    if ((rc = buf_printf(b, "</div>\n<h3>%s</h3>\n",
                         T("Per merk", "Per brand"))) != TOCSIN_OK ||
        (rc = dash_table_head(b, T("Merk", "Brand"), lang)) != TOCSIN_OK)
        return rc;
    for (i = 0; i < f->nbrands; i++) {
        const struct fig_brand *br = &f->brands[i];
        const struct config_brand *cb = config_brand(sv->cfg, br->brand);

        if ((rc = buf_appends(b, "<tr><td>")) != TOCSIN_OK ||
            (rc = serve_html(b, cb != NULL ? cb->display_name
                                           : T("(geen merk)",
                                               "(no brand)"))) != TOCSIN_OK ||
            (rc = buf_printf(b, " (%s)</td>",
                             br->kind == STORE_MSG_ANSWER
                                 ? T("antwoorden", "answers")
                                 : T("berichten", "notices"))) != TOCSIN_OK ||
            (rc = dash_row_counts(b, br->n)) != TOCSIN_OK)
            return rc;
    }
    if ((rc = buf_printf(b, "</table>\n<h3>%s</h3>\n",
                         T("Per domein van de ontvanger (top 10)",
                           "Per recipient domain (top 10)"))) != TOCSIN_OK ||
        (rc = dash_table_head(b, T("Domein", "Domain"), lang)) != TOCSIN_OK)
        return rc;
    for (i = 0; i < f->ndomains; i++)
        if ((rc = buf_appends(b, "<tr><td>")) != TOCSIN_OK ||
            (rc = serve_html(b, f->domains[i].domain)) != TOCSIN_OK ||
            (rc = buf_appends(b, "</td>")) != TOCSIN_OK ||
            (rc = dash_row_counts(b, f->domains[i].n)) != TOCSIN_OK)
            return rc;
    if ((rc = buf_printf(b, "</table>\n<h3>%s</h3>\n",
                         T("Tempo per minuut (laatste uur met activiteit)",
                           "Rate per minute (the last hour with "
                           "activity)"))) != TOCSIN_OK ||
        (rc = dash_chart(b, f, lang)) != TOCSIN_OK)
        return rc;
    if ((rc = buf_printf(b, "<h2>%s</h2>\n<div class=\"figures\">",
                         T("Rapport", "Report"))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("bestanden", "files"), f->ingest.sources)) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("rijen gelezen", "rows read"),
                          f->ingest.rows_read)) != TOCSIN_OK ||
        (rc = dash_figure(b, T("records", "records"), f->ingest.accepted)) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("afgewezen rijen", "rejected rows"),
                          f->ingest.rejected)) != TOCSIN_OK ||
        (rc = dash_figure(b, T("personen", "persons"), f->persons)) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("berichten nodig", "notices needed"),
                          f->notices)) != TOCSIN_OK ||
        (rc = dash_figure(b, T("hoog risico", "high risk"), f->risks[3])) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("middel risico", "medium risk"),
                          f->risks[2])) != TOCSIN_OK ||
        (rc = dash_figure(b, T("laag risico", "low risk"), f->risks[1])) !=
            TOCSIN_OK ||
        (rc = buf_printf(b, "</div>\n<p>%s</p>\n",
                         f->assessed ? T("Uit de laatste tocsin assess.",
                                         "From the last tocsin assess.")
                                     : T("Nog niet beoordeeld: draai tocsin "
                                         "assess.",
                                         "Not assessed yet: run tocsin "
                                         "assess."))) != TOCSIN_OK)
        return rc;
    if ((rc = buf_printf(b, "<h2>%s</h2>\n<div class=\"figures\">",
                         T("Deze webdienst (sinds de start)",
                           "This web service (since it started)"))) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("codes echt", "codes genuine"),
                          serve_get(sv, SC_VERIFY_GENUINE))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("codes niet van ons", "codes not ours"),
                          serve_get(sv, SC_VERIFY_NOT_ISSUED))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("typefouten", "typos"),
                          serve_get(sv, SC_VERIFY_TYPO))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("opzoekingen", "lookups"),
                          serve_get(sv, SC_LOOKUP_ACCEPTED))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("begrensd", "rate-limited"),
                          serve_get(sv, SC_LOOKUP_LIMITED_CLIENT) +
                              serve_get(sv, SC_LOOKUP_LIMITED_ADDRESS))) !=
            TOCSIN_OK ||
        (rc = dash_figure(b, T("antwoorden klaargezet", "answers queued"),
                          serve_get(sv, SC_ANSWERS_QUEUED))) != TOCSIN_OK ||
        (rc = dash_figure(b, T("antwoorden verstuurd", "answers sent"),
                          serve_get(sv, SC_ANSWERS_SENT))) != TOCSIN_OK ||
        (rc = buf_appends(b, "</div>\n")) != TOCSIN_OK)
        return rc;
    return serve_page_end(sv, b, lang);
}

int
serve_dashboard(struct serve *sv, struct serve_ctx *x,
                const struct serve_request *rq, int lang,
                struct serve_response *rs)
{
    struct serve_figures *f;
    int rc;

    if (!serve_dash_auth(sv, rq, lang, 0, rs))
        return TOCSIN_OK;
    f = malloc(sizeof(*f));
    if (f == NULL)
        return TOCSIN_ENOMEM;
    rc = fig_get(sv, x, f);
    if (rc == TOCSIN_OK) {
        rs->status = 200;
        rc = dash_html(sv, f, lang, &rs->body);
    }
    free(f);
    return rc;
}

/* One sample line: name{labels} value. */
static int
metric(struct buf *b, const char *name, const char *labels, uint64_t v)
{
    return buf_printf(b, "%s%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
                      labels[0] ? "}" : "", (unsigned long long)v);
}

static int
metric_head(struct buf *b, const char *name, const char *type,
            const char *help)
{
    return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                      type);
}

int
serve_metrics(struct serve *sv, struct serve_ctx *x,
              const struct serve_request *rq, struct serve_response *rs)
{
    static const struct {
        enum serve_counter k;
        const char *name, *labels;
    } counters[] = {
        {SC_VERIFY_GENUINE, "tocsin_serve_verify_total", "result=\"genuine\""},
        {SC_VERIFY_MSGID, "tocsin_serve_verify_total",
         "result=\"genuine_message_id\""},
        {SC_VERIFY_NOT_ISSUED, "tocsin_serve_verify_total",
         "result=\"not_issued\""},
        {SC_VERIFY_TYPO, "tocsin_serve_verify_total", "result=\"typo\""},
        {SC_VERIFY_MALFORMED, "tocsin_serve_verify_total",
         "result=\"malformed\""},
        {SC_LOOKUP_ACCEPTED, "tocsin_serve_lookups_total",
         "result=\"accepted\""},
        {SC_LOOKUP_INVALID, "tocsin_serve_lookups_total",
         "result=\"invalid\""},
        {SC_LOOKUP_PHONE, "tocsin_serve_lookups_total", "result=\"phone\""},
        {SC_LOOKUP_LIMITED_CLIENT, "tocsin_serve_lookups_total",
         "result=\"limited_client\""},
        {SC_LOOKUP_LIMITED_ADDRESS, "tocsin_serve_lookups_total",
         "result=\"limited_address\""},
        {SC_LOOKUP_BUSY, "tocsin_serve_lookups_total", "result=\"busy\""},
    };
    struct serve_figures *f;
    struct buf *b = &rs->body;
    char labels[128];
    size_t i;
    int rc, k;

    if (!serve_dash_auth(sv, rq, SERVE_EN, 1, rs))
        return TOCSIN_OK;
    f = malloc(sizeof(*f));
    if (f == NULL)
        return TOCSIN_ENOMEM;
    if ((rc = fig_get(sv, x, f)) != TOCSIN_OK)
        goto out;
    rs->status = 200;
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
    if ((rc = metric_head(b, "tocsin_messages", "gauge",
                          "Messages in the journal by state.")) != TOCSIN_OK)
        goto out;
    for (k = 0; k < STORE_MSG_NSTATES; k++) {
        snprintf(labels, sizeof(labels), "state=\"%s\"",
                 store_msg_state_name(k));
        if ((rc = metric(b, "tocsin_messages", labels, f->states[k])) !=
            TOCSIN_OK)
            goto out;
    }
    if ((rc = metric_head(b, "tocsin_messages_brand", "gauge",
                          "Messages by brand, kind and state.")) != TOCSIN_OK)
        goto out;
    for (i = 0; i < f->nbrands; i++)
        for (k = 0; k < STORE_MSG_NSTATES; k++) {
            /* brand ids are a-z 0-9 _ - (config.c): no escaping needed */
            snprintf(
                labels, sizeof(labels),
                "brand=\"%s\",kind=\"%s\",state=\"%s\"", f->brands[i].brand,
                f->brands[i].kind == STORE_MSG_ANSWER ? "answer" : "notice",
                store_msg_state_name(k));
            if ((rc = metric(b, "tocsin_messages_brand", labels,
                             f->brands[i].n[k])) != TOCSIN_OK)
                goto out;
        }
    if ((rc = metric_head(b, "tocsin_ingest_rows", "gauge",
                          "Rows of the finished export files.")) !=
            TOCSIN_OK ||
        (rc = metric(b, "tocsin_ingest_rows", "result=\"read\"",
                     f->ingest.rows_read)) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_ingest_rows", "result=\"accepted\"",
                     f->ingest.accepted)) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_ingest_rows", "result=\"rejected\"",
                     f->ingest.rejected)) != TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_exposed_persons", "gauge",
                          "Exposed persons by risk.")) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_exposed_persons", "risk=\"low\"",
                     f->risks[1])) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_exposed_persons", "risk=\"medium\"",
                     f->risks[2])) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_exposed_persons", "risk=\"high\"",
                     f->risks[3])) != TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_notices_needed", "gauge",
                          "Notices assess asked for.")) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_notices_needed", "", f->notices)) !=
            TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_serve_requests_total", "counter",
                          "HTTP requests answered.")) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_requests_total", "",
                     serve_get(sv, SC_REQUESTS))) != TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_serve_verify_total", "counter",
                          "Verification requests by result.")) != TOCSIN_OK)
        goto out;
    for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        if (i == 5 && (rc = metric_head(
                           b, "tocsin_serve_lookups_total", "counter",
                           "Am-I-affected requests by result.")) != TOCSIN_OK)
            goto out;
        if ((rc = metric(b, counters[i].name, counters[i].labels,
                         serve_get(sv, counters[i].k))) != TOCSIN_OK)
            goto out;
    }
    pthread_mutex_lock(&sv->qlock);
    k = (int)sv->qlen;
    pthread_mutex_unlock(&sv->qlock);
    if ((rc = metric_head(b, "tocsin_serve_lookup_queue", "gauge",
                          "Lookups waiting for the worker.")) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_lookup_queue", "", (uint64_t)k)) !=
            TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_serve_answers_total", "counter",
                          "Answers to lookups by what became of them.")) !=
            TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_answers_total", "result=\"queued\"",
                     serve_get(sv, SC_ANSWERS_QUEUED))) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_answers_total", "result=\"sent\"",
                     serve_get(sv, SC_ANSWERS_SENT))) != TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_answers_total", "result=\"failed\"",
                     serve_get(sv, SC_ANSWERS_FAILED))) != TOCSIN_OK ||
        (rc = metric_head(b, "tocsin_serve_auth_failures_total", "counter",
                          "Dashboard and metrics requests refused.")) !=
            TOCSIN_OK ||
        (rc = metric(b, "tocsin_serve_auth_failures_total", "",
                     serve_get(sv, SC_AUTH_FAILED))) != TOCSIN_OK)
        goto out;
out:
    free(f);
    return rc;
}
