/*
 * notify_int.h - what the files of the notify stage share: the run's
 * context, a message being sent, composing and journaling. Not part of its
 * interface (notify.h).
 */
#ifndef TOCSIN_NOTIFY_NOTIFY_INT_H
#define TOCSIN_NOTIFY_NOTIFY_INT_H

#include <stdint.h>

#include "../store/casedir.h"
#include "../store/config.h"
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/progress.h"
#include "notify.h"
#include "template.h"
#include "vcode.h"

#define NOTIFY_LANGS      2   /* nl, en */
#define NOTIFY_BATCH      256 /* messages per journal commit */
#define NOTIFY_BUSY_MAX   600 /* seconds the journal waits for a writer */
#define NOTIFY_QUEUE_PART 512 /* exposures per part of the first queue */
#define NOTIFY_MSGID_MAX  (LIMIT_MIME_ID_LOCAL + LIMIT_EMAIL_DOMAIN + 2)

/* The compiled templates of one brand and language. */
struct ntpl {
    struct tpl *subject, *text, *html;
};

/* One brand as messages need it. */
struct nbrand {
    const struct config_brand *cfg; /* NULL: records without a brand */
    struct buf from_name, from_addr;
    struct ntpl t[NOTIFY_LANGS];
};

/* What composing needs of its own: one per composing thread. */
struct ncompose {
    struct store *s; /* a connection of this thread's */
    struct buf plain, scratch, subject, text, html;
};

/* Set up w over store s; notify_compose_free() wipes and frees it. */
void notify_compose_init(struct ncompose *w, struct store *s);
void notify_compose_free(struct ncompose *w);

/* The run: set up before delivery, read-only while messages are composed
 * (by any thread), except w and the Maildir's file buffer (the main
 * thread's). */
struct notify_ctx {
    struct casedir *c;
    const struct case_config *cfg;
    struct store *s;
    const struct notify_options *o;
    struct notify_result *res;
    struct store_queue *queue; /* the queue, or NULL: none this run */
    struct nbrand *brands;     /* cfg->nbrands + 1; the last: no brand */
    struct vcode_key vkey;     /* the codes' */
    char case_tag[17];         /* 16 hex digits of the case id */
    char maildir[4096];
    int zone;          /* minutes east of UTC */
    struct ncompose w; /* the main thread's */
    struct buf file;
    int ok[NOTIFY_BATCH]; /* per message of a batch: written */
    struct progress *prog;
};

/* A message being sent: what compose found. */
struct nmsg {
    int64_t id, person;
    char brand[LIMIT_BRAND_NAME + 1];
    int kind; /* STORE_MSG_NOTICE, ANSWER */
    /* its state and recipient domain ("": none) in the journal, with the
     * updates queued for it */
    int jstate;
    char jdomain[LIMIT_EMAIL_DOMAIN + 1];
    unsigned char box[LIMIT_EMAIL_ADDRESS + 64]; /* answers: sealed rcpt */
    size_t box_len;
    struct buf subject_box;  /* the subject as sent, sealed */
    int has_exposure;        /* from the journal's read: */
    struct store_exposure e; /* brand and language point into m */
    char language[8];
    int64_t record_id; /* the contact record, 0: none */
    struct buf sealed; /* its sealed form */
    uint32_t attempts;
    int composed;       /* 1: mime holds it */
    const char *reason; /* why not composed (static, no personal data) */
    char domain[LIMIT_EMAIL_DOMAIN + 1];
    char rcpt_mask[128]; /* the recipient masked, for the journal */
    unsigned char vcode[VCODE_VALUE_BYTES];
    unsigned char stored_vcode[VCODE_VALUE_BYTES]; /* the journal's */
    int has_vcode;                                 /* the journal has one */
    int vcode_new; /* composed: vcode differs from the journal's */
    char rcpt[LIMIT_EMAIL_ADDRESS + 1]; /* SMTP: wiped when done */
    const char *mail_from;              /* SMTP: the brand's address */
    struct buf mime;                    /* SMTP: with the final dot */
};

/* The buffers of a message slot: notify_msg_free() wipes and frees. */
void notify_msg_init(struct nmsg *m);
void notify_msg_free(struct nmsg *m);

/* Set m up for the journal's message sm (id, person, brand, kind, the
 * sealed recipient of an answer, the exposure and contact record: copies);
 * nothing composed yet. TOCSIN_ENOMEM. */
int notify_take(struct nmsg *m, const struct store_msg *sm);

/* Compose message m (id, person, brand, attempts set) into m->mime, with
 * m->rcpt, m->domain, m->vcode and m->mail_from; or m->composed 0 and
 * m->reason. Errors: database and unsealing ones. */
int notify_compose(const struct notify_ctx *x, struct ncompose *w,
                   struct nmsg *m);

/* Make u the in-flight mark of composed message m, with what the journal
 * keeps of it (recipient's domain and mask, sealed subject, the code when
 * it changed); u->id and u->attempts are the caller's. */
void notify_inflight(struct store_msg_update *u, const struct nmsg *m);

/* Begin a write transaction on s, waiting up to NOTIFY_BUSY_MAX seconds
 * for another writer (with a warning). */
int notify_begin(struct store *s);

/* Commit n journal updates to s in one transaction. */
int notify_journal(struct store *s, const struct store_msg_update *u,
                   size_t n);

/* Put the deferred, failed and uncertain counts of this run on the
 * progress line. */
void notify_progress_note(struct notify_ctx *x);

/* Deliver every due message over SMTP (x->o->smtp): notify_smtp.c. */
int notify_smtp(struct notify_ctx *x, struct progress *prog, struct buf *why);

#endif
