#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"

int
fs_join(char *out, size_t outsz, const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';

    if (dl + (size_t)slash + nl + 1 > outsz)
        return TOCSIN_ELIMIT;
    memcpy(out, dir, dl);
    if (slash)
        out[dl] = '/';
    memcpy(out + dl + slash, name, nl + 1);
    return TOCSIN_OK;
}

int
fs_sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = TOCSIN_OK;

    if (fd < 0)
        return TOCSIN_EIO;
    if (fsync(fd) != 0)
        rc = TOCSIN_EIO;
    close(fd);
    return rc;
}

static int
fs_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return TOCSIN_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return TOCSIN_OK;
}

/* The directory part of path into out ("." when there is none). */
static int
fs_dirname(const char *path, char *out, size_t outsz)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (slash == NULL) {
        out[0] = '.';
        out[1] = '\0';
        return TOCSIN_OK;
    }
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n + 1 > outsz)
        return TOCSIN_ELIMIT;
    memcpy(out, path, n);
    out[n] = '\0';
    return TOCSIN_OK;
}

int
fs_write_file(const char *path, const void *data, size_t len, mode_t mode,
              int flags)
{
    char tmp[LIMIT_PATH], dir[LIMIT_PATH];
    int fd, rc, n;

    rc = fs_dirname(path, dir, sizeof(dir));
    if (rc != TOCSIN_OK)
        return rc;
    if (flags & FS_EXCL) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0)
            return errno == EEXIST ? TOCSIN_EEXIST : TOCSIN_EIO;
        rc = fs_write_all(fd, data, len);
        if (rc == TOCSIN_OK && fsync(fd) != 0)
            rc = TOCSIN_EIO;
        if (close(fd) != 0 && rc == TOCSIN_OK)
            rc = TOCSIN_EIO;
        if (rc != TOCSIN_OK) {
            unlink(path);
            return rc;
        }
        return fs_sync_dir(dir);
    }
    n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return TOCSIN_ELIMIT;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return TOCSIN_EIO;
    rc = fs_write_all(fd, data, len);
    if (rc == TOCSIN_OK && fchmod(fd, mode) != 0)
        rc = TOCSIN_EIO;
    if (rc == TOCSIN_OK && fsync(fd) != 0)
        rc = TOCSIN_EIO;
    if (close(fd) != 0 && rc == TOCSIN_OK)
        rc = TOCSIN_EIO;
    if (rc == TOCSIN_OK && rename(tmp, path) != 0)
        rc = TOCSIN_EIO;
    if (rc != TOCSIN_OK) {
        int saved = errno;

        unlink(tmp);
        errno = saved;
        return rc;
    }
    return fs_sync_dir(dir);
}

int
fs_read_file(const char *path, size_t max, char **out, size_t *len)
{
    struct stat st;
    char *p;
    size_t got = 0;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TOCSIN_ENOENT : TOCSIN_EIO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return TOCSIN_EIO;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        return TOCSIN_ELIMIT;
    }
    p = malloc((size_t)st.st_size + 1);
    if (p == NULL) {
        close(fd);
        return TOCSIN_ENOMEM;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, p + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(p);
        return TOCSIN_EIO;
    }
    p[got] = '\0';
    *out = p;
    if (len != NULL)
        *len = got;
    return TOCSIN_OK;
}

int
fs_mkdir(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0)
        return TOCSIN_OK;
    if (errno == EEXIST && fs_is_dir(path))
        return TOCSIN_OK;
    return errno == EEXIST ? TOCSIN_EEXIST : TOCSIN_EIO;
}

int
fs_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
fs_is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
