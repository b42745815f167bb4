#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/limits.h"
#include "util/log.h"

static void
escape_passes_plain_text(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(log_escape("export.csv", out, sizeof(out)),
                        "export.csv");
}

static void
escape_control_and_high_bytes(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(log_escape("a\033[2Jb\n\\", out, sizeof(out)),
                        "a\\x1b[2Jb\\x0a\\\\");
    assert_string_equal(log_escape("\xc3\xa9", out, sizeof(out)),
                        "\\xc3\\xa9");
}

static void
escape_cuts_long_text_visibly(void **state)
{
    char in[1000], out[LIMIT_LOG_FIELD + 16];

    (void)state;
    memset(in, 'x', sizeof(in) - 1);
    in[sizeof(in) - 1] = '\0';
    log_escape(in, out, sizeof(out));
    assert_true(strlen(out) <= LIMIT_LOG_FIELD + 3);
    assert_memory_equal(out + strlen(out) - 3, "...", 3);

    /* a small output buffer is respected, escapes are not split */
    log_escape("\x01\x02\x03", out, 10);
    assert_string_equal(out, "\\x01...");
}

static void
level_filters(void **state)
{
    (void)state;
    log_set_level(LOG_LEVEL_ERROR);
    assert_int_equal(log_get_level(), LOG_LEVEL_ERROR);
    log_info("not shown");
    log_set_level(LOG_LEVEL_INFO);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_passes_plain_text),
        cmocka_unit_test(escape_control_and_high_bytes),
        cmocka_unit_test(escape_cuts_long_text_visibly),
        cmocka_unit_test(level_filters),
    };

    return cmocka_run_group_tests_name("util_log", tests, NULL, NULL);
}
