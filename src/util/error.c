#include "error.h"

const char *
tocsin_strerror(int status)
{
    switch (status) {
    case TOCSIN_OK:
        return "success";
    case TOCSIN_ENOMEM:
        return "out of memory";
    case TOCSIN_EIO:
        return "input/output error";
    case TOCSIN_EINVAL:
        return "invalid argument";
    case TOCSIN_ELIMIT:
        return "limit exceeded";
    case TOCSIN_EEXIST:
        return "already exists";
    case TOCSIN_ENOTCASE:
        return "not a tocsin case";
    case TOCSIN_ECONFIG:
        return "invalid case configuration";
    case TOCSIN_EKEY:
        return "key file missing, unreadable or not this case's key";
    case TOCSIN_EDB:
        return "database error";
    case TOCSIN_ESCHEMA:
        return "case database is newer than this tocsin";
    case TOCSIN_EFORMAT:
        return "malformed input";
    case TOCSIN_ECRYPTO:
        return "sealing or unsealing failed";
    case TOCSIN_ENOENT:
        return "not found";
    case TOCSIN_EBUSY:
        return "in use by another process";
    }
    return "unknown error";
}
