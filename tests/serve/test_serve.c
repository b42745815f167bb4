/* Tests of the web service (serve/): the handlers called in-process on a
 * small case made through the store: verification (genuine, typo, forged,
 * malformed, Message-ID), "am I affected?" (the same answer for an address
 * in the data and one that is not, the answer queued and delivered only
 * for the first, the rate limits), the information page, the dashboard's
 * and /metrics' token, routing, limits and headers, and the request
 * parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "assess/assess.h"
#include "ingest/email.h"
#include "notify/vcode.h"
#include "serve/serve.h"
#include "serve/serve_int.h"
#include "store/casedir.h"
#include "store/seal.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/limits.h"
#include "util/log.h"

/* The case: person 1 (record 1, Odido, alice@example.org) got notice 1,
 * person 2 (record 2, Ben, bob@example.org) none (letter channel), and
 * notice 3 of person 3 (Odido) is still queued (never composed). */
struct fixture {
    char root[64];
    char dir[128];
    struct serve *sv;
    char code[VCODE_TEXT_MAX]; /* of message 1 */
    char tag[17];              /* the case tag */
    char token[300];
    struct sockaddr_in peer;
};

static void
hash_email(const struct seal *seal, const char *addr, unsigned char *h)
{
    struct buf norm, key;
    unsigned flags = 0;

    buf_init(&norm, 1024);
    buf_init(&key, 1024);
    assert_int_equal(email_normalize(addr, strlen(addr), &norm, &flags), 0);
    assert_int_equal(email_key(buf_str(&norm), buf_len(&norm), &key), 0);
    seal_hash(seal, "email", buf_str(&key), buf_len(&key), h);
    buf_free(&norm);
    buf_free(&key);
}

static void
add_record(struct store *s, const struct seal *seal, int64_t id,
           int64_t source, const char *brand, const char *email,
           const char *mask)
{
    unsigned char h[SEAL_HASH_BYTES];
    struct store_record r;

    hash_email(seal, email, h);
    memset(&r, 0, sizeof(r));
    r.id = id;
    r.source_id = source;
    r.line = (uint64_t)id + 1;
    r.brand = brand;
    r.email_hash = h;
    r.email_mask = mask;
    r.sealed = "x";
    r.sealed_len = 1;
    assert_int_equal(store_record_add(s, &r), 0);
}

static void
make_case(struct fixture *f)
{
    static const char label[] = "tocsin verification code key 1";
    struct casedir *c;
    struct store *s;
    const struct seal *seal;
    struct buf why, meta, subj;
    struct store_source src = {"export.csv", NULL, "csv", 0, NULL, 0};
    struct store_person_record pr[3] = {{1, 1, 1.0}, {2, 2, 1.0}, {3, 3, 1.0}};
    struct store_exposure ex[3];
    struct store_exposed_person ep[3];
    struct store_msg_update u;
    unsigned char content[32] = {0}, mac[32], vkey[VCODE_KEY_BYTES];
    unsigned char value[VCODE_VALUE_BYTES];
    char msgid[128];
    struct store_queue q;
    int64_t sid;

    buf_init(&why, 4096);
    buf_init(&meta, 4096);
    buf_init(&subj, 4096);
    if (casedir_init(f->dir, &why) != 0)
        fail_msg("casedir_init: %s", buf_str(&why));
    assert_int_equal(casedir_open(f->dir, 0, &c, &why), 0);
    s = casedir_store(c);
    seal = casedir_seal(c);
    snprintf(f->token, sizeof(f->token), "%s", casedir_config(c)->serve_token);
    assert_true(strlen(f->token) >= 32);
    assert_int_equal(store_meta_get(s, "case_id", &meta), 0);
    snprintf(f->tag, sizeof(f->tag), "%.16s", buf_str(&meta));

    assert_int_equal(store_begin(s), 0);
    assert_int_equal(store_source_add(s, &src, &sid), 0);
    add_record(s, seal, 1, sid, "odido", "alice@example.org",
               "a***@example.org");
    add_record(s, seal, 2, sid, "ben", "Bob@Example.org", "B***@example.org");
    add_record(s, seal, 3, sid, "odido", "carol@example.org",
               "c***@example.org");
    assert_int_equal(store_source_finish(s, sid, content, 100, 3, 3, 1, "{}"),
                     0);
    assert_int_equal(store_person_records_add(s, pr, 3), 0);
    memset(ex, 0, sizeof(ex));
    memset(&q, 0, sizeof(q));
    ex[0].person_id = 1;
    ex[0].brand = "odido";
    ex[0].channel = ASSESS_EMAIL;
    ex[0].contact_record = 1;
    ex[0].risk = 3;
    ex[0].language = "nl";
    ex[1] = ex[0];
    ex[1].person_id = 2;
    ex[1].brand = "ben";
    ex[1].channel = ASSESS_LETTER;
    ex[1].contact_record = 0;
    ex[1].risk = 2;
    ex[2] = ex[0];
    ex[2].person_id = 3;
    ex[2].contact_record = 3;
    assert_int_equal(store_exposures_add(s, ex, 3), 0);
    memset(ep, 0, sizeof(ep));
    ep[0].person_id = 1;
    ep[0].risk = 3;
    ep[1].person_id = 2;
    ep[1].risk = 2;
    ep[2].person_id = 3;
    ep[2].risk = 3;
    assert_int_equal(store_exposed_persons_add(s, ep, 3), 0);
    assert_int_equal(store_meta_set(s, "assess",
                                    "{\"records\":3,\"persons\":3,"
                                    "\"notices\":2}"),
                     0);
    /* in parts of one exposure: as the first queue of a notify run */
    q.channel = ASSESS_EMAIL;
    assert_int_equal(store_msg_queue(s, &q, 1), 0);
    assert_false(q.done);
    assert_int_equal(q.added, 1);
    assert_int_equal(q.left, 1);
    while (!q.done)
        assert_int_equal(store_msg_queue(s, &q, 1), 0);
    assert_int_equal(q.added, 2); /* messages 1 (person 1), 2 (person 3) */
    assert_int_equal(q.left, 0);
    assert_int_equal(store_msg_queue(s, &q, 1), 0); /* done: nothing */
    assert_int_equal(q.added, 2);

    /* message 1: composed, sent and accepted, as notify does it */
    seal_code_mac(seal, label, sizeof(label) - 1, mac);
    memcpy(vkey, mac, VCODE_KEY_BYTES);
    snprintf(msgid, sizeof(msgid), "%s.1@mail.odido.example", f->tag);
    vcode_value(vkey, msgid, strlen(msgid), value);
    vcode_format(value, f->code);
    assert_int_equal(seal_encrypt(seal, STORE_MSG_SUBJECT_CONTEXT,
                                  "Odido: je gegevens <en> meer", 28, &subj),
                     0);
    memset(&u, 0, sizeof(u));
    u.id = 1;
    u.state = STORE_MSG_IN_FLIGHT;
    u.attempts = 1;
    u.domain = "example.org";
    u.vcode = value;
    u.vcode_len = sizeof(value);
    u.subject = buf_str(&subj);
    u.subject_len = buf_len(&subj);
    u.rcpt_mask = "a***@example.org"; /* as notify writes it */
    assert_int_equal(store_msg_update(s, &u, 1), 0);
    memset(&u, 0, sizeof(u));
    u.id = 1;
    u.state = STORE_MSG_ACCEPTED;
    u.attempts = 1;
    u.code = 250;
    assert_int_equal(store_msg_update(s, &u, 1), 0);
    assert_int_equal(store_commit(s), 0);
    sodium_memzero(vkey, sizeof(vkey));
    casedir_close(c);
    buf_free(&why);
    buf_free(&meta);
    buf_free(&subj);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct serve_options o = {0};
    struct buf why;

    assert_non_null(f);
    log_set_level(LOG_LEVEL_ERROR);
    test_tmpdir(f->root, sizeof(f->root), "serve");
    snprintf(f->dir, sizeof(f->dir), "%s/case", f->root);
    make_case(f);
    buf_init(&why, 4096);
    o.threads = 2;
    if (serve_open(f->dir, &o, &f->sv, &why) != 0)
        fail_msg("serve_open: %s", buf_str(&why));
    buf_free(&why);
    f->peer.sin_family = AF_INET;
    f->peer.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    serve_close(f->sv);
    test_rmtree(f->root);
    free(f);
    return 0;
}

/* ---- requests ---- */

static void
resp_init(struct serve_response *rs)
{
    memset(rs, 0, sizeof(*rs));
    buf_init(&rs->body, LIMIT_SERVE_PAGE);
}

/* GET target (as sent) with an optional Accept-Language. */
static void
get(struct fixture *f, const char *target, const char *al,
    struct serve_response *rs)
{
    struct serve_request rq;

    memset(&rq, 0, sizeof(rq));
    rq.method = SERVE_GET;
    rq.target = target;
    rq.target_len = strlen(target);
    rq.peer = (const struct sockaddr *)&f->peer;
    rq.accept_language = al;
    serve_handle(f->sv, &rq, rs);
}

static void
post(struct fixture *f, const char *target, const char *body,
     const struct sockaddr *peer, double now, struct serve_response *rs)
{
    struct serve_request rq;

    memset(&rq, 0, sizeof(rq));
    rq.method = SERVE_POST;
    rq.target = target;
    rq.target_len = strlen(target);
    rq.peer = peer != NULL ? peer : (const struct sockaddr *)&f->peer;
    rq.content_type = "application/x-www-form-urlencoded";
    rq.body = body;
    rq.body_len = strlen(body);
    rq.now = now;
    serve_handle(f->sv, &rq, rs);
}

static void
get_auth(struct fixture *f, const char *target, const char *auth,
         struct serve_response *rs)
{
    struct serve_request rq;

    memset(&rq, 0, sizeof(rq));
    rq.method = SERVE_GET;
    rq.target = target;
    rq.target_len = strlen(target);
    rq.authorization = auth;
    serve_handle(f->sv, &rq, rs);
}

static void
has(const struct serve_response *rs, const char *s)
{
    if (strstr(buf_str(&rs->body), s) == NULL)
        fail_msg("'%s' not in the response: %s", s, buf_str(&rs->body));
}

static void
lacks(const struct serve_response *rs, const char *s)
{
    if (strstr(buf_str(&rs->body), s) != NULL)
        fail_msg("'%s' in the response", s);
}

/* ---- verify ---- */

static void
test_verify_genuine(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    char target[128], want[512];

    resp_init(&rs);
    snprintf(target, sizeof(target), "/verify?code=%s", f->code);
    get(f, target, NULL, &rs);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    has(&rs, "verdict genuine");
    has(&rs, "<dd>Odido</dd>");
    has(&rs, "<dd>a***@example.org</dd>");
    /* the subject, escaped */
    has(&rs, "<dd>Odido: je gegevens &lt;en&gt; meer</dd>");
    lacks(&rs, "alice");

    /* lower case, spaces for dashes: the same code */
    {
        char typed[64];
        size_t i, n = 0;

        for (i = 0; f->code[i]; i++)
            typed[n++] = f->code[i] == '-' ? '+' : (char)(f->code[i] | 0x20);
        typed[n] = '\0';
        snprintf(target, sizeof(target), "/api/verify?code=%s", typed);
    }
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.content_type, "application/json");
    snprintf(want, sizeof(want),
             "{\"result\":\"genuine\",\"brand\":\"Odido\",\"sent_at\":\"%.20s"
             "\",\"state\":\"accepted\",\"kind\":\"notice\",\"recipient\":"
             "\"a***@example.org\",\"subject\":\"Odido: je gegevens <en> "
             "meer\"}\n",
             strstr(buf_str(&rs.body), "\"sent_at\":\"") + 11);
    assert_string_equal(buf_str(&rs.body), want);
    assert_int_equal(
        strlen(strstr(buf_str(&rs.body), "\"sent_at\":\"") + 11) > 20, 1);
    buf_free(&rs.body);
}

static void
test_verify_typo_forged_malformed(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    unsigned char value[VCODE_VALUE_BYTES];
    char target[128], typo[VCODE_TEXT_MAX], forged[VCODE_TEXT_MAX];

    resp_init(&rs);
    /* one symbol changed: a typo, not a verdict */
    memcpy(typo, f->code, sizeof(typo));
    typo[2] = typo[2] == 'A' ? 'B' : 'A';
    snprintf(target, sizeof(target), "/api/verify?code=%s", typo);
    get(f, target, NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"typo\"}\n");
    buf_reset(&rs.body);
    snprintf(target, sizeof(target), "/verify?code=%s&lang=en", typo);
    get(f, target, NULL, &rs);
    has(&rs, "verdict typo");
    has(&rs, "Check the code");
    has(&rs, typo); /* given back in the form, to correct */

    /* well-formed, right check symbol, but never issued */
    randombytes_buf(value, sizeof(value));
    vcode_format(value, forged);
    snprintf(target, sizeof(target), "/api/verify?code=%s", forged);
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_int_equal(rs.status, 200);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"not_issued\"}\n");
    snprintf(target, sizeof(target), "/verify?code=%s", forged);
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    has(&rs, "verdict phishing");
    has(&rs, "Niet van ons");

    buf_reset(&rs.body);
    get(f, "/api/verify?code=hello", NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"malformed\"}\n");
    buf_reset(&rs.body);
    get(f, "/api/verify?code=%ZZ", NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"malformed\"}\n");
    buf_reset(&rs.body);
    get(f, "/api/verify", NULL, &rs);
    assert_int_equal(rs.status, 400);
    buf_reset(&rs.body);
    get(f, "/verify", NULL, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "name=\"code\"");
    lacks(&rs, "verdict");
    /* the typed text is escaped when given back */
    buf_reset(&rs.body);
    get(f, "/verify?code=%3Cscript%3Ex", NULL, &rs);
    lacks(&rs, "<script>");
    has(&rs, "&lt;script&gt;x");
    buf_free(&rs.body);
}

static void
test_verify_message_id(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    char target[256];

    resp_init(&rs);
    snprintf(target, sizeof(target),
             "/api/verify?code=Message-ID%%3A+%%3C%s.1%%40mail.odido.example"
             "%%3E",
             f->tag);
    get(f, target, NULL, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "{\"result\":\"genuine_message_id\",\"brand\":\"Odido\"");
    lacks(&rs, "recipient"); /* Message-IDs are no secret */
    lacks(&rs, "subject");

    /* another case's tag, another brand's domain, a queued message, one
     * that does not exist: not ours */
    snprintf(target, sizeof(target),
             "/api/verify?code=%%3C0123456789abcdef.1%%40mail.odido.example"
             "%%3E");
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"not_issued\"}\n");
    snprintf(target, sizeof(target),
             "/api/verify?code=%s.1%%40mail.ben.example", f->tag);
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"not_issued\"}\n");
    snprintf(target, sizeof(target),
             "/api/verify?code=%s.2%%40mail.odido.example", f->tag);
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"not_issued\"}\n");
    snprintf(target, sizeof(target),
             "/api/verify?code=%s.999%%40mail.odido.example", f->tag);
    buf_reset(&rs.body);
    get(f, target, NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"not_issued\"}\n");
    /* not a Message-ID at all */
    buf_reset(&rs.body);
    get(f, "/api/verify?code=a%40b", NULL, &rs);
    assert_string_equal(buf_str(&rs.body), "{\"result\":\"malformed\"}\n");
    buf_free(&rs.body);
}

/* ---- lookup ---- */

static int
maildir_count(const char *dir)
{
    char path[256];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(path, sizeof(path), "%s/maildir/new", dir);
    d = opendir(path);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* The file of the newest message in the Maildir, read whole. */
static int
maildir_has(const char *dir, const char *needle)
{
    char path[512];
    DIR *d;
    struct dirent *e;
    int found = 0;

    snprintf(path, sizeof(path), "%s/maildir/new", dir);
    d = opendir(path);
    if (d == NULL)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        char file[1024];
        FILE *fp;
        char line[4096];

        if (e->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        fp = fopen(file, "r");
        if (fp == NULL)
            continue;
        while (fgets(line, sizeof(line), fp) != NULL)
            if (strstr(line, needle) != NULL)
                found = 1;
        fclose(fp);
    }
    closedir(d);
    return found;
}

static void
test_lookup_same_answer(void **state)
{
    struct fixture *f = *state;
    struct serve_response in, out;
    struct buf why;
    uint64_t answers = 99;
    struct sockaddr_in other = f->peer;

    resp_init(&in);
    resp_init(&out);
    buf_init(&why, 4096);
    other.sin_addr.s_addr = htonl(0xc0000202);
    /* bob is in the data (as Bob@Example.org), nobody is not */
    post(f, "/lookup", "address=bob%40example.org", (void *)&other, 0, &in);
    post(f, "/lookup", "address=nobody%40example.org", (void *)&other, 0,
         &out);
    assert_int_equal(in.status, 200);
    assert_int_equal(out.status, 200);
    assert_string_equal(buf_str(&in.body), buf_str(&out.body));
    has(&in, "Kijk in je mailbox");
    lacks(&in, "bob");
    buf_reset(&in.body);
    buf_reset(&out.body);
    post(f, "/api/lookup", "address=bob%40example.org", (void *)&other, 0,
         &in);
    post(f, "/api/lookup", "address=nobody2%40example.org", (void *)&other, 0,
         &out);
    assert_string_equal(buf_str(&in.body), buf_str(&out.body));
    assert_string_equal(buf_str(&in.body),
                        "{\"result\":\"accepted\",\"message\":\"If this "
                        "address is in the data of the breach, a message "
                        "with the details goes to it.\"}\n");

    /* the worker: two lookups of bob (one person, one brand each), none
     * for the others; the delivery puts them into the Maildir, to the
     * address typed */
    assert_int_equal(maildir_count(f->dir), 0);
    if (serve_flush(f->sv, &answers, &why) != 0)
        fail_msg("serve_flush: %s", buf_str(&why));
    assert_int_equal(answers, 2);
    assert_int_equal(maildir_count(f->dir), 2);
    assert_true(maildir_has(f->dir, "bob@example.org"));
    assert_false(maildir_has(f->dir, "nobody"));
    /* a second flush has nothing to do */
    assert_int_equal(serve_flush(f->sv, &answers, &why), 0);
    assert_int_equal(answers, 0);
    assert_int_equal(maildir_count(f->dir), 2);
    buf_free(&in.body);
    buf_free(&out.body);
    buf_free(&why);
}

static void
test_lookup_rate_limits(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    struct sockaddr_in a = f->peer, b = f->peer;
    struct sockaddr_in6 v6a, v6b, v6c;
    char body[128];
    struct buf why;
    int i;

    resp_init(&rs);
    buf_init(&why, 4096);
    a.sin_addr.s_addr = htonl(0xc6336401); /* 198.51.100.1 */
    b.sin_addr.s_addr = htonl(0xc6336402);
    /* per client: 10 an hour, then 429 with the same text */
    for (i = 0; i < 10; i++) {
        snprintf(body, sizeof(body), "address=r%d%%40example.org", i);
        buf_reset(&rs.body);
        post(f, "/lookup", body, (void *)&a, 1000, &rs);
        assert_int_equal(rs.status, 200);
    }
    buf_reset(&rs.body);
    post(f, "/lookup", "address=r10%40example.org", (void *)&a, 1000, &rs);
    assert_int_equal(rs.status, 429);
    assert_int_equal(rs.retry_after, 3600);
    has(&rs, "Kijk in je mailbox");
    /* another client is not limited; an hour later the first is again */
    buf_reset(&rs.body);
    post(f, "/lookup", "address=r11%40example.org", (void *)&b, 1000, &rs);
    assert_int_equal(rs.status, 200);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=r12%40example.org", (void *)&a, 1000 + 361,
         &rs);
    assert_int_equal(rs.status, 200);

    /* per address: 3 a day from any clients (one key for the gmail
     * spellings of one mailbox) */
    memset(&v6a, 0, sizeof(v6a));
    v6a.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8:1:2::1", &v6a.sin6_addr),
                     1);
    v6b = v6a;
    v6c = v6a;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8:1:3::1", &v6b.sin6_addr),
                     1);
    assert_int_equal(inet_pton(AF_INET6, "2001:db8:1:4::1", &v6c.sin6_addr),
                     1);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=Some.One%40gmail.com", (void *)&v6a, 1000,
         &rs);
    assert_int_equal(rs.status, 200);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=someone%2Bx%40gmail.com", (void *)&v6b, 1000,
         &rs);
    assert_int_equal(rs.status, 200);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=someone%40googlemail.com", (void *)&v6c, 1000,
         &rs);
    assert_int_equal(rs.status, 200);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=someone%40gmail.com", (void *)&b, 1000, &rs);
    assert_int_equal(rs.status, 429);

    /* IPv6: one /64 is one client */
    for (i = 0; i < 9; i++) {
        struct sockaddr_in6 x = v6a;

        x.sin6_addr.s6_addr[15] = (unsigned char)(i + 2);
        snprintf(body, sizeof(body), "address=s%d%%40example.org", i);
        buf_reset(&rs.body);
        post(f, "/lookup", body, (void *)&x, 1000, &rs);
        assert_int_equal(rs.status, 200);
    }
    buf_reset(&rs.body);
    post(f, "/lookup", "address=s99%40example.org", (void *)&v6a, 1000, &rs);
    assert_int_equal(rs.status, 429);
    buf_reset(&rs.body);
    post(f, "/lookup", "address=s98%40example.org", (void *)&v6b, 1000, &rs);
    assert_int_equal(rs.status, 200);

    /* none of these is in the data: no answers */
    {
        uint64_t answers = 9;

        assert_int_equal(serve_flush(f->sv, &answers, &why), 0);
        assert_int_equal(answers, 0);
    }
    buf_free(&rs.body);
    buf_free(&why);
}

static void
test_lookup_other_inputs(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    struct serve_request rq;
    struct sockaddr_in c = f->peer;

    resp_init(&rs);
    c.sin_addr.s_addr = htonl(0xcb007101); /* 203.0.113.1 */
    post(f, "/lookup", "address=06-12345678", (void *)&c, 0, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "Vul je e-mailadres in");
    buf_reset(&rs.body);
    post(f, "/api/lookup", "address=%2B31612345678", (void *)&c, 0, &rs);
    assert_string_equal(buf_str(&rs.body),
                        "{\"result\":\"phone_not_supported\",\"message\":"
                        "\"Answers go by e-mail only: enter an e-mail "
                        "address.\"}\n");
    buf_reset(&rs.body);
    post(f, "/lookup", "address=not+an+address", (void *)&c, 0, &rs);
    assert_int_equal(rs.status, 400);
    has(&rs, "geen geldig e-mailadres");
    buf_reset(&rs.body);
    post(f, "/lookup", "other=1", (void *)&c, 0, &rs);
    assert_int_equal(rs.status, 400);
    buf_reset(&rs.body);
    get(f, "/lookup?lang=en", NULL, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "name=\"address\"");
    has(&rs, "action=\"/lookup?lang=en\"");
    /* JSON body on the API; a multipart form: 415 */
    memset(&rq, 0, sizeof(rq));
    rq.method = SERVE_POST;
    rq.target = "/api/lookup";
    rq.target_len = 11;
    rq.peer = (void *)&c;
    rq.content_type = "application/json";
    rq.body = "{\"address\": \"json@example.org\"}";
    rq.body_len = strlen(rq.body);
    buf_reset(&rs.body);
    serve_handle(f->sv, &rq, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "\"result\":\"accepted\"");
    rq.content_type = "multipart/form-data; boundary=x";
    buf_reset(&rs.body);
    serve_handle(f->sv, &rq, &rs);
    assert_int_equal(rs.status, 415);
    /* GET is not how the API is used */
    buf_reset(&rs.body);
    get(f, "/api/lookup", NULL, &rs);
    assert_int_equal(rs.status, 405);
    assert_string_equal(rs.allow, "POST");
    buf_free(&rs.body);
}

/* ---- pages, routing, headers ---- */

struct hdrs {
    char text[4096];
};

static void
collect(void *ctx, const char *name, const char *value)
{
    struct hdrs *h = ctx;
    size_t n = strlen(h->text);

    snprintf(h->text + n, sizeof(h->text) - n, "%s: %s\n", name, value);
}

static void
test_pages_and_headers(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    struct hdrs h;
    char *big;

    resp_init(&rs);
    get(f, "/", NULL, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "<html lang=\"nl\">");
    has(&rs, "action=\"/verify\"");
    has(&rs, "action=\"/lookup?lang=nl\"");
    has(&rs, "href=\"/info/odido/nl\"");
    lacks(&rs, "<script");
    lacks(&rs, "style=");
    memset(&h, 0, sizeof(h));
    serve_headers(&rs, collect, &h);
    assert_non_null(strstr(h.text,
                           "Content-Security-Policy: default-src 'none'; "
                           "style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'\n"));
    assert_non_null(strstr(h.text, "Referrer-Policy: no-referrer\n"));
    assert_non_null(strstr(h.text, "X-Content-Type-Options: nosniff\n"));
    assert_non_null(strstr(h.text, "Cache-Control: no-store\n"));

    /* languages: Accept-Language, ?lang= first */
    buf_reset(&rs.body);
    get(f, "/", "fr-FR, en-GB;q=0.8, nl;q=0.5", &rs);
    has(&rs, "<html lang=\"en\">");
    buf_reset(&rs.body);
    get(f, "/?lang=nl", "en", &rs);
    has(&rs, "<html lang=\"nl\">");

    /* the information page from the configuration */
    buf_reset(&rs.body);
    get(f, "/info/ben/en", NULL, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "The data breach at Ben");
    has(&rs, "7 February 2026");
    has(&rs, "Attackers obtained access");
    has(&rs, "These data were NOT taken");
    has(&rs, "privacy@odido.example");
    has(&rs, "IBAN");
    buf_reset(&rs.body);
    get(f, "/info", "nl", &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "Het datalek bij Odido");
    has(&rs, "Deze gegevens zijn NIET buitgemaakt");
    buf_reset(&rs.body);
    get(f, "/info/nobody/nl", NULL, &rs);
    assert_int_equal(rs.status, 404);
    buf_reset(&rs.body);
    get(f, "/info/odido/fr", NULL, &rs);
    assert_int_equal(rs.status, 404);

    /* the style sheet: cached, CSS */
    buf_reset(&rs.body);
    get(f, "/style.css", NULL, &rs);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.content_type, "text/css; charset=utf-8");
    assert_int_equal(rs.cacheable, 1);
    has(&rs, ".verdict");

    /* routing and limits */
    buf_reset(&rs.body);
    get(f, "/nope", NULL, &rs);
    assert_int_equal(rs.status, 404);
    buf_reset(&rs.body);
    get(f, "no-slash", NULL, &rs);
    assert_int_equal(rs.status, 400);
    big = malloc(LIMIT_SERVE_TARGET + 16);
    assert_non_null(big);
    memset(big, 'a', LIMIT_SERVE_TARGET + 15);
    big[0] = '/';
    big[LIMIT_SERVE_TARGET + 1] = '\0';
    buf_reset(&rs.body);
    get(f, big, NULL, &rs);
    assert_int_equal(rs.status, 414);
    big[LIMIT_SERVE_TARGET] = '\0';
    buf_reset(&rs.body);
    get(f, big, NULL, &rs);
    assert_int_equal(rs.status, 404);
    free(big);
    {
        struct serve_request rq;

        memset(&rq, 0, sizeof(rq));
        rq.method = SERVE_OTHER;
        rq.target = "/verify";
        rq.target_len = 7;
        buf_reset(&rs.body);
        serve_handle(f->sv, &rq, &rs);
        assert_int_equal(rs.status, 405);
        assert_string_equal(rs.allow, "GET, HEAD");
        rq.method = SERVE_POST;
        rq.target = "/lookup";
        rq.body = "address=";
        rq.body_len = LIMIT_SERVE_BODY + 1;
        buf_reset(&rs.body);
        serve_handle(f->sv, &rq, &rs);
        assert_int_equal(rs.status, 413);
    }
    buf_free(&rs.body);
}

static void
test_dashboard_and_metrics(void **state)
{
    struct fixture *f = *state;
    struct serve_response rs;
    unsigned char raw[400];
    char auth[700];

    resp_init(&rs);
    get_auth(f, "/dashboard", NULL, &rs);
    assert_int_equal(rs.status, 401);
    assert_string_equal(rs.authenticate,
                        "Basic realm=\"tocsin dashboard\", charset=\"UTF-8\"");
    buf_reset(&rs.body);
    get_auth(f, "/dashboard", "Basic dGVhbTp3cm9uZw==", &rs); /* team:wrong */
    assert_int_equal(rs.status, 401);
    /* any user name, the token as password */
    snprintf((char *)raw, sizeof(raw), "team:%s", f->token);
    memcpy(auth, "Basic ", 6);
    sodium_bin2base64(auth + 6, sizeof(auth) - 6, raw, strlen((char *)raw),
                      sodium_base64_VARIANT_ORIGINAL);
    buf_reset(&rs.body);
    get_auth(f, "/dashboard?lang=en", auth, &rs);
    assert_int_equal(rs.status, 200);
    has(&rs, "Incident dashboard");
    /* the notice and the two answers of test_lookup_same_answer */
    has(&rs, "<div class=\"figure\"><b>3</b>accepted</div>");
    has(&rs, "<div class=\"figure\"><b>1</b>queued</div>");
    has(&rs, "<td>example.org</td>");
    has(&rs, "<svg class=\"chart\"");
    has(&rs, "<div class=\"figure\"><b>2</b>high risk</div>");
    has(&rs, "<div class=\"figure\"><b>1</b>medium risk</div>");
    has(&rs, "<td>Ben (answers)</td><td>0</td><td>0</td><td>2</td>");
    has(&rs, "<div class=\"figure\"><b>1</b>rejected rows</div>");
    lacks(&rs, "<script");
    lacks(&rs, "style=");

    buf_reset(&rs.body);
    get_auth(f, "/metrics", NULL, &rs);
    assert_int_equal(rs.status, 401);
    assert_string_equal(rs.authenticate, "Bearer realm=\"tocsin metrics\"");
    snprintf(auth, sizeof(auth), "Bearer %s", f->token);
    buf_reset(&rs.body);
    get_auth(f, "/metrics", auth, &rs);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.content_type,
                        "text/plain; version=0.0.4; charset=utf-8");
    has(&rs, "# TYPE tocsin_messages gauge\n");
    has(&rs, "\ntocsin_messages{state=\"accepted\"} 3\n");
    has(&rs, "\ntocsin_messages{state=\"queued\"} 1\n");
    has(&rs, "\ntocsin_messages_brand{brand=\"odido\",kind=\"notice\","
             "state=\"accepted\"} 1\n");
    has(&rs, "\ntocsin_ingest_rows{result=\"rejected\"} 1\n");
    has(&rs, "\ntocsin_messages_brand{brand=\"ben\",kind=\"answer\","
             "state=\"accepted\"} 2\n");
    has(&rs, "\ntocsin_exposed_persons{risk=\"high\"} 2\n");
    has(&rs, "\ntocsin_serve_verify_total{result=\"genuine\"} ");
    /* one more byte of token: refused */
    snprintf(auth, sizeof(auth), "Bearer %sx", f->token);
    buf_reset(&rs.body);
    get_auth(f, "/metrics", auth, &rs);
    assert_int_equal(rs.status, 401);
    buf_free(&rs.body);
}

/* A case without a token: the dashboard is off, with a message. */
static void
test_dashboard_without_token(void **state)
{
    struct fixture *f = *state;
    struct serve_options o = {0};
    struct serve_response rs;
    struct serve *sv2;
    struct buf why;
    char path[256], *ini, *at, *eol;
    size_t len;
    struct serve *keep = f->sv;

    buf_init(&why, 4096);
    snprintf(path, sizeof(path), "%s/case.ini", f->dir);
    assert_int_equal(fs_read_file(path, LIMIT_CONFIG_BYTES, &ini, &len), 0);
    at = strstr(ini, "\ntoken = ");
    assert_non_null(at);
    eol = strchr(at + 1, '\n');
    memmove(at + 8, eol, strlen(eol) + 1); /* "\ntoken =" and the rest */
    assert_int_equal(fs_write_file(path, ini, strlen(ini), 0600, 0), 0);
    free(ini);
    assert_int_equal(serve_open(f->dir, &o, &sv2, &why), 0);
    resp_init(&rs);
    f->sv = sv2;
    get_auth(f, "/dashboard?lang=en", NULL, &rs);
    assert_int_equal(rs.status, 403);
    has(&rs, "The dashboard is off");
    buf_reset(&rs.body);
    get_auth(f, "/metrics", "Bearer x", &rs);
    assert_int_equal(rs.status, 403);
    f->sv = keep;
    serve_close(sv2);
    buf_free(&rs.body);
    buf_free(&why);
}

/* ---- the parsers ---- */

static void
test_param(void **state)
{
    struct buf b;
    char *big;

    (void)state;
    buf_init(&b, LIMIT_SERVE_PARAM);
    assert_int_equal(serve_param("a=1&code=A%2Db+c&code=2", 23, "code", &b),
                     1);
    assert_string_equal(buf_str(&b), "A-b c");
    assert_int_equal(serve_param("xcode=1&cod=2", 13, "code", &b), 0);
    assert_int_equal(serve_param("code", 4, "code", &b), 1);
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(serve_param("code=%4", 7, "code", &b), TOCSIN_EFORMAT);
    assert_int_equal(serve_param("code=%00", 8, "code", &b), TOCSIN_EFORMAT);
    assert_int_equal(serve_param("code=%C3%28", 11, "code", &b),
                     TOCSIN_EFORMAT); /* invalid UTF-8 */
    assert_int_equal(serve_param("code=%C3%A9", 11, "code", &b), 1);
    assert_string_equal(buf_str(&b), "\xc3\xa9");
    /* exactly the limit, and one more */
    big = malloc(LIMIT_SERVE_PARAM + 8);
    assert_non_null(big);
    memcpy(big, "code=", 5);
    memset(big + 5, 'x', LIMIT_SERVE_PARAM + 1);
    assert_int_equal(serve_param(big, 5 + LIMIT_SERVE_PARAM, "code", &b), 1);
    assert_int_equal(buf_len(&b), LIMIT_SERVE_PARAM);
    assert_int_equal(serve_param(big, 6 + LIMIT_SERVE_PARAM, "code", &b),
                     TOCSIN_ELIMIT);
    free(big);
    buf_free(&b);

    assert_int_equal(serve_language("lang=en", 7, "nl", "nl"), SERVE_EN);
    assert_int_equal(serve_language("", 0, "de, en;q=0.1, nl;q=0.2", "en"),
                     SERVE_NL);
    assert_int_equal(serve_language("", 0, "en-US,en;q=0.9", "nl"), SERVE_EN);
    assert_int_equal(serve_language("", 0, "de", "en"), SERVE_EN);
    assert_int_equal(serve_language("", 0, NULL, "nl"), SERVE_NL);
    assert_int_equal(serve_language("", 0, "nl;q=0", "en"), SERVE_EN);
}

static void
test_auth_and_client(void **state)
{
    unsigned char h[32], k1[16], k2[16];
    struct serve_request rq;
    struct sockaddr_in lo;
    struct sockaddr_in6 a6;

    (void)state;
    crypto_generichash(h, sizeof(h), (const unsigned char *)"s3cret", 6, NULL,
                       0);
    assert_int_equal(serve_auth_ok("Bearer s3cret", h), 1);
    assert_int_equal(serve_auth_ok("bearer  s3cret", h), 1);
    assert_int_equal(serve_auth_ok("Bearer s3cre", h), 0);
    assert_int_equal(serve_auth_ok("Basic eDpzM2NyZXQ=", h), 1); /* x:s3cret */
    assert_int_equal(serve_auth_ok("Basic OnMzY3JldA==", h), 1); /* :s3cret */
    assert_int_equal(serve_auth_ok("Basic czNjcmV0", h), 0);     /* no ':' */
    assert_int_equal(serve_auth_ok("Basic !!!", h), 0);
    assert_int_equal(serve_auth_ok("Digest s3cret", h), 0);
    assert_int_equal(serve_auth_ok(NULL, h), 0);

    memset(&rq, 0, sizeof(rq));
    memset(&lo, 0, sizeof(lo));
    lo.sin_family = AF_INET;
    lo.sin_addr.s_addr = htonl(0x7f000001);
    rq.peer = (void *)&lo;
    rq.forwarded_for = "203.0.113.9, 198.51.100.7";
    serve_client_key(&rq, 0, k1);
    assert_int_equal(k1[0], 4);
    assert_int_equal(k1[1], 127);
    serve_client_key(&rq, 1, k2);
    assert_int_equal(k2[0], 4);
    assert_int_equal(k2[1], 198); /* the proxy's own view: the last one */
    assert_int_equal(k2[4], 7);
    rq.forwarded_for = "garbage";
    serve_client_key(&rq, 1, k2);
    assert_memory_equal(k1, k2, 16);
    /* not from loopback: the header is not believed */
    lo.sin_addr.s_addr = htonl(0xc0000201);
    rq.forwarded_for = "198.51.100.7";
    serve_client_key(&rq, 1, k2);
    assert_int_equal(k2[1], 192);
    /* IPv4-mapped IPv6 is IPv4 */
    memset(&a6, 0, sizeof(a6));
    a6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.1", &a6.sin6_addr),
                     1);
    rq.peer = (void *)&a6;
    serve_client_key(&rq, 0, k1);
    assert_memory_equal(k1, k2, 16);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_genuine),
        cmocka_unit_test(test_verify_typo_forged_malformed),
        cmocka_unit_test(test_verify_message_id),
        cmocka_unit_test(test_lookup_same_answer),
        cmocka_unit_test(test_lookup_rate_limits),
        cmocka_unit_test(test_lookup_other_inputs),
        cmocka_unit_test(test_pages_and_headers),
        cmocka_unit_test(test_dashboard_and_metrics),
        cmocka_unit_test(test_dashboard_without_token),
        cmocka_unit_test(test_param),
        cmocka_unit_test(test_auth_and_client),
    };

    return cmocka_run_group_tests_name("serve", tests, setup, teardown);
}
