#!/bin/sh
# Build the libFuzzer harnesses in fuzz/ with clang and run each for N
# seconds (default 60). See fuzz/README.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#   scripts/fuzz.sh --list                    print the targets, one a line
#   scripts/fuzz.sh --read-sizes [TARGET...]  readers (csv csv_scalar jsonl):
#       every input of the committed and working corpus, read with every
#       read size 1-200 and then every 37th up to 4 200, against one read
#
# TARGET: csv csv_scalar jsonl name date address email phone iban idnum
# mapping compare template mime serve (default: all).
#
# Work goes to $FUZZ_OUT (default build-fuzz/): the binaries, a working
# corpus per target (seeded from fuzz/corpus/, grown by the fuzzer) and
# crash-* files. The committed corpus is never written; copy a crasher
# there by hand once it is fixed. Exit status 1 when a target crashed.
# FUZZ_SEED: libFuzzer's seed (default: a new one each run).
set -eu

all="csv csv_scalar jsonl name date address email phone iban idnum mapping
compare template mime serve"
if [ "${1:-}" = --list ]; then
    printf '%s\n' $all
    exit 0
fi
read_sizes=0
if [ "${1:-}" = --read-sizes ]; then
    read_sizes=1
    shift
    set -- 0 ${*:-csv csv_scalar jsonl}
fi
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-$all}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_OUT:-$root/build-fuzz}
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-1}

mkdir -p "$out"
cflags="-std=c17 -g -O1 -D_GNU_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
-fsanitize=address,undefined \
-fno-sanitize-recover=undefined -fno-omit-frame-pointer -I$root/src \
$(pkg-config --cflags libsodium zlib json-c libutf8proc inih)"
libs=$(pkg-config --libs libsodium zlib json-c libutf8proc inih)
srcs="$root/src/ingest/source.c $root/src/ingest/csv.c \
$root/src/ingest/jsonl.c $root/src/util/buf.c $root/src/util/error.c \
$root/src/util/utf8.c"
# The normalisers and the map file parser (one harness each).
norm_srcs="$root/src/util/buf.c $root/src/util/error.c \
$root/src/util/checkdigit.c $root/src/util/log.c $root/src/util/utf8.c \
$root/src/store/field.c"

status=0
for t in $targets; do
    case $t in
    csv) harness=csv extra= t_srcs=$srcs ;;
    csv_scalar) harness=csv extra=-DCSV_SCALAR t_srcs=$srcs ;;
    jsonl) harness=jsonl extra= t_srcs=$srcs ;;
    name | date | address | email | phone | iban | idnum | mapping)
        harness=$t extra= t_srcs="$root/src/ingest/$t.c $norm_srcs" ;;
    compare) harness=$t extra= t_srcs="$root/src/resolve/compare.c" ;;
    template) harness=$t extra= t_srcs="$root/src/notify/template.c \
$root/src/util/buf.c $root/src/util/error.c $root/src/util/grow.c \
$root/src/util/utf8.c" ;;
    mime) harness=$t extra= t_srcs="$root/src/notify/mime.c \
$root/src/util/buf.c $root/src/util/error.c $root/src/util/utf8.c" ;;
    serve)
        # the web service's handler on a real case: most of the library,
        # with the default case files embedded as the build does
        cc -o "$out/embed" "$root/tools/embed.c"
        (cd "$root" && "$out/embed" "$out/embedded.c" data/ \
            $(cd "$root" && find data -type f | sort))
        harness=$t extra="-I$root/src/store -DTOCSIN_VERSION=\"fuzz\" \
$(pkg-config --cflags sqlite3 libmicrohttpd openssl)"
        t_srcs="$(ls "$root"/src/util/*.c "$root"/src/store/*.c \
"$root"/src/ingest/*.c "$root"/src/notify/*.c "$root"/src/serve/*.c \
"$root"/src/assess/*.c) $out/embedded.c $(pkg-config --libs sqlite3 \
libmicrohttpd openssl) -lm -lpthread" ;;
    *) echo "fuzz.sh: unknown target $t" >&2; exit 2 ;;
    esac
    if [ "$read_sizes" -eq 1 ]; then
        case $t in
        csv | csv_scalar | jsonl) ;;
        *) echo "fuzz.sh: --read-sizes: $t is not a reader" >&2; exit 2 ;;
        esac
        echo "== read sizes: $t"
        mkdir -p "$out/corpus_$t"
        # shellcheck disable=SC2086
        $cc $cflags -DFUZZ_READ_SIZES $extra "$root/fuzz/fuzz_$harness.c" \
            $t_srcs $libs -o "$out/read_sizes_$t"
        "$out/read_sizes_$t" "$root/fuzz/corpus/$harness" \
            "$out/corpus_$t" || status=1
        continue
    fi
    echo "== building fuzz_$t"
    # shellcheck disable=SC2086
    $cc -fsanitize=fuzzer $cflags $extra "$root/fuzz/fuzz_$harness.c" $t_srcs $libs \
        -o "$out/fuzz_$t"
    mkdir -p "$out/corpus_$t"
    dict=
    [ -f "$root/fuzz/$harness.dict" ] && dict=-dict=$root/fuzz/$harness.dict
    par=
    [ "$jobs" -gt 1 ] && par="-jobs=$jobs -workers=$jobs"
    [ -n "${FUZZ_SEED:-}" ] && par="$par -seed=$FUZZ_SEED"
    echo "== running fuzz_$t for ${secs}s"
    # shellcheck disable=SC2086
    if ! (cd "$out" && "$out/fuzz_$t" -max_total_time="$secs" \
        -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $par -artifact_prefix="$out/crash-$t-" $dict \
        "$out/corpus_$t" "$root/fuzz/corpus/$harness") \
        >"$out/fuzz_$t.log" 2>&1; then
        echo "fuzz_$t FAILED: see $out/fuzz_$t.log and $out/crash-$t-*"
        status=1
    fi
    grep -E '^(stat::|#[0-9]+.*DONE|Done)' "$out/fuzz_$t.log" | tail -4 || :
done
exit $status
