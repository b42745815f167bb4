/*
 * notify.h - the notify stage: one personal message per person and brand
 * whose channel is e-mail, journaled in the case so that a crash skips
 * nobody.
 *
 * The journal (store.h, messages) gets a message for every exposure with
 * channel e-mail that does not need personal contact (sensitive notes).
 * Messages due are taken in batches; each is composed from the case's
 * templates in the person's language (the brand's own templates first:
 * templates/BRAND/LANG/, then templates/LANG/), with the categories of
 * theirs that leaked and masked hints only, the verification code and
 * the brand's sender; then the batch is marked in flight and committed,
 * delivered, and the outcomes committed. A message that was in flight when
 * a sender died is uncertain on the next run: reported, and sent again
 * only when asked (resend_uncertain).
 *
 * Transports: a Maildir (the default, in the case: maildir/), where a
 * message's file name derives from its number, so sending it again
 * replaces the same file; or an SMTP relay (smtp.h: pipelined, N
 * connections): a 4xx defers a message with exponential backoff and
 * jitter (8 attempts, then failed), a 5xx fails it with the reply kept
 * (addresses removed), a connection lost before the payload puts it back
 * in the queue, one lost after the payload makes it uncertain.
 */
#ifndef TOCSIN_NOTIFY_NOTIFY_H
#define TOCSIN_NOTIFY_NOTIFY_H

#include <stdint.h>

#include "../store/casedir.h"
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/error.h"

/* The variables message templates may use (docs/templates.md), list item
 * fields included; NULL-terminated. For tpl_compile(). */
extern const char *const notify_template_vars[];

struct smtp_options;

struct notify_options {
    const struct smtp_options *smtp; /* a relay, or NULL: the Maildir */
    const char *maildir;             /* NULL: DIR/maildir of the case */
    uint64_t limit;                  /* send at most this many (0: all) */
    double rate;          /* messages per second at most (0: no limit) */
    double domain_rate;   /* per recipient domain (0: none); < 0: the
                             case's [smtp] domain_rate */
    int dry_run;          /* compose every due message, send none */
    int resend_uncertain; /* queue the uncertain messages again */
    int answers_only;     /* send only the answers to lookups (queued by
                             the web service); queue no notices */
    int progress;         /* progress lines on a terminal */
    volatile int *stop;   /* set (by a signal handler) to stop cleanly */
    int64_t run_id;
};

struct notify_result {
    uint64_t queued_new; /* messages added to the journal this run */
    uint64_t uncertain;  /* in flight when a sender died (found now) */
    uint64_t requeued;   /* uncertain ones queued again */
    uint64_t composed, sent, failed;
    uint64_t deferred;      /* 4xx answers this run (retried later) */
    uint64_t uncertain_now; /* SMTP: sent, no final reply came */
    uint64_t counts[STORE_MSG_NSTATES]; /* the journal at the end */
    double seconds;
    int stopped; /* stopped early (stop flag) */
};

/*
 * Run the stage on case c. Appends `,"notify":{...}` to summary when not
 * NULL. Errors: TOCSIN_ENOENT (not assessed), TOCSIN_ECONFIG (a template
 * that does not compile or lacks the verification code; *why says which),
 * TOCSIN_EIO (the Maildir), TOCSIN_EDB, TOCSIN_ECRYPTO, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int notify_run(struct casedir *c,
                                 const struct notify_options *o,
                                 struct notify_result *res,
                                 struct buf *summary, struct buf *why);

#endif
