/*
 * log.h - messages for the people running tocsin, on standard error.
 *
 * Never pass personal data (names, addresses, e-mail, phone, IBAN, dates of
 * birth, record contents) to these functions: log record ids, counts or
 * keyed hashes. Text that came from input (file names, header names) goes
 * through log_escape() first so that it cannot drive the terminal.
 */
#ifndef TOCSIN_UTIL_LOG_H
#define TOCSIN_UTIL_LOG_H

#include <stddef.h>

enum log_level {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_DEBUG = 3,
};

/* Messages above this level are dropped; default LOG_LEVEL_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copy s into out (outsz bytes, at least 8) with every byte that is not
 * printable ASCII written as \xHH, backslash as \\, and the result cut at
 * LIMIT_LOG_FIELD bytes with "..." appended. Returns out.
 */
char *log_escape(const char *s, char *out, size_t outsz);

#endif
