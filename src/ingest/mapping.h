/*
 * mapping.h - which export column is which field.
 *
 * Without a map file, each column header is recognised by mapping_guess()
 * (canonical names and built-in English and Dutch aliases). A map file
 * (`tocsin ingest --map FILE`, INI format) names columns explicitly and
 * sets reading options:
 *
 *   [columns]
 *   rec_id = record_id        ; header = canonical field name
 *   given_name = first_name
 *   internal_code = extra     ; keep as an extra column (sealed)
 *   [options]
 *   country = AU              ; country of addresses and identifiers (NL)
 *   delimiter = ,             ; , ; tab | or auto (default auto)
 *
 * Headers in [columns] are matched exactly (after trimming); columns the
 * map does not name fall back to mapping_guess().
 */
#ifndef TOCSIN_INGEST_MAPPING_H
#define TOCSIN_INGEST_MAPPING_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../store/field.h"

struct mapping;

/*
 * Load a map file. Caller frees with mapping_free(). TOCSIN_ECONFIG with
 * "PATH:LINE: what" in *why (may be NULL) for an unknown section, key or
 * field name; TOCSIN_ENOENT, TOCSIN_EIO, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int mapping_load(const char *path, struct mapping **out,
                                   struct buf *why);

/*
 * As mapping_load(), from the map file's text text[0..len) (need not be
 * NUL-terminated; a NUL byte is read as mapping_load() reads one from a
 * file). name stands for the path in messages. Borrowed: text and name,
 * for the call only. TOCSIN_ECONFIG also for text over LIMIT_MAP_BYTES;
 * TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int mapping_load_mem(const char *text, size_t len,
                                       const char *name, struct mapping **out,
                                       struct buf *why);

/* The empty map: every column by mapping_guess(), country NL, delimiter auto.
 * Never fails; free with mapping_free(). */
struct mapping *mapping_default(void);

void mapping_free(struct mapping *m);

/*
 * Assign a field to each of n column headers (fields[i]; FIELD_NONE: an
 * extra column). Two columns for one field are an error (TOCSIN_EINVAL,
 * naming both in *why) because a value would otherwise be lost.
 */
TOCSIN_MUST_CHECK int mapping_resolve(const struct mapping *m,
                                      const char *const *headers,
                                      const size_t *lens, size_t n,
                                      enum field *fields, struct buf *why);

/*
 * The field a column header denotes: its canonical name or a built-in
 * English or Dutch alias, compared after folding (lower case, Latin-1
 * diacritics stripped, everything but letters and digits removed, so
 * "E-mail adres", "emailAdres" and "e_mail_adres" are one name).
 * FIELD_NONE when unknown.
 */
enum field mapping_guess(const char *header, size_t len);

/* Two-letter country code of the data ("NL" unless the map says). */
const char *mapping_country(const struct mapping *m);

/* The delimiter the map sets, or 0 for auto-detection. */
int mapping_delimiter(const struct mapping *m);

#endif
