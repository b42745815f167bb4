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

#define NOTIFY_LANGS 2   /* nl, en */
#define NOTIFY_BATCH 256 /* messages per journal commit */

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

struct notify_ctx {
    struct casedir *c;
    const struct case_config *cfg;
    struct store *s;
    const struct notify_options *o;
    struct notify_result *res;
    struct nbrand *brands; /* cfg->nbrands + 1; the last: no brand */
    unsigned char vkey[VCODE_KEY_BYTES];
    char case_tag[17]; /* 16 hex digits of the case id */
    char maildir[4096];
    int zone; /* minutes east of UTC */
    struct buf plain, scratch, subject, text, html, mime, file;
    int ok[NOTIFY_BATCH]; /* per message of a batch: written */
};

/* A message being sent: what compose found. */
struct nmsg {
    int64_t id, person;
    char brand[LIMIT_BRAND_NAME + 1];
    int kind;                                    /* STORE_MSG_NOTICE, ANSWER */
    unsigned char box[LIMIT_EMAIL_ADDRESS + 64]; /* answers: sealed rcpt */
    size_t box_len;
    struct buf subject_box; /* the subject as sent, sealed */
    uint32_t attempts;
    int composed;       /* 1: mime holds it */
    const char *reason; /* why not composed (static, no personal data) */
    char domain[LIMIT_EMAIL_DOMAIN + 1];
    unsigned char vcode[VCODE_VALUE_BYTES];
    char rcpt[LIMIT_EMAIL_ADDRESS + 1]; /* SMTP: wiped when done */
    const char *mail_from;              /* SMTP: the brand's address */
    struct buf mime;
    struct buf wire; /* SMTP: mime dot-stuffed */
};

/* Set m up for the journal's message sm (id, person, brand, kind, the
 * sealed recipient of an answer); nothing composed yet. */
void notify_take(struct nmsg *m, const struct store_msg *sm);

/* Compose message m (id, person, brand, attempts set) into m->mime, with
 * m->rcpt, m->domain, m->vcode and m->mail_from; or m->composed 0 and
 * m->reason. Errors: database and unsealing ones. */
int notify_compose(struct notify_ctx *x, struct nmsg *m);

/* Commit n journal updates in one transaction. */
int notify_journal(struct notify_ctx *x, const struct store_msg_update *u,
                   size_t n);

/* Seconds of a monotonic clock. */
double notify_now(void);

/* Deliver every due message over SMTP (x->o->smtp): notify_smtp.c. */
int notify_smtp(struct notify_ctx *x, struct progress *prog, struct buf *why);

#endif
