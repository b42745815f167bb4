/*
 * resolve.h - records into persons: who is who in the breach.
 *
 * Fellegi-Sunter record linkage, with the parameters learnt from the data
 * itself (no labels exist in a real breach):
 *  1. load: every record is unsealed and reduced to comparison features
 *     (name keys, birth date, keyed hashes of identifiers); two threads;
 *  2. block: candidate pairs from many blocking keys (e-mail, mobile,
 *     landline, IBAN, address, ID document, national id, customer number,
 *     birth date with surname, with first name, names with postcode, ...),
 *     so that recall does not hinge on one field; a key shared by more than
 *     RESOLVE_BLOCK_MAX records is a non-identifier (a placeholder birth
 *     date, a shop's e-mail address) and makes no pairs;
 *  3. compare: each pair gets a level per comparison (first name, last
 *     name, birth date, e-mail, mobile, landline, IBAN, address, ID
 *     document, national id, customer number);
 *  4. learn: m and u probabilities per level and the share of matches by
 *     expectation maximisation over the candidate pairs;
 *  5. score: a match weight per pair, the sum of the level weights, with a
 *     term-frequency adjustment on exact agreement (two "Jansen"s count
 *     less than two "Oudejans"es);
 *  6. cluster: links above the threshold, strongest first, join persons
 *     unless the two persons hold records with contradicting strong
 *     evidence (different birth dates, different first names: a household,
 *     not one person), so that a chain of links never joins strangers.
 * Persons are resolved across brands.
 */
#ifndef TOCSIN_RESOLVE_RESOLVE_H
#define TOCSIN_RESOLVE_RESOLVE_H

#include <stdint.h>
#include <stdio.h>

#include "../store/casedir.h"
#include "../util/buf.h"
#include "../util/error.h"

struct resolve_options {
    double threshold; /* match probability to link; 0: the default */
    int progress;     /* draw progress lines on a terminal */
    int64_t run_id;   /* the run log entry, or 0 */
};

#define RESOLVE_THRESHOLD_DEFAULT 0.9

struct resolve_result {
    uint64_t records;        /* records resolved */
    uint64_t persons;        /* persons they make */
    uint64_t multi;          /* persons with more than one record */
    uint64_t candidates;     /* candidate pairs compared */
    uint64_t links;          /* pairs above the threshold */
    uint64_t joined;         /* links that joined two persons */
    uint64_t refused;        /* links refused: contradicting evidence */
    uint64_t blocks_skipped; /* blocks larger than RESOLVE_BLOCK_MAX */
    uint64_t uncertain;      /* persons holding a link below 0.99 */
    unsigned em_iterations;  /* EM iterations until it converged */
    double match_share;      /* estimated share of matches among pairs */
    double seconds;          /* wall time */
};

/*
 * Resolve every record of the case into persons, replacing any earlier
 * result in one transaction. The JSON summary (counts only) is appended to
 * *summary when it is not NULL. Errors: TOCSIN_EDB, TOCSIN_ECRYPTO (a
 * record does not unseal: wrong key or damage), TOCSIN_EFORMAT,
 * TOCSIN_ENOMEM; *why gets a message.
 */
TOCSIN_MUST_CHECK int resolve_run(struct casedir *c,
                                  const struct resolve_options *o,
                                  struct resolve_result *res,
                                  struct buf *summary, struct buf *why);

/*
 * Write "record_id,person_id" CSV for every resolved record to out, in
 * record order: the record id as given in the input (CSV-quoted when
 * needed; the case's own id "#N" when the input had none) and the person
 * id. *rows gets the count. TOCSIN_ENOENT when the case is not resolved.
 */
TOCSIN_MUST_CHECK int resolve_export_clusters(struct casedir *c, FILE *out,
                                              uint64_t *rows, struct buf *why);

/*
 * Explain the person of the record whose record id (as given in the input)
 * is rid: its records, and for every link that made it, the comparison of
 * each field with its level, weight and masked values. Text to out. Then,
 * when more is not NULL, more(c, person, out, why) adds what later stages
 * know of that person (its error is returned). TOCSIN_ENOENT when no
 * record has that id.
 */
TOCSIN_MUST_CHECK int resolve_explain(
    struct casedir *c, const char *rid, FILE *out,
    int (*more)(struct casedir *c, int64_t person, FILE *out, struct buf *why),
    struct buf *why);

#endif
