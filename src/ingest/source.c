#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include "../util/limits.h"

/* Raw input block for gzip data and for the magic-byte check (smaller
 * for inputs known to be smaller). */
#define RAW_BLOCK ((size_t)256 << 10)
#define RAW_MIN   ((size_t)4096)
/* The most source_peek() looks ahead. */
#define PEEK_MAX (64u << 10)

struct source {
    int fd;     /* -1 for memory */
    int own_fd; /* close at free */
    const unsigned char *mem;
    size_t mem_len;
    size_t mem_pos;
    int raw_eof; /* no more raw bytes */
    int gzip;
    int zinit;
    int member_end; /* a gzip member ended; next bytes start a new one */
    z_stream zs;
    unsigned char *in; /* raw bytes not yet decoded (in[in_pos..in_len)) */
    size_t in_cap;
    size_t in_pos;
    size_t in_len;
    unsigned char *peek; /* decoded look-ahead (peek[peek_pos..peek_len)) */
    size_t peek_pos;
    size_t peek_len;
    int dec_eof; /* the decoded stream ended */
    int err;     /* sticky error status */
    int err_errno;
    crypto_generichash_state hs;
    int hash_done;
    unsigned char hash[SOURCE_HASH_BYTES];
    uint64_t raw_bytes;
    uint64_t dec_bytes;
    size_t read_limit; /* test hook: most bytes per source_read() */
    int64_t size;
    char *name;
    char msg[LIMIT_SOURCE_MSG];
};

static int fail(struct source *s, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct source *s, int status, const char *fmt, ...)
{
    va_list ap;
    int e = errno;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
    va_end(ap);
    s->err = status;
    s->err_errno = e;
    errno = e;
    return status;
}

/* Read raw bytes (file or memory) into buf and hash them. *got is 0 at the
 * end of the raw data. */
static int
raw_read(struct source *s, unsigned char *buf, size_t cap, size_t *got)
{
    size_t n = 0;

    *got = 0;
    if (s->raw_eof || cap == 0)
        return 0;
    if (s->fd < 0) {
        n = s->mem_len - s->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->mem + s->mem_pos, n);
        s->mem_pos += n;
    } else {
        ssize_t r;
        if (cap > (size_t)SSIZE_MAX)
            cap = (size_t)SSIZE_MAX;
        do {
            r = read(s->fd, buf, cap);
        } while (r < 0 && errno == EINTR);
        if (r < 0)
            return fail(s, TOCSIN_EIO, "read failed: %s", strerror(errno));
        n = (size_t)r;
    }
    if (n == 0) {
        s->raw_eof = 1;
        return 0;
    }
    crypto_generichash_update(&s->hs, buf, n);
    s->raw_bytes += n;
    *got = n;
    return 0;
}

/* Fill s->in with raw bytes after what it holds (compacting first). */
static int
in_fill(struct source *s)
{
    size_t got;
    int rc;

    if (s->in_pos > 0) {
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
        s->in_len -= s->in_pos;
        s->in_pos = 0;
    }
    rc = raw_read(s, s->in + s->in_len, s->in_cap - s->in_len, &got);
    if (rc < 0)
        return rc;
    s->in_len += got;
    return 0;
}

static int
gzip_start(struct source *s)
{
    memset(&s->zs, 0, sizeof(s->zs));
    if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
        errno = ENOMEM;
        return fail(s, TOCSIN_ENOMEM, "out of memory for gzip");
    }
    s->zinit = 1;
    return 0;
}

/* Offset in the raw file of the next byte zlib would take. */
static uint64_t
gzip_offset(const struct source *s)
{
    return s->raw_bytes - (s->in_len - s->in_pos);
}

static int
gzip_read(struct source *s, unsigned char *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (cap > UINT_MAX)
        cap = UINT_MAX;
    for (;;) {
        int zr, rc;
        size_t avail;

        if (s->in_pos == s->in_len && !s->raw_eof) {
            rc = in_fill(s);
            if (rc < 0)
                return rc;
        }
        avail = s->in_len - s->in_pos;
        if (s->member_end) {
            if (avail == 0 && s->raw_eof) {
                s->dec_eof = 1;
                return 0;
            }
            if (avail < 2 && !s->raw_eof) {
                rc = in_fill(s);
                if (rc < 0)
                    return rc;
                continue;
            }
            if (avail < 2 || s->in[s->in_pos] != 0x1f ||
                s->in[s->in_pos + 1] != 0x8b) {
                errno = 0;
                return fail(s, TOCSIN_EFORMAT,
                            "gzip data corrupt at byte %llu: data after the "
                            "end of the compressed stream",
                            (unsigned long long)gzip_offset(s));
            }
            /* Another member follows: zlib checks the rest. */
            if (inflateReset(&s->zs) != Z_OK)
                return fail(s, TOCSIN_EFORMAT, "gzip reset failed");
            s->member_end = 0;
        }
        s->zs.next_in = s->in + s->in_pos;
        s->zs.avail_in = (uInt)avail;
        s->zs.next_out = buf;
        s->zs.avail_out = (uInt)cap;
        zr = inflate(&s->zs, Z_NO_FLUSH);
        s->in_pos = s->in_len - s->zs.avail_in;
        *got = cap - s->zs.avail_out;
        switch (zr) {
        case Z_STREAM_END:
            s->member_end = 1;
            break;
        case Z_OK:
        case Z_BUF_ERROR:
            break;
        case Z_MEM_ERROR:
            errno = ENOMEM;
            return fail(s, TOCSIN_ENOMEM, "out of memory in gzip");
        default:
            errno = 0;
            rc = fail(s, TOCSIN_EFORMAT, "gzip data corrupt at byte %llu: %s",
                      (unsigned long long)gzip_offset(s),
                      s->zs.msg ? s->zs.msg : "inflate failed");
            /* What this call decoded before the problem comes out first;
             * the error is sticky and comes with the next call. */
            return *got > 0 ? 0 : rc;
        }
        if (*got > 0)
            return 0;
        if (zr == Z_STREAM_END)
            continue;
        /* Nothing came out: zlib has flushed all it holds. */
        if (s->zs.avail_in == 0 && s->raw_eof) {
            errno = 0;
            return fail(s, TOCSIN_EFORMAT,
                        "gzip data truncated at byte %llu (the file ends "
                        "inside a compressed stream)",
                        (unsigned long long)s->raw_bytes);
        }
        if (zr == Z_BUF_ERROR && s->zs.avail_in > 0) {
            /* No progress although input and output space were there. */
            errno = 0;
            return fail(s, TOCSIN_EFORMAT, "gzip data corrupt at byte %llu",
                        (unsigned long long)gzip_offset(s));
        }
    }
}

/* The decoded stream without the look-ahead. */
static int
dec_read(struct source *s, unsigned char *buf, size_t cap, size_t *got)
{
    int rc;

    *got = 0;
    if (s->dec_eof || cap == 0)
        return 0;
    if (s->gzip) {
        rc = gzip_read(s, buf, cap, got);
    } else if (s->in_pos < s->in_len) {
        size_t n = s->in_len - s->in_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->in + s->in_pos, n);
        s->in_pos += n;
        *got = n;
        rc = 0;
    } else {
        rc = raw_read(s, buf, cap, got);
        if (rc == 0 && *got == 0)
            s->dec_eof = 1;
    }
    return rc;
}

static int
start(struct source *s)
{
    int rc;

    crypto_generichash_init(&s->hs, NULL, 0, SOURCE_HASH_BYTES);
    s->in_cap = RAW_BLOCK;
    if (s->size >= 0 && (uint64_t)s->size < RAW_BLOCK)
        s->in_cap = (size_t)s->size < RAW_MIN ? RAW_MIN : (size_t)s->size;
    s->in = malloc(s->in_cap);
    if (s->in == NULL) {
        errno = ENOMEM;
        return TOCSIN_ENOMEM;
    }
    /* The first two raw bytes tell gzip from plain data; a pipe may hand
     * them out one at a time. */
    while (s->in_len < 2 && !s->raw_eof) {
        rc = in_fill(s);
        if (rc < 0)
            return rc;
    }
    if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        s->gzip = 1;
        rc = gzip_start(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static struct source *
source_new(const char *name)
{
    struct source *s;

    if (sodium_init() < 0)
        return NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->fd = -1;
    s->size = -1;
    s->name = strdup(name);
    if (s->name == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

int
source_open(const char *path, struct source **out)
{
    struct source *s = NULL;
    struct stat st;
    int rc;

    *out = NULL;
    if (path == NULL || *path == '\0') {
        errno = EINVAL;
        return TOCSIN_EINVAL;
    }
    s = source_new(path);
    if (s == NULL) {
        errno = ENOMEM;
        return TOCSIN_ENOMEM;
    }
    if (strcmp(path, "-") == 0) {
        s->fd = STDIN_FILENO;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            rc = errno == ENOENT ? TOCSIN_ENOENT : TOCSIN_EIO;
            goto fail;
        }
        s->own_fd = 1;
    }
    if (fstat(s->fd, &st) < 0) {
        rc = TOCSIN_EIO;
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        rc = TOCSIN_EIO;
        goto fail;
    }
    if (S_ISREG(st.st_mode)) {
        s->size = (int64_t)st.st_size;
        (void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    rc = start(s);
    if (rc < 0)
        goto fail;
    *out = s;
    return 0;
fail : {
    int e = errno;
    source_free(s);
    errno = e;
}
    return rc;
}

int
source_open_mem(const void *data, size_t len, const char *name,
                struct source **out)
{
    struct source *s;
    int rc;

    *out = NULL;
    if (data == NULL && len > 0) {
        errno = EINVAL;
        return TOCSIN_EINVAL;
    }
    s = source_new(name ? name : "memory");
    if (s == NULL) {
        errno = ENOMEM;
        return TOCSIN_ENOMEM;
    }
    s->mem = data;
    s->mem_len = len;
    s->size = len > INT64_MAX ? -1 : (int64_t)len;
    rc = start(s);
    if (rc < 0) {
        source_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void
source_free(struct source *s)
{
    if (s == NULL)
        return;
    if (s->zinit)
        inflateEnd(&s->zs);
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    /* The buffers held raw and decoded export bytes. */
    if (s->in != NULL) {
        sodium_memzero(s->in, s->in_cap);
        free(s->in);
    }
    if (s->peek != NULL) {
        sodium_memzero(s->peek, PEEK_MAX);
        free(s->peek);
    }
    sodium_memzero(&s->hs, sizeof(s->hs));
    free(s->name);
    free(s);
}

int
source_read(struct source *s, void *buf, size_t cap, size_t *got)
{
    size_t n;
    int rc;

    *got = 0;
    if (s->err) {
        errno = s->err_errno;
        return s->err;
    }
    if (s->read_limit > 0 && cap > s->read_limit)
        cap = s->read_limit;
    if (s->peek_pos < s->peek_len) {
        n = s->peek_len - s->peek_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        *got = n;
        s->dec_bytes += n;
        return 0;
    }
    rc = dec_read(s, buf, cap, &n);
    if (rc < 0)
        return rc;
    s->dec_bytes += n;
    *got = n;
    return 0;
}

void
source_set_read_limit(struct source *s, size_t max)
{
    s->read_limit = max;
}

int
source_peek(struct source *s, size_t want, const void **p, size_t *got)
{
    int rc;

    *p = NULL;
    *got = 0;
    if (want > PEEK_MAX)
        return TOCSIN_EINVAL;
    if (s->err) {
        errno = s->err_errno;
        return s->err;
    }
    if (s->peek == NULL) {
        s->peek = malloc(PEEK_MAX);
        if (s->peek == NULL)
            return TOCSIN_ENOMEM;
    }
    if (s->peek_pos > 0) {
        memmove(s->peek, s->peek + s->peek_pos, s->peek_len - s->peek_pos);
        s->peek_len -= s->peek_pos;
        s->peek_pos = 0;
    }
    while (s->peek_len < want && !s->dec_eof) {
        size_t n;
        rc = dec_read(s, s->peek + s->peek_len, want - s->peek_len, &n);
        if (rc < 0)
            return rc;
        s->peek_len += n;
    }
    *p = s->peek;
    *got = s->peek_len < want ? s->peek_len : want;
    return 0;
}

int
source_hash(struct source *s, unsigned char out[SOURCE_HASH_BYTES])
{
    if (s->err || !s->raw_eof || !s->dec_eof)
        return TOCSIN_EINVAL;
    if (!s->hash_done) {
        crypto_generichash_final(&s->hs, s->hash, SOURCE_HASH_BYTES);
        s->hash_done = 1;
    }
    memcpy(out, s->hash, SOURCE_HASH_BYTES);
    return 0;
}

uint64_t
source_raw_bytes(const struct source *s)
{
    return s->raw_bytes;
}

uint64_t
source_decoded_bytes(const struct source *s)
{
    return s->dec_bytes;
}

int64_t
source_size(const struct source *s)
{
    return s->size;
}

int
source_is_gzip(const struct source *s)
{
    return s->gzip;
}

const char *
source_name(const struct source *s)
{
    return s->name;
}

const char *
source_message(const struct source *s)
{
    return s->msg;
}
