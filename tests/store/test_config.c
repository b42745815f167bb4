/* Tests of config.c: the shipped default parses to the seed case, and each
 * kind of mistake gives its message at the right line. Expected line
 * numbers are found here by searching the test text for a marker, not by
 * the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/config.h"
#include "store/embedded.h"
#include "store/field.h"
#include "util/fsutil.h"
#include "util/limits.h"

struct fixture {
    char dir[64];
    char path[128];
    struct case_config *cfg;
    struct buf why;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/tocsin-config-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/case.ini", f->dir);
    buf_init(&f->why, 8192);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    config_free(f->cfg);
    buf_free(&f->why);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* A small valid file; tests change or add to it. */
static const char base[] = "[incident]\n"
                           "name = Test incident\n"
                           "organisation = Example B.V.\n"
                           "occurred = 2026-02-07\n"
                           "\n"
                           "[dpo]\n"
                           "email = dpo@example.org\n"
                           "\n"
                           "[brand a]\n"
                           "from = A <noreply@a.example>\n"
                           "reply_to = privacy@a.example\n"
                           "info_url = https://www.a.example/info\n"
                           "message_id_domain = mail.a.example\n";

static int
load(struct fixture *f, const char *text)
{
    config_free(f->cfg);
    f->cfg = NULL;
    buf_reset(&f->why);
    assert_int_equal(fs_write_file(f->path, text, strlen(text), 0600, 0),
                     TOCSIN_OK);
    return config_load(f->path, &f->cfg, &f->why);
}

/* base with the line `find` replaced by `repl` (which may be ""). */
static char *
edit(const char *text, const char *find, const char *repl)
{
    const char *at = strstr(text, find);
    size_t n;
    char *out;

    assert_non_null(at);
    n = strlen(text) - strlen(find) + strlen(repl) + 1;
    out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, repl,
             at + strlen(find));
    return out;
}

/* The number of the line of text that holds marker (the last one when
 * last is set). */
static int
line_of(const char *text, const char *marker, int last)
{
    const char *at = strstr(text, marker), *p;
    int line = 1;

    assert_non_null(at);
    if (last) {
        const char *next;

        while ((next = strstr(at + 1, marker)) != NULL)
            at = next;
    }
    for (p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static int
count_lines(const char *text)
{
    int n = 0;

    for (; *text != '\0'; text++)
        n += *text == '\n';
    return n;
}

/* Loading text fails with ECONFIG at line, and the message has what. */
static void
expect_error_line(struct fixture *f, const char *text, int line,
                  const char *what)
{
    char prefix[256];

    assert_int_equal(load(f, text), TOCSIN_ECONFIG);
    assert_null(f->cfg);
    snprintf(prefix, sizeof(prefix), "%s:%d: ", f->path, line);
    if (strncmp(buf_str(&f->why), prefix, strlen(prefix)) != 0 ||
        strstr(buf_str(&f->why), what) == NULL)
        fail_msg("want \"%s...%s...\", got \"%s\"", prefix, what,
                 buf_str(&f->why));
}

/* As above, at the line that holds marker. */
static void
expect_error(struct fixture *f, const char *text, const char *marker,
             const char *what)
{
    expect_error_line(f, text, line_of(text, marker, 0), what);
}

/* base edited, then expect_error at the replacement's line. */
static void
expect_edit_error(struct fixture *f, const char *find, const char *repl,
                  const char *marker, const char *what)
{
    char *text = edit(base, find, repl);

    expect_error(f, text, marker, what);
    free(text);
}

static void
expect_edit_ok(struct fixture *f, const char *find, const char *repl)
{
    char *text = edit(base, find, repl);
    int rc = load(f, text);

    if (rc != TOCSIN_OK)
        fail_msg("want success, got %d: %s", rc, buf_str(&f->why));
    free(text);
}

static void
test_default_parses(void **state)
{
    struct fixture *f = *state;
    const struct embedded_file *e;
    const struct config_brand *b;
    const struct case_config *c;

    for (e = embedded_files; e->name != NULL; e++)
        if (strcmp(e->name, "case.ini") == 0)
            break;
    assert_non_null(e->name);
    if (load(f, e->data) != TOCSIN_OK)
        fail_msg("default case.ini: %s", buf_str(&f->why));
    c = f->cfg;
    assert_string_equal(c->incident_name, "Odido data breach, February 2026");
    assert_string_equal(c->organisation, "Odido Netherlands B.V.");
    assert_non_null(c->description);
    assert_int_equal(strncmp(c->description, "Attackers obtained", 18), 0);
    assert_non_null(strstr(c->description, " of\nOdido and downloaded"));
    assert_non_null(c->measures);
    assert_string_equal(c->occurred, "2026-02-07");
    assert_string_equal(c->detected, "2026-02-09");
    assert_string_equal(c->contained, "2026-02-10");
    assert_null(c->authority_notified);
    assert_string_equal(c->language, "nl");
    assert_int_equal(c->minor_age, 16);
    assert_int_equal(c->retention_months, 24);

    assert_int_equal(c->taken.count, 12);
    assert_string_equal(c->taken.items[0], "name");
    assert_string_equal(c->taken.items[5], "iban");
    assert_string_equal(c->taken.items[7], "id_document");
    assert_string_equal(c->taken.items[9], "notes");
    assert_string_equal(c->taken.items[11], "contract");
    assert_int_equal(c->not_taken.count, 5);
    assert_string_equal(c->not_taken.items[0], "password");
    assert_string_equal(c->not_taken.items[4], "id_scan");

    assert_string_equal(c->dpo_email, "privacy@odido.example");
    assert_null(c->dpo_phone);
    assert_non_null(strstr(c->dpo_address, "\nP.O. Box"));

    assert_int_equal(c->nbrands, 2);
    b = config_brand(c, "odido");
    assert_non_null(b);
    assert_ptr_equal(b, &c->brands[0]);
    assert_string_equal(b->display_name, "Odido");
    assert_string_equal(b->from, "Odido <noreply@odido.example>");
    assert_string_equal(b->reply_to, "privacy@odido.example");
    assert_string_equal(b->info_url, "https://www.odido.example/datalek");
    assert_string_equal(b->message_id_domain, "mail.odido.example");
    assert_string_equal(b->language, "nl");
    b = config_brand(c, "ben");
    assert_non_null(b);
    assert_string_equal(b->display_name, "Ben");
    assert_string_equal(b->from, "Ben <noreply@ben.example>");
    assert_null(config_brand(c, "kpn"));
}

static void
test_default_uses_example_domains(void **state)
{
    const struct embedded_file *e;
    const char *p;

    (void)state;
    for (e = embedded_files; e->name != NULL; e++)
        if (strcmp(e->name, "case.ini") == 0)
            break;
    assert_non_null(e->name);
    /* Every address and URL host in the default ends in .example. */
    for (p = e->data; (p = strpbrk(p, "@/")) != NULL; p++) {
        size_t n;

        if (*p == '/' && p[1] != '/')
            continue;
        p += *p == '/' ? 2 : 1;
        n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789.-");
        if (n == 0)
            continue;
        if (n < 8 || strncmp(p + n - 8, ".example", 8) != 0)
            fail_msg("not a .example domain: %.*s", (int)n, p);
    }
}

static void
test_minimal_and_defaults(void **state)
{
    struct fixture *f = *state;
    const struct case_config *c;

    assert_int_equal(load(f, base), TOCSIN_OK);
    c = f->cfg;
    assert_string_equal(c->language, "nl");
    assert_int_equal(c->minor_age, 16);
    assert_int_equal(c->retention_months, 24);
    assert_int_equal(c->taken.count, 0);
    assert_null(c->description);
    assert_null(c->detected);
    assert_int_equal(c->nbrands, 1);
    assert_string_equal(c->brands[0].id, "a");
    assert_string_equal(c->brands[0].display_name, "a");
    assert_string_equal(c->brands[0].language, "nl");

    /* A brand takes the incident's language unless it has its own. */
    expect_edit_ok(f, "occurred = 2026-02-07\n",
                   "occurred = 2026-02-07\nlanguage = en\n");
    assert_string_equal(f->cfg->brands[0].language, "en");
}

static void
test_syntax_variants(void **state)
{
    struct fixture *f = *state;
    char *text;

    /* CRLF, a UTF-8 byte order mark, ':' as separator, inline comments,
     * indented comments, empty values. */
    text = edit(base, "[incident]\nname = Test incident\n",
                "\xef\xbb\xbf[incident]\r\n"
                "name: Test ; a comment\r\n"
                "  ; an indented comment\r\n"
                "description =\r\n"
                "contained =\r\n");
    if (load(f, text) != TOCSIN_OK)
        fail_msg("%s", buf_str(&f->why));
    assert_string_equal(f->cfg->incident_name, "Test");
    assert_null(f->cfg->description);
    assert_null(f->cfg->contained);
    free(text);

    /* UTF-8 text is fine. */
    expect_edit_ok(f, "name = Test incident", "name = Datalek bij Odido – é");
    assert_string_equal(f->cfg->incident_name, "Datalek bij Odido – é");
}

static void
test_unknown_section_and_key(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "[dpo]\n", "[bogus]\nx = 1\n[dpo]\n", "[bogus]",
                      "unknown section [bogus]; allowed: [incident], "
                      "[data], [retention], [risk], [sensitive nl], "
                      "[sensitive en], [report], [smtp], [serve], [dpo], "
                      "[brand NAME]");
    expect_edit_error(f, "occurred", "colour = red\noccurred", "colour",
                      "unknown key 'colour' in [incident]; allowed: name, "
                      "organisation, description, measures, consequences, "
                      "occurred, detected, contained, authority_notified, "
                      "language, minor_age");
    expect_edit_error(f, "[dpo]\n", "[report]\nsmall = 5\n[dpo]\n", "small =",
                      "unknown key 'small' in [report]; allowed: "
                      "small_count");
    expect_edit_error(f, "reply_to", "bounce = x@a.example\nreply_to",
                      "bounce",
                      "unknown key 'bounce' in [brand NAME]; allowed: "
                      "display_name, from, reply_to");
    expect_edit_error(f, "email = dpo", "mail = x\nemail = dpo", "mail = x",
                      "unknown key 'mail' in [dpo]");
    expect_edit_error(f, "[dpo]\n", "[smtp]\npass = x\n[dpo]\n", "pass =",
                      "unknown key 'pass' in [smtp]; allowed: user, "
                      "password, ca_file, helo, domain_rate, "
                      "warmup_minutes, domain_backoff");
    expect_edit_error(
        f, "[incident]\n", "early = 1\n[incident]\n", "early",
        "'early' outside a section; put keys under [incident], [data], "
        "[retention], [risk], [sensitive LANG], [report], [smtp], [serve], "
        "[dpo] or [brand NAME]");
    expect_edit_error(f, "[dpo]\n", "[serve]\ntoken = short\n[dpo]\n",
                      "token =",
                      "'token' must be 32 to 256 characters of A-Z, a-z, "
                      "0-9 and . _ ~ + / = -");
    expect_edit_error(f, "[dpo]\n", "[serve]\ntrust_proxy = 2\n[dpo]\n",
                      "trust_proxy",
                      "'trust_proxy' is '2'; it must be a whole number "
                      "from 0 to 1");
    /* The key the brief's example breaks with. */
    expect_edit_error(f, "[incident]\n", "[incident]\nbogus = 1\n", "bogus",
                      "unknown key 'bogus' in [incident]");
}

static void
test_unknown_category(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(
        f, "[dpo]\n", "[data]\ntaken = name, shoe_size, iban\n[dpo]\n",
        "shoe_size",
        "unknown data category 'shoe_size' in 'taken'; allowed: name, "
        "customer_number, address, phone, email, iban, birth_date, "
        "id_document, national_id, vat_number, notes, extra, password, "
        "call_records, location, invoices, id_scan, subscription, contract");
    expect_edit_error(f, "[dpo]\n", "[data]\nnot_taken = IBAN\n[dpo]\n",
                      "IBAN", "unknown data category 'IBAN' in 'not_taken'");
    expect_edit_error(f, "[dpo]\n", "[data]\ntaken = name,,iban\n[dpo]\n",
                      "taken", "empty item in 'taken'");
    expect_edit_error(f, "[dpo]\n",
                      "[data]\ntaken = name, iban, name\n[dpo]\n", "taken",
                      "category 'name' is listed twice in 'taken'");
    expect_edit_ok(f, "[dpo]\n",
                   "[data]\ntaken =  name ,iban\t, phone\n[dpo]\n");
    assert_int_equal(f->cfg->taken.count, 3);
    assert_string_equal(f->cfg->taken.items[1], "iban");
    assert_string_equal(f->cfg->taken.items[2], "phone");
}

static void
test_taken_and_not_taken(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "[dpo]\n",
                      "[data]\ntaken = name, iban\n; x\n"
                      "not_taken = password, iban\n[dpo]\n",
                      "not_taken",
                      "category 'iban' is both taken (line 7) and "
                      "not_taken (line 9)");
}

static void
test_bad_dates(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "2026-02-30", "2025-02-29", "2026-2-07",  "07-02-2026",
        "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31",
        "2026/02/07", "20260207",   "0000-01-01", "2026-02-07T10:00",
        NULL,
    };
    char line[128];
    size_t i;

    for (i = 0; bad[i] != NULL; i++) {
        snprintf(line, sizeof(line), "occurred = %s", bad[i]);
        expect_edit_error(f, "occurred = 2026-02-07", line, "occurred",
                          "a date must be YYYY-MM-DD and exist");
    }
    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\ndetected = 2026-02-31",
                      "detected", "'detected' is '2026-02-31'");
    expect_edit_ok(f, "occurred = 2026-02-07", "occurred = 2024-02-29");
    expect_edit_ok(f, "occurred = 2026-02-07", "occurred = 2000-02-29");
    expect_edit_ok(f, "occurred = 2026-02-07", "occurred = 2026-12-31");
}

static void
test_date_order(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\ndetected = 2026-02-06",
                      "detected",
                      "detected (2026-02-06) is before occurred "
                      "(2026-02-07)");
    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\ndetected = 2026-02-09\n"
                      "authority_notified = 2026-02-08",
                      "authority_notified",
                      "authority_notified (2026-02-08) is before detected");
    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\ndetected = 2026-02-07\n"
                   "contained = 2026-02-08\nauthority_notified = "
                   "2026-02-10");
}

static void
test_bad_addresses(void **state)
{
    struct fixture *f = *state;
    static const char *const bad_plain[] = {
        "privacy@",      "@a.example",    "privacy",
        "a@b@a.example", "a b@a.example", "A <a@a.example>",
        "a@a..example",  "a@-",           NULL,
    };
    static const char *const bad_from[] = {
        "A noreply-at-a.example",
        "A <noreply@a.example",
        "A <>",
        "A <@a.example>",
        "A <a@>",
        "A \"x\" <a@a.example>",
        NULL,
    };
    char line[128];
    size_t i;

    for (i = 0; bad_plain[i] != NULL; i++) {
        snprintf(line, sizeof(line), "reply_to = %s", bad_plain[i]);
        expect_edit_error(f, "reply_to = privacy@a.example", line, "reply_to",
                          "'reply_to' is not an e-mail address: it must be "
                          "like name@example.org, one @ with text on both "
                          "sides");
        snprintf(line, sizeof(line), "email = %s", bad_plain[i]);
        expect_edit_error(f, "email = dpo@example.org", line,
                          "email =", "'email' is not an e-mail address");
    }
    for (i = 0; bad_from[i] != NULL; i++) {
        snprintf(line, sizeof(line), "from = %s", bad_from[i]);
        expect_edit_error(f, "from = A <noreply@a.example>", line, "from",
                          "'from' is not an e-mail address: it must be like "
                          "name@example.org or Name <name@example.org>");
    }
    expect_edit_ok(f, "from = A <noreply@a.example>",
                   "from = noreply@a.example");
    expect_edit_ok(f, "from = A <noreply@a.example>",
                   "from = <noreply@a.example>");
    expect_edit_ok(f, "from = A <noreply@a.example>",
                   "from = Odido Klantenservice <no.reply+x@a.example>");
    assert_string_equal(f->cfg->brands[0].from,
                        "Odido Klantenservice <no.reply+x@a.example>");
}

static void
test_bad_url_and_domain(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "info_url = https://www.a.example/info",
                      "info_url = www.a.example/info", "info_url",
                      "'info_url' is not a web address");
    expect_edit_error(f, "info_url = https://www.a.example/info",
                      "info_url = https://www.a.example/my info", "info_url",
                      "'info_url' is not a web address");
    expect_edit_error(f, "message_id_domain = mail.a.example",
                      "message_id_domain = mail a.example",
                      "message_id_domain",
                      "'message_id_domain' is 'mail a.example'; it must be "
                      "a domain name");
    expect_edit_ok(f, "info_url = https://www.a.example/info",
                   "info_url = http://a.example:8080/x?y=1#z");
}

static void
test_bad_language(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\nlanguage = de", "language",
                      "'language' is 'de'; it must be nl or en");
    expect_edit_error(f, "message_id_domain = mail.a.example",
                      "message_id_domain = mail.a.example\nlanguage = NL",
                      "language = NL", "'language' is 'NL'");
}

static void
test_numbers(void **state)
{
    struct fixture *f = *state;
    static const char *const bad_age[] = {
        "26", "-1", "abc", "16 years", "+5", "99999999999999999999", NULL};
    char line[128];
    size_t i;

    for (i = 0; bad_age[i] != NULL; i++) {
        snprintf(line, sizeof(line), "occurred = 2026-02-07\nminor_age = %s",
                 bad_age[i]);
        expect_edit_error(f, "occurred = 2026-02-07", line, "minor_age",
                          "it must be a whole number from 0 to 25");
    }
    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\nminor_age = 0");
    assert_int_equal(f->cfg->minor_age, 0);
    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\nminor_age = 25");
    assert_int_equal(f->cfg->minor_age, 25);

    expect_edit_error(f, "[dpo]\n",
                      "[retention]\nex_customer_months = 0\n[dpo]\n",
                      "ex_customer_months",
                      "'ex_customer_months' is '0'; it must be a whole "
                      "number from 1 to 240");
    expect_edit_error(f, "[dpo]\n",
                      "[retention]\nex_customer_months = 241\n[dpo]\n",
                      "ex_customer_months", "from 1 to 240");
    expect_edit_ok(f, "[dpo]\n",
                   "[retention]\nex_customer_months = 240\n[dpo]\n");
    assert_int_equal(f->cfg->retention_months, 240);
    expect_edit_ok(f, "[dpo]\n",
                   "[retention]\nex_customer_months = 1\n[dpo]\n");
    assert_int_equal(f->cfg->retention_months, 1);
}

static void
test_brands(void **state)
{
    struct fixture *f = *state;
    char *text, *two;
    char name[128];

    /* A second brand section of the same name. */
    two = edit(base, "", ""); /* a copy */
    text = malloc(strlen(two) * 2 + 1);
    assert_non_null(text);
    snprintf(text, strlen(two) * 2 + 1, "%s%s", two,
             strstr(base, "[brand a]"));
    expect_error_line(f, text, line_of(text, "[brand a]", 1),
                      "[brand a] appears twice (first at line 9)");
    free(text);
    free(two);

    expect_edit_error(f, "[brand a]", "[brand Odido]", "[brand",
                      "brand name 'Odido' is not allowed: use 1 to 64 of "
                      "a-z, 0-9, '_' and '-'");
    expect_edit_error(f, "[brand a]", "[brand]", "[brand",
                      "brand name '' is not allowed");
    expect_edit_error(f, "[brand a]", "[brand a.b]", "[brand",
                      "brand name 'a.b' is not allowed");
    memset(name, 'x', sizeof(name));
    memcpy(name, "[brand ", 7);
    name[7 + 65] = ']';
    name[7 + 66] = '\0';
    expect_edit_error(f, "[brand a]", name, "[brand",
                      "is not allowed: use 1 to 64");
    name[7 + 64] = ']';
    name[7 + 65] = '\0';
    expect_edit_ok(f, "[brand a]", name);
    expect_edit_ok(f, "[brand a]", "[ brand my_brand-2 ]");
    assert_string_equal(f->cfg->brands[0].id, "my_brand-2");

    /* No brand at all: at the end of the file. */
    text = edit(base, strstr(base, "[brand a]"), "");
    expect_error_line(f, text, count_lines(text),
                      "no [brand NAME] section; add one for every brand");
    free(text);

    expect_edit_error(f, "[incident]", "[incident] extra", "[incident]",
                      "text after the section header's ']'");
    expect_edit_error(f, "[incident]", "[incident", "[incident",
                      "'[' without a closing ']'");
    expect_edit_ok(f, "[incident]", "[incident] ; the incident");
}

static void
test_duplicates(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\nname = Again", "Again",
                      "'name' is given twice (first at line 2)");
    expect_edit_error(f, "message_id_domain = mail.a.example",
                      "message_id_domain = mail.a.example\nfrom = b@a.example",
                      "from = b@", "'from' is given twice (first at line 10)");
    expect_edit_error(
        f, "[dpo]\n", "[incident]\ndetected = 2026-02-08\n[dpo]\n",
        "[incident]\ndetected", "[incident] appears twice (first at line 1)");
    /* The same key in two brands is fine. */
    {
        char *text = malloc(2 * sizeof(base));

        assert_non_null(text);
        snprintf(text, 2 * sizeof(base), "%s\n[brand b]\n%s", base,
                 strstr(base, "from ="));
        if (load(f, text) != TOCSIN_OK)
            fail_msg("%s", buf_str(&f->why));
        assert_int_equal(f->cfg->nbrands, 2);
        assert_string_equal(f->cfg->brands[1].id, "b");
        free(text);
    }
}

static void
test_required(void **state)
{
    struct fixture *f = *state;
    char *text;

    text = edit(base, "name = Test incident\n", "");
    expect_error_line(f, text, 1, "[incident] has no 'name'; add name = ...");
    free(text);
    text = edit(base, "organisation = Example B.V.\n", "");
    expect_error_line(f, text, 1, "[incident] has no 'organisation'");
    free(text);
    text = edit(base, "occurred = 2026-02-07\n", "occurred =\n");
    expect_error_line(f, text, 1, "[incident] has no 'occurred'");
    free(text);
    text = edit(base, "email = dpo@example.org\n", "name = Someone\n");
    expect_error_line(f, text, 6, "[dpo] has no 'email'; add email = ...");
    free(text);
    text = edit(base, "[dpo]\nemail = dpo@example.org\n", "");
    expect_error_line(f, text, count_lines(text),
                      "no [dpo] section; add one with at least email = ...");
    free(text);
    text = edit(base,
                "[incident]\nname = Test incident\n"
                "organisation = Example B.V.\n"
                "occurred = 2026-02-07\n",
                "");
    expect_error_line(f, text, count_lines(text), "no [incident] section");
    free(text);
    text = edit(base, "from = A <noreply@a.example>\n", "");
    expect_error_line(f, text, 9, "[brand a] has no 'from'; add from = ...");
    free(text);
    text = edit(base, "reply_to = privacy@a.example\n", "");
    expect_error_line(f, text, 9, "[brand a] has no 'reply_to'");
    free(text);
    text = edit(base, "info_url = https://www.a.example/info\n", "");
    expect_error_line(f, text, 9, "[brand a] has no 'info_url'");
    free(text);
    text = edit(base, "message_id_domain = mail.a.example\n", "");
    expect_error_line(f, text, 9, "[brand a] has no 'message_id_domain'");
    free(text);
}

static void
test_continuation_lines(void **state)
{
    struct fixture *f = *state;

    /* Free text goes on over indented lines, joined with newlines. */
    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\n"
                   "description = First line,\n"
                   "    second line = with an equals sign,\n"
                   "  ; a comment in between\n"
                   "\tthird line.");
    assert_string_equal(f->cfg->description,
                        "First line,\nsecond line = with an equals sign,\n"
                        "third line.");
    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\ndescription =\n  Only line.");
    assert_string_equal(f->cfg->description, "Only line.");

    /* An indented key does not vanish into the value above it. */
    expect_edit_error(f, "organisation = Example B.V.",
                      "organisation = Example B.V.\n  measures = none",
                      "measures",
                      "indented 'measures' would become part of the value "
                      "of 'organisation'; start every key at the beginning "
                      "of its line");
    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\ndescription = Text\n"
                      "  detected = 2026-02-09",
                      "detected",
                      "indented 'detected' would become part of the value "
                      "of 'description'");
    expect_edit_error(f, "reply_to = privacy@a.example",
                      "reply_to = privacy@a.example\n    from: x@a.example",
                      "from: x", "indented 'from' would become part");
    /* Nor does an indented section. */
    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\ndescription = Text\n"
                      "  [dpo]",
                      "  [dpo]",
                      "indented section header would become part of the "
                      "value of 'description'");
    /* One-line keys refuse continuation text. */
    expect_edit_error(f, "from = A <noreply@a.example>",
                      "from = A <noreply@a.example>\n  and more", "and more",
                      "indented line would continue the value of 'from', "
                      "which takes one line");
    /* An indented first key of a section is just a key. */
    expect_edit_ok(f, "[dpo]\nemail", "[dpo]\n  email");
    assert_string_equal(f->cfg->dpo_email, "dpo@example.org");
}

/* out = text with "occurred = 2026-02-07" and line added after its first
 * line (the [incident] header). */
static void
with_line(char *out, size_t outsz, const char *text, const char *line)
{
    const char *nl = strchr(text, '\n');
    int n;

    assert_non_null(nl);
    n = snprintf(out, outsz, "%.*soccurred = 2026-02-07\n%s\n%s",
                 (int)(nl - text) + 1, text, line, nl + 1);
    assert_true(n > 0 && (size_t)n < outsz);
}

static void
test_long_lines_and_values(void **state)
{
    struct fixture *f = *state;
    char line[512], *text, *big;
    size_t i, n;

    /* A line inih would cut is refused with its number. */
    memset(line, 0, sizeof(line));
    memcpy(line, "description = ", 14);
    memset(line + 14, 'x', 300);
    text = edit(base, "occurred = 2026-02-07",
                "occurred = 2026-02-07\n; before\n");
    big = edit(text, "; before\n", line);
    expect_error(f, big, "description", "line longer than 197 characters");
    free(big);
    free(text);
    /* 197 characters are fine, 198 are not. */
    line[198] = '\0';
    text = edit(base, "occurred = 2026-02-07\n", "");
    n = strlen(text) + sizeof(line) + 64;
    big = malloc(n);
    assert_non_null(big);
    with_line(big, n, text, line);
    expect_error(f, big, "description", "line longer than 197 characters");
    line[197] = '\0';
    with_line(big, n, text, line);
    if (load(f, big) != TOCSIN_OK)
        fail_msg("%s", buf_str(&f->why));
    assert_int_equal(strlen(f->cfg->description), 197 - 14);
    free(big);
    free(text);

    /* A value over LIMIT_CONFIG_VALUE, built of continuation lines. */
    n = 3 * LIMIT_CONFIG_VALUE;
    big = malloc(n);
    assert_non_null(big);
    i = (size_t)snprintf(big, n, "%s",
                         "occurred = 2026-02-07\ndescription = "
                         "start\n");
    while (i < LIMIT_CONFIG_VALUE + 400) {
        i += (size_t)snprintf(big + i, n - i, "  %080d\n", 0);
    }
    /* Find the line where the value passes the limit: 6 + 81 per line. */
    text = edit(base, "occurred = 2026-02-07\n", big);
    {
        int first = line_of(text, "description", 0);
        int k = (int)((LIMIT_CONFIG_VALUE - 5) / 81) + 1;

        expect_error_line(f, text, first + k,
                          "the value of 'description' is longer than 4096 "
                          "bytes");
    }
    free(text);
    free(big);
}

static void
test_bad_text(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "name = Test incident", "name = Test\x01incident",
                      "name = ",
                      "the value of 'name' has a control character "
                      "or is not valid UTF-8");
    expect_edit_error(f, "name = Test incident", "name = Test\xffincident",
                      "name = ", "not valid UTF-8");
    expect_edit_error(f, "name = Test incident", "name = Test\xc0\xafincident",
                      "name = ", "not valid UTF-8");
    expect_edit_error(f, "name = Test incident", "name = Test\xc2\x9bincident",
                      "name = ", "control character");
    expect_edit_error(f, "name = Test incident", "name = Test\tincident",
                      "name = ", "control character");
}

static void
test_syntax_error(void **state)
{
    struct fixture *f = *state;

    expect_edit_error(f, "occurred = 2026-02-07",
                      "occurred = 2026-02-07\njust some words", "just some",
                      "expected 'key = value', '[section]' or a comment");
}

static void
test_file_problems(void **state)
{
    struct fixture *f = *state;
    char want[256];
    static const char nul[] = "[incident]\nname = a\0b\n";

    config_free(f->cfg);
    f->cfg = NULL;
    unlink(f->path);
    assert_int_equal(config_load(f->path, &f->cfg, &f->why), TOCSIN_ENOENT);
    snprintf(want, sizeof(want), "%s: no such file", f->path);
    assert_string_equal(buf_str(&f->why), want);

    buf_reset(&f->why);
    assert_int_equal(fs_write_file(f->path, nul, sizeof(nul) - 1, 0600, 0),
                     TOCSIN_OK);
    assert_int_equal(config_load(f->path, &f->cfg, &f->why), TOCSIN_ECONFIG);
    snprintf(want, sizeof(want), "%s:2: a NUL byte", f->path);
    assert_int_equal(strncmp(buf_str(&f->why), want, strlen(want)), 0);

    /* why may be NULL. */
    assert_int_equal(config_load(f->path, &f->cfg, NULL), TOCSIN_ECONFIG);
    assert_null(f->cfg);
}

/* ---- [risk], [sensitive LANG], [report], consequences ---- */

static const char *
embedded_case_ini(void)
{
    const struct embedded_file *e;

    for (e = embedded_files; e->name != NULL; e++)
        if (strcmp(e->name, "case.ini") == 0)
            return e->data;
    fail_msg("no embedded case.ini");
    return NULL;
}

#define CAT(c) (1u << CATEGORY_##c)

/* The built-in rules, as the brief lists them. */
static void
expect_default_rules(const struct case_config *c)
{
    static const struct {
        const char *name;
        int level;
        unsigned categories, conditions;
        const char *when;
    } want[] = {
        {"fraud", CONFIG_RISK_HIGH, CAT(IBAN) | CAT(NAME) | CAT(ADDRESS), 0,
         "iban + name + address"},
        {"identity_fraud", CONFIG_RISK_HIGH,
         CAT(ID_DOCUMENT) | CAT(BIRTH_DATE), 0, "id_document + birth_date"},
        {"national_id", CONFIG_RISK_HIGH, CAT(NATIONAL_ID), 0, "national_id"},
        {"sensitive_notes", CONFIG_RISK_HIGH, 0, CONFIG_COND_SENSITIVE_NOTES,
         "sensitive_notes"},
        {"phishing", CONFIG_RISK_MEDIUM, CAT(EMAIL) | CAT(NAME), 0,
         "email + name"},
        {"phishing_phone", CONFIG_RISK_MEDIUM, CAT(PHONE) | CAT(NAME), 0,
         "phone + name"},
        {"minor", CONFIG_RISK_MEDIUM, 0, CONFIG_COND_MINOR, "minor"},
    };
    size_t i;

    assert_int_equal(c->nrules, sizeof(want) / sizeof(want[0]));
    for (i = 0; i < c->nrules; i++) {
        assert_string_equal(c->rules[i].name, want[i].name);
        assert_int_equal(c->rules[i].level, want[i].level);
        assert_int_equal(c->rules[i].categories, want[i].categories);
        assert_int_equal(c->rules[i].conditions, want[i].conditions);
        assert_string_equal(c->rules[i].when, want[i].when);
    }
}

/* The built-in term lists, in outline. */
static void
expect_default_terms(const struct case_config *c)
{
    static const char *const topics[] = {"health", "debt", "violence",
                                         "stalking", "police"};
    size_t i, j;

    assert_int_equal(c->nterms, 10);
    for (i = 0; i < c->nterms; i++) {
        const struct config_terms *t = &c->terms[i];

        assert_string_equal(t->language, i < 5 ? "nl" : "en");
        assert_string_equal(t->topic, topics[i % 5]);
        assert_true(t->count >= 7);
        for (j = 0; j < t->count; j++) {
            const char *s = t->terms[j], *star = strchr(s, '*');

            assert_true(strlen(s) >= 2);
            assert_true(star == NULL || star[1] == '\0');
        }
    }
    assert_string_equal(c->terms[0].terms[0], "ziek*");
    assert_string_equal(c->terms[1].terms[0], "schulden*");
    assert_string_equal(c->terms[5].terms[0], "ill");
}

static void
expect_same_rules(const struct case_config *a, const struct case_config *b)
{
    size_t i;

    assert_int_equal(a->nrules, b->nrules);
    for (i = 0; i < a->nrules; i++) {
        assert_string_equal(a->rules[i].name, b->rules[i].name);
        assert_int_equal(a->rules[i].level, b->rules[i].level);
        assert_int_equal(a->rules[i].categories, b->rules[i].categories);
        assert_int_equal(a->rules[i].conditions, b->rules[i].conditions);
        assert_string_equal(a->rules[i].when, b->rules[i].when);
    }
}

static void
expect_same_terms(const struct case_config *a, const struct case_config *b)
{
    size_t i, j;

    assert_int_equal(a->nterms, b->nterms);
    for (i = 0; i < a->nterms; i++) {
        assert_string_equal(a->terms[i].language, b->terms[i].language);
        assert_string_equal(a->terms[i].topic, b->terms[i].topic);
        assert_int_equal(a->terms[i].count, b->terms[i].count);
        for (j = 0; j < a->terms[i].count; j++)
            assert_string_equal(a->terms[i].terms[j], b->terms[i].terms[j]);
    }
}

/* text without every section whose header starts with prefix: from the
 * header to the next header. */
static char *
without_sections(const char *text, const char *prefix)
{
    size_t n = strlen(text), at = 0, plen = strlen(prefix);
    char *out = malloc(n + 1);
    const char *p = text;
    int skipping = 0, removed = 0;

    assert_non_null(out);
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);

        if (*p == '[') {
            skipping = strncmp(p, prefix, plen) == 0;
            removed += skipping;
        }
        if (!skipping) {
            memcpy(out + at, p, len);
            at += len;
        }
        p += len;
    }
    out[at] = '\0';
    assert_true(removed > 0);
    return out;
}

static void
test_default_rules_and_terms(void **state)
{
    struct fixture *f = *state;
    const char *ini = embedded_case_ini();
    struct case_config *full;
    char *text;

    if (load(f, ini) != TOCSIN_OK)
        fail_msg("default case.ini: %s", buf_str(&f->why));
    full = f->cfg;
    f->cfg = NULL;
    expect_default_rules(full);
    expect_default_terms(full);
    assert_int_equal(full->small_count, 10);
    assert_non_null(full->consequences);
    assert_non_null(strstr(full->consequences, "phishing"));
    assert_non_null(strstr(full->consequences, "within 8 weeks"));
    assert_non_null(strstr(full->consequences, "identity fraud"));

    /* Without [risk]: the built-in rules, equal to the written-out ones. */
    text = without_sections(ini, "[risk]");
    if (load(f, text) != TOCSIN_OK)
        fail_msg("%s", buf_str(&f->why));
    expect_same_rules(full, f->cfg);
    expect_same_terms(full, f->cfg);
    free(text);

    /* Without [sensitive nl] and [sensitive en]: the built-in lists. */
    text = without_sections(ini, "[sensitive");
    if (load(f, text) != TOCSIN_OK)
        fail_msg("%s", buf_str(&f->why));
    expect_same_terms(full, f->cfg);
    expect_same_rules(full, f->cfg);
    free(text);
    config_free(full);

    /* The minimal file has them too. */
    assert_int_equal(load(f, base), TOCSIN_OK);
    expect_default_rules(f->cfg);
    expect_default_terms(f->cfg);
    assert_int_equal(f->cfg->small_count, 10);
    assert_null(f->cfg->consequences);
}

/* base with a section added before [dpo]. */
static void
expect_section_ok(struct fixture *f, const char *section)
{
    char *text = edit(base, "[dpo]\n", section);
    int rc = load(f, text);

    if (rc != TOCSIN_OK)
        fail_msg("want success, got %d: %s", rc, buf_str(&f->why));
    free(text);
}

/* base with section added before [dpo]; the error is at the line that
 * holds marker (the last one when last is set). */
static void
expect_section_error(struct fixture *f, const char *section,
                     const char *marker, int last, const char *what)
{
    char *text = edit(base, "[dpo]\n", section);

    expect_error_line(f, text, line_of(text, marker, last), what);
    free(text);
}

static void
test_risk_rules(void **state)
{
    struct fixture *f = *state;
    const struct config_rule *r;
    char *big;
    size_t at, n, i;

    expect_section_ok(f, "[risk]\n"
                         "; a comment\n"
                         "a_1 = low:notes+extra\n"
                         "b =  high :  iban \n"
                         "c = medium: past_retention + valid_id_document + "
                         "subscription + contract + customer_number\n"
                         "d = low: vat_number ; an inline comment\n"
                         "e: high: sensitive_notes + minor\n"
                         "[dpo]\n");
    assert_int_equal(f->cfg->nrules, 5);
    r = &f->cfg->rules[0];
    assert_string_equal(r->name, "a_1");
    assert_int_equal(r->level, CONFIG_RISK_LOW);
    assert_int_equal(r->categories, CAT(NOTES) | CAT(EXTRA));
    assert_int_equal(r->conditions, 0);
    assert_string_equal(r->when, "notes + extra");
    r = &f->cfg->rules[1];
    assert_int_equal(r->level, CONFIG_RISK_HIGH);
    assert_int_equal(r->categories, CAT(IBAN));
    assert_string_equal(r->when, "iban");
    r = &f->cfg->rules[2];
    assert_int_equal(r->level, CONFIG_RISK_MEDIUM);
    assert_int_equal(r->categories,
                     CAT(SUBSCRIPTION) | CAT(CONTRACT) | CAT(CUSTOMER_NUMBER));
    assert_int_equal(r->conditions, CONFIG_COND_PAST_RETENTION |
                                        CONFIG_COND_VALID_ID_DOCUMENT);
    assert_string_equal(r->when, "past_retention + valid_id_document + "
                                 "subscription + contract + customer_number");
    assert_string_equal(f->cfg->rules[3].when, "vat_number");
    r = &f->cfg->rules[4];
    assert_string_equal(r->name, "e");
    assert_int_equal(r->categories, 0);
    assert_int_equal(r->conditions,
                     CONFIG_COND_SENSITIVE_NOTES | CONFIG_COND_MINOR);
    /* The built-in term lists stay: only [risk] was given. */
    assert_int_equal(f->cfg->nterms, 10);

    /* An empty [risk]: no rules at all. */
    expect_section_ok(f, "[risk]\n; nothing\n[dpo]\n");
    assert_int_equal(f->cfg->nrules, 0);
    assert_non_null(f->cfg->rules);

    /* Mistakes. */
    expect_section_error(f, "[risk]\nx = extreme: iban\n[dpo]\n", "x =", 0,
                         "unknown risk level 'extreme' in rule 'x'; use "
                         "low, medium or high");
    expect_section_error(f, "[risk]\nx = HIGH: iban\n[dpo]\n", "x =", 0,
                         "unknown risk level 'HIGH'");
    expect_section_error(f, "[risk]\nx = : iban\n[dpo]\n", "x =", 0,
                         "unknown risk level ''");
    expect_section_error(f, "[risk]\nx = high iban\n[dpo]\n", "x =", 0,
                         "rule 'x' is 'high iban'; write LEVEL: CONDITION "
                         "+ CONDITION ..., as in fraud = high: iban + "
                         "name + address");
    expect_section_error(f, "[risk]\nx =\n[dpo]\n", "x =", 0,
                         "rule 'x' is ''; write LEVEL");
    expect_section_error(f, "[risk]\nx = high: iban + shoe_size\n[dpo]\n",
                         "x =", 0,
                         "unknown condition 'shoe_size' in rule 'x'; "
                         "conditions: name, customer_number, address, "
                         "phone, email, iban, birth_date, id_document, "
                         "national_id, vat_number, notes, subscription, "
                         "contract, extra, sensitive_notes, minor, "
                         "past_retention, valid_id_document");
    expect_section_error(f, "[risk]\nx = high: IBAN\n[dpo]\n", "x =", 0,
                         "unknown condition 'IBAN'");
    expect_section_error(f, "[risk]\nx = high: name + password\n[dpo]\n",
                         "x =", 0,
                         "'password' in rule 'x' is never in the data, so "
                         "no rule can ask for it; conditions: name,");
    expect_section_error(f, "[risk]\nx = high: id_scan\n[dpo]\n", "x =", 0,
                         "'id_scan' in rule 'x' is never in the data");
    expect_section_error(f, "[risk]\nx = high:\n[dpo]\n", "x =", 0,
                         "empty condition in rule 'x': give at least one, "
                         "and join conditions with one '+' each");
    expect_section_error(f, "[risk]\nx = high: iban +\n[dpo]\n", "x =", 0,
                         "empty condition in rule 'x'");
    expect_section_error(f, "[risk]\nx = high: + iban\n[dpo]\n", "x =", 0,
                         "empty condition in rule 'x'");
    expect_section_error(f, "[risk]\nx = high: iban ++ name\n[dpo]\n",
                         "x =", 0, "empty condition in rule 'x'");
    expect_section_error(f, "[risk]\nx = high: iban + name + iban\n[dpo]\n",
                         "x =", 0,
                         "condition 'iban' is listed twice in rule 'x'");
    expect_section_error(f, "[risk]\nx = high: minor + minor\n[dpo]\n",
                         "x =", 0, "condition 'minor' is listed twice");
    expect_section_error(f,
                         "[risk]\nx = high: iban\n; y\nx = low: name\n"
                         "[dpo]\n",
                         "x = low", 0,
                         "rule 'x' is given twice (first at line 7); give "
                         "each rule its own name");
    expect_section_error(f, "[risk]\nFraud = high: iban\n[dpo]\n", "Fraud", 0,
                         "rule name 'Fraud' is not allowed: use 1 to 32 of "
                         "a-z, 0-9 and '_', as in fraud = high: iban + name");
    expect_section_error(f, "[risk]\nfr-aud = high: iban\n[dpo]\n", "fr-aud",
                         0, "rule name 'fr-aud' is not allowed");
    expect_section_ok(f, "[risk]\nabcdefghijklmnopqrstuvwxyz_01234 = low: "
                         "name\n[dpo]\n");
    assert_int_equal(strlen(f->cfg->rules[0].name), 32);
    expect_section_error(f,
                         "[risk]\nabcdefghijklmnopqrstuvwxyz_012345 = low: "
                         "name\n[dpo]\n",
                         "abcdef", 0, "rule name 'abcdefghij");
    expect_section_error(f, "[risk]\nx = high: iban\n  + name\n[dpo]\n",
                         "+ name", 0,
                         "indented line would continue the value of 'x', "
                         "which takes one line");
    expect_section_error(f, "[risk]\n[risk]\n[dpo]\n", "[risk]", 1,
                         "[risk] appears twice (first at line 6)");
    expect_section_error(f, "[risk]\nx = high: name\x01\n[dpo]\n", "x =", 0,
                         "the value of 'x' has a control character");

    /* CONFIG_MAX_RULES rules are fine, one more is not. */
    n = 64 * (CONFIG_MAX_RULES + 2);
    big = malloc(n);
    assert_non_null(big);
    at = (size_t)snprintf(big, n, "[risk]\n");
    for (i = 0; i < CONFIG_MAX_RULES; i++)
        at += (size_t)snprintf(big + at, n - at, "r%zu = low: name\n", i);
    snprintf(big + at, n - at, "[dpo]\n");
    expect_section_ok(f, big);
    assert_int_equal(f->cfg->nrules, CONFIG_MAX_RULES);
    snprintf(big + at, n - at, "last = low: name\n[dpo]\n");
    expect_section_error(f, big, "last", 0,
                         "more than 32 rules in [risk]; join rules");
    free(big);
}

static void
test_sensitive_terms(void **state)
{
    struct fixture *f = *state;
    const struct config_terms *t;
    char *big;
    size_t at, n, i;

    expect_section_ok(f, "[sensitive nl]\n"
                         "health = Ziek*, ZIEKENHUÏS,\n"
                         "  ; a comment\n"
                         "    huiselijk   geweld , blijf-van-mijn-lijfhuis\n"
                         "\tsuïcid*,\n"
                         "debt = schulden* ; comment\n"
                         "[sensitive en]\n"
                         "health = hospital*, women's refuge\n"
                         "police=police\n"
                         "[dpo]\n");
    assert_int_equal(f->cfg->nterms, 4);
    t = &f->cfg->terms[0];
    assert_string_equal(t->language, "nl");
    assert_string_equal(t->topic, "health");
    assert_int_equal(t->count, 5);
    assert_string_equal(t->terms[0], "ziek*");
    assert_string_equal(t->terms[1], "ziekenhuïs");
    assert_string_equal(t->terms[2], "huiselijk geweld");
    assert_string_equal(t->terms[3], "blijf-van-mijn-lijfhuis");
    assert_string_equal(t->terms[4], "suïcid*");
    t = &f->cfg->terms[1];
    assert_string_equal(t->topic, "debt");
    assert_int_equal(t->count, 1);
    assert_string_equal(t->terms[0], "schulden*");
    t = &f->cfg->terms[2];
    assert_string_equal(t->language, "en");
    assert_string_equal(t->topic, "health");
    assert_string_equal(t->terms[1], "women's refuge");
    assert_string_equal(f->cfg->terms[3].terms[0], "police");
    /* The built-in rules stay: only [sensitive] was given. */
    assert_int_equal(f->cfg->nrules, 7);

    /* One language only: no built-in lists for the other. */
    expect_section_ok(f, "[sensitive en]\nhealth = ill\n[dpo]\n");
    assert_int_equal(f->cfg->nterms, 1);
    /* An empty section: no terms at all. */
    expect_section_ok(f, "[sensitive nl]\n[dpo]\n");
    assert_int_equal(f->cfg->nterms, 0);
    /* The value may start on the next line. */
    expect_section_ok(f, "[sensitive nl]\nhealth =\n  ziek, kanker\n[dpo]\n");
    assert_int_equal(f->cfg->terms[0].count, 2);

    /* Mistakes. */
    expect_section_error(
        f, "[sensitive nl]\nhealth = ziek, a, kanker\n[dpo]\n", "health", 0,
        "term 'a' of 'health' is too short; give at least "
        "2 letters or digits");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek, a*\n[dpo]\n",
                         "health", 0, "term 'a*' of 'health' is too short");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek, *\n[dpo]\n",
                         "health", 0, "term '*' of 'health': a '*' must");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek,,kanker\n[dpo]\n",
                         "health", 0,
                         "empty term in 'health': separate terms with one "
                         "comma each");
    expect_section_error(f, "[sensitive nl]\nhealth = , ziek\n[dpo]\n",
                         "health", 0, "empty term in 'health'");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek,\n   ,kanker\n"
                         "[dpo]\n",
                         ",kanker", 0, "empty term in 'health'");
    expect_section_error(f, "[sensitive nl]\nhealth = zi*ek\n[dpo]\n",
                         "health", 0,
                         "term 'zi*ek' of 'health' has a '*' inside; a '*' "
                         "may only end a term, as in ziek*");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek **\n[dpo]\n",
                         "health", 0, "has a '*' inside");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek *\n[dpo]\n",
                         "health", 0,
                         "term 'ziek *' of 'health': a '*' must follow a "
                         "letter or digit");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek-*\n[dpo]\n",
                         "health", 0, "a '*' must follow a letter or digit");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek=x\n[dpo]\n",
                         "health", 0,
                         "term 'ziek=x' of 'health' has a character that is "
                         "not a letter, digit, space or one of - ' . / &");
    expect_section_error(f, "[sensitive nl]\nhealth = --\n[dpo]\n", "health",
                         0, "term '--' of 'health' is too short");
    expect_section_error(f, "[sensitive nl]\nhealth = 's\n[dpo]\n", "health",
                         0, "term ''s' of 'health' is too short");
    /* 32 x U+023A (2 bytes) become 32 x U+2C65 (3 bytes) in lower case. */
    expect_section_error(f,
                         "[sensitive nl]\nhealth = "
                         "\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba"
                         "\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba"
                         "\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba"
                         "\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba"
                         "\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba\xc8\xba"
                         "\xc8\xba\xc8\xba\n[dpo]\n",
                         "health", 0, "a term of 'health' is longer than 64");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek, kanker, Ziek\n"
                         "[dpo]\n",
                         "health", 0,
                         "term 'Ziek' is listed twice in 'health'");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek\n"
                         "health = kanker\n[dpo]\n",
                         "kanker", 0,
                         "'health' is given twice in [sensitive nl] (first "
                         "at line 7); put all its terms in one list");
    expect_section_error(f, "[sensitive nl]\nhealth =\n[dpo]\n", "health", 0,
                         "'health' in [sensitive nl] has no terms; list them "
                         "comma-separated, or remove the key");
    expect_section_error(f, "[sensitive nl]\nHealth = ziek\n[dpo]\n", "Health",
                         0,
                         "topic name 'Health' is not allowed: use 1 to 32 "
                         "of a-z, 0-9 and '_'");
    expect_section_error(f, "[sensitive de]\nhealth = krank\n[dpo]\n",
                         "[sensitive", 0,
                         "[sensitive de]: the language must be nl or en, as "
                         "in [sensitive nl]");
    expect_section_error(f, "[sensitive]\nhealth = ziek\n[dpo]\n",
                         "[sensitive", 0, "[sensitive ]: the language must");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek\n[sensitive nl]\n"
                         "[dpo]\n",
                         "[sensitive nl]", 1,
                         "[sensitive nl] appears twice (first at line 6); "
                         "put its topics in one section");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek,\n  debt = schuld\n"
                         "[dpo]\n",
                         "debt", 0,
                         "indented 'debt' would become part of the value of "
                         "'health'; start every key at the beginning of its "
                         "line");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek,\n  [dpo]\n"
                         "email = x@a.example\n",
                         "  [dpo]", 0,
                         "indented section header would become part of the "
                         "value of 'health'");
    expect_section_error(f, "[sensitive nl]\nhealth = ziek\x7f\n[dpo]\n",
                         "health", 0,
                         "the value of 'health' has a control character");
    expect_section_error(f,
                         "[sensitive nl]\nhealth = ziek\n  kanker\xff\n"
                         "[dpo]\n",
                         "kanker", 0, "is not valid UTF-8");

    /* Terms of LIMIT_CONFIG_TERM bytes are fine, one more is not. */
    big = malloc(4096);
    assert_non_null(big);
    at = (size_t)snprintf(big, 4096, "[sensitive nl]\nx = ");
    memset(big + at, 'k', LIMIT_CONFIG_TERM);
    snprintf(big + at + LIMIT_CONFIG_TERM, 4096 - at - LIMIT_CONFIG_TERM,
             "\n[dpo]\n");
    expect_section_ok(f, big);
    assert_int_equal(strlen(f->cfg->terms[0].terms[0]), LIMIT_CONFIG_TERM);
    memset(big + at, 'k', LIMIT_CONFIG_TERM + 1);
    snprintf(big + at + LIMIT_CONFIG_TERM + 1,
             4096 - at - LIMIT_CONFIG_TERM - 1, "\n[dpo]\n");
    expect_section_error(f, big, "x =", 0,
                         "a term of 'x' is longer than 64 bytes");
    free(big);

    /* CONFIG_MAX_TOPICS topic names over both languages. */
    n = 64 * (CONFIG_MAX_TOPICS + 8);
    big = malloc(n);
    assert_non_null(big);
    at = (size_t)snprintf(big, n, "[sensitive nl]\n");
    for (i = 0; i < CONFIG_MAX_TOPICS; i++)
        at += (size_t)snprintf(big + at, n - at, "t%zu = word\n", i);
    at += (size_t)snprintf(big + at, n - at,
                           "[sensitive en]\nt0 = word\nt15 = word\n");
    snprintf(big + at, n - at, "[dpo]\n");
    expect_section_ok(f, big);
    assert_int_equal(f->cfg->nterms, CONFIG_MAX_TOPICS + 2);
    snprintf(big + at, n - at, "last = word\n[dpo]\n");
    expect_section_error(f, big, "last", 0,
                         "more than 16 topics in the [sensitive LANG] "
                         "sections");
    free(big);

    /* LIMIT_CONFIG_TERMS terms over all topics. */
    n = 16 * (LIMIT_CONFIG_TERMS + 64);
    big = malloc(n);
    assert_non_null(big);
    at = (size_t)snprintf(big, n, "[sensitive nl]\nx =");
    for (i = 0; i < LIMIT_CONFIG_TERMS; i++)
        at += (size_t)snprintf(big + at, n - at, "%sw%zu,",
                               i % 16 ? " " : "\n  ", i);
    snprintf(big + at, n - at, "\n[dpo]\n");
    expect_section_ok(f, big);
    assert_int_equal(f->cfg->terms[0].count, LIMIT_CONFIG_TERMS);
    assert_string_equal(f->cfg->terms[0].terms[LIMIT_CONFIG_TERMS - 1],
                        "w4095");
    snprintf(big + at, n - at, " toomany\n[dpo]\n");
    expect_section_error(f, big, "toomany", 0,
                         "more than 4096 sensitive terms over all topics");
    free(big);
}

static void
test_report_and_consequences(void **state)
{
    struct fixture *f = *state;

    expect_section_ok(f, "[report]\nsmall_count = 1\n[dpo]\n");
    assert_int_equal(f->cfg->small_count, 1);
    expect_section_ok(f, "[report]\nsmall_count = 1000\n[dpo]\n");
    assert_int_equal(f->cfg->small_count, 1000);
    expect_section_ok(f, "[report]\n[dpo]\n");
    assert_int_equal(f->cfg->small_count, 10);
    expect_section_error(f, "[report]\nsmall_count = 0\n[dpo]\n",
                         "small_count", 0,
                         "'small_count' is '0'; it must be a whole number "
                         "from 1 to 1000");
    expect_section_error(f, "[report]\nsmall_count = 1001\n[dpo]\n",
                         "small_count", 0, "from 1 to 1000");
    expect_section_error(f, "[report]\nsmall_count = 5\n  6\n[dpo]\n", "  6",
                         0,
                         "indented line would continue the value of "
                         "'small_count', which takes one line; remove the "
                         "indentation (only description, measures, "
                         "consequences, address and the term lists of "
                         "[sensitive LANG] go on over indented lines)");

    expect_edit_ok(f, "occurred = 2026-02-07",
                   "occurred = 2026-02-07\n"
                   "consequences = Phishing,\n"
                   "    fraud.");
    assert_string_equal(f->cfg->consequences, "Phishing,\nfraud.");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_parses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_uses_example_domains,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_minimal_and_defaults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_syntax_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_section_and_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_category, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_taken_and_not_taken, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_url_and_domain, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_brands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_continuation_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_lines_and_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_rules_and_terms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_risk_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_and_consequences, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
