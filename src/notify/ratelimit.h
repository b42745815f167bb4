/*
 * ratelimit.h - how fast one recipient domain may be sent to.
 *
 * A mass notification must not look like spam to the big mailbox
 * providers: gmail.com must not get two million messages in ten minutes.
 * Every recipient domain gets a token bucket of `rate` messages per second
 * (a burst of at most one second's worth), whose rate ramps up linearly
 * from RLIM_WARMUP_START of it to all of it over `warmup` seconds from the
 * domain's first message. A domain that answers with a 4xx (421 "too many
 * connections", 450/451/452 "try again later") is paused for `backoff`
 * seconds, doubled on every further 4xx up to RLIM_BACKOFF_MAX, and
 * released by an accepted message. Time is the caller's (seconds of a
 * monotonic clock), so the limiter is deterministic and testable.
 */
#ifndef TOCSIN_NOTIFY_RATELIMIT_H
#define TOCSIN_NOTIFY_RATELIMIT_H

#include <stddef.h>

#include "../util/error.h"

#define RLIM_WARMUP_START 0.1   /* share of the rate a domain starts at */
#define RLIM_BACKOFF_MAX  600.0 /* seconds a domain is paused at most */

struct rlim;

/*
 * A limiter: rate messages per second per domain (0: no ceiling, only the
 * backoff), warmup seconds of ramp (0: none), backoff seconds of the first
 * pause. Caller frees with rlim_free(). TOCSIN_EINVAL for a negative
 * value, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int rlim_new(double rate, double warmup, double backoff,
                               struct rlim **out);
void rlim_free(struct rlim *r);

/*
 * May a message to domain (case-insensitive; at most LIMIT_EMAIL_DOMAIN
 * bytes, longer ones share one bucket) go now? 1 and a token taken, or 0.
 * TOCSIN_ENOMEM (negative) when a new domain cannot be added.
 */
int rlim_take(struct rlim *r, const char *domain, double now);

/* The domain answered 4xx at `now`: pause it. */
void rlim_deferred(struct rlim *r, const char *domain, double now);

/* The domain accepted a message: end its backoff. */
void rlim_accepted(struct rlim *r, const char *domain);

/* The number of domains seen. */
size_t rlim_domains(const struct rlim *r);

#endif
