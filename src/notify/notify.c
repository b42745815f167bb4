/*
 * notify.c - the notify stage (see notify.h): journal, compose, deliver.
 */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../assess/assess.h"
#include "../ingest/date.h"
#include "../ingest/email.h"
#include "../ingest/iban.h"
#include "../ingest/phone.h"
#include "../store/config.h"
#include "../store/field.h"
#include "../store/record.h"
#include "../store/seal.h"
#include "../store/unseal.h"
#include "../util/clock.h"
#include "../util/fsutil.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/progress.h"
#include "../util/str.h"
#include "mime.h"
#include "notify_int.h"

/* The variables of the message templates (docs/templates.md), in the
 * order of enum nvar. */
const char *const notify_template_vars[] = {"name",
                                            "brand",
                                            "organisation",
                                            "incident_date",
                                            "leaked",
                                            "label",
                                            "hint",
                                            "not_taken",
                                            "advice_iban",
                                            "advice_id_document",
                                            "advice_national_id",
                                            "advice_birth_date",
                                            "minor",
                                            "ex_customer",
                                            "measures",
                                            "verification_code",
                                            "info_url",
                                            "dpo_email",
                                            "dpo_phone",
                                            "answer",
                                            NULL};

enum nvar {
    V_NAME,
    V_BRAND,
    V_ORGANISATION,
    V_INCIDENT_DATE,
    V_LEAKED,
    V_LABEL,
    V_HINT,
    V_NOT_TAKEN,
    V_ADVICE_IBAN,
    V_ADVICE_ID_DOCUMENT,
    V_ADVICE_NATIONAL_ID,
    V_ADVICE_BIRTH_DATE,
    V_MINOR,
    V_EX_CUSTOMER,
    V_MEASURES,
    V_VERIFICATION_CODE,
    V_INFO_URL,
    V_DPO_EMAIL,
    V_DPO_PHONE,
    V_ANSWER,
    V_COUNT
};

static const char *const notify_langs[NOTIFY_LANGS] = {"nl", "en"};

_Static_assert(STORE_VCODE_BYTES == VCODE_VALUE_BYTES,
               "the journal keeps the whole code value");

/* ---- templates ---- */

static int
notify_read(const char *dir, const char *brand, const char *lang,
            const char *file, char **text, size_t *len, char *path,
            size_t pathsz)
{
    int rc = TOCSIN_ENOENT;

    if (brand != NULL) {
        snprintf(path, pathsz, "%s/templates/%s/%s/%s", dir, brand, lang,
                 file);
        rc = fs_read_file(path, LIMIT_TEMPLATE_BYTES, text, len);
    }
    if (rc == TOCSIN_ENOENT) {
        snprintf(path, pathsz, "%s/templates/%s/%s", dir, lang, file);
        rc = fs_read_file(path, LIMIT_TEMPLATE_BYTES, text, len);
    }
    return rc;
}

static int
notify_compile(struct notify_ctx *x, const char *brand, const char *lang,
               const char *file, int html, struct tpl **out, struct buf *why)
{
    char path[4200], *text = NULL;
    struct buf err;
    size_t len = 0;
    int rc;

    rc = notify_read(casedir_path(x->c), brand, lang, file, &text, &len, path,
                     sizeof(path));
    if (rc != TOCSIN_OK) {
        buf_setf(why, "%s: %s", path, tocsin_strerror(rc));
        return rc == TOCSIN_ENOENT ? TOCSIN_ECONFIG : rc;
    }
    buf_init(&err, 1024);
    rc = tpl_compile(text, len, html, notify_template_vars, out, &err);
    free(text);
    if (rc != TOCSIN_OK) {
        buf_setf(why, "%s: %s", path, buf_str(&err));
        rc = rc == TOCSIN_ENOMEM ? rc : TOCSIN_ECONFIG;
    } else if (strcmp(file, "subject.txt") != 0 &&
               !tpl_uses(*out, V_VERIFICATION_CODE)) {
        buf_setf(why,
                 "%s: the message does not show {{verification_code}}: "
                 "people must be able to check that it is genuine",
                 path);
        rc = TOCSIN_ECONFIG;
    }
    buf_free(&err);
    return rc;
}

static int
notify_templates(struct notify_ctx *x, struct buf *why)
{
    const struct case_config *cfg = x->cfg;
    size_t b, l;
    int rc;

    x->brands = calloc(cfg->nbrands + 1, sizeof(*x->brands));
    if (x->brands == NULL)
        return TOCSIN_ENOMEM;
    for (b = 0; b <= cfg->nbrands; b++) {
        struct nbrand *nb = &x->brands[b];
        const char *from = b < cfg->nbrands ? cfg->brands[b].from : NULL;
        const char *id = b < cfg->nbrands ? cfg->brands[b].id : NULL;

        nb->cfg = b < cfg->nbrands ? &cfg->brands[b] : NULL;
        buf_init(&nb->from_name, LIMIT_MIME_NAME + 1);
        buf_init(&nb->from_addr, LIMIT_EMAIL_ADDRESS + 1);
        if (from != NULL &&
            mime_mailbox_parse(from, strlen(from), &nb->from_name,
                               &nb->from_addr) != TOCSIN_OK) {
            buf_setf(why,
                     "case.ini: [brand %s] from is not an address tocsin "
                     "can send from",
                     id);
            return TOCSIN_ECONFIG;
        }
        for (l = 0; l < NOTIFY_LANGS; l++) {
            struct ntpl *t = &nb->t[l];

            if ((rc = notify_compile(x, id, notify_langs[l], "subject.txt", 0,
                                     &t->subject, why)) != TOCSIN_OK ||
                (rc = notify_compile(x, id, notify_langs[l], "body.txt", 0,
                                     &t->text, why)) != TOCSIN_OK ||
                (rc = notify_compile(x, id, notify_langs[l], "body.html", 1,
                                     &t->html, why)) != TOCSIN_OK)
                return rc;
        }
    }
    return TOCSIN_OK;
}

static void
notify_templates_free(struct notify_ctx *x)
{
    size_t b, l;

    if (x->brands == NULL)
        return;
    for (b = 0; b <= x->cfg->nbrands; b++) {
        for (l = 0; l < NOTIFY_LANGS; l++) {
            tpl_free(x->brands[b].t[l].subject);
            tpl_free(x->brands[b].t[l].text);
            tpl_free(x->brands[b].t[l].html);
        }
        buf_free(&x->brands[b].from_name);
        buf_free(&x->brands[b].from_addr);
    }
    free(x->brands);
}

/* ---- composing one message ---- */

void
notify_compose_init(struct ncompose *w, struct store *s)
{
    w->s = s;
    buf_init(&w->plain, SIZE_MAX);
    buf_init(&w->scratch, 4096);
    buf_init(&w->subject, LIMIT_MIME_SUBJECT * 4);
    buf_init(&w->text, LIMIT_MIME_TEXT);
    buf_init(&w->html, LIMIT_MIME_TEXT);
}

void
notify_compose_free(struct ncompose *w)
{
    buf_wipe(&w->plain);
    buf_wipe(&w->scratch);
    buf_wipe(&w->subject);
    buf_wipe(&w->text);
    buf_wipe(&w->html);
}

/* What the contact record gives a message: copies, wiped after use. */
struct ncontact {
    char name[LIMIT_MIME_NAME + 1];
    char email[LIMIT_EMAIL_ADDRESS + 1];
    char hint_email[128], hint_iban[128], hint_phone[64];
    int ok;
};

/* notify_contact_cb()'s context. */
struct ncontact_ctx {
    const struct notify_ctx *x;
    struct ncompose *w;
    struct ncontact *k;
};

/* Append p[0..len) and a space to out (at most max bytes in all). */
static void
notify_word(char *out, size_t max, const char *p, size_t len)
{
    size_t n = strlen(out);

    if (p == NULL || len == 0 || n + len + 2 > max)
        return;
    if (n > 0)
        out[n++] = ' ';
    memcpy(out + n, p, len);
    out[n + len] = '\0';
}

static int
notify_contact_cb(void *ctx, const struct store_record_view *v)
{
    const struct ncontact_ctx *cc = ctx;
    const struct notify_ctx *x = cc->x;
    struct ncompose *w = cc->w;
    struct ncontact *k = cc->k;
    struct record r;
    struct phone ph;
    int rc;

    rc = unseal_record(casedir_seal(x->c), v->id, v->sealed, v->sealed_len,
                       &w->plain, &r);
    if (rc != TOCSIN_OK)
        return rc;
    k->name[0] = '\0';
    notify_word(k->name, sizeof(k->name), r.val[FIELD_FIRST_NAME],
                r.len[FIELD_FIRST_NAME]);
    notify_word(k->name, sizeof(k->name), r.val[FIELD_INFIX],
                r.len[FIELD_INFIX]);
    notify_word(k->name, sizeof(k->name), r.val[FIELD_LAST_NAME],
                r.len[FIELD_LAST_NAME]);
    if (k->name[0] == '\0')
        notify_word(k->name, sizeof(k->name), r.val[FIELD_FULL_NAME],
                    r.len[FIELD_FULL_NAME]);
    if (r.val[FIELD_EMAIL] != NULL &&
        !(r.flags[FIELD_EMAIL] & RECORD_INVALID) &&
        r.len[FIELD_EMAIL] < sizeof(k->email)) {
        memcpy(k->email, r.val[FIELD_EMAIL], r.len[FIELD_EMAIL]);
        k->email[r.len[FIELD_EMAIL]] = '\0';
        buf_reset(&w->scratch);
        if (email_mask(k->email, strlen(k->email), &w->scratch) == TOCSIN_OK &&
            buf_len(&w->scratch) < sizeof(k->hint_email))
            str_copy(k->hint_email, sizeof(k->hint_email),
                     buf_str(&w->scratch));
        k->ok = 1;
    }
    buf_reset(&w->scratch);
    if (r.val[FIELD_IBAN] != NULL && !(r.flags[FIELD_IBAN] & RECORD_INVALID) &&
        iban_mask(r.val[FIELD_IBAN], r.len[FIELD_IBAN], &w->scratch) ==
            TOCSIN_OK &&
        buf_len(&w->scratch) < sizeof(k->hint_iban))
        str_copy(k->hint_iban, sizeof(k->hint_iban), buf_str(&w->scratch));
    buf_reset(&w->scratch);
    if (r.val[FIELD_MOBILE] != NULL &&
        !(r.flags[FIELD_MOBILE] & RECORD_INVALID) &&
        phone_normalize(r.val[FIELD_MOBILE], r.len[FIELD_MOBILE], &ph) ==
            TOCSIN_OK &&
        phone_mask(&ph, &w->scratch) == TOCSIN_OK &&
        buf_len(&w->scratch) < sizeof(k->hint_phone))
        str_copy(k->hint_phone, sizeof(k->hint_phone), buf_str(&w->scratch));
    else if (r.val[FIELD_PHONE] != NULL &&
             !(r.flags[FIELD_PHONE] & RECORD_INVALID) &&
             phone_normalize(r.val[FIELD_PHONE], r.len[FIELD_PHONE], &ph) ==
                 TOCSIN_OK &&
             (buf_reset(&w->scratch), phone_mask(&ph, &w->scratch)) ==
                 TOCSIN_OK &&
             buf_len(&w->scratch) < sizeof(k->hint_phone))
        str_copy(k->hint_phone, sizeof(k->hint_phone), buf_str(&w->scratch));
    buf_scrub(&w->scratch);
    buf_scrub(&w->plain);
    return TOCSIN_OK;
}

/* "7 februari 2026" or "7 February 2026". */
static void
notify_date(const char *iso, int en, char *out, size_t size)
{
    struct date d = {(int)strtol(iso, NULL, 10),
                     (int)strtol(iso + 5, NULL, 10),
                     (int)strtol(iso + 8, NULL, 10)};

    if (date_spell(&d, en, out, size) != TOCSIN_OK)
        str_copy(out, size, iso);
}

static struct tpl_value
notify_str(const char *s)
{
    struct tpl_value v = {s, s != NULL ? strlen(s) : 0, NULL, 0};

    return v;
}

/* Render t with d into out (replaced). */
static int
notify_render(const struct tpl *t, const struct tpl_data *d, struct buf *out)
{
    buf_reset(out);
    return tpl_render(t, d, out);
}

/* The brand's messages; the no-brand one for a brand no longer in
 * case.ini. */
static const struct nbrand *
notify_brand(const struct notify_ctx *x, const char *brand)
{
    size_t i;

    for (i = 0; i < x->cfg->nbrands; i++)
        if (strcmp(x->cfg->brands[i].id, brand) == 0)
            return &x->brands[i];
    return &x->brands[x->cfg->nbrands];
}

/* The Message-ID of message id of brand nb, without <>, into msgid; its
 * local part (before the @) into local. */
static void
notify_message_id(const struct notify_ctx *x, const struct nbrand *nb,
                  int64_t id, char local[LIMIT_MIME_ID_LOCAL + 1],
                  char msgid[NOTIFY_MSGID_MAX])
{
    snprintf(local, LIMIT_MIME_ID_LOCAL + 1, "%s.%lld", x->case_tag,
             (long long)id);
    snprintf(msgid, NOTIFY_MSGID_MAX, "%s@%s", local,
             nb->cfg != NULL ? nb->cfg->message_id_domain
                             : x->brands[0].cfg->message_id_domain);
}

/* The verification code of message id of brand: for
 * store_msg_fill_vcodes(). */
static void
notify_vcode_fn(void *ctx, int64_t id, const char *brand, unsigned char *value)
{
    struct notify_ctx *x = ctx;
    char local[LIMIT_MIME_ID_LOCAL + 1], msgid[NOTIFY_MSGID_MAX];

    notify_message_id(x, notify_brand(x, brand), id, local, msgid);
    vcode_key_value(&x->vkey, msgid, strlen(msgid), value);
}

/* The address an answer goes to: unsealed from m->box into k->email,
 * with its masked hint; k->ok when it is a valid address. */
static int
notify_answer_rcpt(const struct notify_ctx *x, struct ncompose *w,
                   const struct nmsg *m, struct ncontact *k)
{
    unsigned flags = 0;
    int rc;

    buf_reset(&w->plain);
    rc = seal_decrypt(casedir_seal(x->c), STORE_MSG_RCPT_CONTEXT, m->box,
                      m->box_len, &w->plain);
    if (rc == TOCSIN_ECRYPTO)
        return TOCSIN_OK; /* not ok: failed with a reason */
    if (rc != TOCSIN_OK)
        return rc;
    buf_reset(&w->scratch);
    if (email_normalize(buf_str(&w->plain), buf_len(&w->plain), &w->scratch,
                        &flags) == TOCSIN_OK &&
        buf_len(&w->scratch) < sizeof(k->email)) {
        memcpy(k->email, buf_str(&w->scratch), buf_len(&w->scratch) + 1);
        buf_reset(&w->scratch);
        k->hint_email[0] = '\0';
        if (email_mask(k->email, strlen(k->email), &w->scratch) == TOCSIN_OK &&
            buf_len(&w->scratch) < sizeof(k->hint_email))
            memcpy(k->hint_email, buf_str(&w->scratch),
                   buf_len(&w->scratch) + 1);
        k->ok = 1;
    }
    buf_scrub(&w->scratch);
    buf_scrub(&w->plain);
    return TOCSIN_OK;
}

/* Compose message m into m->mime, or say why not (m->reason). */
int
notify_compose(const struct notify_ctx *x, struct ncompose *w, struct nmsg *m)
{
    const struct case_config *cfg = x->cfg;
    struct ncontact k;
    const struct nbrand *nb;
    struct tpl_value top[V_COUNT], lv[CATEGORY_COUNT][V_COUNT],
        nv[16][V_COUNT];
    struct tpl_data leaked[CATEGORY_COUNT], not_taken[16], d;
    struct mime_message mm;
    char date[64], local[LIMIT_MIME_ID_LOCAL + 1], vtext[VCODE_TEXT_MAX];
    char msgid[NOTIFY_MSGID_MAX];
    const char *lang, *at, *subj;
    struct ncontact_ctx cc;
    size_t i, nl = 0, nn = 0, sl;
    int li, rc;

    m->composed = 0;
    m->reason = NULL;
    memset(&k, 0, sizeof(k));
    nb = notify_brand(x, m->brand);
    if (m->kind == STORE_MSG_ANSWER
            ? !m->has_exposure
            : !m->has_exposure || m->e.channel != ASSESS_EMAIL ||
                  m->e.contact_record == 0) {
        m->reason = "no e-mail channel for this person and brand (assess "
                    "changed since the message was queued)";
        return TOCSIN_OK;
    }
    cc.x = x;
    cc.w = w;
    cc.k = &k;
    if (m->record_id != 0) {
        struct store_record_view v;

        memset(&v, 0, sizeof(v));
        v.id = m->record_id;
        v.sealed = buf_str(&m->sealed);
        v.sealed_len = buf_len(&m->sealed);
        if ((rc = notify_contact_cb(&cc, &v)) != TOCSIN_OK)
            goto out;
    }
    if (m->kind == STORE_MSG_ANSWER) {
        /* to the address that was asked about, not the one on file */
        k.ok = 0;
        if ((rc = notify_answer_rcpt(x, w, m, &k)) != TOCSIN_OK)
            goto out;
        if (!k.ok) {
            m->reason = "the address asked about cannot be read";
            goto out;
        }
    } else if (!k.ok) {
        m->reason = "the contact record holds no valid e-mail address";
        goto out;
    }
    at = strrchr(k.email, '@');
    str_copy(m->domain, sizeof(m->domain), at != NULL ? at + 1 : "");
    str_copy(m->rcpt_mask, sizeof(m->rcpt_mask), k.hint_email);
    for (i = 0; k.email[i] != '\0'; i++) {
        if ((unsigned char)k.email[i] >= 0x80) {
            /* RFC 6531 would need SMTPUTF8 of every relay on the way,
             * and an IDN domain its A-label (IDNA2008) */
            m->reason = "an international address (UTF-8): it needs "
                        "SMTPUTF8, which tocsin does not send; reach this "
                        "person by letter";
            goto out;
        }
    }
    lang = strcmp(m->e.language, "en") == 0 ? "en" : "nl";
    li = lang[0] == 'e';

    /* the verification code: of the Message-ID; the journal has it from
     * the queue, unless the brand's domain changed since */
    notify_message_id(x, nb, m->id, local, msgid);
    vcode_key_value(&x->vkey, msgid, strlen(msgid), m->vcode);
    vcode_format(m->vcode, vtext);
    m->vcode_new = !m->has_vcode ||
                   memcmp(m->vcode, m->stored_vcode, sizeof(m->vcode)) != 0;

    memset(top, 0, sizeof(top));
    top[V_NAME] = notify_str(k.name[0] ? k.name : (li ? "customer" : "klant"));
    top[V_BRAND] = notify_str(nb->cfg != NULL ? nb->cfg->display_name
                                              : cfg->organisation);
    top[V_ORGANISATION] = notify_str(cfg->organisation);
    notify_date(cfg->occurred, li, date, sizeof(date));
    top[V_INCIDENT_DATE] = notify_str(date);
    for (i = 0; i < CATEGORY_COUNT; i++) {
        const char *hint = NULL;

        if (!(m->e.categories & (1u << i)))
            continue;
        memset(lv[nl], 0, sizeof(lv[nl]));
        lv[nl][V_LABEL] =
            notify_str(category_label(category_name((enum category)i), lang));
        if (i == CATEGORY_EMAIL)
            hint = k.hint_email;
        else if (i == CATEGORY_IBAN)
            hint = k.hint_iban;
        else if (i == CATEGORY_PHONE)
            hint = k.hint_phone;
        lv[nl][V_HINT] = notify_str(hint != NULL && hint[0] ? hint : NULL);
        leaked[nl].values = lv[nl];
        leaked[nl].count = V_COUNT;
        nl++;
    }
    top[V_LEAKED].items = leaked;
    top[V_LEAKED].nitems = nl;
    for (i = 0; i < cfg->not_taken.count && nn < 16; i++) {
        memset(nv[nn], 0, sizeof(nv[nn]));
        nv[nn][V_LABEL] =
            notify_str(category_label(cfg->not_taken.items[i], lang));
        not_taken[nn].values = nv[nn];
        not_taken[nn].count = V_COUNT;
        nn++;
    }
    top[V_NOT_TAKEN].items = not_taken;
    top[V_NOT_TAKEN].nitems = nn;
    if (m->e.categories & (1u << CATEGORY_IBAN))
        top[V_ADVICE_IBAN] = notify_str("1");
    if (m->e.categories & (1u << CATEGORY_ID_DOCUMENT))
        top[V_ADVICE_ID_DOCUMENT] = notify_str("1");
    if (m->e.categories & (1u << CATEGORY_NATIONAL_ID))
        top[V_ADVICE_NATIONAL_ID] = notify_str("1");
    if (m->e.categories & (1u << CATEGORY_BIRTH_DATE))
        top[V_ADVICE_BIRTH_DATE] = notify_str("1");
    if (m->e.flags & ASSESS_F_GUARDIAN)
        top[V_MINOR] = notify_str("1");
    if (m->e.flags & ASSESS_F_EX_CUSTOMER)
        top[V_EX_CUSTOMER] = notify_str("1");
    top[V_MEASURES] = notify_str(cfg->measures);
    top[V_VERIFICATION_CODE] = notify_str(vtext);
    top[V_INFO_URL] = notify_str(nb->cfg != NULL ? nb->cfg->info_url : NULL);
    top[V_DPO_EMAIL] = notify_str(cfg->dpo_email);
    top[V_DPO_PHONE] = notify_str(cfg->dpo_phone);
    if (m->kind == STORE_MSG_ANSWER)
        top[V_ANSWER] = notify_str("1");
    d.values = top;
    d.count = V_COUNT;

    if ((rc = notify_render(nb->t[li].subject, &d, &w->subject)) !=
            TOCSIN_OK ||
        (rc = notify_render(nb->t[li].text, &d, &w->text)) != TOCSIN_OK ||
        (rc = notify_render(nb->t[li].html, &d, &w->html)) != TOCSIN_OK)
        goto out;
    /* the subject: one line, without the template's line break */
    sl = buf_len(&w->subject);
    while (sl > 0 && (buf_str(&w->subject)[sl - 1] == '\n' ||
                      buf_str(&w->subject)[sl - 1] == '\r'))
        sl--;
    buf_truncate(&w->subject, sl);
    subj = buf_str(&w->subject);
    if (memchr(subj, '\n', sl) != NULL || memchr(subj, '\r', sl) != NULL) {
        m->reason = "the subject is more than one line";
        goto out;
    }
    memset(&mm, 0, sizeof(mm));
    mm.from.name = buf_str(&nb->from_name);
    mm.from.addr = buf_len(&nb->from_addr) > 0
                       ? buf_str(&nb->from_addr)
                       : buf_str(&x->brands[0].from_addr);
    mm.reply_to.addr = nb->cfg != NULL ? nb->cfg->reply_to : NULL;
    mm.to.name = k.name;
    mm.to.addr = k.email;
    mm.subject = subj;
    mm.message_id_local = local;
    mm.message_id_domain = strchr(msgid, '@') + 1;
    mm.language = lang;
    mm.verification = vtext;
    mm.date = time(NULL);
    mm.date_zone = x->zone;
    mm.text = buf_str(&w->text);
    mm.text_len = buf_len(&w->text);
    mm.html = buf_str(&w->html);
    mm.html_len = buf_len(&w->html);
    buf_reset(&m->mime);
    rc = mime_write(&mm, &m->mime);
    if (rc == TOCSIN_EINVAL || rc == TOCSIN_EFORMAT) {
        /* e.g. an address with UTF-8, which needs SMTPUTF8 */
        m->reason = "the address or name cannot be written in a message";
        rc = TOCSIN_OK;
        goto out;
    }
    if (rc == TOCSIN_OK) {
        buf_reset(&m->subject_box);
        rc = seal_encrypt(casedir_seal(x->c), STORE_MSG_SUBJECT_CONTEXT, subj,
                          sl, &m->subject_box);
    }
    if (rc == TOCSIN_OK) {
        m->composed = 1;
        str_copy(m->rcpt, sizeof(m->rcpt), k.email);
        m->mail_from = mm.from.addr;
    }
out:
    buf_scrub(&w->subject);
    buf_scrub(&w->text);
    buf_scrub(&w->html);
    sodium_memzero(&k, sizeof(k));
    return rc;
}

/* ---- the Maildir ---- */

static int
notify_mkdirs(const char *dir)
{
    static const char *const sub[] = {"", "/tmp", "/new", "/cur"};
    char path[4200];
    size_t i;

    for (i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s%s", dir, sub[i]);
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return TOCSIN_EIO;
    }
    return TOCSIN_OK;
}

/* Write m into the Maildir's tmp/NAME (not yet synced: see
 * notify_publish). */
static int
notify_maildir(struct notify_ctx *x, const struct nmsg *m)
{
    char tmp[4300];
    const char *p = buf_str(&m->mime);
    size_t i, n = buf_len(&m->mime), start = 0;
    int fd, rc = TOCSIN_OK;

    /* Maildir files use the local line end: LF */
    buf_reset(&x->file);
    for (i = 0; i + 1 < n; i++) {
        if (p[i] == '\r' && p[i + 1] == '\n') {
            if (buf_append(&x->file, p + start, i - start) != TOCSIN_OK)
                return TOCSIN_ENOMEM;
            start = i + 1;
        }
    }
    if (buf_append(&x->file, p + start, n - start) != TOCSIN_OK)
        return TOCSIN_ENOMEM;
    snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%lld.tocsin", x->maildir,
             x->case_tag, (long long)m->id);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return TOCSIN_EIO;
    for (i = 0; i < buf_len(&x->file);) {
        ssize_t w = write(fd, buf_str(&x->file) + i, buf_len(&x->file) - i);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = TOCSIN_EIO;
            break;
        }
        i += (size_t)w;
    }
    if (close(fd) != 0 && rc == TOCSIN_OK)
        rc = TOCSIN_EIO;
    if (rc != TOCSIN_OK)
        unlink(tmp);
    buf_scrub(&x->file);
    return rc;
}

/* Make the batch's files in tmp/ durable with one syncfs(), then move
 * them to new/ and sync that directory: two syncs per batch instead of
 * one per message. ok[i] says which were written. */
static int
notify_publish(struct notify_ctx *x, const struct nmsg *m, const int *ok,
               size_t n)
{
    char tmp[4300], dst[4300];
    size_t i;
    int fd, rc = TOCSIN_OK;

    snprintf(tmp, sizeof(tmp), "%s/tmp", x->maildir);
    if ((fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return TOCSIN_EIO;
    if (syncfs(fd) != 0)
        rc = TOCSIN_EIO;
    close(fd);
    for (i = 0; i < n && rc == TOCSIN_OK; i++) {
        if (!ok[i])
            continue;
        snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%lld.tocsin", x->maildir,
                 x->case_tag, (long long)m[i].id);
        snprintf(dst, sizeof(dst), "%s/new/%s.%lld.tocsin", x->maildir,
                 x->case_tag, (long long)m[i].id);
        if (rename(tmp, dst) != 0)
            rc = TOCSIN_EIO;
    }
    snprintf(dst, sizeof(dst), "%s/new", x->maildir);
    if (rc == TOCSIN_OK)
        rc = fs_sync_dir(dst);
    return rc;
}

/* ---- the run ---- */

struct nbatch {
    struct nmsg *m;
    size_t n, max;
};

void
notify_msg_init(struct nmsg *m)
{
    buf_init(&m->mime, 8u * LIMIT_MIME_TEXT);
    buf_init(&m->subject_box, 4u * LIMIT_MIME_SUBJECT);
    buf_init(&m->sealed, LIMIT_SEAL_PLAIN + 64);
}

void
notify_msg_free(struct nmsg *m)
{
    sodium_memzero(m->rcpt, sizeof(m->rcpt));
    buf_wipe(&m->mime);
    buf_free(&m->subject_box);
    buf_free(&m->sealed);
}

int
notify_take(struct nmsg *m, const struct store_msg *sm)
{
    m->id = sm->id;
    m->person = sm->person_id;
    m->attempts = sm->attempts;
    str_copy(m->brand, sizeof(m->brand), sm->brand);
    m->kind = sm->kind;
    m->jstate = sm->state;
    str_copy(m->jdomain, sizeof(m->jdomain),
             sm->domain != NULL ? sm->domain : "");
    m->has_vcode = sm->vcode != NULL;
    if (m->has_vcode)
        memcpy(m->stored_vcode, sm->vcode, sizeof(m->stored_vcode));
    m->box_len = 0;
    if (sm->rcpt != NULL && sm->rcpt_len <= sizeof(m->box)) {
        memcpy(m->box, sm->rcpt, sm->rcpt_len);
        m->box_len = sm->rcpt_len;
    }
    m->composed = 0;
    m->reason = NULL;
    m->domain[0] = '\0';
    m->rcpt_mask[0] = '\0';
    m->has_exposure = sm->has_exposure;
    m->record_id = 0;
    buf_reset(&m->sealed);
    if (!sm->has_exposure)
        return TOCSIN_OK;
    m->e = sm->e;
    str_copy(m->language, sizeof(m->language), sm->e.language);
    m->e.brand = m->brand;
    m->e.language = m->language;
    if (sm->sealed == NULL)
        return TOCSIN_OK;
    m->record_id = sm->record_id;
    return buf_append(&m->sealed, sm->sealed, sm->sealed_len);
}

void
notify_inflight(struct store_msg_update *u, const struct nmsg *m)
{
    u->state = STORE_MSG_IN_FLIGHT;
    u->domain = m->domain;
    if (m->vcode_new) {
        u->vcode = m->vcode;
        u->vcode_len = sizeof(m->vcode);
    }
    u->rcpt_mask = m->rcpt_mask[0] ? m->rcpt_mask : NULL;
    u->subject = buf_str(&m->subject_box);
    u->subject_len = buf_len(&m->subject_box);
}

static int
notify_due_cb(void *ctx, const struct store_msg *sm)
{
    struct nbatch *b = ctx;

    if (b->n == b->max)
        return 0;
    return notify_take(&b->m[b->n++], sm);
}

void
notify_progress_note(struct notify_ctx *x)
{
    const struct notify_result *r = x->res;

    progress_note(x->prog, "%llu deferred, %llu failed, %llu uncertain",
                  (unsigned long long)r->deferred,
                  (unsigned long long)r->failed,
                  (unsigned long long)r->uncertain_now);
}

/* Begin a write transaction on the case. Another process may write it for
 * a while (the web service indexing millions of records at its start):
 * notify waits for it rather than stop, up to NOTIFY_BUSY_MAX seconds. */
int
notify_begin(struct store *s)
{
    double t0 = 0;
    int rc;

    while ((rc = store_begin(s)) == TOCSIN_EBUSY) {
        if (t0 == 0) {
            t0 = clock_now();
            log_warn("notify: another process is writing the case: notify "
                     "waits for it (up to %d s)",
                     NOTIFY_BUSY_MAX);
        } else if (clock_now() - t0 > NOTIFY_BUSY_MAX) {
            return rc;
        }
    }
    if (rc == TOCSIN_OK && t0 != 0)
        log_info("notify: the case is free again after %.0f s",
                 clock_now() - t0);
    return rc;
}

/* Commit n updates in one transaction. */
int
notify_journal(struct store *s, const struct store_msg_update *u, size_t n)
{
    int rc;

    if (n == 0)
        return TOCSIN_OK;
    if ((rc = notify_begin(s)) != TOCSIN_OK)
        return rc;
    if ((rc = store_msg_update(s, u, n)) != TOCSIN_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s);
}

/* One batch: compose, mark in flight (committed), deliver, record. */
static int
notify_batch(struct notify_ctx *x, struct nbatch *b,
             struct store_msg_update *u, double t0, struct progress *prog)
{
    const struct notify_options *o = x->o;
    size_t i, n = 0, written = 0;
    int rc;

    for (i = 0; i < b->n; i++) {
        struct nmsg *m = &b->m[i];

        if ((rc = notify_compose(x, &x->w, m)) != TOCSIN_OK)
            return rc;
        x->res->composed += m->composed;
        if (o->dry_run)
            continue;
        memset(&u[n], 0, sizeof(u[n]));
        u[n].id = m->id;
        u[n].attempts = m->attempts + 1;
        if (m->composed) {
            notify_inflight(&u[n], m);
        } else {
            u[n].state = STORE_MSG_FAILED;
            u[n].reply = m->reason;
            x->res->failed++;
        }
        n++;
    }
    if (o->dry_run)
        return TOCSIN_OK;
    /* in flight, durably, before any byte is handed over */
    if ((rc = notify_journal(x->s, u, n)) != TOCSIN_OK)
        return rc;
    for (i = 0; i < b->n; i++) {
        struct nmsg *m = &b->m[i];

        x->ok[i] = 0;
        if (!m->composed)
            continue;
        if (o->rate > 0) {
            double due = t0 + (double)(x->res->sent + written) / o->rate,
                   wait = due - clock_now();

            if (wait > 0) {
                struct timespec ts = {
                    (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};

                nanosleep(&ts, NULL);
            }
        }
        if ((rc = notify_maildir(x, m)) != TOCSIN_OK)
            break;
        x->ok[i] = 1;
        written++;
    }
    if (rc == TOCSIN_OK)
        rc = notify_publish(x, b->m, x->ok, b->n);
    for (i = 0, n = 0; i < b->n; i++) {
        struct nmsg *m = &b->m[i];

        if (!m->composed)
            continue;
        memset(&u[n], 0, sizeof(u[n]));
        u[n].id = m->id;
        u[n].attempts = m->attempts + 1;
        if (rc == TOCSIN_OK && x->ok[i]) {
            x->res->sent++;
            u[n].state = STORE_MSG_ACCEPTED;
            u[n].code = 250;
            u[n].reply = "delivered into the Maildir";
        } else {
            u[n].state = STORE_MSG_DEFERRED;
            u[n].next_at = (int64_t)time(NULL) + 60;
            u[n].reply = "could not write into the Maildir";
        }
        n++;
    }
    if (rc != TOCSIN_OK) {
        /* record what was done, then stop: the Maildir is unwritable */
        (void)notify_journal(x->s, u, n);
        return rc;
    }
    rc = notify_journal(x->s, u, n);
    notify_progress_note(x);
    progress_update(prog, x->res->sent + x->res->failed);
    return rc;
}

/* The vcode key: from the case key's code subkey, for this use only. */
static void
notify_vkey(struct notify_ctx *x)
{
    static const char label[] = "tocsin verification code key 1";
    unsigned char mac[32];

    seal_code_mac(casedir_seal(x->c), label, sizeof(label) - 1, mac);
    vcode_key_init(&x->vkey, mac);
    sodium_memzero(mac, sizeof(mac));
}

int
notify_run(struct casedir *c, const struct notify_options *o,
           struct notify_result *res, struct buf *summary, struct buf *why)
{
    struct notify_ctx x;
    struct store_queue queue;
    struct nbatch b;
    struct store_msg_update *u = NULL;
    struct progress *prog = NULL;
    struct buf meta;
    struct tm tm;
    time_t now = time(NULL);
    double t0 = clock_now();
    int64_t cursor = 0;
    uint64_t vfilled = 0;
    int lockfd = -1;
    char lockpath[4200];
    size_t i;
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&x, 0, sizeof(x));
    memset(&b, 0, sizeof(b));
    memset(&queue, 0, sizeof(queue));
    x.c = c;
    x.cfg = casedir_config(c);
    x.s = casedir_store(c);
    x.o = o;
    x.res = res;
    buf_init(&meta, 1u << 20);
    notify_compose_init(&x.w, x.s);
    buf_init(&x.file, 8u * LIMIT_MIME_TEXT);
    localtime_r(&now, &tm);
    x.zone = (int)(tm.tm_gmtoff / 60);
    notify_vkey(&x);

    /* One sender per case: what is in flight when the lock is ours
     * belongs to a sender that died (the kernel drops its lock). */
    snprintf(lockpath, sizeof(lockpath), "%s/notify.lock", casedir_path(c));
    lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) != 0 &&
        errno == EWOULDBLOCK) {
        buf_setf(why, "another tocsin notify (or the delivery of tocsin "
                      "serve) is sending from this case: wait for it to "
                      "end");
        rc = TOCSIN_EBUSY;
        goto out;
    }
    if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        buf_setf(why, "cannot lock %s: %s", lockpath, strerror(errno));
        rc = TOCSIN_EIO;
        goto out;
    }
    rc = store_meta_get(x.s, "assess", &meta);
    if (rc == TOCSIN_ENOENT) {
        buf_setf(why, "the case is not assessed: run 'tocsin assess'");
        goto out;
    }
    if (rc != TOCSIN_OK)
        goto dberr;
    buf_reset(&meta);
    if ((rc = store_meta_get(x.s, "case_id", &meta)) != TOCSIN_OK)
        goto dberr;
    snprintf(x.case_tag, sizeof(x.case_tag), "%.16s", buf_str(&meta));
    if (o->maildir != NULL)
        str_copy(x.maildir, sizeof(x.maildir), o->maildir);
    else
        snprintf(x.maildir, sizeof(x.maildir), "%s/maildir", casedir_path(c));
    if (!o->dry_run && notify_mkdirs(x.maildir) != TOCSIN_OK) {
        buf_setf(why, "cannot make the Maildir: %s", strerror(errno));
        rc = TOCSIN_EIO;
        goto out;
    }
    if ((rc = notify_templates(&x, why)) != TOCSIN_OK)
        goto out;

    /* the journal: new messages; what a dead sender left in flight. Over
     * SMTP the first queue goes in parts: the journal thread queues the
     * rest while the first are sent. */
    queue.channel = ASSESS_EMAIL;
    queue.skip_flags = ASSESS_F_PERSONAL;
    queue.vfn = notify_vcode_fn;
    queue.ctx = &x;
    queue.done = o->answers_only;
    if (!queue.done)
        x.queue = &queue;
    if ((rc = notify_begin(x.s)) != TOCSIN_OK ||
        (rc = store_msg_queue(
             x.s, &queue,
             o->smtp != NULL && !o->dry_run ? NOTIFY_QUEUE_PART : 0)) !=
            TOCSIN_OK ||
        (rc = store_msg_fill_vcodes(x.s, notify_vcode_fn, &x, &vfilled)) !=
            TOCSIN_OK ||
        (rc = store_msg_move(x.s, STORE_MSG_IN_FLIGHT, STORE_MSG_UNCERTAIN,
                             &res->uncertain)) != TOCSIN_OK ||
        (o->resend_uncertain &&
         (rc = store_msg_move(x.s, STORE_MSG_UNCERTAIN, STORE_MSG_QUEUED,
                              &res->requeued)) != TOCSIN_OK) ||
        (rc = store_commit(x.s)) != TOCSIN_OK) {
        store_rollback(x.s);
        goto dberr;
    }
    res->queued_new = queue.added;
    if (res->uncertain > 0)
        log_info("notify: %llu messages were in flight when a sender "
                 "stopped: possibly delivered",
                 (unsigned long long)res->uncertain);

    b.max = NOTIFY_BATCH;
    b.m = calloc(b.max, sizeof(*b.m));
    u = calloc(b.max, sizeof(*u));
    if (b.m == NULL || u == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    for (i = 0; i < b.max; i++)
        notify_msg_init(&b.m[i]);
    if ((rc = store_msg_counts(x.s, res->counts)) != TOCSIN_OK)
        goto dberr;
    prog = o->progress ? progress_start("notify: sending",
                                        res->counts[STORE_MSG_QUEUED] +
                                            res->counts[STORE_MSG_DEFERRED] +
                                            queue.left)
                       : NULL;
    x.prog = prog;
    progress_lines(prog, 5);
    notify_progress_note(&x);
    if (o->smtp != NULL && !o->dry_run) {
        rc = notify_smtp(&x, prog, why);
        res->queued_new = queue.added;
        if (rc == TOCSIN_EDB)
            goto dberr;
        if (rc != TOCSIN_OK)
            goto out;
    }
    while (o->smtp == NULL || o->dry_run) {
        uint64_t done =
            res->sent + res->failed + (o->dry_run ? res->composed : 0);
        size_t want = b.max;

        if (o->stop != NULL && *o->stop) {
            res->stopped = 1;
            break;
        }
        if (o->limit > 0) {
            if (done >= o->limit)
                break;
            if (o->limit - done < want)
                want = (size_t)(o->limit - done);
        }
        b.n = 0;
        b.max = want;
        rc = store_msg_due(x.s, (int64_t)time(NULL), cursor,
                           o->answers_only ? STORE_MSG_ANSWER : -1, want,
                           notify_due_cb, &b);
        b.max = NOTIFY_BATCH;
        if (rc != TOCSIN_OK)
            goto dberr;
        if (b.n == 0)
            break;
        cursor = b.m[b.n - 1].id;
        rc = notify_batch(&x, &b, u, t0, prog);
        if (rc == TOCSIN_EDB)
            goto dberr;
        if (rc != TOCSIN_OK) {
            buf_setf(why, "%s",
                     rc == TOCSIN_EIO ? "cannot write into the Maildir"
                                      : tocsin_strerror(rc));
            goto out;
        }
        if (o->dry_run)
            break; /* nothing changes in the journal: one batch shows it */
    }
    if ((rc = store_msg_counts(x.s, res->counts)) != TOCSIN_OK)
        goto dberr;
    res->seconds = clock_now() - t0;
    if (summary != NULL &&
        buf_printf(summary,
                   ",\"notify\":{\"queued_new\":%llu,\"sent\":%llu,"
                   "\"failed\":%llu,\"uncertain_found\":%llu,"
                   "\"requeued\":%llu,\"queued\":%llu,\"accepted\":%llu,"
                   "\"deferred\":%llu,\"stopped\":%d}",
                   (unsigned long long)res->queued_new,
                   (unsigned long long)res->sent,
                   (unsigned long long)res->failed,
                   (unsigned long long)res->uncertain,
                   (unsigned long long)res->requeued,
                   (unsigned long long)res->counts[STORE_MSG_QUEUED],
                   (unsigned long long)res->counts[STORE_MSG_ACCEPTED],
                   (unsigned long long)res->counts[STORE_MSG_DEFERRED],
                   res->stopped) != TOCSIN_OK)
        rc = TOCSIN_ENOMEM;
    goto out;
dberr:
    buf_setf(why, "%s", store_errmsg(x.s));
out:
    progress_end(prog);
    if (b.m != NULL)
        for (i = 0; i < NOTIFY_BATCH; i++)
            notify_msg_free(&b.m[i]);
    free(b.m);
    free(u);
    notify_templates_free(&x);
    vcode_key_wipe(&x.vkey);
    buf_free(&meta);
    notify_compose_free(&x.w);
    if (lockfd >= 0)
        close(lockfd); /* and the lock with it */
    buf_wipe(&x.file);
    return rc;
}
