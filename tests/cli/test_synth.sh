#!/bin/sh
# End-to-end test of 'tocsin synth' (TAP). $1: the tocsin binary.
tocsin=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
notok() {
    n=$((n + 1))
    echo "not ok $n - $1"
}
check() { # check WHAT COMMAND...
    what=$1
    shift
    if "$@"; then ok "$what"; else notok "$what"; fi
}

echo "1..17"

"$tocsin" synth --help >"$tmp/help" 2>"$tmp/err"
rc=$?
check "--help exits 0" test "$rc" -eq 0
check "--help prints the usage on stdout" \
    grep -q '^usage: tocsin synth --persons N --out DIR' "$tmp/help"

"$tocsin" synth --persons 10 --out "$tmp/x" --bogus >/dev/null 2>"$tmp/err"
check "an unknown option exits 2" test $? -eq 2

"$tocsin" synth --out "$tmp/x" >/dev/null 2>"$tmp/err"
rc=$?
check "a missing --persons exits 2" test "$rc" -eq 2
check "a missing --persons is explained" grep -q -- '--persons' "$tmp/err"

"$tocsin" synth --persons 0 --out "$tmp/x" >/dev/null 2>&1
check "--persons 0 exits 2" test $? -eq 2

"$tocsin" synth --persons 10 --format xml --out "$tmp/x" >/dev/null 2>&1
check "an unknown --format exits 2" test $? -eq 2

"$tocsin" synth --persons 500 --seed 9 --out "$tmp/a" 2>"$tmp/err"
rc=$?
check "a small run succeeds" test "$rc" -eq 0
check "it writes export.csv and truth.csv" \
    test -s "$tmp/a/export.csv" -a -s "$tmp/a/truth.csv"
check "the directory is private (0700)" \
    test "$(stat -c %a "$tmp/a")" = 700
check "a summary line goes to stderr" \
    grep -q '500 persons, [0-9]* records, [0-9]* bad rows' "$tmp/err"

records=$(($(wc -l <"$tmp/a/truth.csv") - 1))
persons=$(tail -n +2 "$tmp/a/truth.csv" | cut -d, -f2 | grep -v BAD |
    sort -u | wc -l)
check "truth: 500 persons behind more records" \
    test "$persons" -eq 500 -a "$records" -gt 500

"$tocsin" synth --persons 500 --seed 9 --out "$tmp/b" 2>/dev/null
check "same seed, same bytes" cmp -s "$tmp/a/export.csv" "$tmp/b/export.csv"

"$tocsin" synth --persons 500 --seed 9 --out "$tmp/a" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] && cmp -s "$tmp/a/export.csv" "$tmp/b/export.csv"; then
    ok "an existing export is not overwritten without --force"
else
    notok "an existing export is not overwritten without --force"
fi

"$tocsin" synth --persons 300 --seed 10 --out "$tmp/a" --force 2>/dev/null
rc=$?
if [ "$rc" -eq 0 ] && ! cmp -s "$tmp/a/export.csv" "$tmp/b/export.csv"; then
    ok "--force replaces it"
else
    notok "--force replaces it"
fi

"$tocsin" synth --persons 200 --format jsonl --out "$tmp/j" 2>/dev/null
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/j/export.jsonl" ] &&
    head -n 1 "$tmp/j/export.jsonl" | grep -q '^{"record_id":"R00000001",'
then
    ok "--format jsonl writes export.jsonl"
else
    notok "--format jsonl writes export.jsonl"
fi

"$tocsin" synth --persons 200 --format jsonl --out "$tmp/k" 2>/dev/null
check "jsonl is deterministic too" \
    cmp -s "$tmp/j/export.jsonl" "$tmp/k/export.jsonl"
