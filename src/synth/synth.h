/*
 * synth.h - the synthetic breach: a customer-contact export of a Dutch
 * telecom (brands Odido and Ben) with its truth, for tests and benchmarks.
 *
 * synth_write() streams persons in households, their (varied, scattered)
 * duplicate records and a few malformed rows. The export has the columns
 * of synth_columns[], in that order: CSV with a header row, or JSONL with
 * those keys. The truth maps every record to its person ("P00042", padded
 * to the width of the number of persons) or to "BAD" for a malformed row.
 * Output depends only on the options: same persons, seed and format give
 * byte-identical files, and the format changes only how rows are written,
 * not who is in them (the truth is the same). Memory stays bounded (under
 * 64 MiB) whatever the number of persons.
 *
 * The name and city tables are public because the resolver and the tests
 * use them too.
 */
#ifndef TOCSIN_SYNTH_SYNTH_H
#define TOCSIN_SYNTH_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/error.h"

/* Output formats: RFC 4180 CSV (comma, LF line ends), or JSON Lines (one
 * object per line, empty fields left out). */
#define SYNTH_FORMAT_CSV   0
#define SYNTH_FORMAT_JSONL 1

/* The export's columns, in order. */
#define SYNTH_NCOLUMNS 22
extern const char *const synth_columns[SYNTH_NCOLUMNS];

struct synth_options {
    uint64_t persons; /* 1..LIMIT_SYNTH_PERSONS */
    uint64_t seed;    /* any value */
    int format;       /* SYNTH_FORMAT_CSV or SYNTH_FORMAT_JSONL */
    /* Optional: called now and then with the persons generated so far. */
    void (*progress)(void *arg, uint64_t persons_done);
    void *progress_arg;
};

struct synth_stats {
    uint64_t persons;      /* persons generated (= options.persons) */
    uint64_t households;   /* households they live in */
    uint64_t records;      /* export records, malformed ones included */
    uint64_t bad;          /* malformed records (truth "BAD") */
    uint64_t export_bytes; /* bytes written to the export */
    uint64_t truth_bytes;  /* bytes written to the truth */
};

/*
 * Generate the breach: the export to exp (CSV: header row first), and the
 * truth ("record_id,person_id" header, one line per record in export
 * order) to truth, through large buffered writes. Both streams are borrowed;
 * the caller opens and closes them. stats (may be NULL) receives the counts.
 * Errors: TOCSIN_EINVAL for a bad format or zero persons, TOCSIN_ELIMIT
 * above LIMIT_SYNTH_PERSONS, TOCSIN_ENOMEM, TOCSIN_EIO when a write fails
 * (the streams then hold a partial result).
 */
TOCSIN_MUST_CHECK int synth_write(const struct synth_options *o, FILE *exp,
                                  FILE *truth, struct synth_stats *stats);

/*
 * Nicknames and spelling variants of formal first names, as the generator
 * uses them ("Johannes" -> "Jan", "Hans", ...). nick[] ends with NULL.
 */
#define SYNTH_MAX_NICKS 5
struct synth_nickname {
    const char *formal;
    const char *nick[SYNTH_MAX_NICKS + 1];
};

/* Number of entries, and entry i (i < count). */
size_t synth_nickname_count(void);
const struct synth_nickname *synth_nickname_at(size_t i);

/* The entry for a formal name (exact, UTF-8), or NULL. */
const struct synth_nickname *synth_nickname_find(const char *formal);

/*
 * The Dutch places the generator puts addresses in: every postcode written
 * for a city has its 4-digit part in pc_lo..pc_hi; area_code is the
 * landline prefix with its 0 ("020", "0229"). alias is another name people
 * write for the place ("'s-Gravenhage" for Den Haag) or NULL.
 */
struct synth_city {
    const char *name;
    const char *alias;
    unsigned pc_lo;
    unsigned pc_hi;
    const char *area_code;
    unsigned weight; /* relative share of addresses */
};

/* Number of cities, and city i (i < count). */
size_t synth_city_count(void);
const struct synth_city *synth_city_at(size_t i);

/* The city whose name or alias equals name, ignoring ASCII case; NULL. */
const struct synth_city *synth_city_find(const char *name);

#endif
