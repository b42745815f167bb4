/*
 * serve_pages.c - the page frame, the home page, the information page per
 * brand and language, and the error pages. Pages work without JavaScript
 * and hold no inline style or script (the Content-Security-Policy forbids
 * both): all styling comes from /style.css. Every text from the case
 * configuration is HTML-escaped.
 */
#include <stdio.h>
#include <string.h>

#include "../store/field.h"
#include "serve_int.h"

#define T(nl, en) SERVE_T(lang, nl, en)

static const char *
serve_lang_code(int lang)
{
    return lang == SERVE_EN ? "en" : "nl";
}

/* The display name of the first brand, or the organisation. */
static const char *
serve_first_brand(const struct serve *sv)
{
    return sv->cfg->nbrands > 0 ? sv->cfg->brands[0].display_name
                                : sv->cfg->organisation;
}

#define SERVE_XSTR(x) #x
#define SERVE_STR(x)  SERVE_XSTR(x)

int
serve_page_begin(struct serve *sv, struct buf *b, int lang, const char *title,
                 const char *path)
{
    const char *lc = serve_lang_code(lang),
               *other = lang == SERVE_EN ? "nl" : "en";
    int rc;

    /* joined, not printf'd: the verification page is the hot one */
    if ((rc = buf_cat(b, "<!DOCTYPE html>\n<html lang=\"", lc,
                      "\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-"
                      "width, initial-scale=1\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n"
                      "<title>",
                      NULL)) != TOCSIN_OK ||
        (rc = serve_html(b, title)) != TOCSIN_OK ||
        (rc = buf_appends(b, " \xe2\x80\x93 ")) != TOCSIN_OK ||
        (rc = serve_html(b, sv->cfg->organisation)) != TOCSIN_OK ||
        (rc = buf_cat(
             b,
             "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
             "</head>\n<body>\n<header><div class=\"wrap\">"
             "<a class=\"org\" href=\"/?lang=",
             lc, "\">", NULL)) != TOCSIN_OK ||
        (rc = serve_html(b, serve_first_brand(sv))) != TOCSIN_OK)
        return rc;
    return buf_cat(b, "</a>\n<nav><a href=\"/verify?lang=", lc, "\">",
                   T("Bericht controleren", "Check a message"),
                   "</a> <a href=\"/lookup?lang=", lc, "\">",
                   T("Ben ik getroffen?", "Am I affected?"),
                   "</a> <a href=\"/info?lang=", lc, "\">",
                   T("Over het datalek", "About the breach"),
                   "</a> <a href=\"", path, "?lang=", other, "\" hreflang=\"",
                   other, "\" lang=\"", other, "\">",
                   lang == SERVE_EN ? "Nederlands" : "English",
                   "</a></nav></div></header>\n<main class=\"wrap\">\n", NULL);
}

int
serve_page_end(struct serve *sv, struct buf *b, int lang)
{
    const struct case_config *cfg = sv->cfg;
    int rc;

    if ((rc = buf_cat(b, "</main>\n<footer class=\"wrap\"><p>",
                      T("Vragen over je privacy? Onze functionaris voor "
                        "gegevensbescherming:",
                        "Questions about your privacy? Our data "
                        "protection officer:"),
                      " ", NULL)) != TOCSIN_OK ||
        (rc = serve_html(b, cfg->dpo_email)) != TOCSIN_OK)
        return rc;
    if (cfg->dpo_phone != NULL &&
        ((rc = buf_appends(b, ", ")) != TOCSIN_OK ||
         (rc = serve_html(b, cfg->dpo_phone)) != TOCSIN_OK))
        return rc;
    return buf_cat(b, ". ",
                   T("Deze pagina's gebruiken geen cookies en geen "
                     "JavaScript.",
                     "These pages use no cookies and no JavaScript."),
                   "</p></footer>\n</body>\n</html>\n", NULL);
}

int
serve_form_verify(struct buf *b, int lang, const char *value)
{
    int rc;

    if ((rc = buf_cat(
             b,
             "<form class=\"check\" method=\"get\" action=\"/verify\">"
             "<input type=\"hidden\" name=\"lang\" value=\"",
             serve_lang_code(lang), "\"><label for=\"code\">",
             T("Controlecode uit het bericht (of de Message-ID)",
               "Verification code from the message (or its Message-ID)"),
             "</label><input id=\"code\" name=\"code\" type=\"text\" "
             "autocomplete=\"off\" autocapitalize=\"characters\" "
             "spellcheck=\"false\" maxlength=\"" SERVE_STR(
                 LIMIT_VCODE_INPUT) "\" placeholder=\"XXXX-XXXX-XXXX-XXXX-X\" "
                                    "value=\"",
             NULL)) != TOCSIN_OK ||
        (value != NULL && (rc = serve_html(b, value)) != TOCSIN_OK))
        return rc;
    return buf_cat(b, "\"><button type=\"submit\">", T("Controleren", "Check"),
                   "</button></form>\n", NULL);
}

int
serve_form_lookup(struct buf *b, int lang)
{
    return buf_printf(
        b,
        "<form class=\"check\" method=\"post\" action=\"/lookup?lang=%s\">"
        "<label for=\"address\">%s</label>"
        "<input id=\"address\" name=\"address\" type=\"text\" "
        "inputmode=\"email\" autocomplete=\"email\" spellcheck=\"false\" "
        "maxlength=\"%d\" required>"
        "<button type=\"submit\">%s</button></form>\n",
        serve_lang_code(lang), T("Je e-mailadres", "Your e-mail address"),
        LIMIT_EMAIL_ADDRESS,
        T("Stuur mij het antwoord", "Send me the answer"));
}

int
serve_page_home(struct serve *sv, int lang, struct serve_response *rs)
{
    const struct case_config *cfg = sv->cfg;
    struct buf *b = &rs->body;
    const char *lc = serve_lang_code(lang);
    size_t i;
    int rc;

    if ((rc = serve_page_begin(sv, b, lang,
                               T("Datalek: controleer een bericht",
                                 "Data breach: check a message"),
                               "/")) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h1>%s</h1>\n<p>%s</p>\n",
                         T("Is dit bericht over het datalek echt van ons?",
                           "Is this message about the breach really from "
                           "us?"),
                         T("Criminelen sturen nagemaakte e-mails en bellen "
                           "uit onze naam. Elk bericht dat wij over het "
                           "datalek sturen heeft een controlecode. Vul die "
                           "hier in: dan zie je of het bericht echt van ons "
                           "is.",
                           "Criminals send look-alike e-mails and call in "
                           "our name. Every message we send about the breach "
                           "carries a verification code. Enter it here to "
                           "see whether the message really is from us."))) !=
            TOCSIN_OK ||
        (rc = serve_form_verify(b, lang, NULL)) != TOCSIN_OK ||
        (rc = buf_printf(
             b, "<h2>%s</h2>\n<p>%s</p>\n",
             T("Ben ik getroffen?", "Am I affected?"),
             T("Geen bericht gekregen? Vul je e-mailadres in. Zit het in de "
               "gegevens van het datalek, dan sturen we het antwoord naar "
               "dat adres, nooit naar deze pagina.",
               "Received no message? Enter your e-mail address. If it is in "
               "the data of the breach, we send the answer to that address, "
               "never to this page."))) != TOCSIN_OK ||
        (rc = serve_form_lookup(b, lang)) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h2>%s</h2>\n<ul>\n",
                         T("Meer informatie", "More information"))) !=
            TOCSIN_OK)
        return rc;
    for (i = 0; i < cfg->nbrands; i++) {
        if ((rc = buf_printf(b, "<li><a href=\"/info/%s/%s\">",
                             cfg->brands[i].id, lc)) != TOCSIN_OK ||
            (rc = buf_appends(b, T("Het datalek bij ", "The breach at "))) !=
                TOCSIN_OK ||
            (rc = serve_html(b, cfg->brands[i].display_name)) != TOCSIN_OK ||
            (rc = buf_appends(b, "</a></li>\n")) != TOCSIN_OK)
            return rc;
    }
    if ((rc = buf_appends(b, "</ul>\n")) != TOCSIN_OK)
        return rc;
    rs->status = 200;
    return serve_page_end(sv, b, lang);
}

/* <h2>title</h2> and the free text as paragraphs (a line break in the
 * configuration's text is kept as a space). */
static int
serve_section(struct buf *b, const char *title, const char *text)
{
    int rc;

    if (text == NULL || text[0] == '\0')
        return TOCSIN_OK;
    if ((rc = buf_printf(b, "<h2>%s</h2>\n<p>", title)) != TOCSIN_OK ||
        (rc = serve_html(b, text)) != TOCSIN_OK)
        return rc;
    return buf_appends(b, "</p>\n");
}

/* A list of data categories with their labels. */
static int
serve_categories(struct buf *b, const struct config_list *l, int lang)
{
    size_t i;
    int rc;

    if ((rc = buf_appends(b, "<ul>\n")) != TOCSIN_OK)
        return rc;
    for (i = 0; i < l->count; i++)
        if ((rc = buf_appends(b, "<li>")) != TOCSIN_OK ||
            (rc = serve_html(
                 b, category_label(l->items[i], serve_lang_code(lang)))) !=
                TOCSIN_OK ||
            (rc = buf_appends(b, "</li>\n")) != TOCSIN_OK)
            return rc;
    return buf_appends(b, "</ul>\n");
}

static int
serve_taken(const struct case_config *cfg, const char *category)
{
    size_t i;

    for (i = 0; i < cfg->taken.count; i++)
        if (strcmp(cfg->taken.items[i], category) == 0)
            return 1;
    return 0;
}

/* What to do: the advice of the messages (data/templates/LANG/body.txt),
 * for the categories that were taken. */
static int
serve_advice(struct buf *b, const struct case_config *cfg, const char *brand,
             int lang)
{
    int rc;

    if ((rc = buf_printf(b, "<h2>%s</h2>\n<ul>\n<li>%s</li>\n<li>",
                         T("Wat kun je doen?", "What can you do?"),
                         T("Wees extra alert op berichten en telefoontjes "
                           "die je niet verwacht.",
                           "Be extra careful with messages and calls you "
                           "do not expect."))) != TOCSIN_OK ||
        (rc = serve_html(b, brand)) != TOCSIN_OK ||
        (rc = buf_printf(
             b, " %s</li>\n<li>%s</li>\n",
             T("vraagt je nooit per e-mail, sms of telefoon om je "
               "wachtwoord, pincode of inlogcodes, en nooit om geld over te "
               "maken.",
               "never asks for your password, PIN or login codes by e-mail, "
               "text message or phone, and never asks you to transfer "
               "money."),
             T("Klik niet op links in berichten die je niet vertrouwt. Ga "
               "zelf naar onze website door het adres in te typen.",
               "Do not click links in messages you do not trust. Go to our "
               "website yourself by typing its address."))) != TOCSIN_OK)
        return rc;
    if (serve_taken(cfg, "iban") &&
        (rc = buf_printf(
             b, "<li>%s</li>\n",
             T("Is je IBAN uitgelekt? Controleer de komende maanden je "
               "afschrijvingen. Een onterechte automatische incasso kun je "
               "tot 8 weken na de afschrijving via je bank laten "
               "terugboeken; daarna tot 13 maanden als je er geen "
               "toestemming voor gaf.",
               "Was your IBAN taken? Check your debits over the coming "
               "months. Your bank reverses a wrongful direct debit up to 8 "
               "weeks after it was taken; up to 13 months when you never "
               "agreed to it."))) != TOCSIN_OK)
        return rc;
    if (serve_taken(cfg, "id_document") &&
        (rc = buf_printf(
             b, "<li>%s</li>\n",
             T("Is het nummer van je identiteitsbewijs uitgelekt? Met zo'n "
               "nummer en je geboortedatum proberen oplichters soms een "
               "lening of abonnement op jouw naam af te sluiten. Je hoeft je "
               "document niet te vervangen, maar wees alert. Kijk voor "
               "advies op www.rijksoverheid.nl (zoek op "
               "\xe2\x80\x9cidentiteitsfraude\xe2\x80\x9d) of bel het "
               "Centraal Meldpunt Identiteitsfraude (CMI).",
               "Was the number of your ID document taken? With such a "
               "number and your date of birth, fraudsters sometimes try to "
               "take out a loan or subscription in your name. You need not "
               "replace the document, but stay alert. For advice see "
               "www.rijksoverheid.nl (search for \xe2\x80\x9c"
               "identiteitsfraude\xe2\x80\x9d) or call the Centraal "
               "Meldpunt Identiteitsfraude (CMI)."))) != TOCSIN_OK)
        return rc;
    if (serve_taken(cfg, "national_id") &&
        (rc = buf_printf(
             b, "<li>%s</li>\n",
             T("Is je burgerservicenummer (BSN) uitgelekt? Neem bij twijfel "
               "over misbruik contact op met het Centraal Meldpunt "
               "Identiteitsfraude (CMI).",
               "Was your citizen service number (BSN) taken? If you suspect "
               "misuse, contact the Centraal Meldpunt Identiteitsfraude "
               "(CMI)."))) != TOCSIN_OK)
        return rc;
    if (serve_taken(cfg, "birth_date") &&
        (rc = buf_printf(b, "<li>%s</li>\n",
                         T("Is je geboortedatum uitgelekt? Gebruik die "
                           "nergens als wachtwoord of beveiligingsvraag.",
                           "Was your date of birth taken? Do not use it as "
                           "a password or security question anywhere."))) !=
            TOCSIN_OK)
        return rc;
    return buf_appends(b, "</ul>\n");
}

int
serve_page_info(struct serve *sv, const char *brand_id, int lang,
                struct serve_response *rs)
{
    const struct case_config *cfg = sv->cfg;
    const struct config_brand *br = config_brand(cfg, brand_id);
    struct buf *b = &rs->body;
    char date[64], path[LIMIT_BRAND_NAME + 16], title[256];
    int rc;

    if (br == NULL) {
        serve_page_error(sv, 404, lang, 0, rs);
        return TOCSIN_OK;
    }
    snprintf(path, sizeof(path), "/info/%s", br->id);
    snprintf(title, sizeof(title), "%s %.200s",
             T("Het datalek bij", "The data breach at"), br->display_name);
    serve_date(cfg->occurred, lang, date, sizeof(date));
    if ((rc = serve_page_begin(sv, b, lang, title, path)) != TOCSIN_OK ||
        (rc = buf_appends(b, "<h1>")) != TOCSIN_OK ||
        (rc = serve_html(b, title)) != TOCSIN_OK ||
        (rc = buf_printf(b, "</h1>\n<p class=\"lead\">%s %s ", T("Op", "On"),
                         date)) != TOCSIN_OK ||
        (rc = buf_appends(b, T("kregen criminelen toegang tot systemen van ",
                               "criminals gained access to systems of "))) !=
            TOCSIN_OK ||
        (rc = serve_html(b, cfg->organisation)) != TOCSIN_OK ||
        (rc = buf_printf(b, "%s</p>\n",
                         T(" en namen gegevens van klanten mee. Dat spijt "
                           "ons zeer.",
                           " and took customer data. We are very sorry."))) !=
            TOCSIN_OK ||
        (rc = serve_section(b, T("Wat is er gebeurd?", "What happened?"),
                            cfg->description)) != TOCSIN_OK)
        return rc;
    if (cfg->taken.count > 0 &&
        ((rc = buf_printf(b, "<h2>%s</h2>\n",
                          T("Welke gegevens zijn buitgemaakt?",
                            "Which data were taken?"))) != TOCSIN_OK ||
         (rc = serve_categories(b, &cfg->taken, lang)) != TOCSIN_OK))
        return rc;
    if (cfg->not_taken.count > 0 &&
        ((rc = buf_printf(b, "<h2>%s</h2>\n",
                          T("Deze gegevens zijn NIET buitgemaakt",
                            "These data were NOT taken"))) != TOCSIN_OK ||
         (rc = serve_categories(b, &cfg->not_taken, lang)) != TOCSIN_OK))
        return rc;
    if ((rc = serve_section(
             b,
             T("Wat betekent dit voor jou?", "What does this mean for you?"),
             cfg->consequences)) != TOCSIN_OK ||
        (rc = serve_advice(b, cfg, br->display_name, lang)) != TOCSIN_OK ||
        (rc = serve_section(b, T("Wat hebben wij gedaan?", "What did we do?"),
                            cfg->measures)) != TOCSIN_OK ||
        (rc = buf_printf(
             b, "<h2>%s</h2>\n<p>%s</p>\n",
             T("Is een bericht echt van ons?", "Is a message really from us?"),
             T("Elk bericht dat wij over het datalek sturen bevat een "
               "controlecode. Vul die hier in; staat de code niet als echt, "
               "behandel het bericht dan als phishing.",
               "Every message we send about the breach carries a "
               "verification code. Enter it here; if the code is not shown "
               "as genuine, treat the message as phishing."))) != TOCSIN_OK ||
        (rc = serve_form_verify(b, lang, NULL)) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h2>%s</h2>\n<p>",
                         T("Vragen en klachten",
                           "Questions and complaints"))) != TOCSIN_OK ||
        (rc = buf_appends(b, T("Functionaris voor gegevensbescherming: ",
                               "Data protection officer: "))) != TOCSIN_OK)
        return rc;
    if (cfg->dpo_name != NULL &&
        ((rc = serve_html(b, cfg->dpo_name)) != TOCSIN_OK ||
         (rc = buf_appends(b, ", ")) != TOCSIN_OK))
        return rc;
    if ((rc = serve_html(b, cfg->dpo_email)) != TOCSIN_OK ||
        (cfg->dpo_phone != NULL &&
         ((rc = buf_appends(b, ", ")) != TOCSIN_OK ||
          (rc = serve_html(b, cfg->dpo_phone)) != TOCSIN_OK)))
        return rc;
    if (cfg->dpo_address != NULL &&
        ((rc = buf_appends(b, "<br>")) != TOCSIN_OK ||
         (rc = serve_html(b, cfg->dpo_address)) != TOCSIN_OK))
        return rc;
    if ((rc = buf_printf(b, "</p>\n<p>%s</p>\n",
                         T("Je kunt ook een klacht indienen bij de "
                           "Autoriteit Persoonsgegevens.",
                           "You can also lodge a complaint with the Dutch "
                           "Data Protection Authority (Autoriteit "
                           "Persoonsgegevens)."))) != TOCSIN_OK)
        return rc;
    rs->status = 200;
    return serve_page_end(sv, b, lang);
}

/* The title and text of an error status. */
static void
serve_error_text(int status, int lang, const char **title, const char **text)
{
    switch (status) {
    case 400:
        *title = T("Onjuist verzoek", "Bad request");
        *text = T("Dit verzoek kunnen we niet lezen.",
                  "We cannot read this request.");
        break;
    case 401:
        *title = T("Inloggen nodig", "Login required");
        *text = T("Deze pagina is alleen voor het responsteam.",
                  "This page is for the response team only.");
        break;
    case 404:
        *title = T("Niet gevonden", "Not found");
        *text = T("Deze pagina bestaat niet.", "This page does not exist.");
        break;
    case 405:
        *title = T("Methode niet toegestaan", "Method not allowed");
        *text = T("Deze pagina kan dat niet.", "This page cannot do that.");
        break;
    case 413:
        *title = T("Te groot", "Too large");
        *text = T("Het formulier is te groot.", "The form is too large.");
        break;
    case 414:
        *title = T("Adres te lang", "Address too long");
        *text = T("Het webadres is te lang.", "The web address is too long.");
        break;
    case 415:
        *title = T("Onbekend formaat", "Unsupported format");
        *text = T("Stuur het formulier als gewoon formulier.",
                  "Send the form as a plain form.");
        break;
    case 429:
        *title = T("Te veel verzoeken", "Too many requests");
        *text = T("Probeer het over een uur opnieuw.",
                  "Please try again in an hour.");
        break;
    case 503:
        *title = T("Even geduld", "Please wait");
        *text = T("Het is nu erg druk. Probeer het over een paar minuten "
                  "opnieuw.",
                  "We are very busy right now. Please try again in a few "
                  "minutes.");
        break;
    default:
        *title = T("Er ging iets mis", "Something went wrong");
        *text = T("Probeer het later opnieuw.", "Please try again later.");
        break;
    }
}

void
serve_page_error(struct serve *sv, int status, int lang, int json,
                 struct serve_response *rs)
{
    const char *title, *text;
    struct buf *b = &rs->body;
    int rc;

    /* the API speaks English */
    serve_error_text(status, json ? SERVE_EN : lang, &title, &text);
    buf_reset(b);
    rs->status = status;
    if (json) {
        rs->content_type = "application/json";
        rc =
            buf_printf(b, "{\"error\":\"%s\",\"status\":%d}\n", title, status);
    } else {
        rs->content_type = "text/html; charset=utf-8";
        if ((rc = serve_page_begin(sv, b, lang, title, "/")) == TOCSIN_OK &&
            (rc = buf_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", title, text)) ==
                TOCSIN_OK)
            rc = serve_page_end(sv, b, lang);
    }
    if (rc != TOCSIN_OK) {
        buf_reset(b);
        if (buf_appends(b, title) != TOCSIN_OK)
            buf_reset(b); /* a status line is enough */
    }
}
