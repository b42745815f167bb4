/*
 * fuzz_serve.c - libFuzzer harness for the web service's request handler
 * (serve/serve.h: serve_handle(), the function libmicrohttpd's threads
 * call): the path and query, the form or JSON body and the headers.
 *
 * On the first call a small case is made in a temporary directory, with a
 * fixed key and case id, so that the codes are the same in every run: one
 * message (1, brand odido, to a***@example.org) was sent with the code
 * PEPY-CKN6-MEEP-9Z2J-A and Message-ID <00112233445566aa.1@mail.odido.
 * example> (the corpus holds both); person 2 has bob@example.org. The
 * service runs without background threads; every 64 inputs the queued
 * lookups are worked off (serve_flush), through the real database.
 *
 * The input: its first byte picks the method and the client address (IPv4
 * or IPv6, one of 16, so that the rate limits are reached and passed);
 * the rest is cut at NUL bytes into target, Accept-Language,
 * Authorization, Content-Type, X-Forwarded-For and body (missing parts are
 * absent). Every part goes in an exact malloc'd copy, so ASan sees a read
 * past a length. The harness aborts when
 *  - the status is not one the service answers with (200, 400, 401, 403,
 *    404, 405, 413, 414, 415, 429, 500, 503), or is 500 (a database
 *    failure on an intact case is a bug);
 *  - a header value holds a CR, LF or NUL; the content type is missing;
 *  - an HTML page is not "<!DOCTYPE html>" ... "</html>\n", is not
 *    valid UTF-8, or has a tag that does not read as NAME ATTR="VALUE"...
 *    (so input broke out of a value), a script element, a style or on*
 *    attribute;
 *  - a JSON body does not parse (json-c) to an object;
 *  - the body is over LIMIT_SERVE_PAGE.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "fuzz_util.h"
#include "ingest/email.h"
#include "notify/vcode.h"
#include "serve/serve.h"
#include "store/casedir.h"
#include "store/seal.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/limits.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_KEY                                                              \
    "tocsin-key-1 "                                                           \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define FUZZ_CASE_ID "00112233445566aa778899aabbccddee"

static char fz_root[64];
static struct serve *fz_sv;
static unsigned long fz_calls;

static int
fz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
fz_cleanup(void)
{
    serve_close(fz_sv);
    fz_sv = NULL;
    if (fz_root[0] != '\0')
        nftw(fz_root, fz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fz_check(int ok)
{
    if (!ok)
        abort();
}

static void
fz_record(struct store *s, const struct seal *seal, int64_t id, int64_t src,
          const char *brand, const char *email, const char *mask)
{
    unsigned char h[SEAL_HASH_BYTES];
    struct store_record r;
    struct buf key;

    buf_init(&key, 1024);
    fz_check(email_key(email, strlen(email), &key) == 0);
    seal_hash(seal, "email", buf_str(&key), buf_len(&key), h);
    buf_free(&key);
    memset(&r, 0, sizeof(r));
    r.id = id;
    r.source_id = src;
    r.line = (uint64_t)id;
    r.brand = brand;
    r.email_hash = h;
    r.email_mask = mask;
    r.sealed = "x";
    r.sealed_len = 1;
    fz_check(store_record_add(s, &r) == 0);
}

/* The case: a fixed key and id, two persons, one message sent. */
static void
fz_make_case(const char *dir)
{
    static const char label[] = "tocsin verification code key 1";
    char path[256], check[SEAL_KEY_CHECK_HEX + 1], msgid[128];
    struct store_source src = {"export.csv", NULL, "csv", 0, NULL, 0};
    struct store_person_record pr[2] = {{1, 1, 1.0}, {2, 2, 1.0}};
    struct store_exposure ex[2];
    struct store_msg_update u;
    unsigned char content[32] = {0}, mac[32], value[VCODE_VALUE_BYTES];
    struct casedir *c;
    struct store *s;
    struct seal *seal;
    struct buf why, subj;
    struct store_queue q;
    int64_t sid;

    buf_init(&why, 4096);
    buf_init(&subj, 4096);
    fz_check(casedir_init(dir, &why) == 0);
    snprintf(path, sizeof(path), "%s/case.key", dir);
    fz_check(unlink(path) == 0);
    fz_check(fs_write_file(path, FUZZ_KEY, strlen(FUZZ_KEY), 0600, FS_EXCL) ==
             0);
    fz_check(seal_open(path, &seal) == 0);
    seal_key_check(seal, check);
    seal_free(seal);
    snprintf(path, sizeof(path), "%s/case.db", dir);
    fz_check(store_open(path, 0, &s) == 0);
    fz_check(store_meta_set(s, "key_check", check) == 0);
    fz_check(store_meta_set(s, "case_id", FUZZ_CASE_ID) == 0);
    store_close(s);

    fz_check(casedir_open(dir, 0, &c, &why) == 0);
    s = casedir_store(c);
    fz_check(store_begin(s) == 0);
    fz_check(store_source_add(s, &src, &sid) == 0);
    fz_record(s, casedir_seal(c), 1, sid, "odido", "alice@example.org",
              "a***@example.org");
    fz_record(s, casedir_seal(c), 2, sid, "ben", "bob@example.org",
              "b***@example.org");
    fz_check(store_source_finish(s, sid, content, 10, 2, 2, 0, "{}") == 0);
    fz_check(store_person_records_add(s, pr, 2) == 0);
    memset(ex, 0, sizeof(ex));
    ex[0].person_id = 1;
    ex[0].brand = "odido";
    ex[0].channel = 1; /* e-mail */
    ex[0].contact_record = 1;
    ex[0].language = "nl";
    ex[1] = ex[0];
    ex[1].person_id = 2;
    ex[1].brand = "ben";
    ex[1].channel = 2; /* letter */
    ex[1].contact_record = 0;
    fz_check(store_exposures_add(s, ex, 2) == 0);
    fz_check(store_meta_set(s, "assess", "{\"persons\":2}") == 0);
    memset(&q, 0, sizeof(q));
    q.channel = 1; /* e-mail */
    fz_check(store_msg_queue(s, &q, 0) == 0 && q.done && q.added == 1);
    seal_code_mac(casedir_seal(c), label, sizeof(label) - 1, mac);
    snprintf(msgid, sizeof(msgid), "%.16s.1@mail.odido.example", FUZZ_CASE_ID);
    vcode_value(mac, msgid, strlen(msgid), value);
    fz_check(seal_encrypt(casedir_seal(c), STORE_MSG_SUBJECT_CONTEXT,
                          "Odido: <subject> & \"more\"", 25, &subj) == 0);
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
    fz_check(store_msg_update(s, &u, 1) == 0);
    u.state = STORE_MSG_ACCEPTED;
    u.vcode = NULL;
    u.subject = NULL;
    fz_check(store_msg_update(s, &u, 1) == 0);
    fz_check(store_commit(s) == 0);
    casedir_close(c);
    buf_free(&why);
    buf_free(&subj);
}

static void
fz_init(void)
{
    struct serve_options o = {0};
    char dir[128];
    struct buf why;

    log_set_level(LOG_LEVEL_ERROR);
    snprintf(fz_root, sizeof(fz_root), "/tmp/tocsin-fuzz-serve-XXXXXX");
    fz_check(mkdtemp(fz_root) != NULL);
    snprintf(dir, sizeof(dir), "%s/case", fz_root);
    fz_make_case(dir);
    buf_init(&why, 4096);
    o.threads = 1;
    if (serve_open(dir, &o, &fz_sv, &why) != 0) {
        fprintf(stderr, "fuzz_serve: %s\n", buf_str(&why));
        abort();
    }
    buf_free(&why);
    atexit(fz_cleanup);
}

static void
fz_header(void *ctx, const char *name, const char *value)
{
    (void)ctx;
    fz_check(name != NULL && value != NULL);
    fz_check(strpbrk(value, "\r\n") == NULL);
}

/* Whether every tag of the page reads as <NAME ATTR="VALUE" ...> (or
 * </NAME>, <!DOCTYPE html>), with no script, no style or on* attribute:
 * text from the request can only have stayed text. */
static int
fz_tags(const char *s)
{
    const char *p = s;

    while ((p = strchr(p, '<')) != NULL) {
        size_t n;

        p++;
        if (strncmp(p, "!DOCTYPE html>", 14) == 0) {
            p += 14;
            continue;
        }
        if (*p == '/')
            p++;
        n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (n == 0 || (n == 6 && strncmp(p, "script", 6) == 0))
            return 0;
        p += n;
        for (;;) {
            p += strspn(p, " \n");
            if (*p == '>' || (p[0] == '/' && p[1] == '>'))
                break;
            n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                          "XYZ-:");
            if (n == 0 || (n == 5 && strncmp(p, "style", 5) == 0) ||
                (n >= 2 && strncmp(p, "on", 2) == 0))
                return 0;
            p += n;
            if (*p == '=') {
                const char *q;

                if (p[1] != '"' || (q = strchr(p + 2, '"')) == NULL ||
                    memchr(p + 2, '<', (size_t)(q - p - 2)) != NULL)
                    return 0;
                p = q + 1;
            }
        }
    }
    return 1;
}

/* Whether s[0..n) is well-formed UTF-8. */
static int
fz_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t k, need = s[i] < 0x80   ? 0
                         : s[i] < 0xc2 ? 9
                         : s[i] < 0xe0 ? 1
                         : s[i] < 0xf0 ? 2
                         : s[i] < 0xf5 ? 3
                                       : 9;

        if (need == 9 || n - i - 1 < need)
            return 0;
        for (k = 1; k <= need; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[6] = {NULL};
    size_t plen[6] = {0};
    char *copy[6] = {NULL};
    struct serve_request rq;
    struct serve_response rs;
    struct sockaddr_in s4;
    struct sockaddr_in6 s6;
    const uint8_t *p, *e = data + size;
    const char *body;
    size_t i, n, len;
    int st;

    if (fz_sv == NULL)
        fz_init();
    if (size == 0)
        return 0;
    /* the parts */
    for (p = data + 1, i = 0; i < 6 && p <= e; i++) {
        const uint8_t *z = i < 5 ? memchr(p, 0, (size_t)(e - p)) : NULL;

        part[i] = (const char *)p;
        plen[i] = z != NULL ? (size_t)(z - p) : (size_t)(e - p);
        p += plen[i] + 1;
        if (z == NULL)
            break;
    }
    for (n = 0; n < 6; n++)
        if (part[n] != NULL) {
            /* the target and the body as they are; the headers as C
             * strings (libmicrohttpd hands them so) */
            copy[n] = malloc(plen[n] + 1);
            fz_check(copy[n] != NULL);
            memcpy(copy[n], part[n], plen[n]);
            copy[n][plen[n]] = '\0';
        }

    memset(&rq, 0, sizeof(rq));
    rq.method = data[0] & 3;
    if (copy[0] != NULL) {
        /* an exact copy: no NUL after the target */
        char *t = fuzz_exact(copy[0], plen[0]);

        free(copy[0]);
        copy[0] = t;
    }
    rq.target = copy[0] != NULL ? copy[0] : "/";
    rq.target_len = copy[0] != NULL ? plen[0] : 1;
    rq.accept_language = copy[1];
    rq.authorization = copy[2];
    rq.content_type = copy[3];
    rq.forwarded_for = copy[4];
    if (copy[5] != NULL) {
        char *b = fuzz_exact(copy[5], plen[5]);

        free(copy[5]);
        copy[5] = b;
    }
    rq.body = copy[5];
    rq.body_len = copy[5] != NULL ? plen[5] : 0;
    if (data[0] & 0x80) {
        memset(&s6, 0, sizeof(s6));
        s6.sin6_family = AF_INET6;
        s6.sin6_addr.s6_addr[0] = 0x20;
        s6.sin6_addr.s6_addr[1] = 0x01;
        s6.sin6_addr.s6_addr[7] = (uint8_t)((data[0] >> 2) & 15);
        s6.sin6_addr.s6_addr[15] = 1;
        rq.peer = (const struct sockaddr *)&s6;
    } else {
        memset(&s4, 0, sizeof(s4));
        s4.sin_family = AF_INET;
        s4.sin_addr.s_addr = htonl(0xc0000200u | ((data[0] >> 2) & 15));
        rq.peer = (const struct sockaddr *)&s4;
    }
    /* time moves on: the limits refill now and then */
    rq.now = 1000.0 + (double)fz_calls * 60.0;

    memset(&rs, 0, sizeof(rs));
    buf_init(&rs.body, LIMIT_SERVE_PAGE);
    serve_handle(fz_sv, &rq, &rs);

    st = rs.status;
    fz_check(st == 200 || st == 400 || st == 401 || st == 403 || st == 404 ||
             st == 405 || st == 413 || st == 414 || st == 415 || st == 429 ||
             st == 503);
    fz_check(rs.content_type != NULL);
    serve_headers(&rs, fz_header, NULL);
    body = buf_str(&rs.body);
    len = buf_len(&rs.body);
    fz_check(len <= LIMIT_SERVE_PAGE);
    if (strncmp(rs.content_type, "text/html", 9) == 0) {
        fz_check(len > 30 && strncmp(body, "<!DOCTYPE html>\n", 16) == 0);
        fz_check(strcmp(body + len - 8, "</html>\n") == 0);
        fz_check(fz_tags(body));
        fz_check(fz_utf8((const unsigned char *)body, len));
    } else if (strcmp(rs.content_type, "application/json") == 0) {
        json_object *j = json_tokener_parse(body);

        fz_check(j != NULL && json_object_is_type(j, json_type_object));
        json_object_put(j);
    }
    buf_wipe(&rs.body);
    for (n = 0; n < 6; n++)
        free(copy[n]);
    if (++fz_calls % 64 == 0) {
        struct buf why;
        uint64_t answers;

        buf_init(&why, 4096);
        fz_check(serve_flush(fz_sv, &answers, &why) == 0);
        buf_free(&why);
    }
    return 0;
}
