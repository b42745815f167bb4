#!/bin/sh
# Every C source and header is formatted as .clang-format says (TAP).
root=${1:-.}
cd "$root" || exit 1
files=$(find src tests tools fuzz bench -name '*.[ch]' 2>/dev/null | sort)
n=$(echo "$files" | grep -c .)
echo "1..$n"
i=0
for f in $files; do
    i=$((i + 1))
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "ok $i - $f"
    else
        echo "not ok $i - $f is not clang-formatted (run 'make format')"
    fi
done
