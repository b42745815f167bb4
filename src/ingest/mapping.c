#include "mapping.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/limits.h"
#include "../util/log.h"

/* Built-in aliases, already folded (see mapping_fold). Canonical names match
 * through their folded form too, so they need no entry here. */
static const struct {
    const char *alias;
    enum field field;
} aliases[] = {
    {"id", FIELD_RECORD_ID},
    {"rowid", FIELD_RECORD_ID},
    {"recid", FIELD_RECORD_ID},
    {"recordnummer", FIELD_RECORD_ID},
    {"regelnummer", FIELD_RECORD_ID},
    {"merk", FIELD_BRAND},
    {"merknaam", FIELD_BRAND},
    {"label", FIELD_BRAND},
    {"brandname", FIELD_BRAND},
    {"customerid", FIELD_CUSTOMER_NUMBER},
    {"customerno", FIELD_CUSTOMER_NUMBER},
    {"klantnummer", FIELD_CUSTOMER_NUMBER},
    {"klantnr", FIELD_CUSTOMER_NUMBER},
    {"klantid", FIELD_CUSTOMER_NUMBER},
    {"relatienummer", FIELD_CUSTOMER_NUMBER},
    {"debiteurnummer", FIELD_CUSTOMER_NUMBER},
    {"accountnumber", FIELD_CUSTOMER_NUMBER},
    {"subscription", FIELD_SUBSCRIPTION_TYPE},
    {"abonnement", FIELD_SUBSCRIPTION_TYPE},
    {"abonnementstype", FIELD_SUBSCRIPTION_TYPE},
    {"abonnementsvorm", FIELD_SUBSCRIPTION_TYPE},
    {"producttype", FIELD_SUBSCRIPTION_TYPE},
    {"product", FIELD_SUBSCRIPTION_TYPE},
    {"contracttype", FIELD_SUBSCRIPTION_TYPE},
    {"name", FIELD_FULL_NAME},
    {"naam", FIELD_FULL_NAME},
    {"volledigenaam", FIELD_FULL_NAME},
    {"klantnaam", FIELD_FULL_NAME},
    {"tenaamstelling", FIELD_FULL_NAME},
    {"firstname", FIELD_FIRST_NAME},
    {"givenname", FIELD_FIRST_NAME},
    {"forename", FIELD_FIRST_NAME},
    {"voornaam", FIELD_FIRST_NAME},
    {"voornamen", FIELD_FIRST_NAME},
    {"roepnaam", FIELD_FIRST_NAME},
    {"tussenvoegsel", FIELD_INFIX},
    {"tussenvoegsels", FIELD_INFIX},
    {"voorvoegsel", FIELD_INFIX},
    {"lastname", FIELD_LAST_NAME},
    {"surname", FIELD_LAST_NAME},
    {"familyname", FIELD_LAST_NAME},
    {"achternaam", FIELD_LAST_NAME},
    {"familienaam", FIELD_LAST_NAME},
    {"geslachtsnaam", FIELD_LAST_NAME},
    {"straat", FIELD_STREET},
    {"straatnaam", FIELD_STREET},
    {"streetname", FIELD_STREET},
    {"housenumber", FIELD_HOUSE_NUMBER},
    {"huisnummer", FIELD_HOUSE_NUMBER},
    {"huisnr", FIELD_HOUSE_NUMBER},
    {"streetnumber", FIELD_HOUSE_NUMBER},
    {"housenumbersuffix", FIELD_HOUSE_NUMBER_SUFFIX},
    {"toevoeging", FIELD_HOUSE_NUMBER_SUFFIX},
    {"huisnummertoevoeging", FIELD_HOUSE_NUMBER_SUFFIX},
    {"huisnrtoevoeging", FIELD_HOUSE_NUMBER_SUFFIX},
    {"huisletter", FIELD_HOUSE_NUMBER_SUFFIX},
    {"address2", FIELD_ADDRESS_EXTRA},
    {"adresregel2", FIELD_ADDRESS_EXTRA},
    {"postalcode", FIELD_POSTCODE},
    {"zipcode", FIELD_POSTCODE},
    {"zip", FIELD_POSTCODE},
    {"woonplaats", FIELD_CITY},
    {"plaats", FIELD_CITY},
    {"plaatsnaam", FIELD_CITY},
    {"town", FIELD_CITY},
    {"provincie", FIELD_REGION},
    {"province", FIELD_REGION},
    {"state", FIELD_REGION},
    {"land", FIELD_COUNTRY},
    {"landcode", FIELD_COUNTRY},
    {"countrycode", FIELD_COUNTRY},
    {"telefoon", FIELD_PHONE},
    {"telefoonnummer", FIELD_PHONE},
    {"telnr", FIELD_PHONE},
    {"tel", FIELD_PHONE},
    {"phonenumber", FIELD_PHONE},
    {"telephone", FIELD_PHONE},
    {"vastnummer", FIELD_PHONE},
    {"landline", FIELD_PHONE},
    {"mobiel", FIELD_MOBILE},
    {"mobielnummer", FIELD_MOBILE},
    {"mobielnr", FIELD_MOBILE},
    {"mobieltelefoonnummer", FIELD_MOBILE},
    {"gsm", FIELD_MOBILE},
    {"mobilenumber", FIELD_MOBILE},
    {"mobilephone", FIELD_MOBILE},
    {"cellphone", FIELD_MOBILE},
    {"msisdn", FIELD_MOBILE},
    {"emailadres", FIELD_EMAIL},
    {"emailaddress", FIELD_EMAIL},
    {"mail", FIELD_EMAIL},
    {"mailadres", FIELD_EMAIL},
    {"rekeningnummer", FIELD_IBAN},
    {"bankrekening", FIELD_IBAN},
    {"bankrekeningnummer", FIELD_IBAN},
    {"ibannummer", FIELD_IBAN},
    {"bankaccount", FIELD_IBAN},
    {"birthdate", FIELD_BIRTH_DATE},
    {"dateofbirth", FIELD_BIRTH_DATE},
    {"geboortedatum", FIELD_BIRTH_DATE},
    {"gebdatum", FIELD_BIRTH_DATE},
    {"dob", FIELD_BIRTH_DATE},
    {"bsn", FIELD_NATIONAL_ID},
    {"burgerservicenummer", FIELD_NATIONAL_ID},
    {"sofinummer", FIELD_NATIONAL_ID},
    {"ssn", FIELD_NATIONAL_ID},
    {"vatnumber", FIELD_VAT_NUMBER},
    {"vat", FIELD_VAT_NUMBER},
    {"vatid", FIELD_VAT_NUMBER},
    {"btwnummer", FIELD_VAT_NUMBER},
    {"btwnr", FIELD_VAT_NUMBER},
    {"btwid", FIELD_VAT_NUMBER},
    {"omzetbelastingnummer", FIELD_VAT_NUMBER},
    {"documenttype", FIELD_ID_DOC_TYPE},
    {"soortid", FIELD_ID_DOC_TYPE},
    {"soortlegitimatie", FIELD_ID_DOC_TYPE},
    {"legitimatietype", FIELD_ID_DOC_TYPE},
    {"idtype", FIELD_ID_DOC_TYPE},
    {"documentnummer", FIELD_ID_DOC_NUMBER},
    {"documentnumber", FIELD_ID_DOC_NUMBER},
    {"idnummer", FIELD_ID_DOC_NUMBER},
    {"idnumber", FIELD_ID_DOC_NUMBER},
    {"legitimatienummer", FIELD_ID_DOC_NUMBER},
    {"paspoortnummer", FIELD_ID_DOC_NUMBER},
    {"passportnumber", FIELD_ID_DOC_NUMBER},
    {"geldigtot", FIELD_ID_DOC_EXPIRY},
    {"documentgeldigtot", FIELD_ID_DOC_EXPIRY},
    {"vervaldatum", FIELD_ID_DOC_EXPIRY},
    {"expirydate", FIELD_ID_DOC_EXPIRY},
    {"idexpiry", FIELD_ID_DOC_EXPIRY},
    {"einddatum", FIELD_CONTRACT_END},
    {"einddatumcontract", FIELD_CONTRACT_END},
    {"contracteinde", FIELD_CONTRACT_END},
    {"opzegdatum", FIELD_CONTRACT_END},
    {"enddate", FIELD_CONTRACT_END},
    {"contractenddate", FIELD_CONTRACT_END},
    {"taal", FIELD_LANGUAGE},
    {"voorkeurstaal", FIELD_LANGUAGE},
    {"locale", FIELD_LANGUAGE},
    {"lang", FIELD_LANGUAGE},
    {"note", FIELD_NOTES},
    {"notities", FIELD_NOTES},
    {"notitie", FIELD_NOTES},
    {"opmerkingen", FIELD_NOTES},
    {"opmerking", FIELD_NOTES},
    {"memo", FIELD_NOTES},
    {"remarks", FIELD_NOTES},
    {"comments", FIELD_NOTES},
    {"comment", FIELD_NOTES},
    {"toelichting", FIELD_NOTES},
};

/* The plain letter for the second byte of a two-byte UTF-8 sequence
 * starting 0xC3 (Latin-1 Supplement letters), or 0. */
static char
mapping_fold_latin1(unsigned char b)
{
    static const char map[64] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
                                "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

    if (b < 0x80 || b > 0xbf)
        return 0;
    return map[b - 0x80];
}

static int
mapping_fold(const char *header, size_t len, char *out, size_t outsz)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)header[i];
        char ch;

        if (c == 0xc3 && i + 1 < len) {
            ch = mapping_fold_latin1((unsigned char)header[++i]);
            if (ch == 0 || ch == '*' || ch == '/')
                continue;
        } else if (c >= 'A' && c <= 'Z') {
            ch = (char)(c - 'A' + 'a');
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            ch = (char)c;
        } else {
            continue; /* separators, punctuation, other bytes */
        }
        if (o + 1 >= outsz)
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return (int)o;
}

enum field
mapping_guess(const char *header, size_t len)
{
    char folded[128], canon[64];
    size_t i;
    int f;

    if (mapping_fold(header, len, folded, sizeof(folded)) <= 0)
        return FIELD_NONE;
    for (f = 0; f < FIELD_COUNT; f++) {
        const char *name = field_name((enum field)f);

        if (mapping_fold(name, strlen(name), canon, sizeof(canon)) > 0 &&
            strcmp(canon, folded) == 0)
            return (enum field)f;
    }
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(aliases[i].alias, folded) == 0)
            return aliases[i].field;
    return FIELD_NONE;
}

struct mapping_entry {
    char *header;
    enum field field; /* FIELD_NONE: "extra" */
};

struct mapping {
    struct mapping_entry *entries;
    size_t count;
    char country[3];
    int delimiter;
};

struct mapping_parse {
    struct mapping *m;
    struct buf *why;
    const char *path;
    int failed;
    int oom;
};

/* Record the first error: "<what> '<value>'<tail>" (value escaped). The
 * line number is added by mapping_load() from ini_parse(). */
static int
mapping_error(struct mapping_parse *p, const char *what, const char *value,
              const char *tail)
{
    char esc[LIMIT_LOG_FIELD + 8];

    if (!p->failed && p->why != NULL) {
        log_escape(value, esc, sizeof(esc));
        if (buf_printf(p->why, "%s '%s'%s", what, esc, tail) != TOCSIN_OK)
            p->oom = 1;
    }
    p->failed = 1;
    return 0;
}

static int
mapping_option(struct mapping_parse *p, const char *name, const char *value)
{
    if (strcmp(name, "country") == 0) {
        if (strlen(value) != 2 || value[0] < 'A' || value[0] > 'Z' ||
            value[1] < 'A' || value[1] > 'Z')
            return mapping_error(p, "country", value,
                                 " is not a two-letter upper-case ISO 3166 "
                                 "code");
        memcpy(p->m->country, value, 3);
        return 1;
    }
    if (strcmp(name, "delimiter") == 0) {
        if (strcmp(value, "auto") == 0)
            p->m->delimiter = 0;
        else if (strcmp(value, "tab") == 0)
            p->m->delimiter = '\t';
        else if (strlen(value) == 1 && strchr(",;|", value[0]) != NULL)
            p->m->delimiter = value[0];
        else
            return mapping_error(p, "delimiter", value,
                                 " is not one of , ; | tab auto");
        return 1;
    }
    return mapping_error(p, "unknown option", name,
                         " in [options] (known: country, delimiter)");
}

static int
mapping_handler(void *user, const char *section, const char *name,
                const char *value)
{
    struct mapping_parse *p = user;
    struct mapping *m = p->m;
    struct mapping_entry *e;
    enum field f;
    size_t i;

    if (p->failed)
        return 0;
    if (strcmp(section, "options") == 0)
        return mapping_option(p, name, value);
    if (strcmp(section, "columns") != 0)
        return mapping_error(p, "unknown section", section,
                             " (known: [columns], [options])");
    if (strcmp(value, "extra") == 0) {
        f = FIELD_NONE;
    } else {
        f = field_by_name(value, strlen(value));
        if (f == FIELD_NONE)
            return mapping_error(p, "unknown field name", value,
                                 " (a canonical field name or 'extra'; "
                                 "see 'tocsin ingest --help')");
    }
    for (i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].header, name) == 0)
            return mapping_error(p, "column", name, " is mapped twice");
    if (m->count >= LIMIT_MAP_COLUMNS)
        return mapping_error(p, "too many columns in the map at", name, "");
    e = realloc(m->entries, (m->count + 1) * sizeof(*e));
    if (e == NULL) {
        p->oom = 1;
        return 0;
    }
    m->entries = e;
    e[m->count].header = strdup(name);
    if (e[m->count].header == NULL) {
        p->oom = 1;
        return 0;
    }
    e[m->count].field = f;
    m->count++;
    return 1;
}

struct mapping *
mapping_default(void)
{
    struct mapping *m = calloc(1, sizeof(*m));

    if (m == NULL) {
        fputs("tocsin: out of memory\n", stderr);
        abort();
    }
    memcpy(m->country, "NL", 3);
    return m;
}

/* Finish a parse: ini_parse_*() returned line (0, or the first bad line).
 * Frees p->m on error. */
static int
mapping_finish(struct mapping_parse *p, int line, struct mapping **out)
{
    struct buf *why = p->why;

    if (p->oom) {
        mapping_free(p->m);
        return TOCSIN_ENOMEM;
    }
    if (line != 0 || p->failed) {
        if (why != NULL) {
            struct buf msg;
            char epath[LIMIT_LOG_FIELD + 8];

            buf_init(&msg, LIMIT_CONFIG_VALUE);
            if (buf_printf(
                    &msg, "%s:%d: ", log_escape(p->path, epath, sizeof(epath)),
                    line) == TOCSIN_OK &&
                buf_appends(&msg, p->failed ? buf_str(why)
                                            : "not a valid INI line "
                                              "(expected 'header = field')") ==
                    TOCSIN_OK) {
                buf_reset(why);
                if (buf_appends(why, buf_str(&msg)) != TOCSIN_OK)
                    buf_reset(why);
            }
            buf_free(&msg);
        }
        mapping_free(p->m);
        return TOCSIN_ECONFIG;
    }
    *out = p->m;
    return TOCSIN_OK;
}

int
mapping_load(const char *path, struct mapping **out, struct buf *why)
{
    struct mapping_parse p = {0};
    FILE *f;
    int line;

    f = fopen(path, "r");
    if (f == NULL)
        return TOCSIN_ENOENT;
    p.m = mapping_default();
    p.why = why;
    p.path = path;
    line = ini_parse_file(f, mapping_handler, &p);
    fclose(f);
    return mapping_finish(&p, line, out);
}

/* Where mapping_mem_gets() stands in the text. */
struct mapping_mem {
    const char *p;
    size_t left;
};

/* An fgets() over memory for ini_parse_stream(): up to num - 1 bytes, up
 * to and including a newline, then a NUL; NULL at the end. A NUL byte in
 * the text is copied like any other, as fgets() does. */
static char *
mapping_mem_gets(char *str, int num, void *stream)
{
    struct mapping_mem *m = stream;
    const char *nl;
    size_t n;

    if (m->left == 0 || num < 2)
        return NULL;
    n = (size_t)num - 1;
    if (n > m->left)
        n = m->left;
    nl = memchr(m->p, '\n', n);
    if (nl != NULL)
        n = (size_t)(nl - m->p) + 1;
    memcpy(str, m->p, n);
    str[n] = '\0';
    m->p += n;
    m->left -= n;
    return str;
}

int
mapping_load_mem(const char *text, size_t len, const char *name,
                 struct mapping **out, struct buf *why)
{
    struct mapping_parse p = {0};
    struct mapping_mem mem = {text, len};
    int line;

    if (len > LIMIT_MAP_BYTES) {
        if (why != NULL) {
            char ename[LIMIT_LOG_FIELD + 8];

            buf_reset(why);
            if (buf_printf(why, "%s: map over %u bytes",
                           log_escape(name, ename, sizeof(ename)),
                           (unsigned)LIMIT_MAP_BYTES) != TOCSIN_OK)
                buf_reset(why);
        }
        return TOCSIN_ECONFIG;
    }
    p.m = mapping_default();
    p.why = why;
    p.path = name;
    line = ini_parse_stream(mapping_mem_gets, &mem, mapping_handler, &p);
    return mapping_finish(&p, line, out);
}

void
mapping_free(struct mapping *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->count; i++)
        free(m->entries[i].header);
    free(m->entries);
    free(m);
}

/* The header without surrounding spaces (FEBRL's ", " separators). */
static void
mapping_trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static enum field
mapping_lookup(const struct mapping *m, const char *h, size_t len,
               int *explicit_)
{
    size_t i;

    for (i = 0; i < m->count; i++) {
        if (strlen(m->entries[i].header) == len &&
            memcmp(m->entries[i].header, h, len) == 0) {
            *explicit_ = 1;
            return m->entries[i].field;
        }
    }
    *explicit_ = 0;
    return mapping_guess(h, len);
}

int
mapping_resolve(const struct mapping *m, const char *const *headers,
                const size_t *lens, size_t n, enum field *fields,
                struct buf *why)
{
    int seen[FIELD_COUNT];
    size_t i;
    int f, explicit_;

    for (f = 0; f < FIELD_COUNT; f++)
        seen[f] = -1;
    for (i = 0; i < n; i++) {
        const char *h = headers[i];
        size_t len = lens[i];

        mapping_trim(&h, &len);
        fields[i] = mapping_lookup(m, h, len, &explicit_);
        if (fields[i] == FIELD_NONE)
            continue;
        if (seen[fields[i]] >= 0) {
            if (why != NULL &&
                buf_printf(why,
                           "columns %d and %zu are both %s; name one of "
                           "them in a map file (--map) as another field "
                           "or as extra",
                           seen[fields[i]] + 1, i + 1,
                           field_name(fields[i])) != TOCSIN_OK)
                buf_reset(why);
            return TOCSIN_EINVAL;
        }
        seen[fields[i]] = (int)i;
    }
    return TOCSIN_OK;
}

const char *
mapping_country(const struct mapping *m)
{
    return m->country;
}

int
mapping_delimiter(const struct mapping *m)
{
    return m->delimiter;
}
