#!/bin/sh
# A short real fuzzing run (TAP): every target of scripts/fuzz.sh is built
# with clang (libFuzzer, ASan, UBSan) and fuzzed for FUZZ_SECONDS (default
# 3) seconds, two targets at a time; "ok" per target that found nothing.
# Without clang or its libFuzzer runtime each target is skipped
# (scripts/deps.sh installs them). The seed is fixed (FUZZ_SEED, default
# 1): every run tries the same inputs, so a target that fails here fails
# again on the same tree and its input can be found; scripts/fuzz.sh
# explores with a new seed each run. A failing target's input is printed
# in base64 (decode it into a file and run the harness on it). Last, the
# readers read every committed corpus input with every read size
# (scripts/fuzz.sh --read-sizes). See fuzz/README.
# usage: test_fuzz_short.sh   (env TOCSIN_SOURCE_ROOT: the source tree)
root=${TOCSIN_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz="$root/scripts/fuzz.sh"
secs=${FUZZ_SECONDS:-3}
FUZZ_SEED=${FUZZ_SEED:-1}
export FUZZ_SEED
cc=${FUZZ_CC:-clang}
targets=$(sh "$fuzz" --list) || exit 1
total=$(echo "$targets" | wc -l)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

echo "1..$((total + 1))"

# libFuzzer and the sanitizer runtimes link a trivial harness?
cat >"$work/probe.c" <<'EOC'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    return (int)(size & 0);
}
EOC
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" \
    -o "$work/probe" >/dev/null 2>&1; then
    n=0
    for t in $targets read_sizes; do
        n=$((n + 1))
        echo "ok $n - $t # SKIP no clang/libFuzzer"
    done
    exit 0
fi

# Run one target in the background; its status goes to $work/$t.rc.
start() {
    (
        FUZZ_OUT="$work/out" sh "$fuzz" "$secs" "$1" >"$work/$1.out" 2>&1
        echo $? >"$work/$1.rc"
    ) &
}

report() { # report N TARGET
    if [ "$(cat "$work/$2.rc" 2>/dev/null)" = 0 ]; then
        echo "ok $1 - $2 fuzzed ${secs}s"
    else
        echo "not ok $1 - $2 fuzzed ${secs}s"
        sed 's/^/# /' "$work/$2.out"
        # The crash report from the fuzzer's log, and the input itself
        # (the directory is removed at exit).
        [ -f "$work/out/fuzz_$2.log" ] &&
            grep -E -A30 '^==[0-9]+==|ERROR|SUMMARY' \
                "$work/out/fuzz_$2.log" | head -60 | sed 's/^/# /'
        for f in "$work/out/crash-$2-"*; do
            [ -f "$f" ] || continue
            echo "# input $(basename "$f") (seed $FUZZ_SEED), base64:"
            base64 -w 76 "$f" | head -n 300 | sed 's/^/#   /'
        done
    fi
}

n=0
set -- $targets
while [ $# -gt 0 ]; do
    a=$1
    shift
    b=
    if [ $# -gt 0 ]; then
        b=$1
        shift
    fi
    start "$a"
    [ -n "$b" ] && start "$b"
    wait
    n=$((n + 1))
    report $n "$a"
    if [ -n "$b" ]; then
        n=$((n + 1))
        report $n "$b"
    fi
done

# The readers over the committed corpus with every read size (1-200
# bytes, then every 37th up to 4 200) against one read: deterministic,
# unlike the fuzzing above.
n=$((n + 1))
if FUZZ_OUT="$work/rs" sh "$fuzz" --read-sizes >"$work/rs.out" 2>&1; then
    echo "ok $n - readers agree at every read size on the committed corpus"
else
    echo "not ok $n - readers agree at every read size on the committed corpus"
    sed 's/^/# /' "$work/rs.out" | tail -n 20
fi
exit 0
