/*
 * render_check.c - check a report object against docs/report.md before a
 * renderer reads it, naming the first member that is missing or wrong.
 *
 * The schema below is docs/report.md, version 1, member by member. Members
 * it does not list are ignored (later versions add fields).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "render_int.h"

#include "../util/error.h"
#include "../util/limits.h"

enum vtype {
    V_STR,     /* string */
    V_STRN,    /* string or null */
    V_ID,      /* string or integer */
    V_DATEN,   /* "YYYY-MM-DD" or null */
    V_TIME,    /* "YYYY-MM-DDTHH:MM:SSZ" */
    V_INT,     /* integer >= 0 */
    V_INTN,    /* integer or null */
    V_NUM,     /* number */
    V_NUMN,    /* number or null */
    V_BOOL,    /* boolean */
    V_BOOLN,   /* boolean or null */
    V_COUNT,   /* integer >= 0 or "< N" */
    V_OBJ,     /* object with members sub */
    V_ARR,     /* array of objects with members sub */
    V_STRS,    /* array of strings */
    V_COUNTS,  /* object of any keys, each a count */
    V_FORMAT,  /* "tocsin-report" */
    V_VERSION, /* 1 */
    V_LANG,    /* "nl" or "en" */
    V_SMALL,   /* integer >= 1 */
};

struct member {
    const char *key;
    enum vtype type;
    const struct member *sub;
};

#define END                                                                   \
    {                                                                         \
        NULL, V_STR, NULL                                                     \
    }

static const struct member case_m[] = {
    {"id", V_ID, NULL},
    {"assessed_at", V_STRN, NULL},
    {"resolved_at", V_STRN, NULL},
    END,
};

static const struct member timeline_m[] = {
    {"occurred", V_DATEN, NULL},
    {"detected", V_DATEN, NULL},
    {"contained", V_DATEN, NULL},
    {"authority_notified", V_DATEN, NULL},
    {"hours_to_notify", V_INTN, NULL},
    {"within_72_hours", V_BOOLN, NULL},
    END,
};

static const struct member incident_m[] = {
    {"name", V_STRN, NULL},
    {"organisation", V_STRN, NULL},
    {"description", V_STRN, NULL},
    {"consequences", V_STRN, NULL},
    {"measures", V_STRN, NULL},
    {"timeline", V_OBJ, timeline_m},
    END,
};

static const struct member dpo_m[] = {
    {"name", V_STRN, NULL},
    {"email", V_STRN, NULL},
    {"phone", V_STRN, NULL},
    {"address", V_STRN, NULL},
    END,
};

static const struct member range_m[] = {
    {"low", V_COUNT, NULL},
    {"high", V_COUNT, NULL},
    END,
};

static const struct member input_m[] = {
    {"sources", V_INT, NULL},
    {"rows_read", V_COUNT, NULL},
    {"accepted", V_COUNT, NULL},
    {"rejected", V_COUNT, NULL},
    END,
};

static const struct member resolution_m[] = {
    {"threshold", V_NUM, NULL},
    {"persons_with_several_records", V_COUNT, NULL},
    {"persons_in_several_brands", V_COUNT, NULL},
    {"uncertain_joins", V_INT, NULL},
    {"refused_links", V_INT, NULL},
    {"lowest_confidence", V_NUMN, NULL},
    END,
};

static const struct member category_m[] = {
    {"name", V_STR, NULL},
    {"taken", V_BOOL, NULL},
    {"data_subjects", V_COUNT, NULL},
    {"records", V_COUNT, NULL},
    END,
};

static const struct member rule_m[] = {
    {"name", V_STR, NULL},
    {"level", V_STR, NULL},
    {"when", V_STR, NULL},
    {"data_subjects", V_COUNT, NULL},
    END,
};

static const struct member levels_m[] = {
    {"high", V_COUNT, NULL},
    {"medium", V_COUNT, NULL},
    {"low", V_COUNT, NULL},
    END,
};

static const struct member risk_m[] = {
    {"high", V_COUNT, NULL},
    {"medium", V_COUNT, NULL},
    {"low", V_COUNT, NULL},
    {"rules", V_ARR, rule_m},
    END,
};

static const struct member topic_m[] = {
    {"topic", V_STR, NULL},
    {"data_subjects", V_COUNT, NULL},
    END,
};

static const struct member bsn_in_m[] = {
    {"national_id", V_COUNT, NULL},
    {"vat_number", V_COUNT, NULL},
    {"notes", V_COUNT, NULL},
    END,
};

static const struct member retention_m[] = {
    {"months", V_INT, NULL},
    {"records", V_COUNT, NULL},
    {"data_subjects", V_COUNT, NULL},
    END,
};

static const struct member special_m[] = {
    {"minor_age", V_INT, NULL},
    {"minors", V_COUNT, NULL},
    {"sensitive_notes", V_COUNT, NULL},
    {"sensitive_topics", V_ARR, topic_m},
    {"national_id", V_COUNT, NULL},
    {"national_id_in", V_OBJ, bsn_in_m},
    {"valid_id_documents", V_COUNT, NULL},
    {"ex_customers", V_COUNT, NULL},
    {"past_retention", V_OBJ, retention_m},
    END,
};

static const struct member why_m[] = {
    {"why", V_STR, NULL},
    {"notices", V_COUNT, NULL},
    END,
};

static const struct member reach_m[] = {
    {"email", V_COUNT, NULL},
    {"letter", V_COUNT, NULL},
    {"sms", V_COUNT, NULL},
    {"unreachable", V_COUNT, NULL},
    {"personal_contact", V_COUNT, NULL},
    {"guardian", V_COUNT, NULL},
    {"unreachable_why", V_ARR, why_m},
    END,
};

static const struct member channels_m[] = {
    {"email", V_COUNT, NULL},
    {"letter", V_COUNT, NULL},
    {"sms", V_COUNT, NULL},
    {"unreachable", V_COUNT, NULL},
    END,
};

static const struct member brand_m[] = {
    {"id", V_STR, NULL},
    {"name", V_STR, NULL},
    {"data_subjects", V_COUNT, NULL},
    {"records", V_COUNT, NULL},
    {"categories", V_COUNTS, NULL},
    {"risk", V_OBJ, levels_m},
    {"reachability", V_OBJ, channels_m},
    {"minors", V_COUNT, NULL},
    {"sensitive_notes", V_COUNT, NULL},
    {"national_id", V_COUNT, NULL},
    {"past_retention_records", V_COUNT, NULL},
    END,
};

static const struct member contact_m[] = {
    {"naam", V_STRN, NULL},
    {"email", V_STRN, NULL},
    {"telefoon", V_STRN, NULL},
    END,
};

static const struct member aantal_m[] = {
    {"minimaal", V_COUNT, NULL},
    {"maximaal", V_COUNT, NULL},
    END,
};

static const struct member inform_m[] = {
    {"email", V_COUNT, NULL},
    {"brief", V_COUNT, NULL},
    {"sms", V_COUNT, NULL},
    {"onbereikbaar", V_COUNT, NULL},
    END,
};

static const struct member meld_m[] = {
    {"organisatie", V_STRN, NULL},
    {"contactpersoon", V_OBJ, contact_m},
    {"samenvatting", V_STRN, NULL},
    {"aard", V_STRS, NULL},
    {"datum_begin", V_DATEN, NULL},
    {"datum_einde", V_DATEN, NULL},
    {"datum_ontdekt", V_DATEN, NULL},
    {"datum_gemeld", V_DATEN, NULL},
    {"aantal_betrokkenen", V_OBJ, aantal_m},
    {"groepen_betrokkenen", V_STRS, NULL},
    {"soort_gegevens", V_STRS, NULL},
    {"bijzondere_gegevens", V_STRS, NULL},
    {"bsn", V_BOOL, NULL},
    {"gevolgen", V_STRN, NULL},
    {"maatregelen", V_STRN, NULL},
    {"betrokkenen_informeren", V_OBJ, inform_m},
    END,
};

static const struct member report_m[] = {
    {"format", V_FORMAT, NULL},        {"version", V_VERSION, NULL},
    {"generated_at", V_TIME, NULL},    {"language", V_LANG, NULL},
    {"small_count", V_SMALL, NULL},    {"case", V_OBJ, case_m},
    {"incident", V_OBJ, incident_m},   {"dpo", V_OBJ, dpo_m},
    {"data_subjects", V_COUNT, NULL},  {"data_subjects_range", V_OBJ, range_m},
    {"records", V_COUNT, NULL},        {"notices", V_COUNT, NULL},
    {"input", V_OBJ, input_m},         {"resolution", V_OBJ, resolution_m},
    {"categories", V_ARR, category_m}, {"not_taken", V_STRS, NULL},
    {"risk", V_OBJ, risk_m},           {"special", V_OBJ, special_m},
    {"reachability", V_OBJ, reach_m},  {"brands", V_ARR, brand_m},
    {"meldformulier", V_OBJ, meld_m},  END,
};

/* The path of the member being checked, for messages. */
struct path {
    char s[256];
    size_t len;
};

static size_t
path_push(struct path *p, const char *key, size_t index, int is_index)
{
    size_t old = p->len;
    int n;

    if (is_index)
        n = snprintf(p->s + p->len, sizeof(p->s) - p->len, "[%zu]", index);
    else
        n = snprintf(p->s + p->len, sizeof(p->s) - p->len, "%s%s",
                     p->len ? "." : "", key);
    if (n > 0 && (size_t)n < sizeof(p->s) - p->len)
        p->len += (size_t)n;
    else
        p->s[p->len] = '\0'; /* deeper than any documented path: cut */
    return old;
}

static void
path_pop(struct path *p, size_t old)
{
    p->len = old;
    p->s[old] = '\0';
}

/* Report problem what at p; returns status. */
static int
fail(struct buf *why, const struct path *p, int status, const char *what)
{
    if (why) {
        buf_reset(why);
        if (buf_printf(why, "%s: %s", p->len ? p->s : "report", what) != 0)
            buf_reset(why);
    }
    return status;
}

static int
is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY-MM-DD" with a real day at the start of s. */
static int
valid_date(const char *s, size_t len)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (len < 10 || !is_digits(s, 4) || s[4] != '-' || !is_digits(s + 5, 2) ||
        s[7] != '-' || !is_digits(s + 8, 2))
        return 0;
    y = num2(s) * 100 + num2(s + 2);
    m = num2(s + 5);
    d = num2(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    return 1;
}

static int
valid_time(const char *s, size_t len)
{
    return len == 20 && valid_date(s, 10) && s[10] == 'T' &&
           is_digits(s + 11, 2) && s[13] == ':' && is_digits(s + 14, 2) &&
           s[16] == ':' && is_digits(s + 17, 2) && s[19] == 'Z' &&
           num2(s + 11) < 24 && num2(s + 14) < 60 && num2(s + 17) < 61;
}

static int
check_text(const struct json_object *v, struct buf *why, const struct path *p)
{
    if (json_object_get_string_len(v) > (int)LIMIT_REPORT_TEXT)
        return fail(why, p, TOCSIN_ELIMIT, "text over LIMIT_REPORT_TEXT");
    return 0;
}

static int
check_count(const struct json_object *v, struct buf *why, const struct path *p)
{
    const char *s;
    int len;

    if (json_object_is_type(v, json_type_int)) {
        if (json_object_get_int64(v) < 0)
            return fail(why, p, TOCSIN_EINVAL, "a count may not be negative");
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return fail(why, p, TOCSIN_EINVAL,
                    "expected a count (an integer or \"< N\")");
    s = json_object_get_string((struct json_object *)v);
    len = json_object_get_string_len(v);
    if (len > LIMIT_REPORT_COUNT)
        return fail(why, p, TOCSIN_ELIMIT, "count string too long");
    if (len < 2 || s[0] != '<')
        return fail(why, p, TOCSIN_EINVAL,
                    "a count string must look like \"< N\"");
    return 0;
}

static int check_object(const struct json_object *o,
                        const struct member *schema, struct buf *why,
                        struct path *p);

static int
check_value(const struct json_object *v, const struct member *m,
            struct buf *why, struct path *p)
{
    enum json_type t = json_object_get_type(v);
    const char *s = NULL;
    int len = 0;
    size_t n, i, old;
    int rc;

    if (t == json_type_string) {
        s = json_object_get_string((struct json_object *)v);
        len = json_object_get_string_len(v);
    }
    switch (m->type) {
    case V_STR:
        if (t != json_type_string)
            return fail(why, p, TOCSIN_EINVAL, "expected a string");
        return check_text(v, why, p);
    case V_STRN:
        if (t == json_type_null)
            return 0;
        if (t != json_type_string)
            return fail(why, p, TOCSIN_EINVAL, "expected a string or null");
        return check_text(v, why, p);
    case V_ID:
        if (t == json_type_int)
            return 0;
        if (t != json_type_string)
            return fail(why, p, TOCSIN_EINVAL,
                        "expected a string or an integer");
        return check_text(v, why, p);
    case V_DATEN:
        if (t == json_type_null)
            return 0;
        if (t != json_type_string || len != 10 || !valid_date(s, 10))
            return fail(why, p, TOCSIN_EINVAL,
                        "expected a date YYYY-MM-DD or null");
        return 0;
    case V_TIME:
        if (t != json_type_string || !valid_time(s, (size_t)len))
            return fail(why, p, TOCSIN_EINVAL,
                        "expected a UTC time YYYY-MM-DDTHH:MM:SSZ");
        return 0;
    case V_INT:
        if (t != json_type_int || json_object_get_int64(v) < 0)
            return fail(why, p, TOCSIN_EINVAL, "expected an integer >= 0");
        return 0;
    case V_INTN:
        if (t != json_type_int && t != json_type_null)
            return fail(why, p, TOCSIN_EINVAL, "expected an integer or null");
        return 0;
    case V_NUM:
        if (t != json_type_int && t != json_type_double)
            return fail(why, p, TOCSIN_EINVAL, "expected a number");
        return 0;
    case V_NUMN:
        if (t != json_type_int && t != json_type_double && t != json_type_null)
            return fail(why, p, TOCSIN_EINVAL, "expected a number or null");
        return 0;
    case V_BOOL:
        if (t != json_type_boolean)
            return fail(why, p, TOCSIN_EINVAL, "expected true or false");
        return 0;
    case V_BOOLN:
        if (t != json_type_boolean && t != json_type_null)
            return fail(why, p, TOCSIN_EINVAL, "expected true, false or null");
        return 0;
    case V_COUNT:
        return check_count(v, why, p);
    case V_OBJ:
        if (t != json_type_object)
            return fail(why, p, TOCSIN_EINVAL, "expected an object");
        return check_object(v, m->sub, why, p);
    case V_ARR:
    case V_STRS:
        if (t != json_type_array)
            return fail(why, p, TOCSIN_EINVAL, "expected an array");
        n = json_object_array_length(v);
        if (n > LIMIT_REPORT_ITEMS)
            return fail(why, p, TOCSIN_ELIMIT,
                        "more elements than LIMIT_REPORT_ITEMS");
        for (i = 0; i < n; i++) {
            const struct json_object *e = json_object_array_get_idx(v, i);

            old = path_push(p, NULL, i, 1);
            if (m->type == V_ARR) {
                if (!json_object_is_type(e, json_type_object))
                    rc = fail(why, p, TOCSIN_EINVAL, "expected an object");
                else
                    rc = check_object(e, m->sub, why, p);
            } else if (!json_object_is_type(e, json_type_string)) {
                rc = fail(why, p, TOCSIN_EINVAL, "expected a string");
            } else {
                rc = check_text(e, why, p);
            }
            if (rc != 0)
                return rc;
            path_pop(p, old);
        }
        return 0;
    case V_COUNTS: {
        if (t != json_type_object)
            return fail(why, p, TOCSIN_EINVAL, "expected an object");
        if (json_object_object_length(v) > (int)LIMIT_REPORT_ITEMS)
            return fail(why, p, TOCSIN_ELIMIT,
                        "more members than LIMIT_REPORT_ITEMS");
        json_object_object_foreach((struct json_object *)v, key, val)
        {
            char safe[65];
            size_t k;

            /* The key is input: name it with only [a-z0-9_]. */
            for (k = 0; key[k] && k < sizeof(safe) - 1; k++)
                safe[k] = (key[k] >= 'a' && key[k] <= 'z') ||
                                  (key[k] >= '0' && key[k] <= '9') ||
                                  key[k] == '_'
                              ? key[k]
                              : '?';
            safe[k] = '\0';
            old = path_push(p, safe, 0, 0);
            if (val == NULL)
                rc = fail(why, p, TOCSIN_EINVAL, "expected a count");
            else
                rc = check_count(val, why, p);
            if (rc != 0)
                return rc;
            path_pop(p, old);
        }
        return 0;
    }
    case V_FORMAT:
        if (t != json_type_string || strcmp(s, "tocsin-report") != 0)
            return fail(why, p, TOCSIN_EINVAL, "expected \"tocsin-report\"");
        return 0;
    case V_VERSION:
        if (t != json_type_int || json_object_get_int64(v) != 1)
            return fail(why, p, TOCSIN_EINVAL,
                        "expected 1 (the version this program renders)");
        return 0;
    case V_LANG:
        if (t != json_type_string ||
            (strcmp(s, "nl") != 0 && strcmp(s, "en") != 0))
            return fail(why, p, TOCSIN_EINVAL, "expected \"nl\" or \"en\"");
        return 0;
    case V_SMALL:
        if (t != json_type_int || json_object_get_int64(v) < 1)
            return fail(why, p, TOCSIN_EINVAL, "expected an integer >= 1");
        return 0;
    }
    return fail(why, p, TOCSIN_EINVAL, "unknown member type");
}

static int
check_object(const struct json_object *o, const struct member *schema,
             struct buf *why, struct path *p)
{
    const struct member *m;
    struct json_object *v;
    size_t old;
    int rc;

    for (m = schema; m->key != NULL; m++) {
        old = path_push(p, m->key, 0, 0);
        if (!json_object_object_get_ex(o, m->key, &v))
            return fail(why, p, TOCSIN_EINVAL, "missing");
        rc = check_value(v, m, why, p);
        if (rc != 0)
            return rc;
        path_pop(p, old);
    }
    return 0;
}

int
render_check(const struct json_object *r, struct buf *why)
{
    struct path p;

    p.len = 0;
    p.s[0] = '\0';
    if (r == NULL || !json_object_is_type(r, json_type_object))
        return fail(why, &p, TOCSIN_EINVAL, "expected a JSON object");
    return check_object(r, report_m, why, &p);
}
