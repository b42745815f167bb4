/*
 * config.h - the case configuration (case.ini, inih format).
 *
 * The file describes the incident: the organisation, its brands with their
 * sender addresses, the DPO, the timeline, what was and was not taken, and
 * the retention period. Every stage reads it; tocsin never rewrites it.
 * Unknown sections or keys are errors (a typo must not pass silently), each
 * reported with file, line and what to do.
 */
#ifndef TOCSIN_STORE_CONFIG_H
#define TOCSIN_STORE_CONFIG_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

struct config_brand {
    char *id;                /* NAME in [brand NAME]: lower-case a-z0-9_- */
    char *display_name;      /* "Odido" */
    char *from;              /* "Odido <noreply@odido.example>" */
    char *reply_to;          /* address for replies */
    char *info_url;          /* the information page, typed by people */
    char *message_id_domain; /* right-hand side of Message-IDs */
    char *language;          /* default language of its messages: nl, en */
};

struct config_list {
    char **items;
    size_t count;
};

struct case_config {
    /* [incident] */
    char *incident_name;
    char *organisation;
    char *description;
    char *measures; /* what was and is being done; for messages */
    char *occurred; /* YYYY-MM-DD, like every date below */
    char *detected;
    char *contained;
    char *authority_notified; /* may be NULL: not yet */
    char *language;           /* default language: nl */
    int minor_age;            /* under this age on `occurred`: a minor */

    /* [data] */
    struct config_list taken;     /* categories the attackers took */
    struct config_list not_taken; /* confirmed not taken */

    /* [retention] */
    int retention_months; /* ex-customer data kept at most this long */

    /* [dpo] */
    char *dpo_name;
    char *dpo_email;
    char *dpo_phone;
    char *dpo_address;

    /* [brand NAME] ... */
    struct config_brand *brands;
    size_t nbrands;
};

/*
 * Parse and validate the file at path. Caller frees *out with
 * config_free(). On TOCSIN_ECONFIG, *why gets "PATH:LINE: what is wrong"
 * (why may be NULL). Also TOCSIN_ENOENT, TOCSIN_EIO, TOCSIN_ELIMIT,
 * TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int config_load(const char *path, struct case_config **out,
                                  struct buf *why);
void config_free(struct case_config *cfg);

/* The brand with this id, or NULL. Borrowed from cfg. */
const struct config_brand *config_brand(const struct case_config *cfg,
                                        const char *id);

/* The canonical data category names accepted in [data] taken / not_taken,
 * ending with NULL. */
extern const char *const config_categories[];

#endif
