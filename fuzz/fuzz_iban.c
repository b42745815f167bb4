/*
 * fuzz_iban.c - libFuzzer harness for IBANs (ingest/iban.h).
 *
 * The input goes through iban_normalize(), iban_bank_code() and
 * iban_mask() in exact malloc'd copies, and so does the normal form. The
 * harness aborts when
 *  - a failure is not TOCSIN_EFORMAT with a reason, or leaves output when
 *    the reason says it must not; a success carries a reason;
 *  - an accepted IBAN is not upper-case letters and digits of its
 *    country's registry length, fails mod-97, or does not normalise to
 *    itself (no flags but IBAN_EXAMPLE);
 *  - a kept rejected form is not upper-case letters and digits;
 *  - iban_bank_code() fails on an accepted NL IBAN or returns other than
 *    its four letters;
 *  - iban_mask() fails on an accepted IBAN or is not
 *    "CC** **** **** **** " and the last four characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/iban.h"
#include "fuzz_util.h"
#include "util/checkdigit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
norm(const void *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = fuzz_exact(s, n);
    int rc = iban_normalize(p, n, out, flags);

    free(p);
    return rc;
}

/* Bank code and mask of any text: must not crash, errors allowed. */
static void
raw_calls(const void *s, size_t n)
{
    char *p = fuzz_exact(s, n), bank[5];
    struct buf m;
    int rc;

    buf_init(&m, 64);
    rc = iban_bank_code(p, n, bank);
    if (rc != 0 && (rc != TOCSIN_EINVAL || bank[0] != '\0'))
        abort();
    rc = iban_mask(p, n, &m);
    if (rc != 0 && rc != TOCSIN_EINVAL)
        abort();
    if (rc == 0 && buf_len(&m) != 24)
        abort();
    buf_free(&m);
    free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf out, again, m;
    unsigned flags = 0, f2 = 0;
    enum iban_reason why;
    const char *s;
    char bank[5];
    size_t i, n;
    int rc;

    raw_calls(data, size);
    buf_init(&out, 128);
    buf_init(&again, 128);
    buf_init(&m, 64);
    rc = norm(data, size, &out, &flags);
    why = iban_reason(flags);
    if (iban_strerror(why) == NULL)
        abort();
    s = buf_str(&out);
    n = buf_len(&out);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || why == IBAN_OK)
            abort();
        if (why == IBAN_ECOUNTRY || why == IBAN_ELENGTH || why == IBAN_EBBAN ||
            why == IBAN_ECHECK) {
            if (n == 0 || n > (size_t)size)
                abort();
            for (i = 0; i < n; i++)
                if (!((s[i] >= 'A' && s[i] <= 'Z') ||
                      (s[i] >= '0' && s[i] <= '9')))
                    abort();
        } else if (n != 0) {
            abort();
        }
        goto done;
    }
    if (why != IBAN_OK || n < 5 || n > IBAN_MAX_LEN ||
        (int)n != iban_country_length(s) || checkdigit_iban_mod97(s, n) != 1)
        abort();
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            abort();
    if (norm(s, n, &again, &f2) != 0 || strcmp(buf_str(&again), s) != 0 ||
        (f2 & ~(unsigned)IBAN_EXAMPLE) != 0 ||
        (f2 & IBAN_EXAMPLE) != (flags & IBAN_EXAMPLE))
        abort();
    rc = iban_bank_code(s, n, bank);
    if (memcmp(s, "NL", 2) == 0) {
        if (rc != 0 || strlen(bank) != 4 || memcmp(bank, s + 4, 4) != 0)
            abort();
    } else if (rc != TOCSIN_EINVAL || bank[0] != '\0') {
        abort();
    }
    if (iban_mask(s, n, &m) != 0 || buf_len(&m) != 24 ||
        memcmp(buf_str(&m), s, 2) != 0 ||
        memcmp(buf_str(&m) + 2, "** **** **** **** ", 18) != 0 ||
        memcmp(buf_str(&m) + 20, s + n - 4, 4) != 0)
        abort();
done:
    buf_wipe(&out);
    buf_wipe(&again);
    buf_wipe(&m);
    return 0;
}
