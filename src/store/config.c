/*
 * config.c - case.ini: read with inih, checked key by key.
 *
 * inih is fed through our own line reader, for three reasons:
 *  - inih cuts lines longer than its buffer and parses the rest as a new
 *    line; the reader refuses such a line instead, with its number;
 *  - the reader counts the lines itself and sees each raw line, so every
 *    message names the right line and sections are known even when empty
 *    (inih does not report section headers to the handler, and truncates
 *    long section names);
 *  - inih (as Debian builds it) joins an indented line to the value of the
 *    key above it, Python-configparser style. An indented "key = value" would
 *    then vanish into the previous value. Here only the free-text keys
 *    (description, measures, consequences, address) and the term lists of
 *    [sensitive LANG] take continuation lines, free text joined with a
 *    newline, and an indented line that looks like a key is refused.
 * The first error wins: parsing stops there and its message is kept.
 *
 * [risk] and [sensitive LANG] have keys the file names itself (rules,
 * topics); they are handled apart from the fixed keys of the other
 * sections, and their built-in defaults are parsed from text by the same
 * code as the file's, so the two cannot differ in meaning.
 */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <ini.h>
#include <utf8proc.h>

#include "field.h"

#include "../util/fsutil.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/utf8.h"

const char *const config_categories[] = {
    "name",        "customer_number",
    "address",     "phone",
    "email",       "iban",
    "birth_date",  "id_document",
    "national_id", "vat_number",
    "notes",       "extra",
    "password",    "call_records",
    "location",    "invoices",
    "id_scan",     "subscription",
    "contract",    NULL,
};

/* How a value is checked and stored. */
enum cfg_type {
    CFG_STR,    /* one line of text */
    CFG_TEXT,   /* text that may go on over indented lines */
    CFG_DATE,   /* YYYY-MM-DD */
    CFG_EMAIL,  /* local@domain */
    CFG_FROM,   /* local@domain or Name <local@domain> */
    CFG_LANG,   /* nl or en */
    CFG_INT,    /* decimal in [min, max], stored in an int */
    CFG_URL,    /* http(s)://... */
    CFG_DOMAIN, /* host name */
    CFG_LIST,   /* comma-separated data categories */
    CFG_TOKEN,  /* a secret: 32 to 256 of A-Z a-z 0-9 . _ ~ + / = - */
};

struct cfg_key {
    const char *name;
    enum cfg_type type;
    size_t offset; /* into struct case_config, or config_brand for brands */
    int required;
    int min, max; /* CFG_INT */
};

#define CC(field) offsetof(struct case_config, field)
#define CB(field) offsetof(struct config_brand, field)

static const struct cfg_key cfg_incident_keys[] = {
    {"name", CFG_STR, CC(incident_name), 1, 0, 0},
    {"organisation", CFG_STR, CC(organisation), 1, 0, 0},
    {"description", CFG_TEXT, CC(description), 0, 0, 0},
    {"measures", CFG_TEXT, CC(measures), 0, 0, 0},
    {"consequences", CFG_TEXT, CC(consequences), 0, 0, 0},
    {"occurred", CFG_DATE, CC(occurred), 1, 0, 0},
    {"detected", CFG_DATE, CC(detected), 0, 0, 0},
    {"contained", CFG_DATE, CC(contained), 0, 0, 0},
    {"authority_notified", CFG_DATE, CC(authority_notified), 0, 0, 0},
    {"language", CFG_LANG, CC(language), 0, 0, 0},
    {"minor_age", CFG_INT, CC(minor_age), 0, 0, 25},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

/* Their positions in cfg_data_keys. */
#define CFG_DATA_TAKEN     0
#define CFG_DATA_NOT_TAKEN 1

static const struct cfg_key cfg_data_keys[] = {
    {"taken", CFG_LIST, CC(taken), 0, 0, 0},
    {"not_taken", CFG_LIST, CC(not_taken), 0, 0, 0},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_retention_keys[] = {
    {"ex_customer_months", CFG_INT, CC(retention_months), 0, 1, 240},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_report_keys[] = {
    {"small_count", CFG_INT, CC(small_count), 0, 1, 1000},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_smtp_keys[] = {
    {"user", CFG_STR, CC(smtp_user), 0, 0, 0},
    {"password", CFG_STR, CC(smtp_password), 0, 0, 0},
    {"ca_file", CFG_STR, CC(smtp_ca_file), 0, 0, 0},
    {"helo", CFG_DOMAIN, CC(smtp_helo), 0, 0, 0},
    {"domain_rate", CFG_INT, CC(smtp_domain_rate), 0, 0, 100000},
    {"warmup_minutes", CFG_INT, CC(smtp_warmup_minutes), 0, 0, 1440},
    {"domain_backoff", CFG_INT, CC(smtp_domain_backoff), 0, 0, 3600},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_serve_keys[] = {
    {"token", CFG_TOKEN, CC(serve_token), 0, 0, 0},
    {"answers_smtp", CFG_STR, CC(serve_answers_smtp), 0, 0, 0},
    {"lookups_per_client", CFG_INT, CC(serve_lookups_per_client), 0, 1,
     100000},
    {"lookups_per_address", CFG_INT, CC(serve_lookups_per_address), 0, 1,
     1000},
    {"trust_proxy", CFG_INT, CC(serve_trust_proxy), 0, 0, 1},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_dpo_keys[] = {
    {"name", CFG_STR, CC(dpo_name), 0, 0, 0},
    {"email", CFG_EMAIL, CC(dpo_email), 1, 0, 0},
    {"phone", CFG_STR, CC(dpo_phone), 0, 0, 0},
    {"address", CFG_TEXT, CC(dpo_address), 0, 0, 0},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

static const struct cfg_key cfg_brand_keys[] = {
    {"display_name", CFG_STR, CB(display_name), 0, 0, 0},
    {"from", CFG_FROM, CB(from), 1, 0, 0},
    {"reply_to", CFG_EMAIL, CB(reply_to), 1, 0, 0},
    {"info_url", CFG_URL, CB(info_url), 1, 0, 0},
    {"message_id_domain", CFG_DOMAIN, CB(message_id_domain), 1, 0, 0},
    {"language", CFG_LANG, CB(language), 0, 0, 0},
    {NULL, CFG_STR, 0, 0, 0, 0},
};

#define CFG_MAX_KEYS 16 /* keys in one section, with room to grow */

/* The languages of [sensitive LANG], and the most topic keys their
 * sections can hold together (each topic once per language). */
static const char *const cfg_langs[] = {"nl", "en"};
#define CFG_NLANGS    2
#define CFG_MAX_TERMS (CFG_NLANGS * CONFIG_MAX_TOPICS)

enum cfg_section {
    CFG_SEC_NONE = 0, /* before the first header */
    CFG_SEC_INCIDENT,
    CFG_SEC_DATA,
    CFG_SEC_RETENTION,
    CFG_SEC_RISK,      /* keys: rule names */
    CFG_SEC_SENSITIVE, /* [sensitive LANG]; keys: topics */
    CFG_SEC_REPORT,
    CFG_SEC_SMTP,
    CFG_SEC_SERVE,
    CFG_SEC_DPO,
    CFG_SEC_BRAND,
    CFG_SEC_COUNT,
};

struct cfg_section_def {
    const char *name;
    const struct cfg_key *keys;
};

static const struct cfg_section_def cfg_sections[CFG_SEC_COUNT] = {
    {"", NULL},
    {"incident", cfg_incident_keys},
    {"data", cfg_data_keys},
    {"retention", cfg_retention_keys},
    {"risk", NULL},
    {"sensitive LANG", NULL},
    {"report", cfg_report_keys},
    {"smtp", cfg_smtp_keys},
    {"serve", cfg_serve_keys},
    {"dpo", cfg_dpo_keys},
    {"brand NAME", cfg_brand_keys},
};

/* What the reader found the current line to be. */
enum cfg_line_kind {
    CFG_LINE_OTHER,    /* blank, comment, or key = value */
    CFG_LINE_SECTION,  /* [section] */
    CFG_LINE_CONTINUE, /* indented text after a key: inih joins it */
};

struct cfg_parse {
    const char *path; /* escaped, for messages */
    const char *pos, *end;
    int line; /* number of the line last handed to inih */
    enum cfg_line_kind kind;
    int have_prev; /* inih has a previous key in this section */

    enum cfg_section sec;
    size_t brand; /* index of the current brand when sec is a brand */
    const struct cfg_key *last_key; /* set on the previous key line */

    /* Line numbers: of each section header, of each key given. */
    int sec_line[CFG_SEC_COUNT];
    int key_line[CFG_SEC_COUNT][CFG_MAX_KEYS];
    int brand_line[LIMIT_BRANDS];
    int brand_key_line[LIMIT_BRANDS][CFG_MAX_KEYS];

    /* [risk] and [sensitive LANG]: the line of each rule and topic key, of
     * each [sensitive LANG] header; the entry continuation lines add to. */
    int rule_line[CONFIG_MAX_RULES];
    int terms_line[CFG_MAX_TERMS];
    int lang_line[CFG_NLANGS];
    const char *lang;    /* of the current [sensitive LANG] */
    size_t terms_cur;    /* cfg->terms entry of the last topic key */
    size_t nterms_total; /* terms over all topics */

    struct case_config *cfg;
    struct buf *why;
    int rc; /* the first error */
};

/* Record the first error as "PATH:LINE: message". */
static void cfg_error(struct cfg_parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cfg_error(struct cfg_parse *p, int line, const char *fmt, ...)
{
    va_list ap;

    if (p->rc != TOCSIN_OK)
        return;
    p->rc = TOCSIN_ECONFIG;
    if (p->why == NULL)
        return;
    if (buf_printf(p->why, "%s:%d: ", p->path, line > 0 ? line : 1) !=
        TOCSIN_OK)
        return;
    va_start(ap, fmt);
    if (buf_vprintf(p->why, fmt, ap) != TOCSIN_OK) {
        /* The message did not fit; the location alone must do. */
    }
    va_end(ap);
}

static void
cfg_nomem(struct cfg_parse *p)
{
    if (p->rc != TOCSIN_OK)
        return;
    p->rc = TOCSIN_ENOMEM;
    if (p->why != NULL && buf_appends(p->why, "out of memory") != TOCSIN_OK) {
        /* nothing more to say */
    }
}

/* The allowed keys of a section, for messages: "a, b, c". */
static void
cfg_key_names(const struct cfg_key *keys, char *out, size_t outsz)
{
    size_t at = 0;

    out[0] = '\0';
    for (; keys->name != NULL; keys++) {
        int n = snprintf(out + at, outsz - at, "%s%s", at > 0 ? ", " : "",
                         keys->name);

        if (n < 0 || (size_t)n >= outsz - at)
            return;
        at += (size_t)n;
    }
}

static void
cfg_category_names(char *out, size_t outsz)
{
    size_t at = 0, i;

    out[0] = '\0';
    for (i = 0; config_categories[i] != NULL; i++) {
        int n = snprintf(out + at, outsz - at, "%s%s", i > 0 ? ", " : "",
                         config_categories[i]);

        if (n < 0 || (size_t)n >= outsz - at)
            return;
        at += (size_t)n;
    }
}

/* ---- value checks ---- */

/*
 * Valid UTF-8 without control characters (C0, DEL, C1): values reach mail
 * headers, HTML and terminals.
 */
static int
cfg_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;

    while (i < n) {
        unsigned c = p[i];
        int k;

        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq(p + i, n - i);
        /* C1: U+0080..U+009F, C2 80..C2 9F */
        if (k <= 0 || (c == 0xc2 && p[i + 1] <= 0x9f))
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static int
cfg_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD and a day that exists. */
static int
cfg_date_ok(const char *s)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int i, y, m, d, dim;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
        (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    dim = mdays[m - 1] + (m == 2 && cfg_is_leap(y));
    return d <= dim;
}

/* A host name: labels of letters, digits and '-', joined by dots. */
static int
cfg_domain_ok(const char *s, size_t n)
{
    size_t i, label = 0;

    if (n == 0 || n > 253)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
            if (++label > 63)
                return 0;
        } else {
            return 0;
        }
    }
    return label > 0 && s[n - 1] != '-';
}

/* One '@' with text on both sides; no spaces or characters that need
 * quoting in a header. */
static int
cfg_addr_ok(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    size_t i, local;

    if (at == NULL || memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
        return 0;
    local = (size_t)(at - s);
    if (local == 0 || local > 64)
        return 0;
    for (i = 0; i < local; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c) != NULL)
            return 0;
    }
    return cfg_domain_ok(at + 1, n - local - 1);
}

/* "local@domain" or "Display Name <local@domain>". */
static int
cfg_from_ok(const char *s)
{
    size_t n = strlen(s);
    const char *lt;
    size_t i;

    if (n == 0 || s[n - 1] != '>')
        return cfg_addr_ok(s, n);
    lt = strrchr(s, '<');
    if (lt == NULL)
        return 0;
    for (i = 0; s + i < lt; i++)
        if (strchr("<>\"", s[i]) != NULL)
            return 0;
    return cfg_addr_ok(lt + 1, n - (size_t)(lt - s) - 2);
}

/* http:// or https://, a host, and no spaces. */
static int
cfg_url_ok(const char *s)
{
    const char *host, *end;
    size_t i;

    if (strncmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        host = s + 7;
    else
        return 0;
    for (i = 0; s[i] != '\0'; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
            strchr("<>\"'`{}|\\^", s[i]) != NULL)
            return 0;
    end = host + strcspn(host, "/?#:");
    return cfg_domain_ok(host, (size_t)(end - host));
}

static int
cfg_lang_ok(const char *s)
{
    return strcmp(s, "nl") == 0 || strcmp(s, "en") == 0;
}

/* ---- storing values ---- */

static void
cfg_list_free(struct config_list *l)
{
    size_t i;

    for (i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static int
cfg_category_known(const char *s, size_t n)
{
    size_t i;

    for (i = 0; config_categories[i] != NULL; i++)
        if (strlen(config_categories[i]) == n &&
            memcmp(config_categories[i], s, n) == 0)
            return 1;
    return 0;
}

/* "a, b, c": every item a known category, none twice, none empty. */
static void
cfg_set_list(struct cfg_parse *p, const char *key, const char *value,
             struct config_list *l)
{
    char esc[LIMIT_LOG_FIELD + 8], item[LIMIT_CONFIG_VALUE + 1];
    const char *s = value;
    size_t i;

    for (;;) {
        const char *comma = strchr(s, ',');
        const char *b = s, *e = comma != NULL ? comma : s + strlen(s);
        char **items;

        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (b == e) {
            cfg_error(p, p->line,
                      "empty item in '%s': separate categories with one "
                      "comma each",
                      key);
            return;
        }
        memcpy(item, b, (size_t)(e - b));
        item[e - b] = '\0';
        if (!cfg_category_known(b, (size_t)(e - b))) {
            char names[1024];

            cfg_category_names(names, sizeof(names));
            cfg_error(p, p->line,
                      "unknown data category '%s' in '%s'; allowed: %s",
                      log_escape(item, esc, sizeof(esc)), key, names);
            return;
        }
        for (i = 0; i < l->count; i++) {
            if (strcmp(l->items[i], item) == 0) {
                cfg_error(p, p->line, "category '%s' is listed twice in '%s'",
                          item, key);
                return;
            }
        }
        if (l->count >= LIMIT_CATEGORIES) {
            cfg_error(p, p->line, "more than %d categories in '%s'",
                      LIMIT_CATEGORIES, key);
            return;
        }
        items = realloc(l->items, (l->count + 1) * sizeof(*items));
        if (items == NULL) {
            cfg_nomem(p);
            return;
        }
        l->items = items;
        l->items[l->count] = strdup(item);
        if (l->items[l->count] == NULL) {
            cfg_nomem(p);
            return;
        }
        l->count++;
        if (comma == NULL)
            return;
        s = comma + 1;
    }
}

static void
cfg_set_int(struct cfg_parse *p, const struct cfg_key *k, const char *value,
            int *out)
{
    char esc[LIMIT_LOG_FIELD + 8];
    long v;
    char *end;

    errno = 0;
    v = value[0] >= '0' && value[0] <= '9' ? strtol(value, &end, 10) : -1;
    if (v < 0 || errno != 0 || *end != '\0' || v < k->min || v > k->max) {
        cfg_error(p, p->line,
                  "'%s' is '%s'; it must be a whole number from %d "
                  "to %d",
                  k->name, log_escape(value, esc, sizeof(esc)), k->min,
                  k->max);
        return;
    }
    *out = (int)v;
}

/* A secret of [serve]: long enough to guess never, and plain ASCII. */
static int
cfg_token_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 32 || n > 256)
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && strchr("._~+/=-", s[i]) == NULL)
            return 0;
    return 1;
}

/* Check value for key k and store it in base (a case_config or a brand). */
static void
cfg_set(struct cfg_parse *p, const struct cfg_key *k, const char *value,
        char *base)
{
    char esc[LIMIT_LOG_FIELD + 8];
    char **slot = (char **)(void *)(base + k->offset);

    /* (A list's items are checked against the category names, and the
     * whitespace around them, tabs too, is dropped.) */
    if (k->type != CFG_LIST && !cfg_text_ok(value)) {
        cfg_error(p, p->line,
                  "the value of '%s' has a control character or is not "
                  "valid UTF-8",
                  k->name);
        return;
    }
    if (value[0] == '\0')
        return; /* empty: as if not given */
    switch (k->type) {
    case CFG_STR:
    case CFG_TEXT:
        break;
    case CFG_DATE:
        if (!cfg_date_ok(value)) {
            cfg_error(p, p->line,
                      "'%s' is '%s'; a date must be YYYY-MM-DD and exist "
                      "(e.g. 2026-02-03)",
                      k->name, log_escape(value, esc, sizeof(esc)));
            return;
        }
        break;
    case CFG_EMAIL:
        if (!cfg_addr_ok(value, strlen(value))) {
            cfg_error(p, p->line,
                      "'%s' is not an e-mail address: it must be like "
                      "name@example.org, one @ with text on both sides",
                      k->name);
            return;
        }
        break;
    case CFG_FROM:
        if (!cfg_from_ok(value)) {
            cfg_error(p, p->line,
                      "'%s' is not an e-mail address: it must be like "
                      "name@example.org or Name <name@example.org>",
                      k->name);
            return;
        }
        break;
    case CFG_LANG:
        if (!cfg_lang_ok(value)) {
            cfg_error(p, p->line, "'%s' is '%s'; it must be nl or en", k->name,
                      log_escape(value, esc, sizeof(esc)));
            return;
        }
        break;
    case CFG_URL:
        if (!cfg_url_ok(value)) {
            cfg_error(p, p->line,
                      "'%s' is not a web address: it must start with "
                      "https:// and a host name, without spaces",
                      k->name);
            return;
        }
        break;
    case CFG_DOMAIN:
        if (!cfg_domain_ok(value, strlen(value))) {
            cfg_error(p, p->line,
                      "'%s' is '%s'; it must be a domain name such as "
                      "mail.example.org",
                      k->name, log_escape(value, esc, sizeof(esc)));
            return;
        }
        break;
    case CFG_TOKEN:
        if (!cfg_token_ok(value)) {
            cfg_error(p, p->line,
                      "'%s' must be 32 to 256 characters of A-Z, a-z, "
                      "0-9 and . _ ~ + / = - (tocsin init writes a random "
                      "one; or: head -c 32 /dev/urandom | base64)",
                      k->name);
            return;
        }
        break;
    case CFG_INT:
        cfg_set_int(p, k, value, (int *)(void *)(base + k->offset));
        return;
    case CFG_LIST:
        cfg_set_list(p, k->name, value,
                     (struct config_list *)(void *)(base + k->offset));
        return;
    }
    *slot = strdup(value);
    if (*slot == NULL)
        cfg_nomem(p);
}

/* ---- the reader and the handler ---- */

static const struct cfg_key *
cfg_find_key(const struct cfg_key *keys, const char *name, size_t n,
             size_t *index)
{
    size_t i;

    for (i = 0; keys[i].name != NULL; i++) {
        if (strlen(keys[i].name) == n && memcmp(keys[i].name, name, n) == 0) {
            *index = i;
            return &keys[i];
        }
    }
    return NULL;
}

static int
cfg_brand_id_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > LIMIT_BRAND_NAME)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static void
cfg_brand_section(struct cfg_parse *p, const char *id)
{
    struct case_config *cfg = p->cfg;
    char esc[LIMIT_LOG_FIELD + 8];
    size_t i;

    if (!cfg_brand_id_ok(id)) {
        cfg_error(p, p->line,
                  "brand name '%s' is not allowed: use 1 to %d of a-z, 0-9, "
                  "'_' and '-', as in [brand odido]",
                  log_escape(id, esc, sizeof(esc)), LIMIT_BRAND_NAME);
        return;
    }
    for (i = 0; i < cfg->nbrands; i++) {
        if (strcmp(cfg->brands[i].id, id) == 0) {
            cfg_error(p, p->line,
                      "[brand %s] appears twice (first at line %d); give "
                      "each brand one section",
                      id, p->brand_line[i]);
            return;
        }
    }
    if (cfg->nbrands >= LIMIT_BRANDS) {
        cfg_error(p, p->line, "more than %d brands", LIMIT_BRANDS);
        return;
    }
    cfg->brands[cfg->nbrands].id = strdup(id);
    if (cfg->brands[cfg->nbrands].id == NULL) {
        cfg_nomem(p);
        return;
    }
    p->brand_line[cfg->nbrands] = p->line;
    p->brand = cfg->nbrands++;
    p->sec = CFG_SEC_BRAND;
}

/* ---- [risk] and [sensitive LANG] ---- */

/* The conditions of a rule that are not data categories. */
struct cfg_condition {
    const char *name;
    unsigned bit;
};

static const struct cfg_condition cfg_conditions[] = {
    {"sensitive_notes", CONFIG_COND_SENSITIVE_NOTES},
    {"minor", CONFIG_COND_MINOR},
    {"past_retention", CONFIG_COND_PAST_RETENTION},
    {"valid_id_document", CONFIG_COND_VALID_ID_DOCUMENT},
    {NULL, 0},
};

/* The built-in rules, used when the file has no [risk] section; parsed by
 * cfg_rule() like the file's. data/case.ini writes out the same. */
struct cfg_default_rule {
    const char *name;
    const char *value;
};

static const struct cfg_default_rule cfg_default_rules[] = {
    {"fraud", "high: iban + name + address"},
    {"identity_fraud", "high: id_document + birth_date"},
    {"national_id", "high: national_id"},
    {"sensitive_notes", "high: sensitive_notes"},
    {"phishing", "medium: email + name"},
    {"phishing_phone", "medium: phone + name"},
    {"minor", "medium: minor"},
    {NULL, NULL},
};

/*
 * The built-in sensitive terms, used when the file has no [sensitive LANG]
 * section; parsed by cfg_terms_text() like the file's. data/case.ini
 * writes out the same. Words a customer-service note would hold; a note
 * matches when one of its words is a term (or starts with a term ending in
 * '*'), so a term must not be an ordinary word or begin one: no
 * "schuld*" (the fault of "niet mijn schuld"), "geweld*" (geweldig),
 * "incasso*" (automatische incasso), "beslag*" (in beslag nemen), "opname"
 * (of a call), "bkr" (checked for every handset on credit), "aangehouden"
 * (an order on hold), "verdachte" (transactie), "disabled" (voicemail),
 * "threatened" (to cancel), "abusive" (to the agent).
 */
struct cfg_default_terms {
    const char *language;
    const char *topic;
    const char *terms;
};

static const struct cfg_default_terms cfg_default_terms[] = {
    {"nl", "health",
     "ziek*, ziekenhuis*, psychisch*, psychiatr*, ggz, depressie*, "
     "depressief, burn-out, burnout, overspannen, angststoornis, autisme, "
     "autistisch, kanker, tumor, chemo*, bestraling*, dementie, dement, "
     "alzheimer, parkinson, beroerte, herseninfarct, hartinfarct, "
     "hartaanval, operatie, revalid*, verpleeghuis*, hospice, terminaal, "
     "palliatie*, gehandicapt*, handicap, rolstoel*, doof, slechthorend*, "
     "slechtziend*, visueel beperkt, diabetes, verslaving*, verslaafd, "
     "afkick*, zelfmoord*, suïcid*, zwanger*, medisch*, medicatie, "
     "medicijn*, huisarts, thuiszorg, mantelzorg*, arbeidsongeschikt*"},
    {"nl", "debt",
     "schulden*, schuldhulp*, schuldsanering*, schuldeiser*, "
     "schuldbemiddel*, schuldregeling*, wsnp, bewind, bewindvoer*, "
     "beschermingsbewind, budgetbeheer, budgetcoach*, deurwaarder*, "
     "incassobureau*, beslaglegging, loonbeslag, derdenbeslag, "
     "beslag gelegd, beslagvrije voet, faillissement, failliet, "
     "bkr-registratie, voedselbank, minnelijk traject"},
    {"nl", "violence",
     "geweld, gewelddadig*, huiselijk geweld, mishandel*, vrouwenopvang, "
     "opvang, blijf-van-mijn-lijfhuis, veilig thuis, huisverbod, bedreigd, "
     "verkracht*, aanranding, zedenzaak, seksueel misbruik"},
    {"nl", "stalking",
     "stalk*, gestalkt, belaging, belaagd, achtervolg*, contactverbod, "
     "straatverbod, locatieverbod, adresafscherming, geheim adres"},
    {"nl", "police",
     "politie, aangifte, justitie, justitieel, officier van justitie, "
     "vordering om, vordering van het om, openbaar ministerie, recherche, "
     "rechercheur, gedetineerd*, detentie, gevangenis*, "
     "penitentiaire inrichting, celstraf, taakstraf, enkelband, "
     "reclassering, tbs, arrestatie, gearresteerd, strafblad, strafzaak, "
     "veroordeeld"},
    {"en", "health",
     "ill, illness, sickness, sick leave, off sick, hospital*, psychiatr*, "
     "mental health, depression, depressed, anxiety, autism, autistic, "
     "cancer, tumour, tumor, chemo*, radiotherapy, dementia, alzheimer*, "
     "parkinson*, stroke, heart attack, surgery, nursing home, care home, "
     "hospice, terminally, palliative, disability, wheelchair, deaf, "
     "visually impaired, diabetes, diabetic, addiction, addicted, rehab, "
     "suicid*, pregnant, pregnancy, medical, medication"},
    {"en", "debt",
     "debt, debts, indebted, collection agency, bailiff*, bankrupt*, "
     "insolvency, insolvent, arrears, garnish*, repossess*, food bank"},
    {"en", "violence",
     "violence, violent, domestic abuse, abused, assault*, battered, "
     "women's refuge, women's shelter, safe house, rape, raped, "
     "sexual abuse"},
    {"en", "stalking",
     "stalk*, harassed, harassment, harassing, restraining order, "
     "non-molestation order, protective order"},
    {"en", "police",
     "police, arrest*, prison*, jail, jailed, imprison*, detained, "
     "detention, custody, probation, parole, convicted, conviction, "
     "court order, warrant, prosecutor, law enforcement"},
    {NULL, NULL, NULL},
};

/* Every condition a rule may name, for messages. */
static void
cfg_condition_names(char *out, size_t outsz)
{
    size_t at = 0;
    int c, n;
    const struct cfg_condition *k;

    out[0] = '\0';
    for (c = 0; c < CATEGORY_COUNT; c++) {
        n = snprintf(out + at, outsz - at, "%s%s", c > 0 ? ", " : "",
                     category_name((enum category)c));
        if (n < 0 || (size_t)n >= outsz - at)
            return;
        at += (size_t)n;
    }
    for (k = cfg_conditions; k->name != NULL; k++) {
        n = snprintf(out + at, outsz - at, ", %s", k->name);
        if (n < 0 || (size_t)n >= outsz - at)
            return;
        at += (size_t)n;
    }
}

/* A rule or topic name: 1 to LIMIT_CONFIG_NAME of a-z, 0-9 and '_'. */
static int
cfg_name_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > LIMIT_CONFIG_NAME)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return 0;
    return 1;
}

/* s[0..n) without the white space around it, as b..e. */
static void
cfg_trim(const char *s, size_t n, const char **b, const char **e)
{
    *b = s;
    *e = s + n;
    while (*b < *e && isspace((unsigned char)**b))
        (*b)++;
    while (*e > *b && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

/*
 * One condition of a rule: a data category that can be in a record, or one
 * of cfg_conditions. Sets *cat (a category bit) or *cond (a CONFIG_COND_*
 * bit); 0 when the name is unknown, -1 when it is a category that is
 * never in the data.
 */
static int
cfg_rule_condition(const char *s, size_t n, unsigned *cat, unsigned *cond)
{
    const struct cfg_condition *k;
    int c;

    *cat = *cond = 0;
    for (c = 0; c < CATEGORY_COUNT; c++) {
        const char *name = category_name((enum category)c);

        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *cat = 1u << c;
            return 1;
        }
    }
    for (k = cfg_conditions; k->name != NULL; k++) {
        if (strlen(k->name) == n && memcmp(k->name, s, n) == 0) {
            *cond = k->bit;
            return 1;
        }
    }
    return cfg_category_known(s, n) ? -1 : 0;
}

/* NAME = LEVEL: CONDITION + CONDITION ...; adds the rule to cfg->rules. */
static void
cfg_rule(struct cfg_parse *p, const char *name, const char *value, int line)
{
    static const char *const levels[] = {"low", "medium", "high"};
    struct case_config *cfg = p->cfg;
    char esc[LIMIT_LOG_FIELD + 8], item[LIMIT_CONFIG_VALUE + 1];
    char when[LIMIT_CONFIG_VALUE + 1], names[1024];
    const char *colon, *s, *b, *e;
    unsigned cats = 0, conds = 0;
    struct config_rule *r;
    size_t i, at = 0;
    int level = 0;

    if (!cfg_name_ok(name)) {
        cfg_error(p, line,
                  "rule name '%s' is not allowed: use 1 to %d of a-z, 0-9 "
                  "and '_', as in fraud = high: iban + name",
                  log_escape(name, esc, sizeof(esc)), LIMIT_CONFIG_NAME);
        return;
    }
    for (i = 0; i < cfg->nrules; i++) {
        if (strcmp(cfg->rules[i].name, name) == 0) {
            cfg_error(p, line,
                      "rule '%s' is given twice (first at line %d); give "
                      "each rule its own name",
                      name, p->rule_line[i]);
            return;
        }
    }
    if (cfg->nrules >= CONFIG_MAX_RULES) {
        cfg_error(p, line,
                  "more than %d rules in [risk]; join rules of the same "
                  "level that share conditions",
                  CONFIG_MAX_RULES);
        return;
    }
    if (!cfg_text_ok(value)) {
        cfg_error(p, line,
                  "the value of '%s' has a control character or is not "
                  "valid UTF-8",
                  name);
        return;
    }
    colon = strchr(value, ':');
    if (colon == NULL) {
        cfg_error(p, line,
                  "rule '%s' is '%s'; write LEVEL: CONDITION + CONDITION "
                  "..., as in fraud = high: iban + name + address",
                  name, log_escape(value, esc, sizeof(esc)));
        return;
    }
    cfg_trim(value, (size_t)(colon - value), &b, &e);
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strlen(levels[i]) == (size_t)(e - b) &&
            memcmp(levels[i], b, (size_t)(e - b)) == 0)
            level = CONFIG_RISK_LOW + (int)i;
    if (level == 0) {
        memcpy(item, b, (size_t)(e - b));
        item[e - b] = '\0';
        cfg_error(p, line,
                  "unknown risk level '%s' in rule '%s'; use low, medium "
                  "or high",
                  log_escape(item, esc, sizeof(esc)), name);
        return;
    }
    when[0] = '\0';
    for (s = colon + 1;;) {
        const char *plus = strchr(s, '+');
        unsigned cat, cond;
        int known, n;

        cfg_trim(s, plus != NULL ? (size_t)(plus - s) : strlen(s), &b, &e);
        if (b == e) {
            cfg_error(p, line,
                      "empty condition in rule '%s': give at least one, and "
                      "join conditions with one '+' each",
                      name);
            return;
        }
        memcpy(item, b, (size_t)(e - b));
        item[e - b] = '\0';
        known = cfg_rule_condition(b, (size_t)(e - b), &cat, &cond);
        if (known <= 0) {
            cfg_condition_names(names, sizeof(names));
            cfg_error(p, line,
                      known < 0 ? "'%s' in rule '%s' is never in the data, "
                                  "so no rule can ask for it; conditions: %s"
                                : "unknown condition '%s' in rule '%s'; "
                                  "conditions: %s",
                      log_escape(item, esc, sizeof(esc)), name, names);
            return;
        }
        if ((cats & cat) != 0 || (conds & cond) != 0) {
            cfg_error(p, line, "condition '%s' is listed twice in rule '%s'",
                      item, name);
            return;
        }
        cats |= cat;
        conds |= cond;
        n = snprintf(when + at, sizeof(when) - at, "%s%s", at > 0 ? " + " : "",
                     item);
        if (n < 0 || (size_t)n >= sizeof(when) - at) {
            cfg_error(p, line, "the value of '%s' is longer than %d bytes",
                      name, LIMIT_CONFIG_VALUE);
            return;
        }
        at += (size_t)n;
        if (plus == NULL)
            break;
        s = plus + 1;
    }
    r = &cfg->rules[cfg->nrules];
    r->name = strdup(name);
    r->when = strdup(when);
    if (r->name == NULL || r->when == NULL) {
        free(r->name);
        free(r->when);
        memset(r, 0, sizeof(*r));
        cfg_nomem(p);
        return;
    }
    r->level = level;
    r->categories = cats;
    r->conditions = conds;
    p->rule_line[cfg->nrules++] = line;
}

/* A [sensitive LANG] header; lang is what follows "sensitive". */
static void
cfg_sensitive_section(struct cfg_parse *p, const char *lang)
{
    char esc[LIMIT_LOG_FIELD + 8];
    size_t i;

    for (i = 0; i < CFG_NLANGS; i++)
        if (strcmp(lang, cfg_langs[i]) == 0)
            break;
    if (i == CFG_NLANGS) {
        cfg_error(p, p->line,
                  "[sensitive %s]: the language must be nl or en, as in "
                  "[sensitive nl]",
                  log_escape(lang, esc, sizeof(esc)));
        return;
    }
    if (p->lang_line[i] != 0) {
        cfg_error(p, p->line,
                  "[sensitive %s] appears twice (first at line %d); put its "
                  "topics in one section",
                  lang, p->lang_line[i]);
        return;
    }
    p->lang_line[i] = p->line;
    p->lang = cfg_langs[i];
    p->sec = CFG_SEC_SENSITIVE;
}

/* Is cp allowed in a term besides letters, digits and marks? */
static int
cfg_term_punct(utf8proc_int32_t cp)
{
    return cp == ' ' || cp == '-' || cp == '\'' || cp == '.' || cp == '/' ||
           cp == '&' || cp == 0x2019; /* RIGHT SINGLE QUOTATION MARK */
}

/*
 * One term of topic t: checked, lower-cased, added. Letters, digits,
 * spaces and a little punctuation; at least 2 letters or digits besides a
 * final '*'; runs of spaces become one.
 */
static void
cfg_term(struct cfg_parse *p, struct config_terms *t, const char *s, size_t n,
         int line)
{
    char esc[LIMIT_LOG_FIELD + 8], item[LIMIT_CONFIG_TERM + 1];
    char low[4 * LIMIT_CONFIG_TERM + 1];
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp, prev = 0;
    size_t i = 0, at = 0, chars = 0, alnum = 0;
    char *copy;

    if (n > LIMIT_CONFIG_TERM) {
        cfg_error(p, line,
                  "a term of '%s' is longer than %d bytes; a term is a word "
                  "or a short phrase",
                  t->topic, LIMIT_CONFIG_TERM);
        return;
    }
    memcpy(item, s, n);
    item[n] = '\0';
    log_escape(item, esc, sizeof(esc));
    while (i < n) {
        utf8proc_ssize_t k =
            utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        utf8proc_category_t cat;

        if (k <= 0) { /* cfg_text_ok() let only valid UTF-8 pass */
            cfg_error(p, line, "term '%s' of '%s' is not valid UTF-8", esc,
                      t->topic);
            return;
        }
        i += (size_t)k;
        if (cp == '*') {
            if (i != n) {
                cfg_error(p, line,
                          "term '%s' of '%s' has a '*' inside; a '*' may "
                          "only end a term, as in ziek*",
                          esc, t->topic);
                return;
            }
            if (prev == 0 || prev == ' ' || cfg_term_punct(prev)) {
                cfg_error(p, line,
                          "term '%s' of '%s': a '*' must follow a letter or "
                          "digit",
                          esc, t->topic);
                return;
            }
            low[at++] = '*';
            break;
        }
        cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
            if (cat <= UTF8PROC_CATEGORY_LO || cat >= UTF8PROC_CATEGORY_ND)
                alnum++;
        } else if (!cfg_term_punct(cp)) {
            cfg_error(p, line,
                      "term '%s' of '%s' has a character that is not a "
                      "letter, digit, space or one of - ' . / &",
                      esc, t->topic);
            return;
        }
        chars++;
        if (cp == ' ' && prev == ' ')
            continue;
        prev = cp;
        at += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
                                           (utf8proc_uint8_t *)low + at);
    }
    low[at] = '\0';
    if (chars < 2 || alnum < 2) {
        cfg_error(p, line,
                  "term '%s' of '%s' is too short; give at least 2 letters "
                  "or digits (and a '*' only after them)",
                  esc, t->topic);
        return;
    }
    if (at > LIMIT_CONFIG_TERM) { /* lower case took more bytes */
        cfg_error(p, line,
                  "a term of '%s' is longer than %d bytes; a term is a word "
                  "or a short phrase",
                  t->topic, LIMIT_CONFIG_TERM);
        return;
    }
    for (i = 0; i < t->count; i++) {
        if (strcmp(t->terms[i], low) == 0) {
            cfg_error(p, line, "term '%s' is listed twice in '%s'", esc,
                      t->topic);
            return;
        }
    }
    if (p->nterms_total >= LIMIT_CONFIG_TERMS) {
        cfg_error(p, line,
                  "more than %d sensitive terms over all topics; keep the "
                  "lists to words that mark a note as sensitive",
                  LIMIT_CONFIG_TERMS);
        return;
    }
    /* The capacity is 8, 16, 32, ...: grow when count reaches one. */
    if (t->count == 0 || (t->count >= 8 && (t->count & (t->count - 1)) == 0)) {
        size_t cap = t->count == 0 ? 8 : 2 * t->count;
        char **terms = realloc(t->terms, cap * sizeof(*terms));

        if (terms == NULL) {
            cfg_nomem(p);
            return;
        }
        t->terms = terms;
    }
    copy = strdup(low);
    if (copy == NULL) {
        cfg_nomem(p);
        return;
    }
    t->terms[t->count++] = copy;
    p->nterms_total++;
}

/* A line of comma-separated terms for topic t. A comma may end the line
 * (more terms follow on the next); an empty term elsewhere is an error. */
static void
cfg_terms_text(struct cfg_parse *p, struct config_terms *t, const char *text,
               int line)
{
    const char *s = text, *b, *e;

    for (;;) {
        const char *comma = strchr(s, ',');

        cfg_trim(s, comma != NULL ? (size_t)(comma - s) : strlen(s), &b, &e);
        if (b == e) {
            if (comma == NULL)
                return; /* after a final comma, or an empty value */
            cfg_error(p, line,
                      "empty term in '%s': separate terms with one comma "
                      "each",
                      t->topic);
            return;
        }
        cfg_term(p, t, b, (size_t)(e - b), line);
        if (p->rc != TOCSIN_OK || comma == NULL)
            return;
        s = comma + 1;
    }
}

/* A topic key of [sensitive LANG] with its first line of terms. */
static void
cfg_topic(struct cfg_parse *p, const char *lang, const char *topic,
          const char *value, int line)
{
    struct case_config *cfg = p->cfg;
    char esc[LIMIT_LOG_FIELD + 8];
    struct config_terms *t;
    size_t i, distinct = 0;
    int seen = 0;

    if (!cfg_name_ok(topic)) {
        cfg_error(p, line,
                  "topic name '%s' is not allowed: use 1 to %d of a-z, 0-9 "
                  "and '_', as in health = ziek*, ziekenhuis",
                  log_escape(topic, esc, sizeof(esc)), LIMIT_CONFIG_NAME);
        return;
    }
    for (i = 0; i < cfg->nterms; i++) {
        size_t j;

        if (strcmp(cfg->terms[i].topic, topic) == 0) {
            if (strcmp(cfg->terms[i].language, lang) == 0) {
                cfg_error(p, line,
                          "'%s' is given twice in [sensitive %s] (first at "
                          "line %d); put all its terms in one list",
                          topic, lang, p->terms_line[i]);
                return;
            }
            seen = 1;
        }
        for (j = 0; j < i; j++)
            if (strcmp(cfg->terms[j].topic, cfg->terms[i].topic) == 0)
                break;
        distinct += j == i;
    }
    if (!seen && distinct >= CONFIG_MAX_TOPICS) {
        cfg_error(p, line,
                  "more than %d topics in the [sensitive LANG] sections; "
                  "join related topics",
                  CONFIG_MAX_TOPICS);
        return;
    }
    /* Each topic at most once per language: the array cannot be full. */
    assert(cfg->nterms < CFG_MAX_TERMS);
    t = &cfg->terms[cfg->nterms];
    t->language = strdup(lang);
    t->topic = strdup(topic);
    if (t->language == NULL || t->topic == NULL) {
        free(t->language);
        free(t->topic);
        memset(t, 0, sizeof(*t));
        cfg_nomem(p);
        return;
    }
    p->terms_line[cfg->nterms] = line;
    p->terms_cur = cfg->nterms++;
    if (!cfg_text_ok(value)) {
        cfg_error(p, line,
                  "the value of '%s' has a control character or is not "
                  "valid UTF-8",
                  topic);
        return;
    }
    cfg_terms_text(p, t, value, line);
}

/* Does text start like "key =" or "key:" (any key of a-z, 0-9, '_')? */
static int
cfg_looks_like_any_key(const char *text, size_t *n)
{
    size_t i;

    *n = 0;
    while ((text[*n] >= 'a' && text[*n] <= 'z') ||
           (text[*n] >= '0' && text[*n] <= '9') || text[*n] == '_')
        (*n)++;
    i = *n;
    while (text[i] == ' ' || text[i] == '\t')
        i++;
    return *n > 0 && (text[i] == '=' || text[i] == ':');
}

/* An indented line after a key of [risk] or [sensitive LANG]. */
static int
cfg_continue_dynamic(struct cfg_parse *p, const char *text)
{
    const char *prev;
    size_t n;

    if (p->sec == CFG_SEC_RISK) {
        if (p->cfg->nrules == 0)
            return 1; /* the key line was refused already */
        prev = p->cfg->rules[p->cfg->nrules - 1].name;
    } else {
        if (p->cfg->nterms == 0)
            return 1;
        prev = p->cfg->terms[p->terms_cur].topic;
    }
    if (text[0] == '[') {
        cfg_error(p, p->line,
                  "indented section header would become part of the value "
                  "of '%s'; start it at the beginning of its line",
                  prev);
        return 0;
    }
    if (p->sec == CFG_SEC_RISK) {
        cfg_error(p, p->line,
                  "indented line would continue the value of '%s', which "
                  "takes one line; remove the indentation (a rule is one "
                  "line: NAME = LEVEL: CONDITION + CONDITION ...)",
                  prev);
        return 0;
    }
    if (cfg_looks_like_any_key(text, &n)) {
        cfg_error(p, p->line,
                  "indented '%.*s' would become part of the value of '%s'; "
                  "start every key at the beginning of its line",
                  (int)n, text, prev);
        return 0;
    }
    if (!cfg_text_ok(text)) {
        cfg_error(p, p->line,
                  "the value of '%s' has a control character or is not "
                  "valid UTF-8",
                  prev);
        return 0;
    }
    cfg_terms_text(p, &p->cfg->terms[p->terms_cur], text, p->line);
    return p->rc == TOCSIN_OK;
}

/* A key line of [risk] or [sensitive LANG]. */
static int
cfg_dynamic_key(struct cfg_parse *p, const char *name, const char *value)
{
    if (strlen(value) > LIMIT_CONFIG_VALUE) {
        cfg_error(p, p->line, "the value of '%s' is longer than %d bytes",
                  name, LIMIT_CONFIG_VALUE);
        return 0;
    }
    if (p->sec == CFG_SEC_RISK)
        cfg_rule(p, name, value, p->line);
    else
        cfg_topic(p, p->lang, name, value, p->line);
    return p->rc == TOCSIN_OK;
}

/* The built-in rules and terms where the file has none. */
static void
cfg_defaults(struct cfg_parse *p)
{
    const struct cfg_default_rule *r;
    const struct cfg_default_terms *d;
    size_t i;
    int any = 0;

    if (p->sec_line[CFG_SEC_RISK] == 0)
        for (r = cfg_default_rules; r->name != NULL; r++)
            cfg_rule(p, r->name, r->value, 0);
    for (i = 0; i < CFG_NLANGS; i++)
        any |= p->lang_line[i] != 0;
    if (!any)
        for (d = cfg_default_terms; d->language != NULL; d++)
            cfg_topic(p, d->language, d->topic, d->terms, 0);
}

/* A "[name]" line (start points at '['). */
static void
cfg_section(struct cfg_parse *p, const char *start)
{
    char esc[LIMIT_LOG_FIELD + 8], name[LIMIT_CONFIG_VALUE + 1];
    const char *close = strchr(start, ']'), *rest, *b, *e;
    int i;

    p->sec = CFG_SEC_NONE;
    p->last_key = NULL;
    if (close == NULL) {
        cfg_error(p, p->line, "'[' without a closing ']'");
        return;
    }
    for (rest = close + 1; isspace((unsigned char)*rest); rest++)
        ;
    if (*rest != '\0' && *rest != ';' && *rest != '#') {
        cfg_error(p, p->line, "text after the section header's ']'");
        return;
    }
    b = start + 1;
    e = close;
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    if ((size_t)(e - b) > LIMIT_CONFIG_VALUE) {
        cfg_error(p, p->line, "section name too long");
        return;
    }
    memcpy(name, b, (size_t)(e - b));
    name[e - b] = '\0';

    if (strncmp(name, "brand", 5) == 0 &&
        (name[5] == '\0' || isspace((unsigned char)name[5]))) {
        const char *id = name + 5;

        while (isspace((unsigned char)*id))
            id++;
        cfg_brand_section(p, id);
        return;
    }
    if (strncmp(name, "sensitive", 9) == 0 &&
        (name[9] == '\0' || isspace((unsigned char)name[9]))) {
        const char *lang = name + 9;

        while (isspace((unsigned char)*lang))
            lang++;
        cfg_sensitive_section(p, lang);
        return;
    }
    for (i = CFG_SEC_INCIDENT; i < CFG_SEC_BRAND; i++) {
        if (strcmp(name, cfg_sections[i].name) == 0) {
            if (p->sec_line[i] != 0) {
                cfg_error(p, p->line,
                          "[%s] appears twice (first at line %d); put its "
                          "keys in one section",
                          name, p->sec_line[i]);
                return;
            }
            p->sec_line[i] = p->line;
            p->sec = (enum cfg_section)i;
            return;
        }
    }
    cfg_error(p, p->line,
              "unknown section [%s]; allowed: [incident], [data], "
              "[retention], [risk], [sensitive nl], [sensitive en], "
              "[report], [smtp], [serve], [dpo], [brand NAME]",
              log_escape(name, esc, sizeof(esc)));
}

/*
 * Hand inih the next line, whole: fgets semantics with num bytes of room.
 * Sees each line before inih does, to follow sections and to tell the
 * handler whether inih will treat the line as a continuation.
 */
static char *
cfg_reader(char *str, int num, void *stream)
{
    struct cfg_parse *p = stream;
    const char *nl, *start;
    size_t n, content;

    if (p->rc != TOCSIN_OK || p->pos >= p->end)
        return NULL;
    nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
    n = nl != NULL ? (size_t)(nl - p->pos) + 1 : (size_t)(p->end - p->pos);
    p->line++;
    content = n;
    if (content > 0 && p->pos[content - 1] == '\n')
        content--;
    if (content > 0 && p->pos[content - 1] == '\r')
        content--;
    /* inih needs room for "\r\n" and the NUL beyond the content. */
    if (num < 4 || content > (size_t)num - 3) {
        cfg_error(p, p->line,
                  "line longer than %d characters; write a long text over "
                  "several indented lines (description, measures, "
                  "consequences, address, the term lists of [sensitive "
                  "LANG])",
                  num - 3);
        return NULL;
    }
    memcpy(str, p->pos, n);
    str[n] = '\0';
    p->pos += n;

    /* Classify as inih will: comments first, then continuations (an
     * indented line after a key, even one that looks like a section),
     * then sections. */
    start = str;
    if (p->line == 1 && strncmp(start, "\xef\xbb\xbf", 3) == 0)
        start += 3;
    while (isspace((unsigned char)*start))
        start++;
    p->kind = CFG_LINE_OTHER;
    if (*start == '\0' || *start == ';' || *start == '#')
        return str;
    if (p->have_prev && start > str) {
        p->kind = CFG_LINE_CONTINUE;
        return str;
    }
    if (*start == '[') {
        p->kind = CFG_LINE_SECTION;
        p->have_prev = 0;
        cfg_section(p, start);
    }
    return str;
}

/* Does text look like "key = ..." or "key: ..." for a key of keys? */
static const struct cfg_key *
cfg_looks_like_key(const struct cfg_key *keys, const char *text)
{
    size_t n = 0, i;

    while (text[n] == '_' || (text[n] >= 'a' && text[n] <= 'z'))
        n++;
    i = n;
    while (text[i] == ' ' || text[i] == '\t')
        i++;
    if (n == 0 || (text[i] != '=' && text[i] != ':'))
        return NULL;
    return cfg_find_key(keys, text, n, &i);
}

/* An indented line after a key: inih hands its text as more value. */
static int
cfg_continue(struct cfg_parse *p, const char *text)
{
    const struct cfg_key *k = p->last_key, *looks;
    char **slot;
    char *joined;
    size_t have, add;

    if (k == NULL)
        return 1; /* the key line was refused already */
    if (text[0] == '[') {
        cfg_error(p, p->line,
                  "indented section header would become part of the value "
                  "of '%s'; start it at the beginning of its line",
                  k->name);
        return 0;
    }
    looks = cfg_looks_like_key(cfg_sections[p->sec].keys, text);
    if (looks != NULL) {
        cfg_error(p, p->line,
                  "indented '%s' would become part of the value of '%s'; "
                  "start every key at the beginning of its line",
                  looks->name, k->name);
        return 0;
    }
    if (k->type != CFG_TEXT) {
        cfg_error(p, p->line,
                  "indented line would continue the value of '%s', which "
                  "takes one line; remove the indentation (only "
                  "description, measures, consequences, address and the "
                  "term lists of [sensitive LANG] go on over indented "
                  "lines)",
                  k->name);
        return 0;
    }
    if (!cfg_text_ok(text)) {
        cfg_error(p, p->line,
                  "the value of '%s' has a control character or is not "
                  "valid UTF-8",
                  k->name);
        return 0;
    }
    slot = (char **)(void *)((p->sec == CFG_SEC_BRAND
                                  ? (char *)&p->cfg->brands[p->brand]
                                  : (char *)p->cfg) +
                             k->offset);
    have = *slot != NULL ? strlen(*slot) : 0;
    add = strlen(text);
    if (have + 1 + add > LIMIT_CONFIG_VALUE) {
        cfg_error(p, p->line, "the value of '%s' is longer than %d bytes",
                  k->name, LIMIT_CONFIG_VALUE);
        return 0;
    }
    joined = malloc(have + 1 + add + 1);
    if (joined == NULL) {
        cfg_nomem(p);
        return 0;
    }
    if (have > 0) {
        memcpy(joined, *slot, have);
        joined[have++] = '\n';
    }
    memcpy(joined + have, text, add + 1);
    free(*slot);
    *slot = joined;
    return 1;
}

static int
cfg_handler(void *user, const char *section, const char *name,
            const char *value)
{
    struct cfg_parse *p = user;
    char esc[LIMIT_LOG_FIELD + 8], names[512];
    const struct cfg_key *k, *keys;
    size_t idx;
    int *line_slot;
    char *base;

    (void)section; /* the reader follows sections itself */
    if (p->rc != TOCSIN_OK)
        return 0;
    if (p->kind == CFG_LINE_CONTINUE)
        return p->sec == CFG_SEC_RISK || p->sec == CFG_SEC_SENSITIVE
                   ? cfg_continue_dynamic(p, value)
                   : cfg_continue(p, value);
    p->have_prev = 1;
    p->last_key = NULL;
    if (p->sec == CFG_SEC_NONE) {
        cfg_error(p, p->line,
                  "'%s' outside a section; put keys under [incident], "
                  "[data], [retention], [risk], [sensitive LANG], "
                  "[report], [smtp], [serve], [dpo] or [brand NAME]",
                  log_escape(name, esc, sizeof(esc)));
        return 0;
    }
    if (p->sec == CFG_SEC_RISK || p->sec == CFG_SEC_SENSITIVE)
        return cfg_dynamic_key(p, name, value);
    keys = cfg_sections[p->sec].keys;
    k = cfg_find_key(keys, name, strlen(name), &idx);
    if (k == NULL) {
        cfg_key_names(keys, names, sizeof(names));
        cfg_error(p, p->line, "unknown key '%s' in [%s]; allowed: %s",
                  log_escape(name, esc, sizeof(esc)),
                  p->sec == CFG_SEC_BRAND ? "brand NAME"
                                          : cfg_sections[p->sec].name,
                  names);
        return 0;
    }
    if (p->sec == CFG_SEC_BRAND) {
        line_slot = &p->brand_key_line[p->brand][idx];
        base = (char *)&p->cfg->brands[p->brand];
    } else {
        line_slot = &p->key_line[p->sec][idx];
        base = (char *)p->cfg;
    }
    if (*line_slot != 0) {
        cfg_error(p, p->line, "'%s' is given twice (first at line %d)",
                  k->name, *line_slot);
        return 0;
    }
    *line_slot = p->line;
    if (strlen(value) > LIMIT_CONFIG_VALUE) {
        cfg_error(p, p->line, "the value of '%s' is longer than %d bytes",
                  k->name, LIMIT_CONFIG_VALUE);
        return 0;
    }
    cfg_set(p, k, value, base);
    if (p->rc != TOCSIN_OK)
        return 0;
    p->last_key = k;
    return 1;
}

/* ---- checks over the whole file ---- */

/* Required keys of one section; line is its header, or 0 if absent. */
static void
cfg_require(struct cfg_parse *p, const char *secname,
            const struct cfg_key *keys, const char *base, int line)
{
    for (; keys->name != NULL && p->rc == TOCSIN_OK; keys++) {
        if (!keys->required ||
            *(char *const *)(const void *)(base + keys->offset) != NULL)
            continue;
        if (line == 0)
            cfg_error(p, p->line,
                      "no [%s] section; add one with at least %s = ...",
                      secname, keys->name);
        else
            cfg_error(p, line, "[%s] has no '%s'; add %s = ...", secname,
                      keys->name, keys->name);
    }
}

/* later must not be before earlier (both YYYY-MM-DD or NULL). */
static void
cfg_order(struct cfg_parse *p, const char *later, const char *lname,
          const char *earlier, const char *ename)
{
    size_t li, ei;

    if (later == NULL || earlier == NULL || strcmp(later, earlier) >= 0)
        return;
    if (cfg_find_key(cfg_incident_keys, lname, strlen(lname), &li) == NULL ||
        cfg_find_key(cfg_incident_keys, ename, strlen(ename), &ei) == NULL)
        return;
    cfg_error(p, p->key_line[CFG_SEC_INCIDENT][li],
              "%s (%s) is before %s (%s)", lname, later, ename, earlier);
}

static int
cfg_set_default(char **slot, const char *value)
{
    if (*slot != NULL)
        return TOCSIN_OK;
    *slot = strdup(value);
    return *slot != NULL ? TOCSIN_OK : TOCSIN_ENOMEM;
}

static void
cfg_finish(struct cfg_parse *p)
{
    struct case_config *cfg = p->cfg;
    const struct config_list *t = &cfg->taken, *nt = &cfg->not_taken;
    size_t i, j;
    char name[LIMIT_BRAND_NAME + 16];

    cfg_require(p, "incident", cfg_incident_keys, (const char *)cfg,
                p->sec_line[CFG_SEC_INCIDENT]);
    cfg_order(p, cfg->detected, "detected", cfg->occurred, "occurred");
    cfg_order(p, cfg->contained, "contained", cfg->occurred, "occurred");
    if (cfg->detected != NULL)
        cfg_order(p, cfg->authority_notified, "authority_notified",
                  cfg->detected, "detected");
    else
        cfg_order(p, cfg->authority_notified, "authority_notified",
                  cfg->occurred, "occurred");
    for (i = 0; i < t->count && p->rc == TOCSIN_OK; i++) {
        for (j = 0; j < nt->count; j++) {
            int lt, ln;

            if (strcmp(t->items[i], nt->items[j]) != 0)
                continue;
            lt = p->key_line[CFG_SEC_DATA][CFG_DATA_TAKEN];
            ln = p->key_line[CFG_SEC_DATA][CFG_DATA_NOT_TAKEN];
            cfg_error(p, lt > ln ? lt : ln,
                      "category '%s' is both taken (line %d) and not_taken "
                      "(line %d)",
                      t->items[i], lt, ln);
            break;
        }
    }
    for (i = 0; i < cfg->nterms && p->rc == TOCSIN_OK; i++)
        if (cfg->terms[i].count == 0)
            cfg_error(p, p->terms_line[i],
                      "'%s' in [sensitive %s] has no terms; list them "
                      "comma-separated, or remove the key",
                      cfg->terms[i].topic, cfg->terms[i].language);
    cfg_require(p, "dpo", cfg_dpo_keys, (const char *)cfg,
                p->sec_line[CFG_SEC_DPO]);
    if (p->rc == TOCSIN_OK && cfg->nbrands == 0)
        cfg_error(p, p->line,
                  "no [brand NAME] section; add one for every brand that "
                  "sends messages, e.g. [brand odido]");
    for (i = 0; i < cfg->nbrands && p->rc == TOCSIN_OK; i++) {
        snprintf(name, sizeof(name), "brand %s", cfg->brands[i].id);
        cfg_require(p, name, cfg_brand_keys, (const char *)&cfg->brands[i],
                    p->brand_line[i]);
    }
    if (p->rc != TOCSIN_OK)
        return;

    cfg_defaults(p);
    if (p->rc != TOCSIN_OK)
        return;
    if (cfg_set_default(&cfg->language, "nl") != TOCSIN_OK) {
        cfg_nomem(p);
        return;
    }
    for (i = 0; i < cfg->nbrands; i++) {
        struct config_brand *b = &cfg->brands[i];

        if (cfg_set_default(&b->display_name, b->id) != TOCSIN_OK ||
            cfg_set_default(&b->language, cfg->language) != TOCSIN_OK) {
            cfg_nomem(p);
            return;
        }
    }
}

static size_t
cfg_line_of(const char *text, size_t at)
{
    size_t line = 1, i;

    for (i = 0; i < at; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

int
config_load(const char *path, struct case_config **out, struct buf *why)
{
    char esc[LIMIT_LOG_FIELD + 8];
    struct cfg_parse *p = NULL;
    struct case_config *cfg = NULL;
    char *text = NULL;
    const char *nul;
    size_t len;
    int rc, irc;

    *out = NULL;
    log_escape(path, esc, sizeof(esc));
    rc = fs_read_file(path, LIMIT_CONFIG_BYTES, &text, &len);
    if (rc != TOCSIN_OK) {
        int ok = TOCSIN_OK;

        if (why == NULL)
            return rc;
        if (rc == TOCSIN_ENOENT)
            ok = buf_printf(why, "%s: no such file", esc);
        else if (rc == TOCSIN_ELIMIT)
            ok = buf_printf(why, "%s: larger than %u bytes", esc,
                            LIMIT_CONFIG_BYTES);
        else if (rc == TOCSIN_EIO)
            ok = buf_printf(why, "%s: %s", esc, strerror(errno));
        else
            ok = buf_printf(why, "%s: %s", esc, tocsin_strerror(rc));
        (void)ok; /* the code says it all when the text does not fit */
        return rc;
    }
    nul = memchr(text, '\0', len);
    if (nul != NULL) {
        if (why != NULL &&
            buf_printf(why, "%s:%zu: a NUL byte; case.ini is text", esc,
                       cfg_line_of(text, (size_t)(nul - text))) != TOCSIN_OK) {
            /* the code says it */
        }
        free(text);
        return TOCSIN_ECONFIG;
    }

    p = calloc(1, sizeof(*p));
    cfg = calloc(1, sizeof(*cfg));
    if (p == NULL || cfg == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    cfg->brands = calloc(LIMIT_BRANDS, sizeof(*cfg->brands));
    cfg->rules = calloc(CONFIG_MAX_RULES, sizeof(*cfg->rules));
    cfg->terms = calloc(CFG_MAX_TERMS, sizeof(*cfg->terms));
    if (cfg->brands == NULL || cfg->rules == NULL || cfg->terms == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    cfg->minor_age = 16;
    cfg->retention_months = 24;
    cfg->small_count = 10;
    cfg->smtp_domain_rate = 100;
    cfg->smtp_warmup_minutes = 30;
    cfg->smtp_domain_backoff = 60;
    cfg->serve_lookups_per_client = 10;
    cfg->serve_lookups_per_address = 3;

    p->path = esc;
    p->pos = text;
    p->end = text + len;
    p->cfg = cfg;
    p->why = why;
    irc = ini_parse_stream(cfg_reader, p, cfg_handler, p);
    if (p->rc == TOCSIN_OK && irc == -2)
        cfg_nomem(p);
    else if (p->rc == TOCSIN_OK && irc != 0)
        cfg_error(p, irc,
                  "expected 'key = value', '[section]' or a comment (';' "
                  "at the start of the line)");
    if (p->rc == TOCSIN_OK)
        cfg_finish(p);
    rc = p->rc;
out:
    free(p);
    free(text);
    if (rc != TOCSIN_OK) {
        config_free(cfg);
        return rc;
    }
    *out = cfg;
    return TOCSIN_OK;
}

void
config_free(struct case_config *cfg)
{
    size_t i;

    if (cfg == NULL)
        return;
    free(cfg->incident_name);
    free(cfg->organisation);
    free(cfg->description);
    free(cfg->measures);
    free(cfg->consequences);
    if (cfg->smtp_password != NULL)
        sodium_memzero(cfg->smtp_password, strlen(cfg->smtp_password));
    free(cfg->smtp_user);
    free(cfg->smtp_password);
    free(cfg->smtp_ca_file);
    free(cfg->smtp_helo);
    if (cfg->serve_token != NULL)
        sodium_memzero(cfg->serve_token, strlen(cfg->serve_token));
    free(cfg->serve_token);
    free(cfg->serve_answers_smtp);
    free(cfg->occurred);
    free(cfg->detected);
    free(cfg->contained);
    free(cfg->authority_notified);
    free(cfg->language);
    cfg_list_free(&cfg->taken);
    cfg_list_free(&cfg->not_taken);
    if (cfg->rules != NULL) {
        for (i = 0; i < cfg->nrules; i++) {
            free(cfg->rules[i].name);
            free(cfg->rules[i].when);
        }
        free(cfg->rules);
    }
    if (cfg->terms != NULL) {
        for (i = 0; i < cfg->nterms; i++) {
            struct config_terms *t = &cfg->terms[i];
            size_t j;

            for (j = 0; j < t->count; j++)
                free(t->terms[j]);
            free(t->terms);
            free(t->language);
            free(t->topic);
        }
        free(cfg->terms);
    }
    free(cfg->dpo_name);
    free(cfg->dpo_email);
    free(cfg->dpo_phone);
    free(cfg->dpo_address);
    if (cfg->brands != NULL) {
        for (i = 0; i < cfg->nbrands; i++) {
            struct config_brand *b = &cfg->brands[i];

            free(b->id);
            free(b->display_name);
            free(b->from);
            free(b->reply_to);
            free(b->info_url);
            free(b->message_id_domain);
            free(b->language);
        }
        free(cfg->brands);
    }
    free(cfg);
}

const struct config_brand *
config_brand(const struct case_config *cfg, const char *id)
{
    size_t i;

    for (i = 0; i < cfg->nbrands; i++)
        if (strcmp(cfg->brands[i].id, id) == 0)
            return &cfg->brands[i];
    return NULL;
}
