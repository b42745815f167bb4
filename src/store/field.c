#include "field.h"

#include <string.h>

static const char *const field_names[FIELD_COUNT] = {
    [FIELD_RECORD_ID] = "record_id",
    [FIELD_BRAND] = "brand",
    [FIELD_CUSTOMER_NUMBER] = "customer_number",
    [FIELD_SUBSCRIPTION_TYPE] = "subscription_type",
    [FIELD_FULL_NAME] = "full_name",
    [FIELD_FIRST_NAME] = "first_name",
    [FIELD_INFIX] = "infix",
    [FIELD_LAST_NAME] = "last_name",
    [FIELD_STREET] = "street",
    [FIELD_HOUSE_NUMBER] = "house_number",
    [FIELD_HOUSE_NUMBER_SUFFIX] = "house_number_suffix",
    [FIELD_ADDRESS_EXTRA] = "address_extra",
    [FIELD_POSTCODE] = "postcode",
    [FIELD_CITY] = "city",
    [FIELD_REGION] = "region",
    [FIELD_COUNTRY] = "country",
    [FIELD_PHONE] = "phone",
    [FIELD_MOBILE] = "mobile",
    [FIELD_EMAIL] = "email",
    [FIELD_IBAN] = "iban",
    [FIELD_BIRTH_DATE] = "birth_date",
    [FIELD_NATIONAL_ID] = "national_id",
    [FIELD_VAT_NUMBER] = "vat_number",
    [FIELD_ID_DOC_TYPE] = "id_doc_type",
    [FIELD_ID_DOC_NUMBER] = "id_doc_number",
    [FIELD_ID_DOC_EXPIRY] = "id_doc_expiry",
    [FIELD_CONTRACT_END] = "contract_end",
    [FIELD_LANGUAGE] = "language",
    [FIELD_NOTES] = "notes",
};

static const enum category field_categories[FIELD_COUNT] = {
    [FIELD_RECORD_ID] = CATEGORY_NONE,
    [FIELD_BRAND] = CATEGORY_NONE,
    [FIELD_CUSTOMER_NUMBER] = CATEGORY_CUSTOMER_NUMBER,
    [FIELD_SUBSCRIPTION_TYPE] = CATEGORY_SUBSCRIPTION,
    [FIELD_FULL_NAME] = CATEGORY_NAME,
    [FIELD_FIRST_NAME] = CATEGORY_NAME,
    [FIELD_INFIX] = CATEGORY_NAME,
    [FIELD_LAST_NAME] = CATEGORY_NAME,
    [FIELD_STREET] = CATEGORY_ADDRESS,
    [FIELD_HOUSE_NUMBER] = CATEGORY_ADDRESS,
    [FIELD_HOUSE_NUMBER_SUFFIX] = CATEGORY_ADDRESS,
    [FIELD_ADDRESS_EXTRA] = CATEGORY_ADDRESS,
    [FIELD_POSTCODE] = CATEGORY_ADDRESS,
    [FIELD_CITY] = CATEGORY_ADDRESS,
    [FIELD_REGION] = CATEGORY_ADDRESS,
    [FIELD_COUNTRY] = CATEGORY_ADDRESS,
    [FIELD_PHONE] = CATEGORY_PHONE,
    [FIELD_MOBILE] = CATEGORY_PHONE,
    [FIELD_EMAIL] = CATEGORY_EMAIL,
    [FIELD_IBAN] = CATEGORY_IBAN,
    [FIELD_BIRTH_DATE] = CATEGORY_BIRTH_DATE,
    [FIELD_NATIONAL_ID] = CATEGORY_NATIONAL_ID,
    [FIELD_VAT_NUMBER] = CATEGORY_VAT_NUMBER,
    [FIELD_ID_DOC_TYPE] = CATEGORY_ID_DOCUMENT,
    [FIELD_ID_DOC_NUMBER] = CATEGORY_ID_DOCUMENT,
    [FIELD_ID_DOC_EXPIRY] = CATEGORY_ID_DOCUMENT,
    [FIELD_CONTRACT_END] = CATEGORY_CONTRACT,
    [FIELD_LANGUAGE] = CATEGORY_NONE,
    [FIELD_NOTES] = CATEGORY_NOTES,
};

static const char *const category_names[CATEGORY_COUNT] = {
    [CATEGORY_NAME] = "name",
    [CATEGORY_CUSTOMER_NUMBER] = "customer_number",
    [CATEGORY_ADDRESS] = "address",
    [CATEGORY_PHONE] = "phone",
    [CATEGORY_EMAIL] = "email",
    [CATEGORY_IBAN] = "iban",
    [CATEGORY_BIRTH_DATE] = "birth_date",
    [CATEGORY_ID_DOCUMENT] = "id_document",
    [CATEGORY_NATIONAL_ID] = "national_id",
    [CATEGORY_VAT_NUMBER] = "vat_number",
    [CATEGORY_NOTES] = "notes",
    [CATEGORY_SUBSCRIPTION] = "subscription",
    [CATEGORY_CONTRACT] = "contract",
    [CATEGORY_EXTRA] = "extra",
};

const char *
field_name(enum field f)
{
    if (f < 0 || f >= FIELD_COUNT)
        return "?";
    return field_names[f];
}

enum field
field_by_name(const char *name, size_t len)
{
    int f;

    for (f = 0; f < FIELD_COUNT; f++)
        if (strlen(field_names[f]) == len &&
            memcmp(field_names[f], name, len) == 0)
            return (enum field)f;
    return FIELD_NONE;
}

enum category
field_category(enum field f)
{
    if (f < 0 || f >= FIELD_COUNT)
        return CATEGORY_EXTRA;
    return field_categories[f];
}

const char *
category_name(enum category c)
{
    if (c < 0 || c >= CATEGORY_COUNT)
        return "?";
    return category_names[c];
}

/* In the language of the people it is written for: the labels messages and
 * reports show. */
const struct category_label category_labels[] = {
    {"name", "Naam", "Name"},
    {"customer_number", "Klantnummer", "Customer number"},
    {"address", "Adres", "Address"},
    {"phone", "Telefoonnummer", "Phone number"},
    {"email", "E-mailadres", "E-mail address"},
    {"iban", "Bankrekeningnummer (IBAN)", "Bank account number (IBAN)"},
    {"birth_date", "Geboortedatum", "Date of birth"},
    {"id_document", "Nummer van identiteitsbewijs", "ID-document number"},
    {"national_id", "BSN (burgerservicenummer)",
     "BSN (citizen service number)"},
    {"vat_number", "Btw-nummer", "VAT number"},
    {"notes", "Notities van de klantenservice", "Customer-service notes"},
    {"subscription", "Abonnementsgegevens", "Subscription details"},
    {"contract", "Contractgegevens", "Contract details"},
    {"extra", "Overige gegevens", "Other data"},
    {"password", "Wachtwoord", "Password"},
    {"call_records", "Belgegevens", "Call records"},
    {"location", "Locatiegegevens", "Location data"},
    {"invoices", "Facturen", "Invoices"},
    {"id_scan", "Kopie van identiteitsbewijs", "Copy of an ID document"},
    {NULL, NULL, NULL},
};

const char *
category_label(const char *name, const char *lang)
{
    const struct category_label *l;

    for (l = category_labels; l->name != NULL; l++)
        if (strcmp(l->name, name) == 0)
            return lang != NULL && strcmp(lang, "en") == 0 ? l->en : l->nl;
    return name;
}
