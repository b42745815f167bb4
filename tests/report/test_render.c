/*
 * test_render.c - the Markdown and HTML report writers (report/render.h)
 * on the fixture tests/data/report/sample.json: the figures and labels of
 * every section in both languages, number formatting, escaping of texts
 * from the JSON, the self-contained and well-formed HTML, and the checks
 * of the JSON that name the member at fault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "report/render.h"
#include "report/render_int.h"
#include "util/limits.h"

#define NNBSP "\xe2\x80\xaf" /* U+202F, the HTML thousands separator */

static struct json_object *
load_sample(void)
{
    const char *root = getenv("TOCSIN_SOURCE_ROOT");
    char path[4096];
    struct json_object *r;

    snprintf(path, sizeof(path), "%s/tests/data/report/sample.json",
             root ? root : ".");
    r = json_object_from_file(path);
    if (r == NULL)
        fail_msg("cannot read %s", path);
    return r;
}

/* Render r; the output as a malloc'd string (caller frees). */
static char *
render(const struct json_object *r, int html, const char *lang)
{
    struct buf out, why;
    int rc;

    buf_init(&out, 1u << 24);
    buf_init(&why, 1024);
    rc = html ? render_html(r, lang, &out, &why)
              : render_markdown(r, lang, &out, &why);
    if (rc != 0)
        fail_msg("render failed (%d): %s", rc, buf_str(&why));
    buf_free(&why);
    return buf_detach(&out, NULL);
}

static void
has(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL)
        fail_msg("missing: \"%s\"", needle);
}

static void
hasnt(const char *text, const char *needle)
{
    if (strstr(text, needle) != NULL)
        fail_msg("present: \"%s\"", needle);
}

/* needles[] occur in text in this order. */
static void
in_order(const char *text, const char *const *needles)
{
    const char *p = text, *q;

    for (; *needles != NULL; needles++) {
        q = strstr(p, *needles);
        if (q == NULL)
            fail_msg("missing or out of order: \"%s\"", *needles);
        p = q + strlen(*needles);
    }
}

static size_t
occurrences(const char *text, const char *needle)
{
    size_t n = 0;

    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* Replace the member at dotted path ("a.b.c") of r by v (NULL: delete). */
static void
set_member(struct json_object *r, const char *path, struct json_object *v)
{
    char buf[256], *dot, *key = buf;
    struct json_object *o = r;

    snprintf(buf, sizeof(buf), "%s", path);
    while ((dot = strchr(key, '.')) != NULL) {
        *dot = '\0';
        if (!json_object_object_get_ex(o, key, &o))
            fail_msg("no member %s", key);
        key = dot + 1;
    }
    if (v == NULL)
        json_object_object_del(o, key);
    else
        json_object_object_add(o, key, v);
}

/* ------------------------------------------------------------------ */

static void
number_formatting(void **state)
{
    struct doc d;
    char b[RFMT_NUM_SIZE];
    struct rcount small = {0, "< 10"};

    (void)state;
    memset(&d, 0, sizeof(d));
    d.fmt = RFMT_MD;
    d.lang = RLANG_NL;
    fmt_int(&d, 0, b);
    assert_string_equal(b, "0");
    fmt_int(&d, 999, b);
    assert_string_equal(b, "999");
    fmt_int(&d, 1000, b);
    assert_string_equal(b, "1 000");
    fmt_int(&d, 6232319, b);
    assert_string_equal(b, "6 232 319");
    fmt_int(&d, -1234567, b);
    assert_string_equal(b, "-1 234 567");
    fmt_int(&d, INT64_MAX, b);
    assert_string_equal(b, "9 223 372 036 854 775 807");
    fmt_num(&d, 0.9031, b);
    assert_string_equal(b, "0,9031");
    fmt_date(&d, "2026-02-09", 3, b);
    assert_string_equal(b, "12 februari 2026");
    fmt_date(&d, "2024-02-28", 1, b);
    assert_string_equal(b, "29 februari 2024");
    fmt_date(&d, "2026-12-30", 3, b);
    assert_string_equal(b, "2 januari 2027");
    assert_string_equal(fmt_count(&d, small, b), "< 10");

    d.fmt = RFMT_HTML;
    fmt_int(&d, 6232319, b);
    assert_string_equal(b, "6" NNBSP "232" NNBSP "319");

    d.lang = RLANG_EN;
    fmt_int(&d, 6232319, b);
    assert_string_equal(b, "6,232,319");
    fmt_int(&d, 100000, b);
    assert_string_equal(b, "100,000");
    fmt_int(&d, INT64_MIN, b);
    assert_string_equal(b, "-9,223,372,036,854,775,808");
    fmt_num(&d, 0.9, b);
    assert_string_equal(b, "0.9");
    fmt_date(&d, "2026-02-11T09:30:00Z", 0, b);
    assert_string_equal(b, "11 February 2026, 09:30 UTC");
}

static void
markdown_nl(void **state)
{
    struct json_object *r = load_sample();
    char *md = render(r, 0, "nl");
    const char *order[] = {
        "# Melding datalek: Odido data breach, February 2026\n",
        "## Kerncijfers\n",
        "## Tijdlijn\n",
        "## Aard van het datalek\n",
        "## Gegevenscategorie\xc3\xabn\n",
        "## Risico voor betrokkenen\n",
        "## Bijzondere groepen en gegevens\n",
        "## Bereikbaarheid van betrokkenen\n",
        "## Per merk\n",
        "## Verantwoording van de invoer\n",
        "## Van records naar personen\n",
        "## Mogelijke gevolgen voor betrokkenen\n",
        "## Genomen en voorgenomen maatregelen\n",
        "## Functionaris gegevensbescherming\n",
        "## Meldformulier datalekken (AP)\n",
        NULL,
    };

    (void)state;
    in_order(md, order);
    /* title */
    has(md, "**Odido Netherlands B.V.**  \n"
            "Rapport opgesteld op 11 februari 2026, 09:30 UTC  \n"
            "Zaak c-2026-odido, beoordeeld op 11 februari 2026, 09:12 UTC");
    has(md, "Aantallen van 1 tot en met 9 staan er als \xe2\x80\x9c< 10");
    /* key figures */
    has(md, "| Betrokkenen (unieke personen) | 5 871 204 (bandbreedte "
            "5 859 610 \xe2\x80\x93 5 904 388) |\n");
    has(md, "| Records in het datalek | 6 232 319 |\n");
    has(md, "| Meldingen aan betrokkenen (persoon \xc3\x97 merk) | "
            "6 010 877 |\n");
    has(md, "| Personen met hoog risico | 1 203 877 |\n");
    has(md, "| Minderjarigen (jonger dan 16) | 7 342 |\n");
    has(md, "| Personen met een BSN | 39 877 |\n");
    has(md, "| Personen met gevoelige notities | 12 904 |\n");
    has(md, "| Onbereikbaar (meldingen) | 4 900 |\n");
    /* timeline */
    has(md, "| Begin van het datalek | 7 februari 2026 |\n"
            "| Ontdekt | 9 februari 2026 |\n"
            "| Ingedamd | 10 februari 2026 |\n"
            "| Gemeld aan de Autoriteit Persoonsgegevens | 11 februari 2026 "
            "|\n| Uren van ontdekking tot melding | 48 |\n");
    has(md, "Gemeld binnen 72 uur na de ontdekking (48 uur), zoals art. 33 "
            "lid 1 AVG vraagt.");
    hasnt(md, "Waarschuwing");
    /* nature: the line breaks of the description stay */
    has(md, "customer contact system of  \nOdido and downloaded");
    has(md, "Soort inbreuk: inbreuk op de vertrouwelijkheid");
    /* categories */
    has(md, "| Categorie | Buitgemaakt | Personen | Records |\n"
            "| --- | --- | ---: | ---: |\n"
            "| Naam | ja | 5 871 204 | 6 232 319 |\n");
    has(md, "| Bankrekeningnummer (IBAN) | ja | 4 988 310 | 5 301 442 |\n");
    has(md, "| BSN (burgerservicenummer) | nee, maar wel in de gegevens "
            "gevonden | < 10 | < 10 |\n");
    has(md, "| Overige gegevens | nee | 0 | 0 |\n");
    has(md, "### Aantoonbaar niet buitgemaakt\n\n- Wachtwoord\n"
            "- Belgegevens\n- Locatiegegevens\n- Facturen\n"
            "- Kopie van identiteitsbewijs\n");
    /* risk */
    has(md, "| Hoog | 1 203 877 |\n| Midden | 3 760 115 |\n"
            "| Laag | 907 212 |\n");
    has(md, "| Regel | Niveau | Voorwaarde | Personen |\n");
    has(md, "| bank_fraud | Hoog | iban + name + address | 1 104 230 |\n");
    has(md, "| bsn | Hoog | national_id | < 10 |\n");
    has(md, "| contact | Laag | name + address | 5 803 118 |\n");
    /* special groups */
    has(md, "| Minderjarigen: jonger dan 16 jaar op de begindatum van het "
            "datalek | 7 342 |\n");
    has(md, "| Gezondheid: bijzonder persoonsgegeven (art. 9 AVG) | "
            "6 118 |\n");
    has(md, "| Politie en justitie: strafrechtelijk persoonsgegeven "
            "(art. 10 AVG) | < 10 |\n");
    has(md, "| Btw-nummer (oude btw-nummers van eenmanszaken bevatten het "
            "BSN) | 39 870 |\n");
    has(md, "| Records langer bewaard dan 24 maanden na het einde van het "
            "contract | 188 204 |\n| Personen met zulke records | 176 930 |");
    has(md, "elk contract v\xc3\xb3\xc3\xb3r het datalek was "
            "be\xc3\xab"
            "indigd | 402 118 |");
    /* reachability */
    has(md, "| E-mail | 5 482 113 |\n| Brief | 402 260 |\n"
            "| Sms | 121 604 |\n| Onbereikbaar | 4 900 |\n"
            "| Totaal | 6 010 877 |\n");
    has(md, "| Meldingen die persoonlijk contact vragen | 14 337 |\n");
    has(md, "| Meldingen aan een ouder of voogd (minderjarigen) | 7 511 |");
    has(md, "| alleen een vast nummer: bellen, geen sms | < 10 |\n");
    /* brands */
    has(md, "| Kenmerk | Odido | Ben | (zonder merk) |\n"
            "| --- | ---: | ---: | ---: |\n"
            "| Personen | 4 402 118 | 1 608 759 | < 10 |\n");
    has(md, "| Records over de bewaartermijn | 140 335 | 47 869 | 0 |\n");
    has(md, "| BSN (burgerservicenummer) | < 10 | 0 | 0 |\n");
    /* input */
    has(md, "| Gelezen rijen | 6 232 845 |\n| Geaccepteerd | 6 232 319 |\n"
            "| Afgewezen (onleesbaar of ongeldig) | 526 |\n");
    has(md, "Controle: gelezen = geaccepteerd + afgewezen: 6 232 845 = "
            "6 232 319 + 526. Dat klopt");
    /* resolution */
    has(md, "| Drempel: kans dat twee records dezelfde persoon zijn | 0,9 |");
    has(md, "| Bandbreedte van het aantal betrokkenen | 5 859 610 "
            "\xe2\x80\x93 5 904 388 |");
    has(md, "| Onzekere koppelingen (kans onder 0,99) | 44 778 |");
    has(md, "| Geweigerde koppelingen | 11 594 |");
    has(md, "| Laagste kans van een gemaakte koppeling | 0,9031 |");
    has(md, "zijn er 5 859 610 betrokkenen; als elke koppeling met een kans "
            "onder 0,99 onterecht is, zijn het er 5 904 388. Het werkelijke "
            "aantal ligt daartussen; 5 871 204 is de beste schatting.");
    /* texts and DPO */
    has(md, "fraud with the  \nbank account numbers");
    has(md, "| Telefoon | niet opgegeven |");
    has(md, "| Adres | Odido Netherlands B.V., attn. Data Protection "
            "Officer<br>P.O. Box 0000<br>0000 AA City |");
    /* meldformulier */
    has(md, "| Vraag | Antwoord |\n");
    has(md, "| Aantal betrokkenen<br>`aantal_betrokkenen` | minimaal "
            "5 859 610, maximaal 5 904 388 |");
    has(md, "| Aard van de inbreuk<br>`aard` | vertrouwelijkheid");
    has(md, "| Datum van melding aan de AP<br>`datum_gemeld` | 11 februari "
            "2026 |");
    has(md, "| Groepen betrokkenen<br>`groepen_betrokkenen` | klanten, "
            "oud-klanten, minderjarigen, kwetsbare personen |");
    has(md, "`bijzondere_gegevens` | gezondheid (bijzonder "
            "persoonsgegeven, art. 9 AVG), strafrechtelijke gegevens (art. 10 "
            "AVG) |");
    has(md, "| Burgerservicenummer (BSN)<br>`bsn` | ja |");
    has(md, "`betrokkenen_informeren` | e-mail: 5 482 113<br>brief: "
            "402 260<br>sms: 121 604<br>onbereikbaar: 4 900 |");
    has(md, "`soort_gegevens` | Naam, Klantnummer, Adres, Telefoonnummer");
    /* figures only from the JSON: the English labels do not leak in */
    hasnt(md, "Data subjects");
    hasnt(md, "6,232,319");
    free(md);
    json_object_put(r);
}

static void
markdown_en(void **state)
{
    struct json_object *r = load_sample();
    char *md = render(r, 0, "en");
    const char *order[] = {
        "# Data breach report: Odido data breach, February 2026\n",
        "## Key figures\n",
        "## Timeline\n",
        "## Nature of the breach\n",
        "## Data categories\n",
        "## Risk to data subjects\n",
        "## Special groups and data\n",
        "## Reaching the data subjects\n",
        "## Per brand\n",
        "## Input accounting\n",
        "## From records to persons\n",
        "## Likely consequences for data subjects\n",
        "## Measures taken and proposed\n",
        "## Data protection officer\n",
        "## Meldformulier datalekken (AP)\n",
        NULL,
    };

    (void)state;
    in_order(md, order);
    has(md, "Report generated on 11 February 2026, 09:30 UTC");
    has(md, "| Data subjects (unique persons) | 5,871,204 (range 5,859,610 "
            "\xe2\x80\x93 5,904,388) |");
    has(md, "| Persons at high risk | 1,203,877 |");
    has(md, "| Minors (under 16) | 7,342 |");
    has(md, "| Detected | 9 February 2026 |");
    has(md, "Notified within 72 hours of detection (48 hours), as GDPR art. "
            "33(1) requires.");
    has(md, "| Bank account number (IBAN) | yes | 4,988,310 | 5,301,442 |");
    has(md,
        "| BSN (citizen service number) | no, but found in the data | < 10 | "
        "< 10 |");
    has(md, "### Confirmed not taken\n\n- Password\n- Call records\n");
    has(md, "| bank_fraud | High | iban + name + address | 1,104,230 |");
    has(md, "| Health: special category of personal data (GDPR art. 9) | "
            "6,118 |");
    has(md, "| Police and justice: data relating to criminal offences "
            "(GDPR art. 10) | < 10 |");
    has(md, "| Text message (SMS) | 121,604 |");
    has(md, "| Figure | Odido | Ben | (no brand) |");
    has(md, "Check: read = accepted + rejected: 6,232,845 = 6,232,319 + 526. "
            "This holds");
    has(md, "| Threshold: probability that two records are the same person | "
            "0.9 |");
    has(md, "| Lowest probability of a join made | 0.9031 |");
    has(md, "if every refused link were in fact the same person, there would "
            "be 5,859,610 data subjects");
    has(md, "| Phone | not given |");
    /* the form: Dutch questions with an English gloss */
    has(md, "| Vraag (question) | Antwoord (answer) |");
    has(md, "| Aantal betrokkenen (number of data subjects)"
            "<br>`aantal_betrokkenen` | minimaal 5,859,610, maximaal "
            "5,904,388 (at least, at most) |");
    has(md, "| Burgerservicenummer (BSN) (citizen service number)<br>`bsn` "
            "| ja (yes) |");
    has(md, "klanten (customers), oud-klanten (former customers)");
    has(md, "gezondheid (health, special category, GDPR art. 9)");
    has(md, "Naam (Name), Klantnummer (Customer number)");
    has(md, "brief (letter): 402,260");
    hasnt(md, "Kerncijfers");
    hasnt(md, "6 232 319");
    free(md);
    json_object_put(r);
}

/* Walk the HTML: every element closed in order (void elements and
 * self-closed SVG elements aside), attributes quoted, no event handler
 * attribute, no URL or external reference in any tag or in the style. */
static void
check_html_structure(const char *html)
{
    static const char *const voids[] = {"meta", "br",    "hr", "img",
                                        "link", "input", NULL};
    char stack[64][16];
    int depth = 0;
    const char *p = html, *style, *style_end;

    if (strncmp(html, "<!doctype html>\n", 16) != 0)
        fail_msg("no <!doctype html> first");
    p = html + 16;
    while ((p = strchr(p, '<')) != NULL) {
        const char *q = p + 1, *end;
        char name[16];
        size_t n = 0;
        int closing = *q == '/';

        if (closing)
            q++;
        while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'))
            if (n < sizeof(name) - 1)
                name[n++] = *q++;
            else
                fail_msg("tag name too long");
        name[n] = '\0';
        if (n == 0)
            fail_msg("a '<' that opens no tag: %.40s", p);
        /* attributes: name="value" pairs only */
        while (*q == ' ' || *q == '\n') {
            const char *an = ++q, *av;

            while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                   *q == '-')
                q++;
            if (q == an)
                break;
            if (q - an >= 2 && strncasecmp(an, "on", 2) == 0)
                fail_msg("event attribute in <%s>", name);
            if ((q - an == 4 && strncmp(an, "href", 4) == 0) ||
                (q - an == 3 && strncmp(an, "src", 3) == 0))
                fail_msg("a reference attribute in <%s>", name);
            if (*q != '=' || q[1] != '"')
                fail_msg("unquoted attribute in <%s>", name);
            av = q + 2;
            q = strchr(av, '"');
            if (q == NULL)
                fail_msg("unterminated attribute");
            for (const char *c = av; c < q; c++)
                if (*c == '<' || strncasecmp(c, "http", 4) == 0 ||
                    strncasecmp(c, "url(", 4) == 0 ||
                    strncasecmp(c, "javascript", 10) == 0)
                    fail_msg("suspicious attribute value in <%s>", name);
            q++;
        }
        end = q;
        if (strncmp(end, "/>", 2) == 0) {
            p = end + 2;
            continue;
        }
        if (*end != '>')
            fail_msg("malformed tag <%s: %.30s", name, end);
        p = end + 1;
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                fail_msg("</%s> closes <%s>", name,
                         depth ? stack[depth - 1] : "nothing");
            depth--;
            continue;
        }
        int is_void = 0;
        for (int i = 0; voids[i] != NULL; i++)
            is_void |= strcmp(voids[i], name) == 0;
        if (is_void)
            continue;
        if (strcmp(name, "p") == 0 && depth > 0 &&
            strcmp(stack[depth - 1], "p") == 0)
            fail_msg("<p> inside <p>");
        if (depth == 64)
            fail_msg("too deep");
        memcpy(stack[depth++], name, n + 1);
        if (strcmp(name, "style") == 0) {
            const char *close = strstr(p, "</style>");

            if (close == NULL)
                fail_msg("unclosed style");
            p = close;
        }
    }
    if (depth != 0)
        fail_msg("%d elements not closed, innermost <%s>", depth,
                 stack[depth - 1]);

    style = strstr(html, "<style>");
    style_end = strstr(html, "</style>");
    assert_non_null(style);
    assert_non_null(style_end);
    for (const char *c = style; c < style_end; c++)
        if (strncasecmp(c, "url(", 4) == 0 ||
            strncasecmp(c, "@import", 7) == 0 ||
            strncasecmp(c, "http", 4) == 0 ||
            strncasecmp(c, "@font-face", 10) == 0)
            fail_msg("external reference in the style: %.20s", c);
}

static void
html_nl(void **state)
{
    struct json_object *r = load_sample();
    char *html = render(r, 1, "nl");
    const char *order[] = {
        "<h1>Melding datalek: Odido data breach, February 2026</h1>",
        "<h2>Kerncijfers</h2>",
        "<h2>Tijdlijn</h2>",
        "<h2>Aard van het datalek</h2>",
        "<h2>Gegevenscategorie\xc3\xabn</h2>",
        "<h2>Risico voor betrokkenen</h2>",
        "<h2>Bijzondere groepen en gegevens</h2>",
        "<h2>Bereikbaarheid van betrokkenen</h2>",
        "<h2>Per merk</h2>",
        "<h2>Verantwoording van de invoer</h2>",
        "<h2>Van records naar personen</h2>",
        "<h2>Mogelijke gevolgen voor betrokkenen</h2>",
        "<h2>Genomen en voorgenomen maatregelen</h2>",
        "<h2>Functionaris gegevensbescherming</h2>",
        "<h2>Meldformulier datalekken (AP)</h2>",
        "</html>\n",
        NULL,
    };

    (void)state;
    in_order(html, order);
    has(html, "<html lang=\"nl\">");
    has(html, "<meta charset=\"utf-8\">");
    has(html, "@page { size: A4;");
    has(html, "page-break-inside: avoid");
    has(html, "<title>Melding datalek: Odido data breach, February 2026"
              "</title>");
    /* key figures box, U+202F between the thousands */
    has(html, "<dt>Betrokkenen (unieke personen)</dt><dd>5" NNBSP "871" NNBSP
              "204<small>bandbreedte 5" NNBSP "859" NNBSP "610 \xe2\x80\x93 "
              "5" NNBSP "904" NNBSP "388</small></dd>");
    has(html, "<dt>Onbereikbaar (meldingen)</dt><dd>4" NNBSP "900</dd>");
    hasnt(html, "5 871 204");
    /* tables */
    has(html, "<tr><td>Bankrekeningnummer (IBAN)</td><td>ja</td>"
              "<td class=\"num\">4" NNBSP "988" NNBSP "310</td>"
              "<td class=\"num\">5" NNBSP "301" NNBSP "442</td></tr>");
    has(html, "<tr><td>BSN (burgerservicenummer)</td><td>nee, maar wel in de "
              "gegevens gevonden</td>"
              "<td class=\"num\">&lt; 10</td><td class=\"num\">&lt; 10</td>"
              "</tr>");
    has(html, "<p class=\"ok\">Gemeld binnen 72 uur na de ontdekking (48 "
              "uur)");
    /* multi-line texts keep their line breaks */
    has(html, "customer contact system of<br>\nOdido and downloaded");
    has(html, "P.O. Box 0000<br>\n0000 AA City</td>");
    has(html, "<h2>Meldformulier datalekken (AP)</h2>");
    has(html, "<td>Aantal betrokkenen<br><span class=\"key\">"
              "aantal_betrokkenen</span></td><td>minimaal 5" NNBSP "859" NNBSP
              "610, maximaal 5" NNBSP "904" NNBSP "388</td>");
    /* three charts, labelled, with exact figures */
    assert_int_equal(occurrences(html, "<svg role=\"img\""), 3);
    has(html, "<title id=\"chart1\">Personen per gegevenscategorie</title>");
    has(html, "<title id=\"chart2\">Personen naar hoogste risiconiveau"
              "</title>");
    has(html, "<title id=\"chart3\">Meldingen per kanaal</title>");
    has(html, "aria-labelledby=\"chart1\"");
    has(html, "<desc>Naam: 5" NNBSP "871" NNBSP "204; Klantnummer:");
    has(html, ">Bankrekeningnummer (IBAN)</text>");
    /* bars scale to the largest: name (5 871 204) gets all 380 px,
     * IBAN 4 988 310 / 5 871 204 * 380 = 322.9 -> 323 */
    has(html, "width=\"380\" height=\"16\" fill=\"#3b6ea8\"/><text "
              "x=\"614\" y=\"17\" class=\"v\">5" NNBSP "871" NNBSP "204"
              "</text>");
    has(html, "width=\"323\" height=\"16\"");
    /* "< 10" gets a minimal bar and its label */
    has(html, ">BSN (burgerservicenummer)</text><rect x=\"228\" y=\"212\" "
              "width=\"3\" height=\"16\" fill=\"#3b6ea8\"/><text x=\"237\" "
              "y=\"225\" class=\"v\">&lt; 10</text>");
    /* categories without persons and not taken are not drawn */
    hasnt(html, ">Abonnementsgegevens</text>");
    /* risk chart: high is red and labelled */
    has(html, ">Hoog</text><rect");
    has(html, "fill=\"#a3231b\"/><text");
    has(html, ">Onbereikbaar</text>");
    check_html_structure(html);
    /* self-contained: no scripts, handlers, links or URLs at all */
    hasnt(html, "<script");
    hasnt(html, "http");
    hasnt(html, "url(");
    hasnt(html, "href");
    hasnt(html, "src=");
    hasnt(html, "xmlns");
    free(html);
    json_object_put(r);
}

static void
html_en(void **state)
{
    struct json_object *r = load_sample();
    char *html = render(r, 1, "en");

    (void)state;
    has(html, "<html lang=\"en\">");
    has(html, "<h1>Data breach report: Odido data breach, February 2026</h1>");
    has(html, "<dt>Data subjects (unique persons)</dt><dd>5,871,204<small>"
              "range 5,859,610 \xe2\x80\x93 5,904,388</small></dd>");
    has(html, "<title id=\"chart1\">Persons per data category</title>");
    has(html, "<title id=\"chart2\">Persons by highest risk level</title>");
    has(html, "<title id=\"chart3\">Notices per channel</title>");
    has(html, "<td>Health: special category of personal data (GDPR art. 9)"
              "</td><td class=\"num\">6,118</td>");
    has(html, "<th>Vraag (question)</th><th>Antwoord (answer)</th>");
    has(html, "<td>Burgerservicenummer (BSN) (citizen service number)<br>"
              "<span class=\"key\">bsn</span></td><td>ja (yes)</td>");
    has(html, "Rows read</td><td class=\"num\">6,232,845</td>");
    check_html_structure(html);
    hasnt(html, "<script");
    hasnt(html, "http");
    hasnt(html, NNBSP);
    free(html);
    json_object_put(r);
}

/* The language NULL is the report's own; the rest of out is kept. */
static void
default_language_and_append(void **state)
{
    struct json_object *r = load_sample();
    struct buf out;

    (void)state;
    buf_init(&out, 1u << 24);
    assert_int_equal(buf_appends(&out, "PREFIX\n"), 0);
    assert_int_equal(render_markdown(r, NULL, &out, NULL), 0);
    assert_memory_equal(buf_str(&out), "PREFIX\n\n# Melding datalek: ", 26);
    buf_free(&out);
    set_member(r, "language", json_object_new_string("en"));
    buf_init(&out, 1u << 24);
    assert_int_equal(render_html(r, NULL, &out, NULL), 0);
    has(buf_str(&out), "<html lang=\"en\">");
    buf_free(&out);
    json_object_put(r);
}

static void
escaping(void **state)
{
    struct json_object *r = load_sample();
    struct json_object *rule = json_object_array_get_idx(
        json_object_object_get(json_object_object_get(r, "risk"), "rules"), 0);
    const char *evil = "Eerste regel met <b>&amp; *nadruk* en _x_\n"
                       "# geen kop\n"
                       "- geen lijst\n"
                       "1. geen lijst\n"
                       "<script>alert(1)</script> zie http://evil.example/x\n"
                       "<img src=x onerror=\"alert(1)\"> a\x01"
                       "b\xff"
                       "c\r\n"
                       "laatste | regel\n\n";
    char *md, *html;

    (void)state;
    set_member(r, "incident.name",
               json_object_new_string("Lek <b>& co</b> | deel 2"));
    set_member(r, "incident.description", json_object_new_string(evil));
    set_member(r, "meldformulier.samenvatting", json_object_new_string(evil));
    set_member(r, "dpo.address",
               json_object_new_string("Straat 1 | bus <2>\nPlaats"));
    json_object_object_add(rule, "name", json_object_new_string("a|b<i>"));

    html = render(r, 1, "nl");
    has(html, "<title>Melding datalek: Lek &lt;b&gt;&amp; co&lt;/b&gt; | "
              "deel 2</title>");
    has(html, "<h1>Melding datalek: Lek &lt;b&gt;&amp; co&lt;/b&gt; | deel "
              "2</h1>");
    has(html, "Eerste regel met &lt;b&gt;&amp;amp; *nadruk* en _x_<br>\n"
              "# geen kop<br>\n- geen lijst<br>\n1. geen lijst<br>\n"
              "&lt;script&gt;alert(1)&lt;/script&gt; zie "
              "http://evil.example/x<br>\n"
              "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; "
              "ab\xef\xbf\xbd"
              "c<br>\nlaatste | regel</p>");
    has(html, "<td>Straat 1 | bus &lt;2&gt;<br>\nPlaats</td>");
    has(html, "<td>a|b&lt;i&gt;</td>");
    hasnt(html, "<b>");
    hasnt(html, "<script");
    hasnt(html, "<img");
    hasnt(html, "\x01");
    check_html_structure(html);

    md = render(r, 0, "nl");
    has(md, "# Melding datalek: Lek \\<b>& co\\</b> \\| deel 2\n");
    has(md, "Eerste regel met \\<b>\\&amp; \\*nadruk\\* en \\_x\\_  \n"
            "\\# geen kop  \n\\- geen lijst  \n1\\. geen lijst  \n"
            "\\<script>alert(1)\\</script> zie http://evil.example/x  \n"
            "\\<img src=x onerror=\"alert(1)\"> ab\xef\xbf\xbd"
            "c  \nlaatste \\| regel\n\n");
    has(md, "| Adres | Straat 1 \\| bus <2><br>Plaats |");
    has(md, "| a\\|b\\<i> | Hoog |");
    /* every table row still has its cells: no stray | */
    has(md, "`samenvatting` | Eerste regel met \\<b>\\&amp; \\*nadruk\\* en "
            "\\_x\\_<br>\\# geen kop<br>- geen lijst<br>1. geen lijst<br>");
    free(md);
    free(html);
    json_object_put(r);
}

/* Expect rc and exactly the message msg for the sample changed at path. */
static void
expect_error(const char *path, struct json_object *v, int rc, const char *msg)
{
    struct json_object *r = load_sample();
    struct buf out, why;

    set_member(r, path, v);
    buf_init(&out, 1u << 24);
    buf_init(&why, 1024);
    assert_int_equal(buf_appends(&out, "kept"), 0);
    assert_int_equal(render_markdown(r, "nl", &out, &why), rc);
    assert_string_equal(buf_str(&why), msg);
    assert_string_equal(buf_str(&out), "kept");
    buf_reset(&why);
    assert_int_equal(render_html(r, "en", &out, &why), rc);
    assert_string_equal(buf_str(&why), msg);
    assert_string_equal(buf_str(&out), "kept");
    buf_free(&out);
    buf_free(&why);
    json_object_put(r);
}

static void
missing_and_wrong_members(void **state)
{
    struct json_object *a;

    (void)state;
    expect_error("incident.timeline.detected", NULL, TOCSIN_EINVAL,
                 "incident.timeline.detected: missing");
    expect_error("meldformulier", NULL, TOCSIN_EINVAL,
                 "meldformulier: missing");
    expect_error("records", json_object_new_boolean(1), TOCSIN_EINVAL,
                 "records: expected a count (an integer or \"< N\")");
    expect_error("data_subjects", json_object_new_string("ten"), TOCSIN_EINVAL,
                 "data_subjects: a count string must look like \"< N\"");
    expect_error("notices", json_object_new_int64(-1), TOCSIN_EINVAL,
                 "notices: a count may not be negative");
    expect_error("incident.timeline.occurred",
                 json_object_new_string("2026-02-30"), TOCSIN_EINVAL,
                 "incident.timeline.occurred: expected a date YYYY-MM-DD or "
                 "null");
    expect_error("generated_at", json_object_new_string("2026-02-11"),
                 TOCSIN_EINVAL,
                 "generated_at: expected a UTC time YYYY-MM-DDTHH:MM:SSZ");
    expect_error("version", json_object_new_int(2), TOCSIN_EINVAL,
                 "version: expected 1 (the version this program renders)");
    expect_error("format", json_object_new_string("other"), TOCSIN_EINVAL,
                 "format: expected \"tocsin-report\"");
    expect_error("special.sensitive_topics", json_object_new_object(),
                 TOCSIN_EINVAL, "special.sensitive_topics: expected an array");
    expect_error("resolution.threshold", json_object_new_string("0.9"),
                 TOCSIN_EINVAL, "resolution.threshold: expected a number");
    expect_error("dpo.phone", json_object_new_int(5), TOCSIN_EINVAL,
                 "dpo.phone: expected a string or null");
    expect_error("meldformulier.bsn", NULL, TOCSIN_EINVAL,
                 "meldformulier.bsn: missing");

    /* inside arrays: the index is named */
    {
        struct json_object *r = load_sample();
        struct json_object *brands = json_object_object_get(r, "brands");
        struct json_object *risk = json_object_object_get(
            json_object_array_get_idx(brands, 1), "risk");
        struct json_object *cats = json_object_object_get(
            json_object_array_get_idx(brands, 0), "categories");
        struct json_object *rules =
            json_object_object_get(json_object_object_get(r, "risk"), "rules");
        struct buf out, why;

        buf_init(&out, 1u << 24);
        buf_init(&why, 1024);
        json_object_object_del(risk, "high");
        assert_int_equal(render_html(r, "nl", &out, &why), TOCSIN_EINVAL);
        assert_string_equal(buf_str(&why), "brands[1].risk.high: missing");
        json_object_object_add(risk, "high", json_object_new_int(3));

        json_object_object_add(cats, "iban", json_object_new_double(1.5));
        assert_int_equal(render_html(r, "nl", &out, &why), TOCSIN_EINVAL);
        assert_string_equal(buf_str(&why),
                            "brands[0].categories.iban: expected a count (an "
                            "integer or \"< N\")");
        json_object_object_add(cats, "iban", json_object_new_int(1));

        json_object_array_put_idx(rules, 2, json_object_new_string("x"));
        assert_int_equal(render_markdown(r, "nl", &out, &why), TOCSIN_EINVAL);
        assert_string_equal(buf_str(&why), "risk.rules[2]: expected an "
                                           "object");
        assert_int_equal(buf_len(&out), 0);
        buf_free(&out);
        buf_free(&why);
        json_object_put(r);
    }

    /* too many elements */
    a = json_object_new_array();
    for (int i = 0; i <= (int)LIMIT_REPORT_ITEMS; i++)
        json_object_array_add(a, json_object_new_string("password"));
    expect_error("not_taken", a, TOCSIN_ELIMIT,
                 "not_taken: more elements than LIMIT_REPORT_ITEMS");
}

static void
bad_arguments(void **state)
{
    struct json_object *r = load_sample();
    struct json_object *arr = json_object_new_array();
    struct buf out, why;

    (void)state;
    buf_init(&out, 1u << 24);
    buf_init(&why, 1024);
    assert_int_equal(render_markdown(r, "de", &out, &why), TOCSIN_EINVAL);
    assert_string_equal(buf_str(&why), "lang: expected \"nl\" or \"en\"");
    assert_int_equal(render_html(arr, "nl", &out, &why), TOCSIN_EINVAL);
    assert_string_equal(buf_str(&why), "report: expected a JSON object");
    assert_int_equal(render_html(NULL, "nl", &out, NULL), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
    buf_free(&why);
    json_object_put(arr);
    json_object_put(r);
}

/* An output buffer that is too small: ELIMIT and out as it was. */
static void
output_limit(void **state)
{
    struct json_object *r = load_sample();
    struct buf out, why;

    (void)state;
    buf_init(&out, 4000);
    buf_init(&why, 1024);
    assert_int_equal(buf_appends(&out, "head"), 0);
    assert_int_equal(render_html(r, "nl", &out, &why), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&out), "head");
    has(buf_str(&why), "output: ");
    assert_int_equal(render_markdown(r, "nl", &out, NULL), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&out), "head");
    buf_free(&out);
    buf_free(&why);
    json_object_put(r);
}

static void
timeline_warnings(void **state)
{
    struct json_object *r = load_sample();
    char *s;

    (void)state;
    /* late: four days */
    set_member(r, "incident.timeline.authority_notified",
               json_object_new_string("2026-02-13"));
    set_member(r, "incident.timeline.hours_to_notify",
               json_object_new_int(96));
    set_member(r, "incident.timeline.within_72_hours",
               json_object_new_boolean(0));
    s = render(r, 0, "nl");
    has(s, "> **Waarschuwing:** de Autoriteit Persoonsgegevens is 96 uur na "
           "de ontdekking ingelicht, later dan de 72 uur van art. 33 lid 1 "
           "AVG. Vermeld in de melding de redenen van de vertraging.\n");
    hasnt(s, "Gemeld binnen 72 uur");
    free(s);
    s = render(r, 1, "en");
    has(s, "<p class=\"warn\"><strong>Warning:</strong> the supervisory "
           "authority was notified 96 hours after detection, later than the "
           "72 hours of GDPR art. 33(1).");
    free(s);

    /* not notified yet: the deadline is detected + 3 days */
    set_member(r, "incident.timeline.authority_notified", NULL);
    json_object_object_add(
        json_object_object_get(json_object_object_get(r, "incident"),
                               "timeline"),
        "authority_notified", NULL);
    set_member(r, "incident.timeline.hours_to_notify", NULL);
    json_object_object_add(
        json_object_object_get(json_object_object_get(r, "incident"),
                               "timeline"),
        "hours_to_notify", NULL);
    json_object_object_add(
        json_object_object_get(json_object_object_get(r, "incident"),
                               "timeline"),
        "within_72_hours", NULL);
    s = render(r, 0, "nl");
    has(s, "| Gemeld aan de Autoriteit Persoonsgegevens | nog niet |\n");
    hasnt(s, "Uren van ontdekking tot melding");
    has(s, "> **Waarschuwing:** de Autoriteit Persoonsgegevens is nog niet "
           "ingelicht. De termijn van 72 uur na de ontdekking (art. 33 lid 1 "
           "AVG) loopt af op 12 februari 2026.");
    free(s);
    s = render(r, 1, "en");
    has(s, "<strong>Warning:</strong> the supervisory authority has not "
           "been notified yet. The 72 hours after detection (GDPR art. "
           "33(1)) end on 12 February 2026.</p>");
    free(s);

    /* and without a detection date */
    json_object_object_add(
        json_object_object_get(json_object_object_get(r, "incident"),
                               "timeline"),
        "detected", NULL);
    s = render(r, 0, "nl");
    has(s, "| Ontdekt | onbekend |");
    has(s, "nog niet ingelicht en de datum van ontdekking ontbreekt.");
    free(s);
    json_object_put(r);
}

/* Nulls where docs/report.md allows them, and the identity of the input
 * accounting when it does not hold or cannot be checked. */
static void
nulls_and_accounting(void **state)
{
    struct json_object *r = load_sample();
    struct json_object *inc = json_object_object_get(r, "incident");
    char *s;

    (void)state;
    json_object_object_add(inc, "consequences", NULL);
    json_object_object_add(inc, "name", NULL);
    json_object_object_add(json_object_object_get(r, "resolution"),
                           "lowest_confidence", NULL);
    set_member(r, "input.rejected", json_object_new_int(500));
    s = render(r, 0, "nl");
    has(s, "# Melding datalek\n");
    has(s, "## Mogelijke gevolgen voor betrokkenen\n\nNiet opgegeven "
           "(case.ini, \\[incident\\] consequences).\n");
    has(s, "| Laagste kans van een gemaakte koppeling | geen |");
    has(s, "> **Waarschuwing:** gelezen \xe2\x89\xa0 geaccepteerd + "
           "afgewezen: 6 232 845 \xe2\x89\xa0 6 232 319 + 500.");
    free(s);

    set_member(r, "input.rejected", json_object_new_string("< 10"));
    s = render(r, 1, "en");
    has(s, "Check: read = accepted + rejected (6,232,845 = 6,232,319 + "
           "&lt; 10) cannot be verified exactly here, because a count below "
           "10 is not shown precisely.");
    hasnt(s, "This holds");
    free(s);
    json_object_put(r);
}

/* Empty lists and an unknown category, topic and level: shown as they
 * are, never dropped. */
static void
empty_and_unknown(void **state)
{
    struct json_object *r = load_sample();
    struct json_object *cat = json_object_new_object();
    char *s;

    (void)state;
    set_member(r, "not_taken", json_object_new_array());
    set_member(r, "special.sensitive_topics", json_object_new_array());
    set_member(r, "reachability.unreachable_why", json_object_new_array());
    set_member(r, "brands", json_object_new_array());
    json_object_object_add(cat, "name", json_object_new_string("shoe_size"));
    json_object_object_add(cat, "taken", json_object_new_boolean(1));
    json_object_object_add(cat, "data_subjects", json_object_new_int(12));
    json_object_object_add(cat, "records", json_object_new_int(13));
    json_object_array_add(json_object_object_get(r, "categories"), cat);
    s = render(r, 0, "en");
    has(s, "No category is confirmed as not taken.");
    has(s, "No sensitive topics configured.");
    has(s, "No unreachable notices.");
    has(s, "## Per brand\n\nNo brands.\n");
    has(s, "| shoe_size | yes | 12 | 13 |");
    free(s);
    s = render(r, 1, "nl");
    has(s, ">shoe_size</text>");
    check_html_structure(s);
    free(s);
    json_object_put(r);
}

/* More brands than fit one table: several tables of at most four. */
static void
many_brands(void **state)
{
    struct json_object *r = load_sample();
    struct json_object *brands = json_object_object_get(r, "brands");
    struct json_object *odido = json_object_array_get_idx(brands, 0);
    char *s;
    int i;

    (void)state;
    for (i = 0; i < 6; i++) {
        struct json_object *copy = NULL;
        char name[16];

        assert_int_equal(json_object_deep_copy(odido, &copy, NULL), 0);
        snprintf(name, sizeof(name), "Merk%d", i);
        json_object_object_add(copy, "name", json_object_new_string(name));
        json_object_array_add(brands, copy);
    }
    s = render(r, 0, "nl");
    has(s, "| Kenmerk | Odido | Ben | (zonder merk) | Merk0 |\n");
    has(s, "| Kenmerk | Merk1 | Merk2 | Merk3 | Merk4 |\n");
    has(s, "| Kenmerk | Merk5 |\n");
    has(s, "| Categorie | Merk5 |\n");
    free(s);
    json_object_put(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_formatting),
        cmocka_unit_test(markdown_nl),
        cmocka_unit_test(markdown_en),
        cmocka_unit_test(html_nl),
        cmocka_unit_test(html_en),
        cmocka_unit_test(default_language_and_append),
        cmocka_unit_test(escaping),
        cmocka_unit_test(missing_and_wrong_members),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(output_limit),
        cmocka_unit_test(timeline_warnings),
        cmocka_unit_test(nulls_and_accounting),
        cmocka_unit_test(empty_and_unknown),
        cmocka_unit_test(many_brands),
    };

    return cmocka_run_group_tests_name("report_render", tests, NULL, NULL);
}
