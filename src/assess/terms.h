/*
 * terms.h - the sensitive-term matcher: which topics of [sensitive LANG]
 * (health, debt, ...) a free-text note touches.
 *
 * Text and terms are folded alike: Unicode case folding, compatibility
 * decomposition, accents and other marks removed, default-ignorable
 * characters (soft hyphen, zero-width joiner) dropped. A word is a run of
 * letters and digits (utf8proc categories L* and N*); everything else
 * separates words. A term matches whole words ("ziek" in "Ziek!", not in
 * "ziekte"); a phrase matches consecutive words ("huiselijk geweld" in
 * "huiselijk-geweld"); a term ending in '*' matches words that start with
 * it ("schuld*" in "schuldeiser", not in "onschuldig").
 *
 * A compiled struct terms is immutable: any number of threads may call
 * terms_match() on one at once, each with its own scratch buffer.
 */
#ifndef TOCSIN_ASSESS_TERMS_H
#define TOCSIN_ASSESS_TERMS_H

#include <stddef.h>

#include "../store/config.h"
#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

/*
 * The folded form of a text takes at most TERMS_FOLD_FACTOR bytes per
 * byte of text (U+FDFA, 3 bytes, folds to 18 letters). A scratch buffer
 * whose maximum is TERMS_SCRATCH_MAX never runs out.
 */
#define TERMS_FOLD_FACTOR 17
#define TERMS_SCRATCH_MAX ((size_t)TERMS_FOLD_FACTOR * LIMIT_TERMS_TEXT)

struct terms; /* opaque: compiled from cfg->terms */

/*
 * Compile every [sensitive LANG] list of cfg (all languages together: a
 * note may be written in any). Topics are numbered in order of first
 * appearance; terms_topic_name(t, i) gives the name, terms_topic_count(t)
 * how many. cfg is only read; *out does not borrow from it. Caller frees
 * *out with terms_free(). A cfg without terms gives a matcher that finds
 * nothing. Errors: TOCSIN_EINVAL for a term without a letter or digit, or
 * more than CONFIG_MAX_TOPICS topics (config_load() refuses both);
 * TOCSIN_ELIMIT for a term longer than LIMIT_CONFIG_TERM bytes;
 * TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int terms_compile(const struct case_config *cfg,
                                    struct terms **out);

/* Free t (NULL is fine). */
void terms_free(struct terms *t);

/* The number of topics, at most CONFIG_MAX_TOPICS. */
size_t terms_topic_count(const struct terms *t);

/* The name of topic i (i < terms_topic_count(t)): "health". Borrowed from
 * t until terms_free(). */
const char *terms_topic_name(const struct terms *t, size_t i);

/*
 * The topics whose terms occur in text[0..len) (UTF-8, any case, accents
 * ignored: "Ziekenhuis", "ZIEKENHUÏS" match "ziekenhuis") as a bit mask
 * (1u << topic) into *topics; 0 when none. Invalid UTF-8 counts as
 * characters that are not letters: content never makes it fail. text
 * need not be NUL-terminated and may hold NULs.
 *
 * scratch is the caller's buffer for the folded text (which is personal
 * data: the caller wipes it); it is reset first and holds the folded text
 * afterwards. Errors: TOCSIN_ELIMIT when len > LIMIT_TERMS_TEXT or the
 * folded text does not fit scratch's maximum (never with
 * TERMS_SCRATCH_MAX), TOCSIN_ENOMEM; *topics is 0 then.
 */
TOCSIN_MUST_CHECK int terms_match(const struct terms *t, const char *text,
                                  size_t len, struct buf *scratch,
                                  unsigned *topics);

#endif
