#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "limits.h"

static enum log_level log_level = LOG_LEVEL_INFO;

void
log_set_level(enum log_level level)
{
    log_level = level;
}

enum log_level
log_get_level(void)
{
    return log_level;
}

static void
log_emit(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
    if (level > log_level)
        return;
    fputs("tocsin: ", stderr);
    if (tag != NULL)
        fputs(tag, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(LOG_LEVEL_ERROR, "error: ", fmt, ap);
    va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(LOG_LEVEL_WARN, "warning: ", fmt, ap);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(LOG_LEVEL_INFO, NULL, fmt, ap);
    va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(LOG_LEVEL_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

char *
log_escape(const char *s, char *out, size_t outsz)
{
    static const char hex[] = "0123456789abcdef";
    size_t limit = outsz - 4; /* room for "..." and the NUL */
    size_t o = 0;

    if (limit > LIMIT_LOG_FIELD)
        limit = LIMIT_LOG_FIELD;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        size_t need = (c >= 0x20 && c < 0x7f) ? (c == '\\' ? 2 : 1) : 4;

        if (o + need > limit) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}
