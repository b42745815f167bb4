/*
 * limits.h - every limit tocsin applies to input and resources, in one place.
 *
 * Parsers check sizes taken from input against these before allocating;
 * exceeding one is an explicit error (TOCSIN_ELIMIT), never a silent cut.
 */
#ifndef TOCSIN_UTIL_LIMITS_H
#define TOCSIN_UTIL_LIMITS_H

/* Case files. */
#define LIMIT_CONFIG_BYTES   (1u << 20)   /* case.ini */
#define LIMIT_CONFIG_VALUE   4096         /* one value in case.ini */
#define LIMIT_BRANDS         32           /* [brand NAME] sections */
#define LIMIT_BRAND_NAME     64           /* NAME in [brand NAME] */
#define LIMIT_CATEGORIES     64           /* entries in a category list */
#define LIMIT_TEMPLATE_BYTES (256u << 10) /* one template file */
#define LIMIT_PATH           4096         /* a path we build */

/* Case files: [risk] rules and [sensitive LANG] term lists in case.ini
 * (config.h; CONFIG_MAX_RULES and CONFIG_MAX_TOPICS are there), and the
 * term matcher (assess/terms.h). */
#define LIMIT_CONFIG_NAME  32         /* a rule or topic name (a key) */
#define LIMIT_CONFIG_TERM  64         /* bytes of one sensitive term */
#define LIMIT_CONFIG_TERMS 4096       /* sensitive terms over all topics */
#define LIMIT_TERMS_TEXT   (1u << 20) /* bytes of one text terms_match() */

/* Store: the case database, key and sealed values. */
#define LIMIT_STORE_BUSY_MS 10000      /* wait for a locked database (ms) */
#define LIMIT_STORE_ERRMSG  256        /* kept text of a database error */
#define LIMIT_SEAL_PLAIN    (1u << 20) /* one value seal_encrypt() takes */
#define LIMIT_CASE_FILES    64         /* files casedir_init() creates */

/* Buffers. */
#define LIMIT_LINE_BYTES  (1u << 20)  /* one logical input line or record */
#define LIMIT_LOG_FIELD   256         /* escaped text in one log message */
#define LIMIT_BUF_DEFAULT (64u << 20) /* default growable-buffer maximum */

/* Ingest: column mapping (mapping.h). */
#define LIMIT_MAP_COLUMNS 4096       /* entries in a map file's [columns] */
#define LIMIT_MAP_BYTES   (1u << 20) /* map text for mapping_load_mem() */

/* Synthetic data. */
/* tocsin synth --persons: mobiles (06 + 8 digits) and customer numbers
 * (8 digits) must stay unique, about 1.3 accounts per person. */
#define LIMIT_SYNTH_PERSONS 50000000ull

/* Ingest normalisers of names, dates and addresses (name.h, date.h,
 * address.h). A field longer than its input limit is malformed
 * (TOCSIN_EFORMAT). */
#define LIMIT_NAME_INPUT      512  /* raw name field (UTF-8 bytes) */
#define LIMIT_NAME_CODEPOINTS 2048 /* a name after NFKC decomposition */
#define LIMIT_DATE_INPUT      64   /* raw date field */
#define LIMIT_POSTCODE_INPUT  64   /* raw postcode field */
#define LIMIT_HOUSENR_INPUT   64   /* raw house number or suffix field */
#define LIMIT_HOUSENR_SUFFIX  15   /* canonical house-number suffix */

/* Ingest readers (source.h, csv.h, jsonl.h). A record or line longer than
 * LIMIT_LINE_BYTES is an error row. */
#define LIMIT_CSV_FIELDS       4096 /* fields in one CSV record or header */
#define LIMIT_CSV_QUOTED_LINES 64   /* physical lines one quoted field spans */
#define LIMIT_JSONL_COLUMNS    4096 /* distinct keys in one JSON Lines input */
#define LIMIT_SOURCE_MSG       256  /* text of a source's last error */

/* Ingest normalisers of identifiers (email.h, phone.h, iban.h, idnum.h).
 * A field longer than its input limit is malformed (TOCSIN_EFORMAT). */
#define LIMIT_EMAIL_INPUT   512 /* raw e-mail field, before trimming */
#define LIMIT_EMAIL_ADDRESS 254 /* address: RFC 5321 path (256) minus <> */
#define LIMIT_EMAIL_LOCAL   64  /* local part, RFC 5321 4.5.3.1.1 */
#define LIMIT_EMAIL_DOMAIN  253 /* domain, RFC 1035 (octets, no root dot) */
#define LIMIT_EMAIL_LABEL   63  /* one domain label, RFC 1035 */
#define LIMIT_PHONE_INPUT   64  /* raw phone field */
#define LIMIT_PHONE_DIGITS  20  /* digits in a phone field (E.164: 15) */
#define LIMIT_IBAN_INPUT    64  /* raw IBAN field (paper form + "IBAN ") */
#define LIMIT_IDNUM_INPUT   64  /* raw BSN, VAT or ID-document field */
#define LIMIT_IDDOC_NUMBER  32  /* ID-document number, separators removed */
#define LIMIT_IDDOC_TYPE    64  /* raw ID-document type word */

/* Resolve: comparison primitives and the nickname table (compare.h,
 * nickname.h). Comparisons look at the first COMPARE_MAX_LEN bytes only
 * (documented, not an error: they return a similarity, not a value). */
#define COMPARE_MAX_LEN            64   /* bytes of a key compared */
#define COMPARE_MAX_CAP            8    /* cap of compare_edit_distance() */
#define LIMIT_NICKNAME_GROUPS      4096 /* lines (groups) in nicknames.txt */
#define LIMIT_NICKNAME_NAMES       2048 /* distinct names in nicknames.txt */
#define LIMIT_NICKNAME_NAME        32   /* bytes of one name there */
#define LIMIT_NICKNAME_GROUP_NAMES 32   /* names on one line */
#define LIMIT_NICKNAME_NAME_GROUPS 16   /* groups one name belongs to */

/* Resolve (resolve.h). */
#define LIMIT_RESOLVE_STRING  64   /* bytes of a name key kept per record */
#define LIMIT_RESOLVE_VALUE   128  /* bytes of an identifier hashed */
#define LIMIT_EXPLAIN_RECORDS 1000 /* records of one person explained */
#define LIMIT_RESOLVE_PAIRS   (1ull << 31)       /* candidate pairs */
#define LIMIT_RESOLVE_RECORDS ((1ull << 31) - 1) /* records one resolve */
/* Records sharing a blocking key; more: a non-identifier, no pairs. */
#define RESOLVE_BLOCK_MAX 100
/* Pairs one blocking key may make per record; beyond that its largest
 * blocks are dropped. */
#define RESOLVE_KEY_PAIRS 2
/* A difference true matches show less often than this is contradicting
 * evidence (rcmp_conflict). */
#define RESOLVE_STRONG_M 0.02
/* Random pairs of records that u is measured on. */
#define RESOLVE_U_PAIRS 1000000
/* Non-matching candidate pairs at one address needed to learn how a
 * household's records agree. */
#define RESOLVE_HOUSEHOLD_MIN 1000

/* Assess (assess.h). */
#define LIMIT_ASSESS_RECORDS ((1ull << 32) - 2) /* records one assess */
#define LIMIT_REPORT_BYTES   (64u << 20) /* bytes of one written report */

/* Report renderers (report/render.h): what they accept of the report JSON.
 * More is TOCSIN_ELIMIT, naming the member. */
#define LIMIT_REPORT_ITEMS 1024        /* elements of one array or map */
#define LIMIT_REPORT_TEXT  (64u << 10) /* bytes of one text (description) */
#define LIMIT_REPORT_COUNT 32          /* bytes of a count string ("< 10") */

/* Notify: message templates (notify/template.h; one template's source is
 * LIMIT_TEMPLATE_BYTES above) and verification codes (notify/vcode.h). */
#define LIMIT_TPL_DEPTH   8   /* sections nested in one another */
#define LIMIT_TPL_VARS    256 /* names in a list of known variables */
#define LIMIT_TPL_NAME    64  /* bytes of one variable name */
#define LIMIT_VCODE_INPUT 256 /* bytes of a typed verification code */

/* Notify: per-domain rate limits (notify/ratelimit.h). */
#define LIMIT_NOTIFY_DOMAINS (1u << 22) /* recipient domains of one run */

/* Notify: the MIME writer (notify/mime.h). Addresses there are checked
 * against LIMIT_EMAIL_ADDRESS, LIMIT_EMAIL_LOCAL and LIMIT_EMAIL_DOMAIN. */
#define LIMIT_MIME_TEXT     (1u << 20) /* bytes of one body (text, HTML) */
#define LIMIT_MIME_SUBJECT  1024       /* bytes of the subject (UTF-8) */
#define LIMIT_MIME_NAME     256        /* bytes of a display name (UTF-8) */
#define LIMIT_MIME_ID_LOCAL 64         /* Message-ID left of the @ */
#define LIMIT_MIME_LANGUAGE 35         /* Content-Language tag (RFC 5646) */
#define LIMIT_MIME_VCODE    64         /* verification code in the header */
#define LIMIT_MIME_MAILBOX  512        /* "Name <addr>" mime_mailbox_parse() */

/* Notify: the SMTP client (notify/smtp.h). */
#define LIMIT_SMTP_CONNECTIONS 256         /* concurrent connections */
#define LIMIT_SMTP_LINE        4096        /* one reply line with CRLF */
#define LIMIT_SMTP_REPLY_LINES 256         /* lines of one reply */
#define LIMIT_SMTP_REPLY_TEXT  256         /* reply text given to done() */
#define LIMIT_SMTP_CMD_BYTES   (64u << 10) /* commands queued, per conn. */
#define LIMIT_SMTP_CREDENTIAL  512         /* AUTH user name, password */
#define SMTP_BACKOFF_MIN_MS    100         /* first reconnect delay */
#define SMTP_BACKOFF_MAX_MS    10000       /* longest reconnect delay */
#define SMTP_CONNECT_TRIES     5           /* failures in a row: give up */

/* Serve: the web service (serve/serve.h). Requests over a limit get an
 * HTTP error (414, 413, 400), never a cut value. */
#define LIMIT_SERVE_TARGET    2048       /* bytes of path?query */
#define LIMIT_SERVE_BODY      8192       /* bytes of a POST body */
#define LIMIT_SERVE_PARAM     1024       /* bytes of one decoded value */
#define LIMIT_SERVE_HEADER    1024       /* bytes of a header value read */
#define LIMIT_SERVE_PAGE      (1u << 20) /* bytes of one response body */
#define LIMIT_SERVE_CONNS     1024       /* open connections, all clients */
#define LIMIT_SERVE_PER_IP    32         /* open connections, one client */
#define LIMIT_SERVE_TIMEOUT_S 15         /* idle seconds, then closed */
#define LIMIT_SERVE_CONN_MEM  (8u << 10) /* request head, per connection */
#define LIMIT_SERVE_LISTEN    4          /* --listen addresses */
#define LIMIT_SERVE_THREADS   64         /* --threads */
#define LIMIT_SERVE_QUEUE     1024       /* lookups waiting for the worker */
#define LIMIT_SERVE_BUCKETS   (1u << 16) /* rate-limit entries per kind */
#define LIMIT_SERVE_PERSONS   16         /* persons one address may match */
#define LIMIT_SERVE_DOMAINS   10         /* domains on the dashboard */
#define LIMIT_SERVE_MINUTES   60         /* minutes of the rate chart */
#define SERVE_DELIVERY_S      3          /* seconds between deliveries */
#define SERVE_DASH_CACHE_S    5          /* dashboard figures kept */

#endif
