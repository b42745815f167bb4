/*
 * assess.h - the assess stage: for every person and brand, what of theirs
 * leaked, how bad that is, and how to reach them.
 *
 * Reads every resolved record (unsealed on two threads), reduces it to a
 * few bits, and groups the bits by person and brand:
 *  - categories: a category counts when any of the person's records of
 *    that brand holds a value in it (records.present);
 *  - conditions: sensitive terms in free-text notes (per topic, case.ini
 *    [sensitive LANG]), a minor on the incident date, a record kept past
 *    the retention period, an ID document still valid on that date, a BSN
 *    in the national-id field, inside an old VAT number or in the notes;
 *  - risk: the highest level of the case.ini [risk] rules whose
 *    categories and conditions all hold, with those rules as reasons; a
 *    person's own risk applies the rules to all brands' data together;
 *  - channel: e-mail when a record holds a valid address (not a known
 *    typo of a domain), else a letter when one holds a complete postal
 *    address, else SMS when one holds a mobile number, else unreachable,
 *    with what is missing (why). The contact record is the one whose data
 *    the channel uses: a current customer's before a former one's, then
 *    the newest.
 * The result replaces the previous one in one transaction (tables
 * exposures and exposed_persons, meta 'assess'). No personal data is
 * written: bits, counts and record numbers.
 */
#ifndef TOCSIN_ASSESS_ASSESS_H
#define TOCSIN_ASSESS_ASSESS_H

#include <stdint.h>
#include <stdio.h>

#include "../store/casedir.h"
#include "../util/buf.h"
#include "../util/error.h"

/* Channels (exposures.channel), best first. */
enum assess_channel {
    ASSESS_UNREACHABLE = 0,
    ASSESS_EMAIL = 1,
    ASSESS_LETTER = 2,
    ASSESS_SMS = 3,
};

/* Flags of an exposure or person (exposures.flags). */
#define ASSESS_F_MINOR          0x0001u /* younger than minor_age */
#define ASSESS_F_SENSITIVE      0x0002u /* notes hold a sensitive term */
#define ASSESS_F_BSN_FIELD      0x0004u /* a national id (BSN) field */
#define ASSESS_F_BSN_VAT        0x0008u /* a BSN inside an old VAT number */
#define ASSESS_F_BSN_NOTES      0x0010u /* a BSN in the notes */
#define ASSESS_F_VALID_ID       0x0020u /* an ID document valid on occurred */
#define ASSESS_F_EX_CUSTOMER    0x0040u /* every contract ended before */
#define ASSESS_F_PAST_RETENTION 0x0080u /* a record kept too long */
#define ASSESS_F_PERSONAL                                                     \
    0x0100u                       /* needs personal contact: not a            \
                                     mass mail (sensitive notes) */
#define ASSESS_F_GUARDIAN 0x0200u /* address the parent or guardian */
#define ASSESS_F_NO_BRAND 0x0400u /* records without a brand */
#define ASSESS_F_BSN                                                          \
    (ASSESS_F_BSN_FIELD | ASSESS_F_BSN_VAT | ASSESS_F_BSN_NOTES)

/* What the better channels lack (exposures.why). */
#define ASSESS_WHY_NO_EMAIL      0x01u /* no e-mail address */
#define ASSESS_WHY_EMAIL_INVALID 0x02u /* only invalid ones */
#define ASSESS_WHY_EMAIL_TYPO    0x04u /* a known typo of a domain */
#define ASSESS_WHY_NO_ADDRESS    0x08u /* no postal address */
#define ASSESS_WHY_ADDRESS_PART                                               \
    0x10u                          /* street, number, postcode or city        \
                                      missing or invalid */
#define ASSESS_WHY_NO_MOBILE 0x20u /* no mobile number */
#define ASSESS_WHY_LANDLINE  0x40u /* a landline only: call, not SMS */
#define ASSESS_WHY_COUNT     7

/* The name of a channel ("email") and of a why bit's index ("no_email"). */
const char *assess_channel_name(int channel);
const char *assess_why_name(unsigned bit_index);

struct assess_options {
    int progress;   /* progress lines on a terminal */
    int64_t run_id; /* the run log entry */
};

struct assess_result {
    uint64_t records;    /* resolved records read */
    uint64_t persons;    /* exposed persons */
    uint64_t notices;    /* exposures: persons x brands */
    uint64_t risk[4];    /* persons by risk level (1..3) */
    uint64_t channel[4]; /* notices by channel */
    uint64_t minors, sensitive, bsn, past_retention_records;
    double seconds;
};

/*
 * Assess the case c (resolved: every record must have a person). Appends
 * `,"assess":{...}` (counts) to summary when not NULL. Errors:
 * TOCSIN_ENOENT (not resolved, or records ingested after the last
 * resolve), TOCSIN_EDB, TOCSIN_ECRYPTO, TOCSIN_ENOMEM, TOCSIN_ELIMIT;
 * *why gets the words.
 */
TOCSIN_MUST_CHECK int assess_run(struct casedir *c,
                                 const struct assess_options *o,
                                 struct assess_result *res,
                                 struct buf *summary, struct buf *why);

/*
 * Write what assess found for one person (the exposures per brand: the
 * categories that leaked, the risk with the rules that set it, the
 * channel, and the conditions) as text to out, for tocsin explain. Names
 * of categories, rules and topics only: no personal data. Says so when
 * the case is not assessed or the assessment is older than the persons.
 * Errors: TOCSIN_EDB.
 */
TOCSIN_MUST_CHECK int assess_explain(struct casedir *c, int64_t person_id,
                                     FILE *out, struct buf *why);

#endif
