/*
 * serve_verify.c - "is this mail really from us?": /verify?code=... (the
 * page) and /api/verify?code=... (JSON).
 *
 * A verification code (notify/vcode.h) is read as people type it: a wrong
 * check symbol is a typo ("check the code"), not a verdict. A well-formed
 * code is looked up by its value (the messages_vcode index) and then
 * checked again against the Message-ID it must belong to, in constant
 * time: genuine only when the journal holds a message that was composed
 * with it. Genuine shows the brand, when it was sent and the masked
 * recipient (and the subject when the journal has it); the code is a
 * secret only that message held, so its holder may see that much.
 *
 * A pasted Message-ID ("<tag.id@domain>") is genuine when the tag is this
 * case's, the domain the brand's and the message was sent. Message-IDs
 * are no secret (anyone who saw one genuine message can make others), so
 * that answer shows the brand and the date only, and says that the code
 * is the proof.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "../ingest/email.h"
#include "../notify/vcode.h"
#include "../store/seal.h"
#include "../util/log.h"
#include "serve_int.h"

#define T(nl, en) SERVE_T(lang, nl, en)

enum verdict {
    V_EMPTY,      /* no code given: the form */
    V_MALFORMED,  /* neither a code nor a Message-ID */
    V_TYPO,       /* the check symbol disagrees */
    V_NOT_ISSUED, /* well-formed, but not ours */
    V_GENUINE,    /* a code of a message we composed */
    V_MSGID,      /* a Message-ID of a message we sent */
};

struct vres {
    int verdict;
    int state, kind;
    const char *brand; /* display name, borrowed from the configuration */
    char sent[32];     /* ISO 8601, or "" */
    char rcpt[LIMIT_EMAIL_ADDRESS + 8]; /* masked, or "" */
    struct buf *subject;                /* plaintext (wiped), or empty */
};

struct vctx {
    struct serve *sv;
    struct serve_ctx *x;
    const unsigned char *value;
    struct vres *r;
    int rc;
};

/* The Message-ID domain of messages of brand id (brand "": the first
 * brand's, as notify composes them). */
static const char *
serve_msgid_domain(const struct case_config *cfg, const char *brand)
{
    const struct config_brand *b = config_brand(cfg, brand);

    if (b == NULL)
        b = &cfg->brands[0];
    return b->message_id_domain;
}

static const char *
serve_brand_name(const struct case_config *cfg, const char *brand)
{
    const struct config_brand *b = config_brand(cfg, brand);

    return b != NULL ? b->display_name : cfg->organisation;
}

/* The masked recipient and the subject of message m into r. */
static int
serve_verify_details(struct serve *sv, struct serve_ctx *x,
                     const struct store_serve_msg *m, struct vres *r)
{
    int rc;

    buf_reset(&x->scratch);
    if (m->rcpt_mask != NULL) {
        /* as notify sent it */
        if ((rc = buf_appends(&x->scratch, m->rcpt_mask)) != TOCSIN_OK)
            return rc;
    } else if (m->kind == STORE_MSG_ANSWER && m->rcpt != NULL) {
        buf_scrub(&x->plain);
        rc = seal_decrypt(sv->seal, STORE_MSG_RCPT_CONTEXT, m->rcpt,
                          m->rcpt_len, &x->plain);
        if (rc == TOCSIN_OK)
            rc = email_mask(buf_str(&x->plain), buf_len(&x->plain),
                            &x->scratch);
        buf_scrub(&x->plain);
        if (rc != TOCSIN_OK)
            buf_reset(&x->scratch);
    }
    if (buf_len(&x->scratch) < sizeof(r->rcpt))
        memcpy(r->rcpt, buf_str(&x->scratch), buf_len(&x->scratch) + 1);
    buf_reset(&x->scratch);
    if (m->subject != NULL && m->subject_len > 0) {
        buf_scrub(r->subject);
        if (seal_decrypt(sv->seal, STORE_MSG_SUBJECT_CONTEXT, m->subject,
                         m->subject_len, r->subject) != TOCSIN_OK ||
            memchr(buf_str(r->subject), '\0', buf_len(r->subject)) != NULL)
            buf_scrub(r->subject);
    }
    return TOCSIN_OK;
}

/* Fill r from message m found genuine. */
static int
serve_verify_found(struct serve *sv, struct serve_ctx *x,
                   const struct store_serve_msg *m, struct vres *r,
                   int verdict)
{
    r->verdict = verdict;
    r->state = m->state;
    r->kind = m->kind;
    r->brand = serve_brand_name(sv->cfg, m->brand);
    snprintf(r->sent, sizeof(r->sent), "%.24s",
             m->sent_at != NULL ? m->sent_at : "");
    if (verdict != V_GENUINE)
        return TOCSIN_OK;
    return serve_verify_details(sv, x, m, r);
}

/* The Message-ID of message id of brand into out; its length. */
static size_t
serve_msgid(const struct serve *sv, int64_t id, const char *brand, char *out,
            size_t size)
{
    int n = snprintf(out, size, "%s.%lld@%s", sv->case_tag, (long long)id,
                     serve_msgid_domain(sv->cfg, brand));

    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static int
serve_by_vcode_cb(void *ctx, const struct store_serve_msg *m)
{
    struct vctx *v = ctx;
    char msgid[LIMIT_MIME_ID_LOCAL + LIMIT_EMAIL_DOMAIN + 2];
    size_t n;

    if (m->vcode == NULL || m->vcode_len != VCODE_VALUE_BYTES ||
        m->state == STORE_MSG_QUEUED)
        return 0; /* never composed */
    n = serve_msgid(v->sv, m->id, m->brand, msgid, sizeof(msgid));
    if (n == 0 || vcode_key_verify(&v->sv->vkey, msgid, n, v->value) != 1)
        return 0;
    v->rc = serve_verify_found(v->sv, v->x, m, v->r, V_GENUINE);
    return 1;
}

/*
 * Read a pasted Message-ID: optional "Message-ID:", blanks and <>, then
 * LOCAL@DOMAIN with LOCAL = 16 hex digits "." decimal id. 1 and *id,
 * tag, domain when it is one; 0 when not.
 */
static int
serve_parse_msgid(const char *s, size_t n, char tag[17], int64_t *id,
                  char *domain, size_t dsize)
{
    const char *at, *dot, *e = s + n;
    size_t i;
    long long v = 0;

    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    if (e - s >= 11 && strncasecmp(s, "message-id:", 11) == 0)
        s += 11;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s &&
           (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    if (e - s >= 2 && *s == '<' && e[-1] == '>') {
        s++;
        e--;
    }
    at = memchr(s, '@', (size_t)(e - s));
    if (at == NULL || memchr(at + 1, '@', (size_t)(e - at - 1)) != NULL)
        return 0;
    dot = memchr(s, '.', (size_t)(at - s));
    if (dot == NULL || dot - s != 16 || at - dot < 2 || at - dot > 19)
        return 0;
    for (i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    for (i = 1; dot + i < at; i++) {
        if (dot[i] < '0' || dot[i] > '9')
            return 0;
        v = v * 10 + (dot[i] - '0');
    }
    if ((size_t)(e - at - 1) == 0 || (size_t)(e - at - 1) >= dsize)
        return 0;
    memcpy(tag, s, 16);
    tag[16] = '\0';
    memcpy(domain, at + 1, (size_t)(e - at - 1));
    domain[e - at - 1] = '\0';
    *id = (int64_t)v;
    return 1;
}

struct mctx {
    struct serve *sv;
    struct serve_ctx *x;
    const char *domain;
    struct vres *r;
    int rc;
};

static int
serve_by_msgid_cb(void *ctx, const struct store_serve_msg *m)
{
    struct mctx *v = ctx;
    char msgid[LIMIT_MIME_ID_LOCAL + LIMIT_EMAIL_DOMAIN + 2];
    unsigned char value[VCODE_VALUE_BYTES];
    size_t n;

    if (m->sent_at == NULL || m->state == STORE_MSG_QUEUED ||
        m->vcode == NULL || m->vcode_len != VCODE_VALUE_BYTES ||
        strcasecmp(serve_msgid_domain(v->sv->cfg, m->brand), v->domain) != 0)
        return 0;
    /* the journal's code is the one of this Message-ID */
    n = serve_msgid(v->sv, m->id, m->brand, msgid, sizeof(msgid));
    if (n == 0)
        return 0;
    vcode_key_value(&v->sv->vkey, msgid, n, value);
    if (sodium_memcmp(value, m->vcode, VCODE_VALUE_BYTES) != 0)
        return 0;
    v->rc = serve_verify_found(v->sv, v->x, m, v->r, V_MSGID);
    return 0;
}

/* Decide what text is: into r. */
static int
serve_verify_run(struct serve *sv, struct serve_ctx *x, const char *text,
                 size_t len, struct vres *r)
{
    unsigned char value[VCODE_VALUE_BYTES];
    char tag[17], domain[LIMIT_EMAIL_DOMAIN + 1];
    int64_t id;
    int status = VCODE_MALFORMED, rc;

    r->verdict = V_MALFORMED;
    if (len == 0) {
        r->verdict = V_EMPTY;
        return TOCSIN_OK;
    }
    if (memchr(text, '@', len) != NULL) {
        struct mctx m = {sv, x, domain, r, TOCSIN_OK};

        if (!serve_parse_msgid(text, len, tag, &id, domain, sizeof(domain)))
            return TOCSIN_OK;
        r->verdict = V_NOT_ISSUED;
        if (sodium_memcmp(tag, sv->case_tag, 16) != 0)
            return TOCSIN_OK;
        rc = store_serve_msg(x->q, id, serve_by_msgid_cb, &m);
        if (rc == TOCSIN_ENOENT)
            return TOCSIN_OK;
        return rc != TOCSIN_OK ? rc : m.rc;
    }
    if (vcode_parse(text, len, value, &status) != TOCSIN_OK) {
        r->verdict = status == VCODE_TYPO ? V_TYPO : V_MALFORMED;
        return TOCSIN_OK;
    }
    {
        struct vctx v = {sv, x, value, r, TOCSIN_OK};

        r->verdict = V_NOT_ISSUED;
        rc = store_serve_by_vcode(x->q, value, sizeof(value),
                                  serve_by_vcode_cb, &v);
        if (rc == 1)
            rc = TOCSIN_OK;
        return rc != TOCSIN_OK ? rc : v.rc;
    }
}

static const char *const serve_verdict_names[] = {
    "empty",      "malformed", "typo",
    "not_issued", "genuine",   "genuine_message_id",
};

static int
serve_verify_json(const struct vres *r, struct buf *b)
{
    int rc;

    if ((rc = buf_printf(b, "{\"result\":\"%s\"",
                         serve_verdict_names[r->verdict])) != TOCSIN_OK)
        return rc;
    if (r->verdict == V_GENUINE || r->verdict == V_MSGID) {
        if ((rc = buf_appends(b, ",\"brand\":\"")) != TOCSIN_OK ||
            (rc = serve_json(b, r->brand)) != TOCSIN_OK ||
            (rc = buf_appends(b, "\",\"sent_at\":\"")) != TOCSIN_OK ||
            (rc = serve_json(b, r->sent)) != TOCSIN_OK ||
            (rc = buf_printf(b, "\",\"state\":\"%s\",\"kind\":\"%s\"",
                             store_msg_state_name(r->state),
                             r->kind == STORE_MSG_ANSWER ? "answer"
                                                         : "notice")) !=
                TOCSIN_OK)
            return rc;
    }
    if (r->verdict == V_GENUINE && r->rcpt[0] != '\0' &&
        ((rc = buf_appends(b, ",\"recipient\":\"")) != TOCSIN_OK ||
         (rc = serve_json(b, r->rcpt)) != TOCSIN_OK ||
         (rc = buf_appendc(b, '"')) != TOCSIN_OK))
        return rc;
    if (r->verdict == V_GENUINE && buf_len(r->subject) > 0 &&
        ((rc = buf_appends(b, ",\"subject\":\"")) != TOCSIN_OK ||
         (rc = serve_json(b, buf_str(r->subject))) != TOCSIN_OK ||
         (rc = buf_appendc(b, '"')) != TOCSIN_OK))
        return rc;
    return buf_appends(b, "}\n");
}

/* <dt>k</dt><dd>v (escaped)</dd> */
static int
serve_fact(struct buf *b, const char *k, const char *v)
{
    int rc;

    if ((rc = buf_printf(b, "<dt>%s</dt><dd>", k)) != TOCSIN_OK ||
        (rc = serve_html(b, v)) != TOCSIN_OK)
        return rc;
    return buf_appends(b, "</dd>");
}

static int
serve_verify_html(struct serve *sv, const struct vres *r, int lang,
                  const char *typed, struct buf *b)
{
    char date[64];
    int rc;

    serve_date(r->sent, lang, date, sizeof(date));
    if ((rc = serve_page_begin(sv, b, lang,
                               T("Bericht controleren", "Check a message"),
                               "/verify")) != TOCSIN_OK ||
        (rc = buf_printf(b, "<h1>%s</h1>\n",
                         T("Is dit bericht echt van ons?",
                           "Is this message really from us?"))) != TOCSIN_OK)
        return rc;
    switch (r->verdict) {
    case V_EMPTY:
        rc = buf_printf(b, "<p>%s</p>\n",
                        T("Vul de controlecode uit het bericht in. Je vindt "
                          "hem onder \xe2\x80\x9cIs dit bericht echt?"
                          "\xe2\x80\x9d.",
                          "Enter the verification code from the message. "
                          "You find it under \xe2\x80\x9cIs this message "
                          "genuine?\xe2\x80\x9d."));
        break;
    case V_GENUINE:
        if ((rc = buf_printf(b,
                             "<section class=\"verdict genuine\"><h2>%s</h2>"
                             "<dl class=\"facts\">",
                             T("Echt: dit bericht is van ons",
                               "Genuine: this message is from us"))) !=
                TOCSIN_OK ||
            (rc = serve_fact(b, T("Verstuurd op", "Sent on"), date)) !=
                TOCSIN_OK ||
            (rc = serve_fact(b, T("Door", "By"), r->brand)) != TOCSIN_OK ||
            (r->rcpt[0] != '\0' &&
             (rc = serve_fact(b, T("Aan", "To"), r->rcpt)) != TOCSIN_OK) ||
            (buf_len(r->subject) > 0 &&
             (rc = serve_fact(b, T("Onderwerp", "Subject"),
                              buf_str(r->subject))) != TOCSIN_OK) ||
            (rc = buf_printf(
                 b, "</dl><p>%s</p>%s%s%s</section>\n",
                 T("Klopt iets hiervan niet met het bericht dat je hebt "
                   "(een ander adres, onderwerp of datum)? Behandel het dan "
                   "als phishing.",
                   "Does any of this differ from the message you have "
                   "(another "
                   "address, subject or date)? Then treat it as phishing."),
                 r->kind == STORE_MSG_ANSWER ? "<p>" : "",
                 r->kind == STORE_MSG_ANSWER
                     ? T("Dit is ons antwoord op de vraag \xe2\x80\x9c"
                         "Ben ik getroffen?\xe2\x80\x9d.",
                         "This is our answer to the question \xe2\x80\x9c"
                         "Am I affected?\xe2\x80\x9d.")
                     : "",
                 r->kind == STORE_MSG_ANSWER ? "</p>" : "")) != TOCSIN_OK)
            return rc;
        break;
    case V_MSGID:
        if ((rc = buf_printf(
                 b,
                 "<section class=\"verdict notice\"><h2>%s</h2>"
                 "<dl class=\"facts\">",
                 T("Deze Message-ID hoort bij een bericht van ons",
                   "This Message-ID belongs to a message from us"))) !=
                TOCSIN_OK ||
            (rc = serve_fact(b, T("Verstuurd op", "Sent on"), date)) !=
                TOCSIN_OK ||
            (rc = serve_fact(b, T("Door", "By"), r->brand)) != TOCSIN_OK ||
            (rc = buf_printf(
                 b, "</dl><p>%s</p></section>\n",
                 T("Let op: wie een echt bericht heeft gezien, kan een "
                   "Message-ID namaken. Het bewijs is de controlecode in het "
                   "bericht: vul die hieronder in.",
                   "Note: anyone who has seen a genuine message can copy a "
                   "Message-ID. The proof is the verification code in the "
                   "message: enter it below."))) != TOCSIN_OK)
            return rc;
        break;
    case V_NOT_ISSUED:
        rc = buf_printf(
            b,
            "<section class=\"verdict phishing\"><h2>%s</h2><p>%s</p>"
            "<ul><li>%s</li><li>%s</li><li>%s</li></ul></section>\n",
            T("Niet van ons: deze code hebben wij niet uitgegeven",
              "Not from us: we did not issue this code"),
            T("Behandel het bericht als phishing.",
              "Treat the message as phishing."),
            T("Klik niet op links, open geen bijlagen en antwoord niet. Geef "
              "nooit codes, wachtwoorden of bankgegevens.",
              "Do not click links, open attachments or reply. Never give "
              "codes, passwords or bank details."),
            T("Stuur het bericht door naar valse-email@fraudehelpdesk.nl en "
              "verwijder het daarna.",
              "Forward the message to valse-email@fraudehelpdesk.nl, then "
              "delete it."),
            T("Heb je al gereageerd of betaald? Bel direct je bank en doe "
              "aangifte bij de politie.",
              "Did you already reply or pay? Call your bank at once and "
              "report it to the police."));
        break;
    case V_TYPO:
        rc = buf_printf(b,
                        "<section class=\"verdict typo\"><h2>%s</h2><p>%s</p>"
                        "</section>\n",
                        T("Controleer de code: er is een teken verkeerd "
                          "overgenomen",
                          "Check the code: a symbol was mistyped"),
                        T("Het laatste teken van de code klopt niet met de "
                          "rest: waarschijnlijk een typefout. Neem de code "
                          "nog eens over uit het bericht. Dit zegt nog niets "
                          "over of het bericht echt is.",
                          "The last symbol of the code does not match the "
                          "rest: most likely a typing error. Copy the code "
                          "from the message once more. This says nothing "
                          "yet about whether the message is genuine."));
        break;
    default:
        rc = buf_printf(
            b,
            "<section class=\"verdict typo\"><h2>%s</h2><p>%s</p>"
            "</section>\n",
            T("Dit is geen controlecode", "This is not a verification code"),
            T("Een controlecode heeft 17 tekens in groepjes, "
              "zoals QGKP-22AD-PBKG-RT2T-X. Je mag ook de "
              "Message-ID van het bericht plakken.",
              "A verification code has 17 symbols in groups, "
              "like QGKP-22AD-PBKG-RT2T-X. You may also paste "
              "the message's Message-ID."));
        break;
    }
    if (rc != TOCSIN_OK)
        return rc;
    if (r->verdict != V_GENUINE &&
        (rc = serve_form_verify(
             b, lang,
             r->verdict == V_TYPO || r->verdict == V_MALFORMED ? typed
                                                               : NULL)) !=
            TOCSIN_OK)
        return rc;
    return serve_page_end(sv, b, lang);
}

static const enum serve_counter serve_verdict_counter[] = {
    SC_COUNT,          SC_VERIFY_MALFORMED,
    SC_VERIFY_TYPO,    SC_VERIFY_NOT_ISSUED,
    SC_VERIFY_GENUINE, SC_VERIFY_MSGID,
};

int
serve_verify(struct serve *sv, struct serve_ctx *x, const char *query,
             size_t qlen, int lang, int json, struct serve_response *rs)
{
    struct vres r;
    struct buf subject;
    const char *typed = "";
    int found, rc;

    memset(&r, 0, sizeof(r));
    buf_init(&subject, LIMIT_MIME_SUBJECT * 4);
    r.subject = &subject;
    found = serve_param(query, qlen, "code", &x->param);
    if (found == 1) {
        typed = buf_str(&x->param);
        rc = serve_verify_run(sv, x, typed, buf_len(&x->param), &r);
    } else {
        /* absent: the form; unreadable (bad escapes, too long): not a
         * code */
        r.verdict = found == 0 ? V_EMPTY : V_MALFORMED;
        rc = TOCSIN_OK;
    }
    if (rc != TOCSIN_OK)
        goto out;
    if (serve_verdict_counter[r.verdict] != SC_COUNT)
        serve_count(sv, serve_verdict_counter[r.verdict]);
    if (json && r.verdict == V_EMPTY) {
        serve_page_error(sv, 400, lang, 1, rs);
        goto out;
    }
    rs->status = 200;
    if (json) {
        rs->content_type = "application/json";
        rc = serve_verify_json(&r, &rs->body);
    } else {
        rc = serve_verify_html(sv, &r, lang, typed, &rs->body);
    }
out:
    buf_wipe(&subject);
    buf_scrub(&x->param);
    return rc;
}
