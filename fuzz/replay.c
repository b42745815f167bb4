/*
 * replay.c - run every file of a fuzz corpus directory through a
 * LLVMFuzzerTestOneInput harness, in name order, printing TAP. Built by the
 * normal build (no libFuzzer needed) so that the test suite replays the
 * committed corpora; a harness that finds a problem aborts, which fails
 * the test.
 *
 * usage: replay DIR
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t n = 0, cap = 0, got;

    if (f == NULL)
        return -1;
    for (;;) {
        if (n == cap) {
            unsigned char *q;
            cap = cap ? cap * 2 : 65536;
            q = realloc(p, cap);
            if (q == NULL) {
                free(p);
                fclose(f);
                return -1;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(p);
        fclose(f);
        return -1;
    }
    fclose(f);
    *out = p;
    *len = n;
    return 0;
}

int
main(int argc, char **argv)
{
    const char *dir, *base;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int failed = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: replay DIR\n");
        return 2;
    }
    dir = argv[1];
    base = strrchr(dir, '/');
    base = base ? base + 1 : dir;
    d = opendir(dir);
    if (d == NULL) {
        printf("1..0 # SKIP no corpus at %s\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **q;
            cap = cap ? cap * 2 : 64;
            q = realloc(names, cap * sizeof(*names));
            if (q == NULL)
                return 1;
            names = q;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL)
            return 1;
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), by_name);
    printf("1..%zu\n", n);
    for (i = 0; i < n; i++) {
        char path[4096];
        unsigned char *data;
        size_t len;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        fflush(stdout);
        if (read_file(path, &data, &len) != 0) {
            printf("not ok %zu - corpus/%s/%s (unreadable)\n", i + 1, base,
                   names[i]);
            failed = 1;
        } else {
            LLVMFuzzerTestOneInput(data, len);
            free(data);
            printf("ok %zu - corpus/%s/%s\n", i + 1, base, names[i]);
        }
        free(names[i]);
    }
    free(names);
    return failed;
}
