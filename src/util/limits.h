/*
 * limits.h - every limit tocsin applies to input and resources, in one place.
 *
 * Parsers check sizes taken from input against these before allocating;
 * exceeding one is an explicit error (TOCSIN_ELIMIT), never a silent cut.
 */
#ifndef TOCSIN_UTIL_LIMITS_H
#define TOCSIN_UTIL_LIMITS_H

/* Case files. */
#define LIMIT_CONFIG_BYTES (1u << 20)     /* case.ini */
#define LIMIT_CONFIG_VALUE 4096           /* one value in case.ini */
#define LIMIT_BRANDS 32                   /* [brand NAME] sections */
#define LIMIT_BRAND_NAME 64               /* NAME in [brand NAME] */
#define LIMIT_CATEGORIES 64               /* entries in a category list */
#define LIMIT_TEMPLATE_BYTES (256u << 10) /* one template file */
#define LIMIT_PATH 4096                   /* a path we build */

/* Buffers. */
#define LIMIT_LINE_BYTES (1u << 20)    /* one logical input line or record */
#define LIMIT_LOG_FIELD 256            /* escaped text in one log message */
#define LIMIT_BUF_DEFAULT (64u << 20)  /* default growable-buffer maximum */

/* Synthetic data. */
#define LIMIT_SYNTH_PERSONS 100000000ull /* tocsin synth --persons */

#endif
