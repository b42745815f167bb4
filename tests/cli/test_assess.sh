#!/bin/sh
# End-to-end tests of tocsin assess and tocsin report (TAP): every figure of
# the report reconciles with the case database and the synthetic truth
# (reconcile.py, one test per check group), no output holds personal data,
# a report on a case that is not assessed, or whose persons or records
# changed since, is refused, assess is deterministic, and usage errors.
# usage: test_assess.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
reconcile=$root/tests/cli/reconcile.py
. "$root/tests/tap.sh"

# dump CASE: the assess tables in key order and meta 'assess' without its
# time, to compare two runs
dump() {
    python3 - "$1/case.db" <<'EOF'
import json, sqlite3, sys, urllib.parse
db = sqlite3.connect('file:' + urllib.parse.quote(sys.argv[1]) + '?mode=ro',
                     uri=True)
for row in db.execute('SELECT * FROM exposures ORDER BY person_id, brand'):
    print('e', row)
for row in db.execute('SELECT * FROM exposed_persons ORDER BY person_id'):
    print('p', row)
meta = json.loads(db.execute("SELECT value FROM meta WHERE key = 'assess'")
                  .fetchone()[0])
for k in ('assessed_at', 'resolve_stamp'):
    meta.pop(k, None)
print('m', json.dumps(meta, sort_keys=True))
EOF
}

# same_figures A B: two report JSONs equal but for the times in them
same_figures() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p, encoding='utf-8')) for p in sys.argv[1:3])
for r in (a, b):
    r.pop('generated_at', None)
    for k in ('assessed_at', 'resolved_at'):
        r.get('case', {}).pop(k, None)
if a != b:
    for k in a:
        if a.get(k) != b.get(k):
            print(f'{k}: {a.get(k)!r:.200} / {b.get(k)!r:.200}')
    sys.exit(1)
EOF
}

# refused OUT ERR RC WORDS: report exited 1, wrote nothing to standard
# output, and its message holds WORDS
refused() {
    test "$3" -eq 1 -a ! -s "$1" && grep -q -F -e "$4" "$2"
}

groups=$(python3 "$reconcile" --groups 2>/dev/null)
case $groups in
'' | *[!0-9]*) groups=1 ;;
esac
echo "1..$((groups + 25))"

# The case: 2000 persons through ingest, resolve and assess.
"$tocsin" synth --persons 2000 --out "$tmp/s" 2>/dev/null &&
    "$tocsin" init "$tmp/c" >/dev/null &&
    "$tocsin" run --case "$tmp/c" "$tmp/s/export.csv" >"$tmp/o" 2>&1
rc=$?
check "synth, init and run exit 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/o" | head -n 20

"$tocsin" report --case "$tmp/c" --format json --out "$tmp/r.json" \
    >"$tmp/o" 2>&1
check "report --format json --out exits 0 and writes the file" \
    test $? -eq 0 -a -s "$tmp/r.json"
for f in md html; do
    for l in en nl; do
        "$tocsin" report --case "$tmp/c" --format "$f" --lang "$l" \
            --out "$tmp/r.$l.$f" >"$tmp/o" 2>&1
        check "report --format $f --lang $l exits 0 and writes the file" \
            test $? -eq 0 -a -s "$tmp/r.$l.$f"
    done
done
"$tocsin" report --case "$tmp/c" >"$tmp/r.stdout" 2>"$tmp/e"
rc=$?
sed '/"generated_at"/d' "$tmp/r.stdout" >"$tmp/a"
sed '/"generated_at"/d' "$tmp/r.json" >"$tmp/b"
check "report to standard output (json by default) equals the --out file" \
    test "$rc" -eq 0 -a ! -s "$tmp/e" -a \
    "$(wc -l <"$tmp/a")" -eq "$(($(wc -l <"$tmp/r.stdout") - 1))" -a \
    "$(wc -l <"$tmp/a")" -gt 100 -a -z "$(cmp "$tmp/a" "$tmp/b" 2>&1)"

# Every figure, recomputed by reconcile.py: one TAP line per check group.
python3 "$reconcile" --case "$tmp/c" --synth "$tmp/s" \
    --text "$tmp/r.en.md" --text "$tmp/r.nl.md" \
    --text "$tmp/r.en.html" --text "$tmp/r.nl.html" \
    "$tmp/r.json" >"$tmp/rec" 2>&1
got=0
while IFS= read -r line; do
    case $line in
    'ok - '*)
        got=$((got + 1))
        [ "$got" -le "$groups" ] && ok "${line#ok - }"
        ;;
    'not ok - '*)
        got=$((got + 1))
        [ "$got" -le "$groups" ] && notok "${line#not ok - }"
        ;;
    *) echo "# $line" | sed 's/^# # /# /' ;;
    esac
done <"$tmp/rec"
while [ "$got" -lt "$groups" ]; do
    got=$((got + 1))
    notok "reconcile.py check group $got did not run"
done

dump "$tmp/c" >"$tmp/d0" 2>&1

# A case that is not assessed (ingested and resolved), and one whose
# records changed after assess: refused, exit 1, with what to run.
"$tocsin" synth --persons 60 --seed 3 --out "$tmp/s2" 2>/dev/null
"$tocsin" synth --persons 20 --seed 4 --out "$tmp/s3" 2>/dev/null
"$tocsin" init "$tmp/c2" >/dev/null
"$tocsin" ingest --case "$tmp/c2" "$tmp/s2/export.csv" >/dev/null 2>&1
"$tocsin" resolve --case "$tmp/c2" >/dev/null 2>&1
"$tocsin" report --case "$tmp/c2" --out "$tmp/x.json" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "report on a case not assessed exits 1, says run 'tocsin assess'" \
    refused "$tmp/o" "$tmp/e" "$rc" "run 'tocsin assess'"
check "and writes no file" test ! -e "$tmp/x.json"
"$tocsin" assess --case "$tmp/c2" >/dev/null 2>&1 &&
    "$tocsin" report --case "$tmp/c2" >"$tmp/o" 2>&1
check "after tocsin assess it exits 0" test $? -eq 0 -a -s "$tmp/o"
"$tocsin" ingest --case "$tmp/c2" "$tmp/s3/export.csv" >/dev/null 2>&1
"$tocsin" report --case "$tmp/c2" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "records ingested after assess: report exits 1, run 'tocsin resolve'" \
    refused "$tmp/o" "$tmp/e" "$rc" "run 'tocsin resolve'"
"$tocsin" assess --case "$tmp/c2" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "and so does assess" \
    test "$rc" -eq 1 -a "$(grep -c -F "run 'tocsin resolve'" "$tmp/e")" -gt 0

# Resolving again makes the assessment stale until assess runs again.
"$tocsin" resolve --case "$tmp/c" >"$tmp/o" 2>&1
check "a second resolve exits 0" test $? -eq 0
"$tocsin" report --case "$tmp/c" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "then report exits 1: the persons changed, run 'tocsin assess'" \
    refused "$tmp/o" "$tmp/e" "$rc" "run 'tocsin assess'"
"$tocsin" report --case "$tmp/c" --format html >"$tmp/o" 2>"$tmp/e"
rc=$?
check "in html too" refused "$tmp/o" "$tmp/e" "$rc" "tocsin assess"
"$tocsin" assess --case "$tmp/c" >"$tmp/o" 2>&1
check "assess exits 0" test $? -eq 0
"$tocsin" report --case "$tmp/c" --out "$tmp/r2.json" >"$tmp/o" 2>&1
check "and report exits 0 again" test $? -eq 0 -a -s "$tmp/r2.json"
dump "$tmp/c" >"$tmp/d1" 2>&1
"$tocsin" assess --case "$tmp/c" >"$tmp/o" 2>&1
dump "$tmp/c" >"$tmp/d2" 2>&1
ne=$(grep -c '^e' "$tmp/d1")
np=$(grep -c '^p' "$tmp/d1")
check "assess twice: identical exposures and exposed persons ($ne, $np rows)" \
    test "$ne" -gt 2000 -a "$np" -ge 1980 -a \
    -z "$(cmp "$tmp/d1" "$tmp/d2" 2>&1)"
check "the same as after the first run (resolve is deterministic)" \
    cmp "$tmp/d0" "$tmp/d1"
check "and a report with the same figures" \
    same_figures "$tmp/r.json" "$tmp/r2.json"

# explain shows what assess found for the person, without the values.
rid=$(sed -n 2p "$tmp/s/export.csv" | cut -d, -f1)
"$tocsin" explain --case "$tmp/c" "$rid" >"$tmp/o" 2>&1
check "explain $rid shows the assessment: leaked categories, risk, channel" \
    test $? -eq 0 -a "$(grep -c '^Assessment of \|    leaked: \|    channel: ' \
    "$tmp/o")" -ge 3
email=$(sed -n 2p "$tmp/s/export.csv" | tr ',' '\n' | grep '@' | head -n 1)
check "and not the record's e-mail address" \
    test -n "$email" -a "$(grep -cF "$email" "$tmp/o")" -eq 0

# Usage errors exit 2.
"$tocsin" report --case "$tmp/c" --format pdf >"$tmp/o" 2>"$tmp/e"
rc=$?
check "report --format pdf exits 2 and says which formats there are" \
    test "$rc" -eq 2 -a ! -s "$tmp/o" -a \
    "$(grep -c 'json, md or html' "$tmp/e")" -gt 0
"$tocsin" report --case "$tmp/c" --lang de >"$tmp/o" 2>"$tmp/e"
check "report --lang de exits 2" test $? -eq 2 -a ! -s "$tmp/o"
"$tocsin" report --case "$tmp/c" extra >"$tmp/o" 2>"$tmp/e"
check "report with an argument exits 2" test $? -eq 2 -a ! -s "$tmp/o"
exit "$fail"
