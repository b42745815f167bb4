/*
 * unseal.h - every record of a case, unsealed and decoded on two threads.
 *
 * The stages that read the whole case (resolve, assess) all do the same:
 * read the sealed records in id order, open and decode each, and reduce it
 * to what that stage needs. unseal_each() does the reading in the calling
 * thread and hands batches to UNSEAL_WORKERS threads, which open each
 * record and call the stage's function with the decoded record. The
 * plaintext lives only in the worker's buffer and is wiped after each
 * record; the function must copy what it keeps.
 */
#ifndef TOCSIN_STORE_UNSEAL_H
#define TOCSIN_STORE_UNSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "casedir.h"
#include "record.h"

#define UNSEAL_WORKERS 2

/* Flags for unseal_each(). */
#define UNSEAL_PERSONS 1 /* resolved records only, with their person */

/* A record as the function sees it. */
struct unseal_item {
    size_t index;      /* 0, 1, ...: its place in id order */
    int64_t id;        /* record id */
    int64_t person_id; /* with UNSEAL_PERSONS; else 0 */
    unsigned brand;    /* 1 + its brand's index in the case config; 0 none */
    uint32_t present;  /* 1 << enum category for each with a value */
};

/*
 * The function: called on worker thread `worker` (0..UNSEAL_WORKERS-1)
 * for each record, in no particular order across workers. Items of one
 * batch reach one worker in order. r and its strings are valid for the
 * call only. A non-zero return stops the run and is returned.
 */
typedef int (*unseal_fn)(void *ctx, int worker, const struct unseal_item *it,
                         const struct record *r);

struct unseal_options {
    int flags;         /* UNSEAL_PERSONS */
    uint64_t expected; /* how many records store_record_count() gave: more
                          is an error (TOCSIN_EDB); fewer with
                          UNSEAL_PERSONS is how many are resolved */
    const char *label; /* progress line, or NULL for none */
};

/*
 * Call fn for every record of c. *count gets how many were passed. On an
 * error *why (may be NULL) gets the words: the record id when one record
 * failed. Errors: fn's, TOCSIN_ECRYPTO/TOCSIN_EFORMAT for a record that
 * does not open (a wrong key, a damaged case), TOCSIN_EDB, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int unseal_each(struct casedir *c,
                                  const struct unseal_options *o, unseal_fn fn,
                                  void *ctx, uint64_t *count, struct buf *why);

struct seal;
/*
 * Open one sealed record (id, sealed[0..len)) into r, whose pointers then
 * point into *plain (replaced; the caller wipes it with buf_scrub or
 * buf_wipe when done). TOCSIN_ECRYPTO, TOCSIN_EFORMAT, buffer errors.
 */
TOCSIN_MUST_CHECK int unseal_record(const struct seal *seal, int64_t id,
                                    const void *sealed, size_t len,
                                    struct buf *plain, struct record *r);

#endif
