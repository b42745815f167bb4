/*
 * test_ratelimit.c - per-domain token buckets: ceiling, warm-up ramp,
 * backoff on 4xx, case-insensitive domains, many domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "notify/ratelimit.h"

/* How many messages to domain go in [t0, t1) when asked every step s. */
static int
sent(struct rlim *r, const char *domain, double t0, double t1, double s)
{
    int n = 0;
    double t;

    for (t = t0; t < t1; t += s)
        while (rlim_take(r, domain, t) == 1)
            n++;
    return n;
}

static void
test_ceiling(void **state)
{
    struct rlim *r;
    int n;

    (void)state;
    assert_int_equal(rlim_new(100, 0, 60, &r), TOCSIN_OK);
    /* 10 s at 100/s: 1000, give or take the first burst */
    n = sent(r, "gmail.com", 0, 10, 0.001);
    assert_in_range(n, 995, 1001);
    /* another domain has its own bucket */
    n = sent(r, "hotmail.com", 10, 11, 0.001);
    assert_in_range(n, 99, 101);
    assert_int_equal(rlim_domains(r), 2);
    rlim_free(r);
}

static void
test_warmup(void **state)
{
    struct rlim *r;
    int first, last;

    (void)state;
    assert_int_equal(rlim_new(100, 600, 60, &r), TOCSIN_OK);
    /* the first 10 s of a 10-minute ramp: about a tenth of the rate */
    first = sent(r, "gmail.com", 0, 10, 0.001);
    assert_in_range(first, 100, 120);
    /* after the ramp: the whole rate */
    (void)sent(r, "gmail.com", 10, 600, 0.01);
    last = sent(r, "gmail.com", 600, 610, 0.001);
    assert_in_range(last, 995, 1001);
    rlim_free(r);
}

static void
test_backoff(void **state)
{
    struct rlim *r;

    (void)state;
    assert_int_equal(rlim_new(0, 0, 60, &r), TOCSIN_OK);
    assert_int_equal(rlim_take(r, "Example.NL", 0), 1);
    rlim_deferred(r, "example.nl", 1);
    assert_int_equal(rlim_take(r, "EXAMPLE.nl", 30), 0);
    assert_int_equal(rlim_take(r, "other.nl", 30), 1); /* not paused */
    assert_int_equal(rlim_take(r, "example.nl", 61.5), 1);
    /* again: the pause doubles */
    rlim_deferred(r, "example.nl", 62);
    assert_int_equal(rlim_take(r, "example.nl", 62 + 119), 0);
    assert_int_equal(rlim_take(r, "example.nl", 62 + 121), 1);
    /* an accepted message ends it: the next 4xx pauses 60 s again */
    rlim_accepted(r, "example.nl");
    rlim_deferred(r, "example.nl", 200);
    assert_int_equal(rlim_take(r, "example.nl", 261), 1);
    /* never longer than RLIM_BACKOFF_MAX */
    for (int i = 0; i < 20; i++)
        rlim_deferred(r, "example.nl", 300);
    assert_int_equal(rlim_take(r, "example.nl", 300 + RLIM_BACKOFF_MAX - 1),
                     0);
    assert_int_equal(rlim_take(r, "example.nl", 300 + RLIM_BACKOFF_MAX + 1),
                     1);
    rlim_free(r);
}

static void
test_many_domains(void **state)
{
    struct rlim *r;
    char d[32];
    int i;

    (void)state;
    assert_int_equal(rlim_new(1, 0, 0, &r), TOCSIN_OK);
    for (i = 0; i < 5000; i++) {
        snprintf(d, sizeof(d), "d%d.example", i);
        assert_int_equal(rlim_take(r, d, 0), 1);
        assert_int_equal(rlim_take(r, d, 0), 0);
    }
    assert_int_equal(rlim_domains(r), 5000);
    for (i = 0; i < 5000; i++) {
        snprintf(d, sizeof(d), "D%d.EXAMPLE", i);
        assert_int_equal(rlim_take(r, d, 1.5), 1);
    }
    assert_int_equal(rlim_domains(r), 5000);
    rlim_free(r);
    assert_int_equal(rlim_new(-1, 0, 0, &r), TOCSIN_EINVAL);
    assert_null(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ceiling),
        cmocka_unit_test(test_warmup),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_many_domains),
    };

    return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
