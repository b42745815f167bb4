/*
 * fsutil.h - small file-system helpers with durable writes.
 */
#ifndef TOCSIN_UTIL_FSUTIL_H
#define TOCSIN_UTIL_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Flags for fs_write_file(). */
#define FS_EXCL 1 /* fail with TOCSIN_EEXIST if path exists */

/*
 * Write len bytes to path with the given mode, durably: into a temporary
 * file beside it, fsync, rename over path, fsync the directory. With FS_EXCL
 * the file is created with O_EXCL instead and never replaces anything.
 * Returns 0, TOCSIN_EEXIST or TOCSIN_EIO (errno set).
 */
TOCSIN_MUST_CHECK int fs_write_file(const char *path, const void *data,
                                    size_t len, mode_t mode, int flags);

/*
 * Read a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated block (caller frees *out). TOCSIN_ELIMIT when larger,
 * TOCSIN_ENOENT when missing, TOCSIN_EIO otherwise.
 */
TOCSIN_MUST_CHECK int fs_read_file(const char *path, size_t max, char **out,
                                   size_t *len);

/* Create a directory (mode) if missing; 0 when it exists as a directory. */
TOCSIN_MUST_CHECK int fs_mkdir(const char *path, mode_t mode);

/* 1 when path is an existing directory, an existing file, else 0. */
int fs_is_dir(const char *path);
int fs_is_file(const char *path);

/*
 * Join dir and name with one '/' into out (outsz bytes). TOCSIN_ELIMIT when
 * it does not fit.
 */
TOCSIN_MUST_CHECK int fs_join(char *out, size_t outsz, const char *dir,
                              const char *name);

/* fsync the directory at path. */
TOCSIN_MUST_CHECK int fs_sync_dir(const char *path);

#endif
