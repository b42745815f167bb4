#include "casedir.h"

#include <stdio.h>

#include "../util/fsutil.h"
#include "../util/limits.h"

int
casedir_is_case(const char *dir)
{
    static const char *const files[] = {CASEDIR_CONFIG, CASEDIR_KEY,
                                        CASEDIR_DB};
    char path[LIMIT_PATH];
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (fs_join(path, sizeof(path), dir, files[i]) != TOCSIN_OK ||
            !fs_is_file(path))
            return 0;
    return 1;
}
