/*
 * config.h - the case configuration (case.ini, inih format).
 *
 * The file describes the incident: the organisation, its brands with their
 * sender addresses, the DPO, the timeline, what was and was not taken, the
 * retention period, the risk rules of the assessment, the sensitive terms
 * looked for in free-text notes and the report settings. Every stage reads
 * it; tocsin never rewrites it.
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

enum config_risk {
    CONFIG_RISK_LOW = 1,
    CONFIG_RISK_MEDIUM = 2,
    CONFIG_RISK_HIGH = 3
};

/*
 * Conditions a rule may ask for besides data categories:
 *   SENSITIVE_NOTES    free-text notes hold a sensitive term
 *   MINOR              younger than minor_age on occurred
 *   PAST_RETENTION     a record kept past the retention period
 *   VALID_ID_DOCUMENT  ID-document number not expired on occurred (or no
 *                      expiry given)
 */
#define CONFIG_COND_SENSITIVE_NOTES   0x1u
#define CONFIG_COND_MINOR             0x2u
#define CONFIG_COND_PAST_RETENTION    0x4u
#define CONFIG_COND_VALID_ID_DOCUMENT 0x8u

#define CONFIG_MAX_RULES  32 /* rules in [risk] */
#define CONFIG_MAX_TOPICS 16 /* distinct topic names over all [sensitive] */

/*
 * A rule of [risk]: NAME = LEVEL: CONDITION + CONDITION ... A person to
 * whom every condition applies has at least this level.
 *   name        the key in [risk]: a-z 0-9 _, 1..32 chars
 *   level       enum config_risk
 *   categories  1u << enum category (store/field.h), all required
 *   conditions  CONFIG_COND_* bits, all required
 *   when        the condition, normalised: "iban + name + address"
 */
struct config_rule {
    char *name;
    int level;
    unsigned categories;
    unsigned conditions;
    char *when;
};

/*
 * One key of a [sensitive LANG] section: a topic and its terms.
 *   language  "nl" of [sensitive nl]: nl or en
 *   topic     the key: a-z 0-9 _ ("health")
 *   terms     lower-case UTF-8 words or phrases; trailing '*' = prefix
 */
struct config_terms {
    char *language;
    char *topic;
    char **terms;
    size_t count;
};

struct case_config {
    /* [incident] */
    char *incident_name;
    char *organisation;
    char *description;
    char *measures;     /* what was and is being done; for messages */
    char *consequences; /* the likely consequences for the people */
    char *occurred;     /* YYYY-MM-DD, like every date below */
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

    /* [risk]: the rules, in file order; the built-in ones when the file
     * has no [risk] section; none for an empty section (everyone low). */
    struct config_rule *rules;
    size_t nrules;

    /* [sensitive LANG]: every key of every such section, in file order; the
     * built-in lists (nl and en: health, debt, violence, stalking, police)
     * when the file has no [sensitive ...] section. */
    struct config_terms *terms;
    size_t nterms;

    /* [report] */
    int small_count; /* counts 1..small_count-1 are shown as "< n" */

    /* [smtp]: the relay's credentials for AUTH (sent over TLS only), a
     * CA file to verify it with, the EHLO name; all may be NULL. */
    char *smtp_user;
    char *smtp_password;
    char *smtp_ca_file;
    char *smtp_helo;
    /* Per recipient domain: at most smtp_domain_rate messages per second
     * (0: no ceiling; default 100), reached after a linear ramp of
     * smtp_warmup_minutes (default 30) from a tenth; a domain answering
     * 4xx pauses smtp_domain_backoff seconds (default 60), doubling. */
    int smtp_domain_rate;
    int smtp_warmup_minutes;
    int smtp_domain_backoff;

    /* [serve]: the web service. token: for the dashboard and /metrics
     * (NULL: both off); answers_smtp: the relay (smtp:// or smtps://) for
     * the answers to lookups (NULL: the case's Maildir); lookups allowed
     * per client address an hour (default 10) and per looked-up address
     * a day (default 3); trust_proxy: 1 to take the client address from
     * X-Forwarded-For when the connection comes from loopback (a reverse
     * proxy on the same machine; default 0). */
    char *serve_token;
    char *serve_answers_smtp;
    int serve_lookups_per_client;
    int serve_lookups_per_address;
    int serve_trust_proxy;

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
