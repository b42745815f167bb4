/*
 * field.h - the vocabulary of the case: the canonical fields of a breach
 * record and the data category each belongs to. Ingest maps export columns
 * to these fields (ingest/mapping.h); every later stage reads them.
 */
#ifndef TOCSIN_STORE_FIELD_H
#define TOCSIN_STORE_FIELD_H

#include <stddef.h>

enum field {
    FIELD_NONE = -1, /* not a known field: an extra column */
    FIELD_RECORD_ID = 0,
    FIELD_BRAND,
    FIELD_CUSTOMER_NUMBER,
    FIELD_SUBSCRIPTION_TYPE,
    FIELD_FULL_NAME,
    FIELD_FIRST_NAME,
    FIELD_INFIX,
    FIELD_LAST_NAME,
    FIELD_STREET,
    FIELD_HOUSE_NUMBER,
    FIELD_HOUSE_NUMBER_SUFFIX,
    FIELD_ADDRESS_EXTRA,
    FIELD_POSTCODE,
    FIELD_CITY,
    FIELD_REGION,
    FIELD_COUNTRY,
    FIELD_PHONE,
    FIELD_MOBILE,
    FIELD_EMAIL,
    FIELD_IBAN,
    FIELD_BIRTH_DATE,
    FIELD_NATIONAL_ID,
    FIELD_VAT_NUMBER,
    FIELD_ID_DOC_TYPE,
    FIELD_ID_DOC_NUMBER,
    FIELD_ID_DOC_EXPIRY,
    FIELD_CONTRACT_END,
    FIELD_LANGUAGE,
    FIELD_NOTES,
    FIELD_COUNT
};

/* Data categories (the names of config.h's config_categories). */
enum category {
    CATEGORY_NONE = -1,
    CATEGORY_NAME = 0,
    CATEGORY_CUSTOMER_NUMBER,
    CATEGORY_ADDRESS,
    CATEGORY_PHONE,
    CATEGORY_EMAIL,
    CATEGORY_IBAN,
    CATEGORY_BIRTH_DATE,
    CATEGORY_ID_DOCUMENT,
    CATEGORY_NATIONAL_ID,
    CATEGORY_VAT_NUMBER,
    CATEGORY_NOTES,
    CATEGORY_SUBSCRIPTION,
    CATEGORY_CONTRACT,
    CATEGORY_EXTRA,
    CATEGORY_COUNT
};

/* The canonical name of f ("first_name"); "?" for an invalid value. */
const char *field_name(enum field f);

/* The field whose canonical name is exactly name[0..len), or FIELD_NONE. */
enum field field_by_name(const char *name, size_t len);

/* The data category of a field's content (CATEGORY_NONE for record_id,
 * brand and language, which say nothing about the person). */
enum category field_category(enum field f);

/* The name of a category as used in case.ini ("id_document"). */
const char *category_name(enum category c);

/* A data category's name (every name of config_categories) with its label
 * in Dutch and in English. */
struct category_label {
    const char *name, *nl, *en;
};
/* The labels, ending with a NULL name. */
extern const struct category_label category_labels[];

/* The label of category name in lang ("nl", "en"; others: nl); name
 * itself when it is not a category. */
const char *category_label(const char *name, const char *lang);

#endif
