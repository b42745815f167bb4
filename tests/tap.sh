# tests/tap.sh - what the end-to-end shell tests share; source it after
# setting root (the source tree):  . "$root/tests/tap.sh"
# Gives a scratch directory $tmp (removed at exit), stop_server for a
# background server in $server_pid (stopped at exit), the counters $n (tests
# so far) and $fail (1 once one failed), and the TAP lines:
#   ok DESCRIPTION, notok DESCRIPTION
#   check DESCRIPTION COMMAND...: ok when COMMAND succeeds, else not ok
#     with its output as diagnostics (the first 40 lines).
#   skip COUNT WHY: COUNT tests skipped (a peer that is not installed).
tmp=$(mktemp -d) || exit 1
# A server the test runs in the background: its process id in
# $server_pid; stop_server stops it (and at exit).
server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT INT TERM
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
