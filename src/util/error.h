/*
 * error.h - status codes shared by every module.
 *
 * Fallible functions return 0 on success or one of these negative codes and
 * hand results out through pointers. tocsin_strerror() names a code for
 * users; it never returns NULL.
 */
#ifndef TOCSIN_UTIL_ERROR_H
#define TOCSIN_UTIL_ERROR_H

#define TOCSIN_MUST_CHECK __attribute__((warn_unused_result))

enum tocsin_status {
    TOCSIN_OK = 0,
    TOCSIN_ENOMEM = -1,   /* out of memory */
    TOCSIN_EIO = -2,      /* read, write or file-system error (see errno) */
    TOCSIN_EINVAL = -3,   /* invalid argument or value */
    TOCSIN_ELIMIT = -4,   /* input exceeds a limit from limits.h */
    TOCSIN_EEXIST = -5,   /* refuses to overwrite something that exists */
    TOCSIN_ENOTCASE = -6, /* directory is not a tocsin case */
    TOCSIN_ECONFIG = -7,  /* case configuration is invalid */
    TOCSIN_EKEY = -8,     /* key file missing, unreadable or wrong */
    TOCSIN_EDB = -9,      /* database error */
    TOCSIN_ESCHEMA = -10, /* database schema newer than this program */
    TOCSIN_EFORMAT = -11, /* malformed input data */
    TOCSIN_ECRYPTO = -12, /* sealing or unsealing failed */
    TOCSIN_ENOENT = -13,  /* no such item */
    TOCSIN_EBUSY = -14,   /* another process holds it (a lock) */
};

/* Name a status code; unknown codes give "unknown error". */
const char *tocsin_strerror(int status);

#endif
