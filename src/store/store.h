/*
 * store.h - the case database: the one interface every stage reads and
 * writes through.
 *
 * SQLite (WAL) is the embedded backend; the interface is kept free of SQLite
 * types so that another backend (PostgreSQL, for several sending machines)
 * can stand behind it later. The schema is versioned: opening with
 * STORE_CREATE applies every pending migration in one transaction, and a
 * database newer than this program is refused (TOCSIN_ESCHEMA).
 *
 * A store is used by one thread at a time. Error texts from the database
 * (store_errmsg) never hold record contents.
 */
#ifndef TOCSIN_STORE_STORE_H
#define TOCSIN_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

struct store;

/* Flags for store_open(). */
#define STORE_CREATE   1 /* create the database if missing, and migrate */
#define STORE_READONLY 2 /* open read-only (a reader beside a writer) */

/*
 * Open the database at path. Without STORE_CREATE the file must exist and
 * be at the latest schema version, or be migrated first (store_migrate).
 * Caller frees *out with store_close(). Errors: TOCSIN_EDB, TOCSIN_ESCHEMA,
 * TOCSIN_ENOENT, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int store_open(const char *path, int flags,
                                 struct store **out);
void store_close(struct store *s);

/* Make the statement running on s, if any, stop soon with an error (any
 * thread may call it; SQLite's sqlite3_interrupt()). */
void store_interrupt(struct store *s);

/* Bring the schema to the latest version; a no-op when it is there. */
TOCSIN_MUST_CHECK int store_migrate(struct store *s);

/* The schema version of the open database, and the one this program
 * writes. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* Transactions (not nested). store_begin() waits LIMIT_STORE_BUSY_MS for
 * another writer, then fails with TOCSIN_EBUSY. */
TOCSIN_MUST_CHECK int store_begin(struct store *s);
TOCSIN_MUST_CHECK int store_commit(struct store *s);
void store_rollback(struct store *s);

/* Case-wide key/value facts (case id, creation time, key check...).
 * store_meta_get appends the value to *value; TOCSIN_ENOENT if absent. */
TOCSIN_MUST_CHECK int store_meta_get(struct store *s, const char *key,
                                     struct buf *value);
TOCSIN_MUST_CHECK int store_meta_set(struct store *s, const char *key,
                                     const char *value);

/*
 * The run log: every command that changes the case records when it started
 * and how it ended, with a JSON summary (counts only, never personal data).
 */
TOCSIN_MUST_CHECK int store_run_begin(struct store *s, const char *command,
                                      int64_t *run_id);
TOCSIN_MUST_CHECK int store_run_end(struct store *s, int64_t run_id,
                                    int status, const char *summary_json);

/*
 * Ingest: the input files (sources), the records read from them and the
 * rows that could not be read (rejects). Record contents are sealed by the
 * caller (seal.h); the store keeps opaque boxes, keyed hashes
 * (seal_hash, STORE_HASH_BYTES == SEAL_HASH_BYTES) and masked forms.
 */
#define STORE_HASH_BYTES 16

struct store_source {
    const char *name;
    const unsigned char *quick_hash; /* STORE_HASH_BYTES or NULL */
    const char *format;              /* "csv" | "jsonl" */
    int compressed;
    const char *brand; /* or NULL */
    int64_t run_id;
};

/*
 * The finished source with this quick hash (or, when content_hash is not
 * NULL, this content hash): *id, or TOCSIN_ENOENT.
 */
TOCSIN_MUST_CHECK int store_source_find(struct store *s,
                                        const unsigned char *quick_hash,
                                        const unsigned char *content_hash,
                                        int64_t *id);

/*
 * Remove what interrupted ingests left (sources never finished, with their
 * records and rejects); *removed counts the sources. Call in a transaction.
 */
TOCSIN_MUST_CHECK int store_source_cleanup(struct store *s, int *removed);

/* Add a source, unfinished; *id is its number. */
TOCSIN_MUST_CHECK int
store_source_add(struct store *s, const struct store_source *src, int64_t *id);

/* Mark a source finished with its content hash (32 bytes), counts and a
 * JSON summary (counts and column names only). */
TOCSIN_MUST_CHECK int store_source_finish(struct store *s, int64_t id,
                                          const unsigned char *content_hash,
                                          uint64_t bytes, uint64_t rows_read,
                                          uint64_t accepted, uint64_t rejected,
                                          const char *summary_json);

/* Remove a source with its records and rejects (a duplicate found only at
 * its end, when it came from a pipe). */
TOCSIN_MUST_CHECK int store_source_remove(struct store *s, int64_t id);

/* The highest record id so far (0 for none). */
TOCSIN_MUST_CHECK int store_record_max_id(struct store *s, int64_t *id);

struct store_record {
    int64_t id; /* chosen by the caller: store_record_max_id() + 1, ... */
    int64_t source_id;
    uint64_t line;
    const char *brand; /* brand id or NULL */
    uint32_t present;  /* 1 << enum category, for each with a value */
    uint32_t problems; /* 1 << enum field, for each failing validation */
    const unsigned char *rid_hash, *email_hash, *phone_hash, *mobile_hash,
        *iban_hash; /* STORE_HASH_BYTES each, or NULL */
    const char *email_mask, *phone_mask, *iban_mask; /* or NULL */
    const void *sealed;
    size_t sealed_len;
};

TOCSIN_MUST_CHECK int store_record_add(struct store *s,
                                       const struct store_record *r);

struct store_reject {
    int64_t source_id;
    uint64_t line;
    uint64_t byte_offset;
    uint64_t column;
    const char *reason; /* words without input bytes */
    const void *sealed; /* the raw bytes, sealed */
    size_t sealed_len;
};

TOCSIN_MUST_CHECK int store_reject_add(struct store *s,
                                       const struct store_reject *r);

/* Make the lookup indexes on records (idempotent). Ingest does not make
 * them (a bulk load is faster without); the stages that look records up
 * by a hash call this first. */
TOCSIN_MUST_CHECK int store_ingest_indexes(struct store *s);

/* A reject as listed: pointers borrowed for the callback's duration. */
struct store_reject_view {
    int64_t id;
    const char *source;
    uint64_t line, byte_offset, column;
    const char *reason;
    const void *sealed;
    size_t sealed_len;
};

/* Call fn for every reject in order; a non-zero return from fn stops and
 * is returned. */
TOCSIN_MUST_CHECK int
store_rejects_each(struct store *s,
                   int (*fn)(void *ctx, const struct store_reject_view *v),
                   void *ctx);

/* Counts over all finished sources. */
struct store_ingest_totals {
    uint64_t sources, rows_read, accepted, rejected;
};
TOCSIN_MUST_CHECK int store_ingest_totals(struct store *s,
                                          struct store_ingest_totals *t);

/*
 * Resolve: which records are one person (person_records, persons) and the
 * links between records that made them so (links), for explain. The
 * tables are rebuilt whole by each resolve: store_resolve_clear() empties
 * them, the adds fill them, store_resolve_indexes() indexes them on demand;
 * all in one transaction, so readers see the old result or the new one.
 */

/* A record as stored: pointers borrowed for the callback's duration. */
struct store_record_view {
    int64_t id;
    int64_t source_id;
    uint64_t line;
    const char *brand; /* or NULL */
    int64_t person_id; /* with STORE_EACH_PERSONS; else 0 */
    uint32_t present;  /* 1 << enum category for each with a value */
    const void *sealed;
    size_t sealed_len;
};

#define STORE_EACH_PERSONS 1 /* only resolved records, with their person */

/* The number of records of finished sources. */
TOCSIN_MUST_CHECK int store_record_count(struct store *s, uint64_t *n);

/*
 * Call fn for every record of a finished source in id order (flags:
 * STORE_EACH_PERSONS). A non-zero return from fn stops and is returned.
 */
TOCSIN_MUST_CHECK int
store_records_each(struct store *s, int flags,
                   int (*fn)(void *ctx, const struct store_record_view *v),
                   void *ctx);

/* The records whose record-id hash (rid_hash) is this: their ids into
 * ids[0..max), *n how many there are (may exceed max). */
TOCSIN_MUST_CHECK int store_records_by_rid(struct store *s,
                                           const unsigned char *rid_hash,
                                           int64_t *ids, size_t max,
                                           size_t *n);

/* One record by id, for fn; TOCSIN_ENOENT when there is none. */
TOCSIN_MUST_CHECK int
store_record_get(struct store *s, int64_t id,
                 int (*fn)(void *ctx, const struct store_record_view *v),
                 void *ctx);

/* Empty the resolve tables and drop their indexes. */
TOCSIN_MUST_CHECK int store_resolve_clear(struct store *s);

/* A record's person: the person's number (its smallest record id) and
 * how sure the resolution is of it (the lowest match probability of the
 * links that made it; 1 for a person of one record). */
struct store_person_record {
    int64_t record_id, person_id;
    double confidence;
};
/* Add n rows (in record order, for speed). */
TOCSIN_MUST_CHECK int
store_person_records_add(struct store *s, const struct store_person_record *v,
                         size_t n);

/* A person: the persons view. */
struct store_person {
    int64_t id;
    uint64_t records;
    unsigned brands; /* distinct brands among its records */
    double confidence;
};

/* What became of a link between two records. */
enum store_link_status {
    STORE_LINK_REFUSED = 0, /* above the threshold, but the two persons
                               hold contradicting evidence */
    STORE_LINK_JOINED = 1,  /* joined two records' persons into one */
};

struct store_link {
    int64_t a, b; /* record ids, a < b */
    int status;   /* enum store_link_status */
    double weight, probability;
    uint64_t levels;     /* comparison levels, 4 bits each */
    const void *weights; /* per comparison: int16 centibits, LE */
    size_t weights_len;
};
/* Add n links. */
TOCSIN_MUST_CHECK int store_links_add(struct store *s,
                                      const struct store_link *l, size_t n);

/* Index person_records by person (idempotent). Resolve does not make it:
 * at millions of records the index costs more than resolving writes
 * otherwise; a stage that looks many persons up by number calls this
 * first (explain, reading one person, scans instead). */
TOCSIN_MUST_CHECK int store_resolve_indexes(struct store *s);

/* The person of a record: *person_id, or TOCSIN_ENOENT (not resolved). */
TOCSIN_MUST_CHECK int store_person_of(struct store *s, int64_t record_id,
                                      int64_t *person_id);

/* The person as stored; TOCSIN_ENOENT when there is none. */
TOCSIN_MUST_CHECK int store_person_get(struct store *s, int64_t person_id,
                                       struct store_person *p);

/* Call fn for each record of a person, in id order. */
TOCSIN_MUST_CHECK int store_person_records_each(
    struct store *s, int64_t person_id,
    int (*fn)(void *ctx, const struct store_record_view *v), void *ctx);

/* Call fn for every link touching a record of this person (both ends
 * inside it, or refused links to another), strongest first. */
TOCSIN_MUST_CHECK int
store_person_links_each(struct store *s, int64_t person_id,
                        int (*fn)(void *ctx, const struct store_link *l),
                        void *ctx);

/* Figures of the last resolve, for the report. */
struct store_resolve_figures {
    uint64_t resolved;        /* records with a person */
    uint64_t joined;          /* links that joined two persons */
    uint64_t uncertain;       /* of those, below probability 0.99 */
    uint64_t refused;         /* links refused for contradicting evidence */
    double lowest_confidence; /* of any person; 1 when none is lower */
};
TOCSIN_MUST_CHECK int store_resolve_figures(struct store *s,
                                            struct store_resolve_figures *f);

/*
 * Assess: what leaked of whom. One exposure per person and brand (one
 * notice each) and one exposed person per person; rebuilt whole by every
 * assess in one transaction (store_assess_clear, then the adds). The bit
 * fields mean what assess.h says; the store keeps numbers.
 */
struct store_exposure {
    int64_t person_id;
    const char *brand; /* brand id; "" for records without one */
    uint32_t records;
    uint32_t categories; /* 1 << enum category */
    uint32_t risk;       /* enum config_risk */
    uint32_t reasons;    /* 1 << rule index */
    uint32_t flags;
    uint32_t topics; /* 1 << sensitive topic index */
    uint32_t channel;
    uint32_t why;
    uint32_t past_retention; /* records kept past the retention period */
    int64_t contact_record;  /* 0: none */
    const char *language;    /* "nl", "en" */
};

struct store_exposed_person {
    int64_t person_id;
    uint32_t brands, records, categories, risk, reasons, flags, topics,
        past_retention;
};

/* Empty the assess tables. */
TOCSIN_MUST_CHECK int store_assess_clear(struct store *s);

/* Add n rows each. */
TOCSIN_MUST_CHECK int
store_exposures_add(struct store *s, const struct store_exposure *e, size_t n);
TOCSIN_MUST_CHECK int
store_exposed_persons_add(struct store *s,
                          const struct store_exposed_person *p, size_t n);

/* Call fn for every exposure in (person, brand) order; the strings are
 * borrowed for the call. A non-zero return from fn stops and is returned. */
TOCSIN_MUST_CHECK int
store_exposures_each(struct store *s,
                     int (*fn)(void *ctx, const struct store_exposure *e),
                     void *ctx);

/* Call fn for the exposures of one person, in brand order. */
TOCSIN_MUST_CHECK int store_person_exposures_each(
    struct store *s, int64_t person_id,
    int (*fn)(void *ctx, const struct store_exposure *e), void *ctx);

/* Call fn for every exposed person in person order. */
TOCSIN_MUST_CHECK int store_exposed_persons_each(
    struct store *s,
    int (*fn)(void *ctx, const struct store_exposed_person *p), void *ctx);

/*
 * Notify: the journal of messages, one per person and brand. States move
 * queued -> in flight -> accepted | deferred (-> in flight again) |
 * failed; in flight when the sender died: uncertain (possibly delivered).
 */
enum store_msg_state {
    STORE_MSG_QUEUED = 0,
    STORE_MSG_IN_FLIGHT = 1,
    STORE_MSG_ACCEPTED = 2,
    STORE_MSG_DEFERRED = 3,
    STORE_MSG_FAILED = 4,
    STORE_MSG_UNCERTAIN = 5,
    STORE_MSG_NSTATES
};

/* What a message is: the one notice per person and brand, or an answer
 * to an "am I affected?" lookup on the web service, sent to the address
 * that was asked about (rcpt). */
enum store_msg_kind {
    STORE_MSG_NOTICE = 0,
    STORE_MSG_ANSWER = 1,
};

/* The state's name: "queued", "in_flight", ... */
const char *store_msg_state_name(int state);

/* Queueing the notices: a message for every exposure whose channel is
 * `channel` and whose flags have none of `skip_flags`, unless it has one,
 * with its verification code from vfn (as store_msg_fill_vcodes() below;
 * NULL: none yet). The caller sets the first four members and zeroes the
 * rest. */
struct store_queue {
    uint32_t channel, skip_flags;
    void (*vfn)(void *ctx, int64_t id, const char *brand,
                unsigned char *value);
    void *ctx;
    int started;    /* a call was made */
    int first;      /* no notice was there: the code index comes at the end */
    int done;       /* every exposure is queued */
    int64_t after;  /* the last person queued */
    uint64_t added; /* messages added */
    uint64_t left;  /* exposures still to queue (first queue only) */
};

/* Queue the exposures of the next persons in order, at least max of them
 * (0: all), each call in a transaction of its own, until q->done. The
 * first queue of a case goes in parts (sending may start after the first)
 * without the code index; the last part builds it. A later queue goes in
 * one part (it looks for the notices there are). */
TOCSIN_MUST_CHECK int store_msg_queue(struct store *s, struct store_queue *q,
                                      size_t max);

/* A queue that stops before q->done: build the index the first queue
 * left out (it resumes in one part). Call in a transaction. */
TOCSIN_MUST_CHECK int store_msg_queue_end(struct store *s,
                                          struct store_queue *q);

/* Set every message in state `from` to state `to`; *n gets how many.
 * Reads every message (no index over all states). Call in a
 * transaction. */
TOCSIN_MUST_CHECK int store_msg_move(struct store *s, int from, int to,
                                     uint64_t *n);

/*
 * Queue an answer (STORE_MSG_ANSWER) to person_id about brand, to the
 * address rcpt[0..rcpt_len), sealed by the caller (seal_encrypt() with
 * context STORE_MSG_RCPT_CONTEXT): *id gets its number. The notify stage
 * sends it like a notice, to that address only. Call in a transaction.
 */
#define STORE_MSG_RCPT_CONTEXT    "tocsin message recipient"
#define STORE_MSG_SUBJECT_CONTEXT "tocsin message subject"
TOCSIN_MUST_CHECK int store_msg_answer(struct store *s, int64_t person_id,
                                       const char *brand, const void *rcpt,
                                       size_t rcpt_len, int64_t *id);

/*
 * Give every message without a verification code its code: fn(ctx, id,
 * brand, value) writes the value (STORE_VCODE_BYTES) of message id of
 * brand. One statement, so that sending a message later writes only its
 * own row; with many new codes the code index is rebuilt after, not
 * updated one by one. *n gets how many. Call in a transaction.
 */
#define STORE_VCODE_BYTES 10
TOCSIN_MUST_CHECK int store_msg_fill_vcodes(struct store *s,
                                            void (*fn)(void *ctx, int64_t id,
                                                       const char *brand,
                                                       unsigned char *value),
                                            void *ctx, uint64_t *n);

/* A message as the sender sees it. */
struct store_msg {
    int64_t id, person_id;
    const char *brand; /* borrowed for the callback */
    int kind;          /* enum store_msg_kind */
    int state;
    uint32_t attempts;
    const char *domain; /* the recipient's domain once known, or NULL */
    const void *rcpt;   /* answers: the sealed address, borrowed; or NULL */
    size_t rcpt_len;
    const unsigned char *vcode; /* STORE_VCODE_BYTES, or NULL: borrowed */
    /* What composing needs, read with it: the exposure of the person and
     * brand (brand and language borrowed), and its contact record's
     * sealed form (NULL when there is none). */
    int has_exposure;
    struct store_exposure e;
    int64_t record_id;
    const void *sealed;
    size_t sealed_len;
};

/* Call fn for up to max messages with an id above after_id that are
 * queued or deferred and due at unix time `now`, in id order; only those
 * of kind `kind` unless it is -1. One statement reads each message with
 * its exposure and contact record. */
TOCSIN_MUST_CHECK int
store_msg_due(struct store *s, int64_t now, int64_t after_id, int kind,
              size_t max, int (*fn)(void *ctx, const struct store_msg *m),
              void *ctx);

/* The earliest next_at of the deferred messages into *t; 0 when there is
 * none. */
TOCSIN_MUST_CHECK int store_msg_next_at(struct store *s, int64_t *t);

/* A change of a message's state, with what goes with it (NULL/0: keep). */
struct store_msg_update {
    int64_t id;
    int state;
    uint32_t attempts;
    int64_t next_at;
    const char *domain;         /* or NULL */
    const unsigned char *vcode; /* vcode_len bytes, or NULL */
    size_t vcode_len;
    int code;            /* reply code, or 0 */
    const char *reply;   /* reply text, or NULL */
    const void *subject; /* sealed (STORE_MSG_SUBJECT_CONTEXT), or NULL */
    size_t subject_len;
    const char *rcpt_mask; /* the recipient masked, or NULL */
    /* The row as it is, when the caller knows it (known 1): its state,
     * brand, kind and domain (or NULL), which the summaries need; else the
     * row is read first. */
    int known;
    int from;
    const char *brand;
    int kind;
    const char *from_domain;
};
/* Apply n updates; sent_at is set on a move to in flight, done_at on a
 * move to accepted or failed. Call in a transaction. */
TOCSIN_MUST_CHECK int
store_msg_update(struct store *s, const struct store_msg_update *u, size_t n);

/* The number of messages per state into counts[STORE_MSG_NSTATES]: kept
 * with every change of state by the functions above (a few rows, not a
 * count of every message). */
TOCSIN_MUST_CHECK int store_msg_counts(struct store *s, uint64_t *counts);

/*
 * Serve: the queries of the web service (store_serve.c), with their
 * statements prepared once on a store the caller owns (one per thread: a
 * read-only one for the pages, a writable one for the lookup worker).
 * Strings and blobs handed to callbacks are borrowed for the call.
 */
struct store_serve;

/* Queries on s (borrowed until store_serve_close()). TOCSIN_ENOMEM. */
TOCSIN_MUST_CHECK int store_serve_open(struct store *s,
                                       struct store_serve **out);
void store_serve_close(struct store_serve *q);

/* Let the message lookups of q share one read transaction for up to
 * `seconds` (a read-only store); a lookup that finds nothing in it looks
 * again in a fresh one, so a new message is never missed (a state shown
 * may be that much late). 0, the default: each query its own. */
void store_serve_snapshot(struct store_serve *q, double seconds);

/* End q's shared read transaction, if one is open: before the caller
 * begins a transaction of its own on the same store. */
void store_serve_release(struct store_serve *q);

/* A message of the journal as the verification page needs it. */
struct store_serve_msg {
    int64_t id, person_id;
    const char *brand;
    int kind, state;
    const char *sent_at, *done_at; /* ISO 8601 UTC, or NULL */
    const void *rcpt;              /* answers: sealed address, or NULL */
    size_t rcpt_len;
    const void *subject; /* sealed subject as sent, or NULL */
    size_t subject_len;
    const void *vcode; /* the code's value, or NULL (not composed) */
    size_t vcode_len;
    const char *rcpt_mask; /* the recipient as sent, masked, or NULL */
};

/* Call fn for each message whose code value is value[0..len) (the
 * messages_vcode index); a non-zero return from fn stops and is
 * returned. */
TOCSIN_MUST_CHECK int
store_serve_by_vcode(struct store_serve *q, const void *value, size_t len,
                     int (*fn)(void *ctx, const struct store_serve_msg *m),
                     void *ctx);

/* The message with this id for fn; TOCSIN_ENOENT when there is none. */
TOCSIN_MUST_CHECK int
store_serve_msg(struct store_serve *q, int64_t id,
                int (*fn)(void *ctx, const struct store_serve_msg *m),
                void *ctx);

/* The persons (resolved, of finished sources) with a record whose
 * email_hash is hash: into ids[0..max), *n how many there are (up to
 * max + 1, so that more than max shows). */
TOCSIN_MUST_CHECK int
store_serve_persons_by_email(struct store_serve *q,
                             const unsigned char hash[STORE_HASH_BYTES],
                             int64_t *ids, size_t max, size_t *n);

/* The answers (STORE_MSG_ANSWER) queued or deferred and due at unix time
 * now, into *n. */
TOCSIN_MUST_CHECK int store_serve_answers_due(struct store_serve *q,
                                              int64_t now, uint64_t *n);

/* Dashboard: messages per brand, kind and state, for fn. */
TOCSIN_MUST_CHECK int store_serve_by_brand(
    struct store_serve *q,
    int (*fn)(void *ctx, const char *brand, int kind, int state, uint64_t n),
    void *ctx);

/* Dashboard: the max recipient domains with the most messages, most
 * first, with their counts per state (counts[STORE_MSG_NSTATES]). */
TOCSIN_MUST_CHECK int store_serve_domains(struct store_serve *q, size_t max,
                                          int (*fn)(void *ctx,
                                                    const char *domain,
                                                    const uint64_t *counts),
                                          void *ctx);

/* Dashboard: per minute ("YYYY-MM-DDTHH:MM", UTC) of the `minutes`
 * minutes up to the last one with activity, in order: messages handed
 * over (sent_at), accepted and failed (done_at). Minutes without any are
 * left out. */
TOCSIN_MUST_CHECK int
store_serve_minutes(struct store_serve *q, int minutes,
                    int (*fn)(void *ctx, const char *minute, uint64_t sent,
                              uint64_t accepted, uint64_t failed),
                    void *ctx);

/* Dashboard: the exposed persons per risk level (enum config_risk:
 * counts[1..3]; counts[0] of any other value). */
TOCSIN_MUST_CHECK int store_serve_risks(struct store_serve *q,
                                        uint64_t counts[4]);

/* The last database error as text, for messages; borrowed. */
const char *store_errmsg(struct store *s);

#endif
