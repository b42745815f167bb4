# tests/tap.sh - what the end-to-end shell tests share; source it after
# setting root (the source tree):  . "$root/tests/tap.sh"
# Gives a scratch directory $tmp (removed at exit), the counters $n (tests
# so far) and $fail (1 once one failed), and the TAP lines:
#   ok DESCRIPTION, notok DESCRIPTION
#   check DESCRIPTION COMMAND...: ok when COMMAND succeeds, else not ok
#     with its output as diagnostics (the first 40 lines).
#   skip COUNT WHY: COUNT tests skipped (a peer that is not installed).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

notok() {
    n=$((n + 1))
    fail=1
    echo "not ok $n - $1"
}

check() {
    desc=$1
    shift
    if "$@" >"$tmp/check.out" 2>&1; then ok "$desc"; else
        notok "$desc"
        sed 's/^/# /' "$tmp/check.out" | head -n 40
    fi
}

skip() {
    i=0
    while [ "$i" -lt "$1" ]; do
        n=$((n + 1))
        i=$((i + 1))
        echo "ok $n # SKIP $2"
    done
}
