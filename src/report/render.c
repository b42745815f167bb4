/*
 * render.c - the regulator report as Markdown and as an HTML page: the
 * sections, in the order of render.h, and their labels in Dutch and
 * English. The primitives (escaping, tables, charts) are in render_doc.c,
 * the check of the JSON in render_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "../store/field.h"
#include "render_int.h"

#include "../util/error.h"

/*
 * Every label and sentence, Dutch and English side by side. {0}..{3} are
 * filled by doc_fill() with figures or texts.
 */
#define LABELS(X)                                                             \
    X(TITLE, "Melding datalek", "Data breach report")                         \
    X(GENERATED, "Rapport opgesteld op {0}", "Report generated on {0}")       \
    X(CASE_ASSESSED, "Zaak {0}, beoordeeld op {1}",                           \
      "Case {0}, assessed on {1}")                                            \
    X(CASE, "Zaak {0}", "Case {0}")                                           \
    X(NO_PII, "Dit rapport bevat geen persoonsgegevens, alleen aantallen.",   \
      "This report holds no personal data, only counts.")                     \
    X(SMALL,                                                                  \
      "Aantallen van 1 tot en met {0} staan er als \u201c{1}\u201d, zodat "   \
      "kleine groepen niet herkenbaar zijn; 0 staat er als 0.",               \
      "Counts from 1 to {0} are shown as \u201c{1}\u201d so that small "      \
      "groups cannot be singled out; 0 is shown as 0.")                       \
    X(WARNING, "Waarschuwing:", "Warning:")                                   \
    X(YES, "ja", "yes")                                                       \
    X(NO, "nee", "no")                                                        \
    X(NO_BUT_FOUND, "nee, maar wel in de gegevens gevonden",                  \
      "no, but found in the data")                                            \
    X(NOT_GIVEN, "niet opgegeven", "not given")                               \
    X(NOT_GIVEN_INI, "Niet opgegeven (case.ini, {0}).",                       \
      "Not given (case.ini, {0}).")                                           \
    X(H_ITEM, "Gegeven", "Item")                                              \
    X(H_VALUE, "Waarde", "Value")                                             \
    X(H_COUNT, "Aantal", "Count")                                             \
    X(H_PERSONS, "Personen", "Persons")                                       \
    X(H_RECORDS, "Records", "Records")                                        \
    X(H_NOTICES, "Meldingen", "Notices")                                      \
    /* key figures */                                                         \
    X(H_SUMMARY, "Kerncijfers", "Key figures")                                \
    X(K_SUBJECTS, "Betrokkenen (unieke personen)",                            \
      "Data subjects (unique persons)")                                       \
    X(K_RANGE, "bandbreedte {0} \u2013 {1}", "range {0} \u2013 {1}")          \
    X(K_RECORDS, "Records in het datalek", "Records in the breach")           \
    X(K_NOTICES, "Meldingen aan betrokkenen (persoon \u00d7 merk)",           \
      "Notices to data subjects (person \u00d7 brand)")                       \
    X(K_HIGH, "Personen met hoog risico", "Persons at high risk")             \
    X(K_MINORS, "Minderjarigen (jonger dan {0})", "Minors (under {0})")       \
    X(K_BSN, "Personen met een BSN", "Persons with a BSN")                    \
    X(K_SENSITIVE, "Personen met gevoelige notities",                         \
      "Persons with sensitive notes")                                         \
    X(K_UNREACHABLE, "Onbereikbaar (meldingen)", "Unreachable (notices)")     \
    /* timeline */                                                            \
    X(H_TIMELINE, "Tijdlijn", "Timeline")                                     \
    X(H_EVENT, "Moment", "Event")                                             \
    X(H_DATE, "Datum", "Date")                                                \
    X(T_OCCURRED, "Begin van het datalek", "Breach began")                    \
    X(T_DETECTED, "Ontdekt", "Detected")                                      \
    X(T_CONTAINED, "Ingedamd", "Contained")                                   \
    X(T_NOTIFIED, "Gemeld aan de Autoriteit Persoonsgegevens",                \
      "Notified to the supervisory authority (Autoriteit Persoonsgegevens)")  \
    X(T_HOURS, "Uren van ontdekking tot melding",                             \
      "Hours from detection to notification")                                 \
    X(T_UNKNOWN, "onbekend", "unknown")                                       \
    X(T_NOT_YET, "nog niet", "not yet")                                       \
    X(T_WITHIN,                                                               \
      "Gemeld binnen 72 uur na de ontdekking ({0} uur), zoals art. 33 lid 1 " \
      "AVG vraagt.",                                                          \
      "Notified within 72 hours of detection ({0} hours), as GDPR art. "      \
      "33(1) requires.")                                                      \
    X(T_HOURS_ONLY, "Gemeld {0} uur na de ontdekking.",                       \
      "Notified {0} hours after detection.")                                  \
    X(T_LATE,                                                                 \
      "de Autoriteit Persoonsgegevens is {0} uur na de ontdekking "           \
      "ingelicht, "                                                           \
      "later dan de 72 uur van art. 33 lid 1 AVG. Vermeld in de melding de "  \
      "redenen van de vertraging.",                                           \
      "the supervisory authority was notified {0} hours after detection, "    \
      "later than the 72 hours of GDPR art. 33(1). The notification must "    \
      "give the reasons for the delay.")                                      \
    X(T_MORE_THAN_72, "meer dan 72", "more than 72")                          \
    X(T_NOT_NOTIFIED,                                                         \
      "de Autoriteit Persoonsgegevens is nog niet ingelicht. De termijn van " \
      "72 uur na de ontdekking (art. 33 lid 1 AVG) loopt af op {0}.",         \
      "the supervisory authority has not been notified yet. The 72 hours "    \
      "after detection (GDPR art. 33(1)) end on {0}.")                        \
    X(T_NOT_NOTIFIED_NODATE,                                                  \
      "de Autoriteit Persoonsgegevens is nog niet ingelicht en de datum van " \
      "ontdekking ontbreekt. Meld binnen 72 uur na de ontdekking (art. 33 "   \
      "lid 1 AVG).",                                                          \
      "the supervisory authority has not been notified yet and the date of "  \
      "detection is missing. Notify within 72 hours of detection (GDPR art. " \
      "33(1)).")                                                              \
    /* nature */                                                              \
    X(H_NATURE, "Aard van het datalek", "Nature of the breach")               \
    X(N_CONFIDENTIALITY,                                                      \
      "Soort inbreuk: inbreuk op de vertrouwelijkheid (gegevens zijn door "   \
      "onbevoegden ingezien of gekopieerd).",                                 \
      "Kind of breach: a breach of confidentiality (data were read or "       \
      "copied by others).")                                                   \
    /* categories */                                                          \
    X(H_CATEGORIES, "Gegevenscategorie\u00ebn", "Data categories")            \
    X(C_INTRO,                                                                \
      "Per categorie: of ze is buitgemaakt (volgens case.ini), en van "       \
      "hoeveel personen en records de gelekte gegevens haar bevatten.",       \
      "Per category: whether it was taken (as case.ini says), and of how "    \
      "many persons and records the leaked data hold it.")                    \
    X(H_CATEGORY, "Categorie", "Category")                                    \
    X(H_TAKEN, "Buitgemaakt", "Taken")                                        \
    X(CH_CATEGORIES, "Personen per gegevenscategorie",                        \
      "Persons per data category")                                            \
    X(H_NOT_TAKEN, "Aantoonbaar niet buitgemaakt", "Confirmed not taken")     \
    X(NOT_TAKEN_NONE,                                                         \
      "Geen categorie\u00ebn als niet-buitgemaakt bevestigd.",                \
      "No category is confirmed as not taken.")                               \
    /* risk */                                                                \
    X(H_RISK, "Risico voor betrokkenen", "Risk to data subjects")             \
    X(R_INTRO,                                                                \
      "Elke persoon telt \u00e9\u00e9n keer mee, bij het hoogste "            \
      "risiconiveau van de regels die op hem of haar van toepassing zijn.",   \
      "Each person counts once, at the highest level of the rules that "      \
      "apply to them.")                                                       \
    X(H_LEVEL, "Niveau", "Level")                                             \
    X(LV_HIGH, "Hoog", "High")                                                \
    X(LV_MEDIUM, "Midden", "Medium")                                          \
    X(LV_LOW, "Laag", "Low")                                                  \
    X(CH_RISK, "Personen naar hoogste risiconiveau",                          \
      "Persons by highest risk level")                                        \
    X(H_RULES, "Risicoregels", "Risk rules")                                  \
    X(H_RULE, "Regel", "Rule")                                                \
    X(H_CONDITION, "Voorwaarde", "Condition")                                 \
    X(RULES_NONE, "Geen risicoregels.", "No risk rules.")                     \
    /* special groups */                                                      \
    X(H_SPECIAL, "Bijzondere groepen en gegevens", "Special groups and data") \
    X(H_GROUP, "Groep", "Group")                                              \
    X(S_MINORS,                                                               \
      "Minderjarigen: jonger dan {0} jaar op de begindatum van het datalek",  \
      "Minors: under {0} on the date the breach began")                       \
    X(S_SENSITIVE,                                                            \
      "Personen met een gevoelige term in de notities van de klantenservice", \
      "Persons with a sensitive term in customer-service notes")              \
    X(S_BSN, "Personen met een BSN (burgerservicenummer) in de gegevens",     \
      "Persons with a BSN (Dutch citizen service number) in the data")        \
    X(S_VALID_ID,                                                             \
      "Personen met een nummer van een identiteitsbewijs dat op de "          \
      "begindatum nog geldig was (of geen vervaldatum heeft)",                \
      "Persons with the number of an ID document that was still valid on "    \
      "the date the breach began (or has no expiry date)")                    \
    X(S_EX_CUSTOMERS,                                                         \
      "Oud-klanten: personen van wie elk contract v\u00f3\u00f3r het "        \
      "datalek was be\u00ebindigd",                                           \
      "Former customers: persons all of whose contracts had ended before "    \
      "the breach")                                                           \
    X(S_RETENTION_RECORDS,                                                    \
      "Records langer bewaard dan {0} maanden na het einde van het "          \
      "contract",                                                             \
      "Records kept longer than {0} months after the contract ended")         \
    X(S_RETENTION_PERSONS, "Personen met zulke records",                      \
      "Persons with such records")                                            \
    X(H_TOPICS, "Gevoelige onderwerpen in notities",                          \
      "Sensitive topics in notes")                                            \
    X(H_TOPIC, "Onderwerp", "Topic")                                          \
    X(TOPICS_NONE, "Geen gevoelige onderwerpen ingesteld.",                   \
      "No sensitive topics configured.")                                      \
    X(H_BSN_IN, "Waar BSN's zijn gevonden", "Where BSNs were found")          \
    X(H_FIELD, "Veld", "Field")                                               \
    X(BSN_IN_BSN, "BSN-veld", "BSN field")                                    \
    X(BSN_IN_VAT,                                                             \
      "Btw-nummer (oude btw-nummers van eenmanszaken bevatten het BSN)",      \
      "VAT number (old Dutch VAT numbers of sole traders contain the BSN)")   \
    X(BSN_IN_NOTES, "Notities van de klantenservice",                         \
      "Customer-service notes")                                               \
    X(BSN_IN_NOTE,                                                            \
      "Een persoon kan in meer dan \u00e9\u00e9n veld een BSN "               \
      "hebben.",                                                              \
      "A person may have a BSN in more than one field.")                      \
    /* reachability */                                                        \
    X(H_REACH, "Bereikbaarheid van betrokkenen",                              \
      "Reaching the data subjects")                                           \
    X(RE_INTRO,                                                               \
      "Per melding (persoon \u00d7 merk, {0} in totaal): het kanaal "         \
      "waarlangs "                                                            \
      "de melding gaat.",                                                     \
      "Per notice (person \u00d7 brand, {0} in all): the channel the notice " \
      "goes by.")                                                             \
    X(H_CHANNEL, "Kanaal", "Channel")                                         \
    X(CH_EMAIL, "E-mail", "E-mail")                                           \
    X(CH_LETTER, "Brief", "Letter")                                           \
    X(CH_SMS, "Sms", "Text message (SMS)")                                    \
    X(CH_UNREACHABLE, "Onbereikbaar", "Unreachable")                          \
    X(TOTAL, "Totaal", "Total")                                               \
    X(CH_REACH, "Meldingen per kanaal", "Notices per channel")                \
    X(RE_PERSONAL, "Meldingen die persoonlijk contact vragen",                \
      "Notices that need personal contact")                                   \
    X(RE_GUARDIAN, "Meldingen aan een ouder of voogd (minderjarigen)",        \
      "Notices to a parent or guardian (minors)")                             \
    X(H_WHY, "Waarom onbereikbaar", "Why unreachable")                        \
    X(H_REASON, "Reden", "Reason")                                            \
    X(WHY_NONE, "Geen onbereikbare meldingen.", "No unreachable notices.")    \
    /* brands */                                                              \
    X(H_BRANDS, "Per merk", "Per brand")                                      \
    X(B_NONE, "Geen merken.", "No brands.")                                   \
    X(B_NO_BRAND, "(zonder merk)", "(no brand)")                              \
    X(H_FIGURE, "Kenmerk", "Figure")                                          \
    X(B_HIGH, "Risico hoog", "Risk high")                                     \
    X(B_MEDIUM, "Risico midden", "Risk medium")                               \
    X(B_LOW, "Risico laag", "Risk low")                                       \
    X(B_EMAIL, "Melding per e-mail", "Notice by e-mail")                      \
    X(B_LETTER, "Melding per brief", "Notice by letter")                      \
    X(B_SMS, "Melding per sms", "Notice by SMS")                              \
    X(B_UNREACHABLE, "Melding onbereikbaar", "Notice unreachable")            \
    X(B_MINORS, "Minderjarigen", "Minors")                                    \
    X(B_RETENTION, "Records over de bewaartermijn", "Records past retention") \
    X(H_BRAND_CATEGORIES, "Personen per gegevenscategorie en merk",           \
      "Persons per data category and brand")                                  \
    /* input */                                                               \
    X(H_INPUT, "Verantwoording van de invoer", "Input accounting")            \
    X(I_SOURCES, "Bronbestanden", "Source files")                             \
    X(I_READ, "Gelezen rijen", "Rows read")                                   \
    X(I_ACCEPTED, "Geaccepteerd", "Accepted")                                 \
    X(I_REJECTED, "Afgewezen (onleesbaar of ongeldig)",                       \
      "Rejected (unreadable or invalid)")                                     \
    X(I_HOLDS,                                                                \
      "Controle: gelezen = geaccepteerd + afgewezen: {0} = {1} + {2}. Dat "   \
      "klopt: er is geen rij zoekgeraakt.",                                   \
      "Check: read = accepted + rejected: {0} = {1} + {2}. This holds: no "   \
      "row was lost.")                                                        \
    X(I_FAILS,                                                                \
      "gelezen \u2260 geaccepteerd + afgewezen: {0} \u2260 {1} + {2}. Er "    \
      "zijn rijen zoekgeraakt of dubbel geteld; zoek dit uit v\u00f3\u00f3r " \
      "de melding.",                                                          \
      "read \u2260 accepted + rejected: {0} \u2260 {1} + {2}. Rows were "     \
      "lost or counted twice; find out why before notifying.")                \
    X(I_UNCHECKED,                                                            \
      "Controle: gelezen = geaccepteerd + afgewezen ({0} = {1} + {2}) is "    \
      "hier niet exact na te gaan, omdat een aantal onder {3} niet precies "  \
      "wordt getoond.",                                                       \
      "Check: read = accepted + rejected ({0} = {1} + {2}) cannot be "        \
      "verified exactly here, because a count below {3} is not shown "        \
      "precisely.")                                                           \
    /* resolution */                                                          \
    X(H_RESOLUTION, "Van records naar personen", "From records to persons")   \
    X(RS_THRESHOLD, "Drempel: kans dat twee records dezelfde persoon zijn",   \
      "Threshold: probability that two records are the same person")          \
    X(RS_RANGE, "Bandbreedte van het aantal betrokkenen",                     \
      "Range of the number of data subjects")                                 \
    X(RS_SEVERAL_RECORDS, "Personen met meer dan \u00e9\u00e9n record",       \
      "Persons with more than one record")                                    \
    X(RS_SEVERAL_BRANDS, "Personen bij meer dan \u00e9\u00e9n merk",          \
      "Persons with more than one brand")                                     \
    X(RS_UNCERTAIN, "Onzekere koppelingen (kans onder 0,99)",                 \
      "Uncertain joins (probability below 0.99)")                             \
    X(RS_REFUSED, "Geweigerde koppelingen", "Refused links")                  \
    X(RS_LOWEST, "Laagste kans van een gemaakte koppeling",                   \
      "Lowest probability of a join made")                                    \
    X(RS_NONE, "geen", "none")                                                \
    X(RS_MEANS,                                                               \
      "Wat de bandbreedte betekent: als elke geweigerde koppeling toch "      \
      "dezelfde persoon betreft, zijn er {0} betrokkenen; als elke "          \
      "koppeling met een kans onder 0,99 onterecht is, zijn het er {1}. "     \
      "Het werkelijke aantal ligt daartussen; {2} is de beste schatting.",    \
      "What the range means: if every refused link were in fact the same "    \
      "person, there would be {0} data subjects; if every join below "        \
      "probability 0.99 were wrong, there would be {1}. The true number "     \
      "lies in between; {2} is the best estimate.")                           \
    /* texts */                                                               \
    X(H_CONSEQUENCES, "Mogelijke gevolgen voor betrokkenen",                  \
      "Likely consequences for data subjects")                                \
    X(H_MEASURES, "Genomen en voorgenomen maatregelen",                       \
      "Measures taken and proposed")                                          \
    X(H_DPO, "Functionaris gegevensbescherming", "Data protection officer")   \
    X(D_NAME, "Naam", "Name")                                                 \
    X(D_EMAIL, "E-mail", "E-mail")                                            \
    X(D_PHONE, "Telefoon", "Phone")                                           \
    X(D_ADDRESS, "Adres", "Address")                                          \
    /* meldformulier */                                                       \
    X(M_INTRO,                                                                \
      "De antwoorden voor het meldformulier datalekken van de Autoriteit "    \
      "Persoonsgegevens, per vraag.",                                         \
      "The answers for the data breach notification form (meldformulier "     \
      "datalekken) of the Dutch supervisory authority, the Autoriteit "       \
      "Persoonsgegevens (AP). The questions are in Dutch, as on the form, "   \
      "with an English gloss.")                                               \
    X(M_QUESTION, "Vraag", "Vraag (question)")                                \
    X(M_ANSWER, "Antwoord", "Antwoord (answer)")                              \
    X(M_NOT_GIVEN, "niet opgegeven", "niet opgegeven (not given)")            \
    X(M_NONE, "geen", "geen (none)")                                          \
    X(M_YES, "ja", "ja (yes)")                                                \
    X(M_NO, "nee", "nee (no)")                                                \
    X(M_COUNT, "minimaal {0}, maximaal {1}",                                  \
      "minimaal {0}, maximaal {1} (at least, at most)")                       \
    X(FOOTER, "Opgesteld met tocsin (rapportformaat versie 1).",              \
      "Made with tocsin (report format version 1).")

enum label {
#define X(id, nl, en) L_##id,
    LABELS(X)
#undef X
        L_COUNT
};

static const char *const label_text[L_COUNT][2] = {
#define X(id, nl, en) {nl, en},
    LABELS(X)
#undef X
};

/* The label id in d's language (a macro: d and id are read once). */
#define T(id) (label_text[L_##id][d->lang])

/* Names of categories, topics and form values, by their key. */
struct term {
    const char *key;
    const char *nl;
    const char *en;
};

static const struct term topics[] = {
    {"health", "Gezondheid: bijzonder persoonsgegeven (art. 9 AVG)",
     "Health: special category of personal data (GDPR art. 9)"},
    {"police",
     "Politie en justitie: strafrechtelijk persoonsgegeven (art. 10 AVG)",
     "Police and justice: data relating to criminal offences (GDPR art. "
     "10)"},
    {"debt", "Schulden", "Debts"},
    {"violence", "Geweld", "Violence"},
    {"stalking", "Stalking", "Stalking"},
    {NULL, NULL, NULL},
};

/* Why a notice has no channel (assess.h's ASSESS_WHY_* names). */
static const struct term whys[] = {
    {"no_email", "geen e-mailadres", "no e-mail address"},
    {"email_invalid", "alleen een ongeldig e-mailadres",
     "only an invalid e-mail address"},
    {"email_typo", "e-mailadres met een bekende tikfout in het domein",
     "e-mail address with a known typo in the domain"},
    {"no_address", "geen postadres", "no postal address"},
    {"address_incomplete",
     "postadres onvolledig (straat, huisnummer, postcode of plaats)",
     "postal address incomplete (street, number, postcode or city)"},
    {"no_mobile", "geen mobiel nummer", "no mobile number"},
    {"landline_only", "alleen een vast nummer: bellen, geen sms",
     "a landline only: call, no SMS"},
    {NULL, NULL, NULL},
};

static const struct term levels[] = {
    {"high", "Hoog", "High"},
    {"medium", "Midden", "Medium"},
    {"low", "Laag", "Low"},
    {NULL, NULL, NULL},
};

/* Values of the meldformulier: Dutch, with an English gloss in en. */
static const struct term form_values[] = {
    {"vertrouwelijkheid",
     "vertrouwelijkheid (gegevens zijn door onbevoegden ingezien of "
     "gekopieerd)",
     "confidentiality: data read or copied by others"},
    {"klanten", "klanten", "customers"},
    {"oud-klanten", "oud-klanten", "former customers"},
    {"minderjarigen", "minderjarigen", "minors"},
    {"kwetsbare personen", "kwetsbare personen", "vulnerable persons"},
    {"gezondheid", "gezondheid (bijzonder persoonsgegeven, art. 9 AVG)",
     "health, special category, GDPR art. 9"},
    {"strafrechtelijk", "strafrechtelijke gegevens (art. 10 AVG)",
     "criminal-offence data, GDPR art. 10"},
    {NULL, NULL, NULL},
};

/* The questions of the meldformulier, by key. */
static const struct term form_questions[] = {
    {"organisatie", "Naam van de organisatie", "name of the organisation"},
    {"contactpersoon", "Contactpersoon",
     "contact person: the data protection officer"},
    {"samenvatting", "Samenvatting van het incident",
     "summary of the incident"},
    {"aard", "Aard van de inbreuk", "nature of the breach"},
    {"datum_begin", "Begindatum van de inbreuk", "date the breach began"},
    {"datum_einde", "Einddatum van de inbreuk", "date the breach ended"},
    {"datum_ontdekt", "Datum van ontdekking", "date of discovery"},
    {"datum_gemeld", "Datum van melding aan de AP", "date notified to the AP"},
    {"aantal_betrokkenen", "Aantal betrokkenen", "number of data subjects"},
    {"groepen_betrokkenen", "Groepen betrokkenen", "groups of data subjects"},
    {"soort_gegevens", "Soort persoonsgegevens", "kinds of personal data"},
    {"bijzondere_gegevens", "Bijzondere en strafrechtelijke persoonsgegevens",
     "special categories and criminal-offence data"},
    {"bsn", "Burgerservicenummer (BSN)", "citizen service number"},
    {"gevolgen", "Mogelijke gevolgen voor betrokkenen",
     "likely consequences for the data subjects"},
    {"maatregelen", "Genomen maatregelen", "measures taken"},
    {"betrokkenen_informeren", "Informeren van betrokkenen",
     "informing the data subjects"},
    {NULL, NULL, NULL},
};

static const struct term *
term_find(const struct term *t, const char *key)
{
    for (; t->key != NULL; t++)
        if (strcmp(t->key, key) == 0)
            return t;
    return NULL;
}

/* The name of key in d's language, or key itself when unknown. */
static const char *
term_name(const struct doc *d, const struct term *t, const char *key)
{
    const struct term *f = term_find(t, key);

    return f == NULL ? key : d->lang == RLANG_EN ? f->en : f->nl;
}

/* The label of a data category name in d's language. */
static const char *
cat_name(const struct doc *d, const char *key)
{
    return category_label(key, d->lang == RLANG_EN ? "en" : "nl");
}

/* ------------------------------------------------------------------ */
/* Small compositions                                                 */

/* tmpl with {0} and {1} replaced by a0 and a1 into out, unescaped (for
 * labels composed of figures, written escaped later). Too long: ELIMIT. */
static void
fill_str(struct doc *d, char *out, size_t size, const char *tmpl,
         const char *a0, const char *a1)
{
    size_t o = 0, n;
    const char *p = tmpl, *a;

    while (*p != '\0') {
        if (p[0] == '{' && (p[1] == '0' || p[1] == '1') && p[2] == '}') {
            a = p[1] == '0' ? a0 : a1;
            a = a ? a : "";
            n = strlen(a);
            p += 3;
        } else {
            a = p++;
            n = 1;
        }
        if (o + n >= size) {
            d->err = d->err ? d->err : TOCSIN_ELIMIT;
            break;
        }
        memcpy(out + o, a, n);
        o += n;
    }
    out[o] = '\0';
}

static void
section_begin(struct doc *d, const char *id, const char *heading,
              const char *cls)
{
    if (d->fmt == RFMT_HTML) {
        doc_raw(d, "<section id=\"");
        doc_raw(d, id);
        doc_raw(d, "\"");
        if (cls != NULL) {
            doc_raw(d, " class=\"");
            doc_raw(d, cls);
            doc_raw(d, "\"");
        }
        doc_raw(d, ">\n");
    }
    doc_heading_begin(d, 2, NULL);
    doc_text(d, heading);
    doc_heading_end(d, 2);
}

static void
section_end(struct doc *d)
{
    if (d->fmt == RFMT_HTML)
        doc_raw(d, "</section>\n");
}

static void
subheading(struct doc *d, const char *text)
{
    doc_heading_begin(d, 3, NULL);
    doc_text(d, text);
    doc_heading_end(d, 3);
}

static void
para(struct doc *d, const char *text)
{
    doc_para_begin(d, NULL);
    doc_text(d, text);
    doc_para_end(d);
}

static void
para_fill(struct doc *d, const char *cls, const char *tmpl, const char *a0,
          const char *a1, const char *a2)
{
    doc_para_begin(d, cls);
    doc_fill(d, tmpl, a0, a1, a2, NULL);
    doc_para_end(d);
}

/* A multi-line text of case.ini, or "Not given (case.ini, where)." */
static void
para_text(struct doc *d, const char *text, const char *where)
{
    if (text == NULL || text[0] == '\0') {
        para_fill(d, NULL, T(NOT_GIVEN_INI), where, NULL, NULL);
        return;
    }
    doc_para_begin(d, "text");
    doc_mtext(d, text);
    doc_para_end(d);
}

static void
cell_text(struct doc *d, const char *s)
{
    doc_cell_begin(d);
    doc_text(d, s);
    doc_cell_end(d);
}

static void
cell_count(struct doc *d, struct rcount c)
{
    doc_cell_begin(d);
    doc_count(d, c);
    doc_cell_end(d);
}

static void
row_count(struct doc *d, const char *label, struct rcount c)
{
    doc_row_begin(d);
    cell_text(d, label);
    cell_count(d, c);
    doc_row_end(d);
}

static void
row_text(struct doc *d, const char *label, const char *text)
{
    doc_row_begin(d);
    cell_text(d, label);
    cell_text(d, text);
    doc_row_end(d);
}

static struct rcount
count_int(int64_t n)
{
    struct rcount c = {n, NULL};

    return c;
}

/* A date, or the fallback text for null. */
static const char *
date_or(struct doc *d, const char *iso, const char *fallback,
        char out[RFMT_NUM_SIZE])
{
    if (iso == NULL)
        return fallback;
    fmt_date(d, iso, 0, out);
    return out;
}

/* ------------------------------------------------------------------ */
/* Sections                                                           */

static void
write_title(struct doc *d, const struct json_object *r)
{
    const char *name = rj_str(r, "incident.name");
    const char *org = rj_str(r, "incident.organisation");
    const char *assessed = rj_str(r, "case.assessed_at");
    char when[RFMT_NUM_SIZE], at[RFMT_NUM_SIZE], n1[RFMT_NUM_SIZE];
    int64_t small = rj_int(r, "small_count");

    if (d->fmt == RFMT_HTML)
        doc_raw(d, "<header>\n");
    doc_heading_begin(d, 1, NULL);
    doc_text(d, T(TITLE));
    if (name != NULL && name[0] != '\0') {
        doc_text(d, ": ");
        doc_text(d, name);
    }
    doc_heading_end(d, 1);

    fmt_date(d, rj_str(r, "generated_at"), 0, when);
    doc_para_begin(d, "meta");
    if (org != NULL && org[0] != '\0') {
        doc_strong(d, org);
        doc_raw(d, d->fmt == RFMT_HTML ? "<br>\n" : "  \n");
    }
    doc_fill(d, T(GENERATED), when, NULL, NULL, NULL);
    doc_raw(d, d->fmt == RFMT_HTML ? "<br>\n" : "  \n");
    if (assessed != NULL && strlen(assessed) == 20) {
        fmt_date(d, assessed, 0, at);
        doc_fill(d, T(CASE_ASSESSED), rj_str(r, "case.id"), at, NULL, NULL);
    } else if (assessed != NULL) {
        doc_fill(d, T(CASE_ASSESSED), rj_str(r, "case.id"), assessed, NULL,
                 NULL);
    } else {
        doc_fill(d, T(CASE), rj_str(r, "case.id"), NULL, NULL, NULL);
    }
    doc_para_end(d);

    doc_para_begin(d, "note");
    doc_text(d, T(NO_PII));
    if (small > 1) {
        char lt[RFMT_NUM_SIZE + 2];

        fmt_int(d, small - 1, n1);
        fmt_int(d, small, at);
        snprintf(lt, sizeof(lt), "< %s", at);
        doc_text(d, " ");
        doc_fill(d, T(SMALL), n1, lt, NULL, NULL);
    }
    doc_para_end(d);
    if (d->fmt == RFMT_HTML)
        doc_raw(d, "</header>\n<main>\n");
}

/* One key figure: in HTML a tile of the figures box, in Markdown a row. */
static void
figure(struct doc *d, const char *label, struct rcount c, const char *sub)
{
    if (d->fmt == RFMT_MD) {
        doc_row_begin(d);
        cell_text(d, label);
        doc_cell_begin(d);
        doc_count(d, c);
        if (sub != NULL) {
            doc_text(d, " (");
            doc_text(d, sub);
            doc_text(d, ")");
        }
        doc_cell_end(d);
        doc_row_end(d);
        return;
    }
    doc_raw(d, "<div><dt>");
    doc_text(d, label);
    doc_raw(d, "</dt><dd>");
    doc_count(d, c);
    if (sub != NULL) {
        doc_raw(d, "<small>");
        doc_text(d, sub);
        doc_raw(d, "</small>");
    }
    doc_raw(d, "</dd></div>\n");
}

static void
write_summary(struct doc *d, const struct json_object *r)
{
    char lo[RFMT_NUM_SIZE], hi[RFMT_NUM_SIZE], age[RFMT_NUM_SIZE];
    char range[256], minors[256];
    const char *heads[2] = {T(H_ITEM), T(H_COUNT)};

    fill_str(d, range, sizeof(range), T(K_RANGE),
             fmt_count(d, rj_count(r, "data_subjects_range.low"), lo),
             fmt_count(d, rj_count(r, "data_subjects_range.high"), hi));
    fmt_int(d, rj_int(r, "special.minor_age"), age);
    fill_str(d, minors, sizeof(minors), T(K_MINORS), age, NULL);

    section_begin(d, "summary", T(H_SUMMARY), "box");
    if (d->fmt == RFMT_MD)
        doc_table_begin(d, 2, heads, "lr", NULL);
    else
        doc_raw(d, "<dl class=\"figures\">\n");
    figure(d, T(K_SUBJECTS), rj_count(r, "data_subjects"), range);
    figure(d, T(K_RECORDS), rj_count(r, "records"), NULL);
    figure(d, T(K_NOTICES), rj_count(r, "notices"), NULL);
    figure(d, T(K_HIGH), rj_count(r, "risk.high"), NULL);
    figure(d, minors, rj_count(r, "special.minors"), NULL);
    figure(d, T(K_BSN), rj_count(r, "special.national_id"), NULL);
    figure(d, T(K_SENSITIVE), rj_count(r, "special.sensitive_notes"), NULL);
    figure(d, T(K_UNREACHABLE), rj_count(r, "reachability.unreachable"), NULL);
    if (d->fmt == RFMT_MD)
        doc_table_end(d);
    else
        doc_raw(d, "</dl>\n");
    section_end(d);
}

static void
br(struct doc *d)
{
    if (d->fmt == RFMT_HTML)
        doc_raw(d, "<br>\n");
    else
        doc_raw(d, d->in_cell ? "<br>" : "  \n");
}

static void
write_timeline(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_EVENT), T(H_DATE)};
    const char *det = rj_str(r, "incident.timeline.detected");
    const char *notified = rj_str(r, "incident.timeline.authority_notified");
    struct json_object *hours = rj_get(r, "incident.timeline.hours_to_notify");
    int within = rj_bool(r, "incident.timeline.within_72_hours");
    char b[RFMT_NUM_SIZE], h[RFMT_NUM_SIZE];

    section_begin(d, "timeline", T(H_TIMELINE), NULL);
    doc_table_begin(d, 2, heads, "ll", NULL);
    row_text(
        d, T(T_OCCURRED),
        date_or(d, rj_str(r, "incident.timeline.occurred"), T(T_UNKNOWN), b));
    row_text(d, T(T_DETECTED), date_or(d, det, T(T_UNKNOWN), b));
    row_text(
        d, T(T_CONTAINED),
        date_or(d, rj_str(r, "incident.timeline.contained"), T(T_NOT_YET), b));
    row_text(d, T(T_NOTIFIED), date_or(d, notified, T(T_NOT_YET), b));
    if (hours != NULL)
        row_count(d, T(T_HOURS), count_int(json_object_get_int64(hours)));
    doc_table_end(d);

    if (hours != NULL)
        fmt_int(d, json_object_get_int64(hours), h);
    if (notified == NULL && det != NULL) {
        fmt_date(d, det, 3, b); /* whole days: 72 hours are 3 days */
        doc_warn_begin(d, T(WARNING));
        doc_fill(d, T(T_NOT_NOTIFIED), b, NULL, NULL, NULL);
        doc_warn_end(d);
    } else if (notified == NULL) {
        doc_warn_begin(d, T(WARNING));
        doc_text(d, T(T_NOT_NOTIFIED_NODATE));
        doc_warn_end(d);
    } else if (within == 0) {
        doc_warn_begin(d, T(WARNING));
        doc_fill(d, T(T_LATE), hours != NULL ? h : T(T_MORE_THAN_72), NULL,
                 NULL, NULL);
        doc_warn_end(d);
    } else if (within == 1) {
        para_fill(d, "ok", T(T_WITHIN), hours != NULL ? h : "\u2264 72", NULL,
                  NULL);
    } else if (hours != NULL) {
        para_fill(d, NULL, T(T_HOURS_ONLY), h, NULL, NULL);
    }
    section_end(d);
}

static int
has_string(const struct json_object *a, const char *s)
{
    size_t i, n = rj_len(a);

    for (i = 0; i < n; i++) {
        const char *v = json_object_get_string(rj_at(a, i));

        if (v != NULL && strcmp(v, s) == 0)
            return 1;
    }
    return 0;
}

static void
write_nature(struct doc *d, const struct json_object *r)
{
    section_begin(d, "nature", T(H_NATURE), NULL);
    para_text(d, rj_str(r, "incident.description"), "[incident] description");
    if (has_string(rj_get(r, "meldformulier.aard"), "vertrouwelijkheid"))
        para(d, T(N_CONFIDENTIALITY));
    section_end(d);
}

static int
count_nonzero(struct rcount c)
{
    return c.s != NULL || c.n != 0;
}

static void
write_categories(struct doc *d, const struct json_object *r)
{
    const char *heads[4] = {T(H_CATEGORY), T(H_TAKEN), T(H_PERSONS),
                            T(H_RECORDS)};
    struct json_object *cats = rj_get(r, "categories");
    struct json_object *nt = rj_get(r, "not_taken");
    size_t i, nbars = 0, n = rj_len(cats);
    struct rbar *bars = NULL;

    section_begin(d, "categories", T(H_CATEGORIES), NULL);
    para(d, T(C_INTRO));
    doc_table_begin(d, 4, heads, "llrr", NULL);
    for (i = 0; i < n; i++) {
        struct json_object *e = rj_at(cats, i);

        doc_row_begin(d);
        cell_text(d, cat_name(d, rj_str(e, "name")));
        cell_text(d, rj_bool(e, "taken") == 1 ? T(YES)
                     : count_nonzero(rj_count(e, "data_subjects"))
                         ? T(NO_BUT_FOUND)
                         : T(NO));
        cell_count(d, rj_count(e, "data_subjects"));
        cell_count(d, rj_count(e, "records"));
        doc_row_end(d);
    }
    doc_table_end(d);

    if (d->fmt == RFMT_HTML && n > 0) {
        bars = calloc(n, sizeof(*bars));
        if (bars == NULL)
            d->err = d->err ? d->err : TOCSIN_ENOMEM;
    }
    for (i = 0; bars != NULL && i < n; i++) {
        struct json_object *e = rj_at(cats, i);
        struct rcount c = rj_count(e, "data_subjects");

        if (rj_bool(e, "taken") != 1 && !count_nonzero(c))
            continue;
        bars[nbars].label = cat_name(d, rj_str(e, "name"));
        bars[nbars].v = c;
        nbars++;
    }
    doc_bars(d, T(CH_CATEGORIES), bars, nbars);
    free(bars);

    subheading(d, T(H_NOT_TAKEN));
    n = rj_len(nt);
    if (n == 0) {
        para(d, T(NOT_TAKEN_NONE));
    } else {
        doc_list_begin(d);
        for (i = 0; i < n; i++) {
            doc_item_begin(d);
            doc_text(d, cat_name(d, json_object_get_string(rj_at(nt, i))));
            doc_item_end(d);
        }
        doc_list_end(d);
    }
    section_end(d);
}

static void
write_risk(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_LEVEL), T(H_PERSONS)};
    const char *rheads[4] = {T(H_RULE), T(H_LEVEL), T(H_CONDITION),
                             T(H_PERSONS)};
    struct json_object *rules = rj_get(r, "risk.rules");
    struct rbar bars[3] = {
        {T(LV_HIGH), rj_count(r, "risk.high"), "#a3231b"},
        {T(LV_MEDIUM), rj_count(r, "risk.medium"), "#c7711a"},
        {T(LV_LOW), rj_count(r, "risk.low"), "#5f87b3"},
    };
    size_t i, n = rj_len(rules);

    section_begin(d, "risk", T(H_RISK), NULL);
    para(d, T(R_INTRO));
    doc_table_begin(d, 2, heads, "lr", NULL);
    for (i = 0; i < 3; i++)
        row_count(d, bars[i].label, bars[i].v);
    doc_table_end(d);
    doc_bars(d, T(CH_RISK), bars, 3);

    subheading(d, T(H_RULES));
    if (n == 0) {
        para(d, T(RULES_NONE));
    } else {
        doc_table_begin(d, 4, rheads, "lllr", NULL);
        for (i = 0; i < n; i++) {
            struct json_object *e = rj_at(rules, i);

            doc_row_begin(d);
            cell_text(d, rj_str(e, "name"));
            cell_text(d, term_name(d, levels, rj_str(e, "level")));
            cell_text(d, rj_str(e, "when"));
            cell_count(d, rj_count(e, "data_subjects"));
            doc_row_end(d);
        }
        doc_table_end(d);
    }
    section_end(d);
}

static void
write_special(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_GROUP), T(H_COUNT)};
    const char *theads[2] = {T(H_TOPIC), T(H_PERSONS)};
    const char *bheads[2] = {T(H_FIELD), T(H_PERSONS)};
    struct json_object *tp = rj_get(r, "special.sensitive_topics");
    char num[RFMT_NUM_SIZE], label[512];
    size_t i, n = rj_len(tp);

    section_begin(d, "special", T(H_SPECIAL), NULL);
    doc_table_begin(d, 2, heads, "lr", NULL);
    fmt_int(d, rj_int(r, "special.minor_age"), num);
    fill_str(d, label, sizeof(label), T(S_MINORS), num, NULL);
    row_count(d, label, rj_count(r, "special.minors"));
    row_count(d, T(S_SENSITIVE), rj_count(r, "special.sensitive_notes"));
    row_count(d, T(S_BSN), rj_count(r, "special.national_id"));
    row_count(d, T(S_VALID_ID), rj_count(r, "special.valid_id_documents"));
    row_count(d, T(S_EX_CUSTOMERS), rj_count(r, "special.ex_customers"));
    fmt_int(d, rj_int(r, "special.past_retention.months"), num);
    fill_str(d, label, sizeof(label), T(S_RETENTION_RECORDS), num, NULL);
    row_count(d, label, rj_count(r, "special.past_retention.records"));
    row_count(d, T(S_RETENTION_PERSONS),
              rj_count(r, "special.past_retention.data_subjects"));
    doc_table_end(d);

    subheading(d, T(H_TOPICS));
    if (n == 0) {
        para(d, T(TOPICS_NONE));
    } else {
        doc_table_begin(d, 2, theads, "lr", NULL);
        for (i = 0; i < n; i++) {
            struct json_object *e = rj_at(tp, i);

            row_count(d, term_name(d, topics, rj_str(e, "topic")),
                      rj_count(e, "data_subjects"));
        }
        doc_table_end(d);
    }

    subheading(d, T(H_BSN_IN));
    doc_table_begin(d, 2, bheads, "lr", NULL);
    row_count(d, T(BSN_IN_BSN),
              rj_count(r, "special.national_id_in.national_id"));
    row_count(d, T(BSN_IN_VAT),
              rj_count(r, "special.national_id_in.vat_number"));
    row_count(d, T(BSN_IN_NOTES), rj_count(r, "special.national_id_in.notes"));
    doc_table_end(d);
    para(d, T(BSN_IN_NOTE));
    section_end(d);
}

static void
write_reachability(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_CHANNEL), T(H_NOTICES)};
    const char *pheads[2] = {T(H_ITEM), T(H_NOTICES)};
    const char *wheads[2] = {T(H_REASON), T(H_NOTICES)};
    struct json_object *why = rj_get(r, "reachability.unreachable_why");
    struct rbar bars[4] = {
        {T(CH_EMAIL), rj_count(r, "reachability.email"), NULL},
        {T(CH_LETTER), rj_count(r, "reachability.letter"), NULL},
        {T(CH_SMS), rj_count(r, "reachability.sms"), NULL},
        {T(CH_UNREACHABLE), rj_count(r, "reachability.unreachable"),
         "#a3231b"},
    };
    char num[RFMT_NUM_SIZE];
    size_t i, n = rj_len(why);

    section_begin(d, "reachability", T(H_REACH), NULL);
    para_fill(d, NULL, T(RE_INTRO), fmt_count(d, rj_count(r, "notices"), num),
              NULL, NULL);
    doc_table_begin(d, 2, heads, "lr", NULL);
    for (i = 0; i < 4; i++)
        row_count(d, bars[i].label, bars[i].v);
    row_count(d, T(TOTAL), rj_count(r, "notices"));
    doc_table_end(d);
    doc_bars(d, T(CH_REACH), bars, 4);

    doc_table_begin(d, 2, pheads, "lr", NULL);
    row_count(d, T(RE_PERSONAL), rj_count(r, "reachability.personal_contact"));
    row_count(d, T(RE_GUARDIAN), rj_count(r, "reachability.guardian"));
    doc_table_end(d);

    subheading(d, T(H_WHY));
    if (n == 0) {
        para(d, T(WHY_NONE));
    } else {
        doc_table_begin(d, 2, wheads, "lr", NULL);
        for (i = 0; i < n; i++) {
            struct json_object *e = rj_at(why, i);

            row_count(d, term_name(d, whys, rj_str(e, "why")),
                      rj_count(e, "notices"));
        }
        doc_table_end(d);
    }
    section_end(d);
}

/* Brands per table: more columns do not fit an A4 page. */
#define BRANDS_PER_TABLE 4

static const char *
brand_name(struct doc *d, const struct json_object *b)
{
    const char *name = rj_str(b, "name");
    const char *id = rj_str(b, "id");

    if (name != NULL && name[0] != '\0')
        return name;
    if (id != NULL && id[0] != '\0')
        return id;
    return T(B_NO_BRAND);
}

static void
brand_row(struct doc *d, const struct json_object *brands, size_t from,
          size_t to, const char *label, const char *path)
{
    size_t i;

    doc_row_begin(d);
    cell_text(d, label);
    for (i = from; i < to; i++)
        cell_count(d, rj_count(rj_at(brands, i), path));
    doc_row_end(d);
}

static void
write_brands(struct doc *d, const struct json_object *r)
{
    struct json_object *brands = rj_get(r, "brands");
    struct json_object *cats = rj_get(r, "categories");
    size_t from, to, i, c, n = rj_len(brands);
    const char *heads[1 + BRANDS_PER_TABLE];
    char align[2 + BRANDS_PER_TABLE];

    section_begin(d, "brands", T(H_BRANDS), NULL);
    if (n == 0)
        para(d, T(B_NONE));
    for (from = 0; from < n; from = to) {
        to = from + BRANDS_PER_TABLE < n ? from + BRANDS_PER_TABLE : n;
        heads[0] = T(H_FIGURE);
        align[0] = 'l';
        for (i = from; i < to; i++) {
            heads[1 + i - from] = brand_name(d, rj_at(brands, i));
            align[1 + i - from] = 'r';
        }
        align[1 + to - from] = '\0';
        doc_table_begin(d, (int)(1 + to - from), heads, align, NULL);
        brand_row(d, brands, from, to, T(H_PERSONS), "data_subjects");
        brand_row(d, brands, from, to, T(H_RECORDS), "records");
        brand_row(d, brands, from, to, T(B_HIGH), "risk.high");
        brand_row(d, brands, from, to, T(B_MEDIUM), "risk.medium");
        brand_row(d, brands, from, to, T(B_LOW), "risk.low");
        brand_row(d, brands, from, to, T(B_EMAIL), "reachability.email");
        brand_row(d, brands, from, to, T(B_LETTER), "reachability.letter");
        brand_row(d, brands, from, to, T(B_SMS), "reachability.sms");
        brand_row(d, brands, from, to, T(B_UNREACHABLE),
                  "reachability.unreachable");
        brand_row(d, brands, from, to, T(B_MINORS), "minors");
        brand_row(d, brands, from, to, T(K_SENSITIVE), "sensitive_notes");
        brand_row(d, brands, from, to, T(K_BSN), "national_id");
        brand_row(d, brands, from, to, T(B_RETENTION),
                  "past_retention_records");
        doc_table_end(d);
    }
    if (n > 0)
        subheading(d, T(H_BRAND_CATEGORIES));
    for (from = 0; from < n; from = to) {
        to = from + BRANDS_PER_TABLE < n ? from + BRANDS_PER_TABLE : n;
        heads[0] = T(H_CATEGORY);
        align[0] = 'l';
        for (i = from; i < to; i++) {
            heads[1 + i - from] = brand_name(d, rj_at(brands, i));
            align[1 + i - from] = 'r';
        }
        align[1 + to - from] = '\0';
        doc_table_begin(d, (int)(1 + to - from), heads, align, NULL);
        for (c = 0; c < rj_len(cats); c++) {
            const char *key = rj_str(rj_at(cats, c), "name");

            doc_row_begin(d);
            cell_text(d, cat_name(d, key));
            for (i = from; i < to; i++) {
                struct json_object *bc =
                    rj_get(rj_at(brands, i), "categories");
                struct json_object *v = NULL;

                if (json_object_object_get_ex(bc, key, &v) && v != NULL)
                    cell_count(d, rj_count_of(v));
                else
                    cell_text(d, "\u2013");
            }
            doc_row_end(d);
        }
        doc_table_end(d);
    }
    section_end(d);
}

static void
write_input(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_ITEM), T(H_COUNT)};
    struct rcount read = rj_count(r, "input.rows_read");
    struct rcount acc = rj_count(r, "input.accepted");
    struct rcount rej = rj_count(r, "input.rejected");
    char a[RFMT_NUM_SIZE], b[RFMT_NUM_SIZE], c[RFMT_NUM_SIZE];
    char s[RFMT_NUM_SIZE];

    section_begin(d, "input", T(H_INPUT), NULL);
    doc_table_begin(d, 2, heads, "lr", NULL);
    row_count(d, T(I_SOURCES), count_int(rj_int(r, "input.sources")));
    row_count(d, T(I_READ), read);
    row_count(d, T(I_ACCEPTED), acc);
    row_count(d, T(I_REJECTED), rej);
    doc_table_end(d);

    if (read.s != NULL || acc.s != NULL || rej.s != NULL) {
        fmt_int(d, rj_int(r, "small_count"), s);
        doc_para_begin(d, NULL);
        doc_fill(d, T(I_UNCHECKED), fmt_count(d, read, a),
                 fmt_count(d, acc, b), fmt_count(d, rej, c), s);
        doc_para_end(d);
    } else if (acc.n <= read.n && read.n - acc.n == rej.n) {
        para_fill(d, "ok", T(I_HOLDS), fmt_count(d, read, a),
                  fmt_count(d, acc, b), fmt_count(d, rej, c));
    } else {
        doc_warn_begin(d, T(WARNING));
        doc_fill(d, T(I_FAILS), fmt_count(d, read, a), fmt_count(d, acc, b),
                 fmt_count(d, rej, c), NULL);
        doc_warn_end(d);
    }
    section_end(d);
}

static void
write_resolution(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_ITEM), T(H_VALUE)};
    char lob[RFMT_NUM_SIZE], hib[RFMT_NUM_SIZE], dsb[RFMT_NUM_SIZE];
    char num[RFMT_NUM_SIZE], range[2 * RFMT_NUM_SIZE + 8];
    const char *lo = fmt_count(d, rj_count(r, "data_subjects_range.low"), lob);
    const char *hi =
        fmt_count(d, rj_count(r, "data_subjects_range.high"), hib);
    const char *ds = fmt_count(d, rj_count(r, "data_subjects"), dsb);
    int is_null;
    double v;

    snprintf(range, sizeof(range), "%s \u2013 %s", lo, hi);

    section_begin(d, "resolution", T(H_RESOLUTION), NULL);
    doc_table_begin(d, 2, heads, "lr", NULL);
    fmt_num(d, rj_num(r, "resolution.threshold", &is_null), num);
    row_text(d, T(RS_THRESHOLD), num);
    row_text(d, T(RS_RANGE), range);
    row_count(d, T(RS_SEVERAL_RECORDS),
              rj_count(r, "resolution.persons_with_several_records"));
    row_count(d, T(RS_SEVERAL_BRANDS),
              rj_count(r, "resolution.persons_in_several_brands"));
    row_count(d, T(RS_UNCERTAIN),
              count_int(rj_int(r, "resolution.uncertain_joins")));
    row_count(d, T(RS_REFUSED),
              count_int(rj_int(r, "resolution.refused_links")));
    v = rj_num(r, "resolution.lowest_confidence", &is_null);
    if (!is_null)
        fmt_num(d, v, num);
    row_text(d, T(RS_LOWEST), is_null ? T(RS_NONE) : num);
    doc_table_end(d);
    doc_para_begin(d, NULL);
    doc_fill(d, T(RS_MEANS), lo, hi, ds, NULL);
    doc_para_end(d);
    section_end(d);
}

static void
write_texts(struct doc *d, const struct json_object *r)
{
    section_begin(d, "consequences", T(H_CONSEQUENCES), NULL);
    para_text(d, rj_str(r, "incident.consequences"),
              "[incident] consequences");
    section_end(d);
    section_begin(d, "measures", T(H_MEASURES), NULL);
    para_text(d, rj_str(r, "incident.measures"), "[incident] measures");
    section_end(d);
}

static void
row_or(struct doc *d, const char *label, const char *text, int multi)
{
    doc_row_begin(d);
    cell_text(d, label);
    doc_cell_begin(d);
    if (text == NULL || text[0] == '\0')
        doc_text(d, T(NOT_GIVEN));
    else if (multi)
        doc_mtext(d, text);
    else
        doc_text(d, text);
    doc_cell_end(d);
    doc_row_end(d);
}

static void
write_dpo(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(H_ITEM), T(H_VALUE)};

    section_begin(d, "dpo", T(H_DPO), NULL);
    doc_table_begin(d, 2, heads, "ll", NULL);
    row_or(d, T(D_NAME), rj_str(r, "dpo.name"), 0);
    row_or(d, T(D_EMAIL), rj_str(r, "dpo.email"), 0);
    row_or(d, T(D_PHONE), rj_str(r, "dpo.phone"), 0);
    row_or(d, T(D_ADDRESS), rj_str(r, "dpo.address"), 1);
    doc_table_end(d);
    section_end(d);
}

/* A value of the form (vertrouwelijkheid, klanten, ...): Dutch, and in en
 * with the English gloss. */
static void
form_value(struct doc *d, const char *key)
{
    const struct term *t = term_find(form_values, key);

    if (t == NULL) {
        doc_text(d, key);
    } else if (d->lang == RLANG_NL) {
        doc_text(d, t->nl);
    } else {
        doc_text(d, t->key);
        doc_text(d, " (");
        doc_text(d, t->en);
        doc_text(d, ")");
    }
}

/* An array answer: the values joined by ", ", or "geen". */
static void
form_list(struct doc *d, const struct json_object *a, int is_category)
{
    size_t i, n = rj_len(a);

    if (n == 0)
        doc_text(d, T(M_NONE));
    for (i = 0; i < n; i++) {
        const char *v = json_object_get_string(rj_at(a, i));
        const char *nl = category_label(v, "nl");

        if (i > 0)
            doc_text(d, ", ");
        if (!is_category) {
            form_value(d, v);
        } else {
            doc_text(d, nl);
            if (d->lang == RLANG_EN && nl != v) {
                doc_text(d, " (");
                doc_text(d, category_label(v, "en"));
                doc_text(d, ")");
            }
        }
    }
}

static void
form_text(struct doc *d, const char *s)
{
    if (s == NULL || s[0] == '\0')
        doc_text(d, T(M_NOT_GIVEN));
    else
        doc_mtext(d, s);
}

/* "label: count" lines of the answer on informing the data subjects. */
static void
form_channel(struct doc *d, const char *label, const char *gloss,
             struct rcount c, int first)
{
    if (!first)
        br(d);
    doc_text(d, label);
    if (d->lang == RLANG_EN && gloss != NULL) {
        doc_text(d, " (");
        doc_text(d, gloss);
        doc_text(d, ")");
    }
    doc_text(d, ": ");
    doc_count(d, c);
}

static void
form_answer(struct doc *d, const struct json_object *m, const char *key)
{
    char b[RFMT_NUM_SIZE], lo[RFMT_NUM_SIZE], hi[RFMT_NUM_SIZE];
    struct json_object *v = rj_get(m, key);

    if (strcmp(key, "contactpersoon") == 0) {
        const char *naam = rj_str(v, "naam"), *email = rj_str(v, "email");
        const char *tel = rj_str(v, "telefoon");

        doc_text(d, "naam: ");
        form_text(d, naam);
        br(d);
        doc_text(d, "e-mail: ");
        form_text(d, email);
        br(d);
        doc_text(d, "telefoon: ");
        form_text(d, tel);
    } else if (strcmp(key, "aard") == 0 ||
               strcmp(key, "groepen_betrokkenen") == 0 ||
               strcmp(key, "bijzondere_gegevens") == 0) {
        form_list(d, v, 0);
    } else if (strcmp(key, "soort_gegevens") == 0) {
        form_list(d, v, 1);
    } else if (strncmp(key, "datum_", 6) == 0) {
        doc_text(d, date_or(d, rj_str(m, key), T(M_NOT_GIVEN), b));
    } else if (strcmp(key, "aantal_betrokkenen") == 0) {
        doc_fill(d, T(M_COUNT), fmt_count(d, rj_count(v, "minimaal"), lo),
                 fmt_count(d, rj_count(v, "maximaal"), hi), NULL, NULL);
    } else if (strcmp(key, "bsn") == 0) {
        doc_text(d, rj_bool(m, key) == 1 ? T(M_YES) : T(M_NO));
    } else if (strcmp(key, "betrokkenen_informeren") == 0) {
        form_channel(d, "e-mail", NULL, rj_count(v, "email"), 1);
        form_channel(d, "brief", "letter", rj_count(v, "brief"), 0);
        form_channel(d, "sms", "text message", rj_count(v, "sms"), 0);
        form_channel(d, "onbereikbaar", "unreachable",
                     rj_count(v, "onbereikbaar"), 0);
    } else {
        form_text(d, rj_str(m, key));
    }
}

static void
write_meldformulier(struct doc *d, const struct json_object *r)
{
    const char *heads[2] = {T(M_QUESTION), T(M_ANSWER)};
    struct json_object *m = rj_get(r, "meldformulier");
    const struct term *q;

    section_begin(d, "meldformulier", "Meldformulier datalekken (AP)", NULL);
    para(d, T(M_INTRO));
    doc_table_begin(d, 2, heads, "ll", "form");
    for (q = form_questions; q->key != NULL; q++) {
        doc_row_begin(d);
        doc_cell_begin(d);
        doc_text(d, q->nl);
        if (d->lang == RLANG_EN) {
            doc_text(d, " (");
            doc_text(d, q->en);
            doc_text(d, ")");
        }
        /* The key of the JSON: ours, [a-z_] only. */
        doc_raw(d, d->fmt == RFMT_HTML ? "<br><span class=\"key\">" : "<br>`");
        doc_raw(d, q->key);
        doc_raw(d, d->fmt == RFMT_HTML ? "</span>" : "`");
        doc_cell_end(d);
        doc_cell_begin(d);
        form_answer(d, m, q->key);
        doc_cell_end(d);
        doc_row_end(d);
    }
    doc_table_end(d);
    section_end(d);
}

/* ------------------------------------------------------------------ */
/* The page                                                           */

static const char css[] =
    "@page { size: A4; margin: 16mm 15mm 18mm; }\n"
    "html { color: #1a1a1a; background: #fff; }\n"
    "body { font-family: \"Liberation Sans\", Arial, Helvetica, "
    "\"DejaVu Sans\", sans-serif; font-size: 10.5pt; line-height: 1.45;\n"
    "  max-width: 190mm; margin: 0 auto; padding: 16px 20px; }\n"
    "h1 { font-size: 19pt; line-height: 1.2; margin: 0 0 6px; }\n"
    "h2 { font-size: 13.5pt; margin: 22px 0 8px; padding-bottom: 2px;\n"
    "  border-bottom: 1.5px solid #555; break-after: avoid;\n"
    "  page-break-after: avoid; }\n"
    "h3 { font-size: 11pt; margin: 14px 0 6px; break-after: avoid;\n"
    "  page-break-after: avoid; }\n"
    "p { margin: 6px 0; }\n"
    "p.meta { margin: 0 0 6px; }\n"
    "p.note { font-size: 9pt; color: #444; }\n"
    "p.warn { border: 2px solid #a3231b; border-left-width: 8px;\n"
    "  padding: 6px 10px; break-inside: avoid; page-break-inside: avoid; }\n"
    "p.ok { border-left: 4px solid #2b7a2b; padding: 2px 10px; }\n"
    "table { border-collapse: collapse; min-width: 62%; margin: 6px 0 12px;\n"
    "  break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 1px solid #999; padding: 3px 7px; text-align: left;\n"
    "  vertical-align: top; }\n"
    "th { font-weight: bold; border-bottom: 2px solid #555; }\n"
    "th.num, td.num { text-align: right; white-space: nowrap;\n"
    "  font-variant-numeric: tabular-nums; }\n"
    "table.form { width: 100%; }\n"
    "table.form td:first-child { width: 36%; }\n"
    ".key { font-family: \"DejaVu Sans Mono\", \"Liberation Mono\", "
    "monospace; font-size: 8pt; color: #444; }\n"
    ".box { border: 2px solid #333; padding: 4px 14px 12px; margin: 14px 0;\n"
    "  break-inside: avoid; page-break-inside: avoid; }\n"
    ".box h2 { border: 0; margin-top: 6px; }\n"
    "dl.figures { display: grid; grid-template-columns: repeat(4, 1fr);\n"
    "  gap: 12px 16px; margin: 0; }\n"
    "dl.figures div { border-left: 3px solid #555; padding-left: 8px; }\n"
    "dl.figures dt { font-size: 8.5pt; line-height: 1.25; }\n"
    "dl.figures dd { margin: 2px 0 0; font-size: 15pt; font-weight: bold;\n"
    "  white-space: nowrap; }\n"
    "dl.figures dd small { display: block; font-size: 8pt;\n"
    "  font-weight: normal; }\n"
    "figure.chart { margin: 6px 0 14px; break-inside: avoid;\n"
    "  page-break-inside: avoid; }\n"
    "figure.chart svg { max-width: 100%; height: auto; }\n"
    "svg text { font-family: inherit; font-size: 13px; fill: #1a1a1a; }\n"
    "figcaption { font-size: 8.5pt; color: #444; }\n"
    "footer { margin-top: 24px; padding-top: 4px; border-top: 1px solid "
    "#999;\n"
    "  font-size: 8.5pt; color: #444; }\n"
    "@media print { body { max-width: none; padding: 0; }\n"
    "  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } "
    "}\n";

static void
write_head(struct doc *d, const struct json_object *r)
{
    const char *name = rj_str(r, "incident.name");

    doc_raw(d, "<!doctype html>\n<html lang=\"");
    doc_raw(d, d->lang == RLANG_EN ? "en" : "nl");
    doc_raw(d, "\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, "
               "initial-scale=1\">\n<title>");
    doc_text(d, T(TITLE));
    if (name != NULL && name[0] != '\0') {
        doc_text(d, ": ");
        doc_text(d, name);
    }
    doc_raw(d, "</title>\n<style>\n");
    doc_raw(d, css);
    doc_raw(d, "</style>\n</head>\n<body>\n");
}

static void
write_foot(struct doc *d)
{
    if (d->fmt == RFMT_HTML) {
        doc_raw(d, "</main>\n<footer><p>");
        doc_text(d, T(FOOTER));
        doc_raw(d, "</p></footer>\n</body>\n</html>\n");
        return;
    }
    doc_para_begin(d, NULL);
    doc_raw(d, "---\n\n");
    doc_text(d, T(FOOTER));
    doc_para_end(d);
}

static int
render(const struct json_object *r, const char *lang, struct buf *out,
       struct buf *why, enum rfmt fmt)
{
    struct doc d;
    size_t start = buf_len(out);
    int rc;

    if (lang != NULL && strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0) {
        if (why != NULL) {
            buf_reset(why);
            if (buf_appends(why, "lang: expected \"nl\" or \"en\"") != 0)
                buf_reset(why);
        }
        return TOCSIN_EINVAL;
    }
    rc = render_check(r, why);
    if (rc != 0)
        return rc;
    if (lang == NULL)
        lang = rj_str(r, "language");

    memset(&d, 0, sizeof(d));
    d.out = out;
    d.fmt = fmt;
    d.lang = strcmp(lang, "en") == 0 ? RLANG_EN : RLANG_NL;
    if (fmt == RFMT_HTML)
        write_head(&d, r);
    write_title(&d, r);
    write_summary(&d, r);
    write_timeline(&d, r);
    write_nature(&d, r);
    write_categories(&d, r);
    write_risk(&d, r);
    write_special(&d, r);
    write_reachability(&d, r);
    write_brands(&d, r);
    write_input(&d, r);
    write_resolution(&d, r);
    write_texts(&d, r);
    write_dpo(&d, r);
    write_meldformulier(&d, r);
    write_foot(&d);
    if (d.err != 0) {
        buf_truncate(out, start);
        if (why != NULL) {
            buf_reset(why);
            if (buf_printf(why, "output: %s", tocsin_strerror(d.err)) != 0)
                buf_reset(why);
        }
    }
    return d.err;
}

int
render_markdown(const struct json_object *r, const char *lang, struct buf *out,
                struct buf *why)
{
    return render(r, lang, out, why, RFMT_MD);
}

int
render_html(const struct json_object *r, const char *lang, struct buf *out,
            struct buf *why)
{
    return render(r, lang, out, why, RFMT_HTML);
}
