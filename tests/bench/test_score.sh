#!/bin/sh
# Self-test of bench/score.py (TAP): pairwise precision, recall and F1 on
# small hand-made truth and cluster files whose figures are worked out by
# hand, the FEBRL rec_id mode, mismatches, floors and bad input.
# usage: test_score.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
root=${TOCSIN_SOURCE_ROOT:-.}
score="$root/bench/score.py"
. "$root/tests/tap.sh"

# run_score OUT ARGS...: score.py's stdout to OUT, its exit status to $rc
run_score() {
    out=$1
    shift
    python3 "$score" "$@" >"$out" 2>"$tmp/err"
    rc=$?
}
# all FILE KEY=VALUE...: each value of score.py's --json output in FILE
# prints as VALUE; the key rc is score.py's exit status
all() {
    f=$1
    shift
    for kv; do
        if [ "${kv%%=*}" = rc ] && [ "$rc" != "${kv#*=}" ]; then
            echo "exit status $rc, expected ${kv#*=}"
            return 1
        fi
    done
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
bad = 0
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    if k != "rc" and str(r.get(k)) != v:
        print(f"{k} = {r.get(k)}, expected {v}")
        bad = 1
sys.exit(bad)' "$f" "$@"
}

echo "1..22"

# Three persons: A (3 records) and B (2) wrongly merged into X, C (4) split
# into Y and Z; x9 is a malformed row (BAD) that ingest rejects.
# true pairs  = C(3,2) + C(2,2) + C(4,2)           = 3 + 1 + 6 = 10
# predicted   = C(5,2) + C(2,2) + C(2,2)           = 10 + 1 + 1 = 12
# TP (n_pt)   = C(3,2) + C(2,2) + C(2,2) + C(2,2)  = 3 + 1 + 1 + 1 = 6
# P = 6/12 = 0.5, R = 6/10 = 0.6, F1 = 2*0.3/1.1 = 6/11 = 0.545454...
cat >"$tmp/truth.csv" <<'EOF'
record_id,person_id
a1,A
a2,A
a3,A
b1,B
b2,B
c1,C
c2,C
x9,BAD
c3,C
c4,C
EOF
cat >"$tmp/clusters.csv" <<'EOF'
record_id,person_id
c4,Z
a1,X
a2,X
a3,X
b1,X
b2,X
c1,Y
c2,Y
c3,Z
EOF

run_score "$tmp/text" "$tmp/truth.csv" "$tmp/clusters.csv"
check "merge and split: exit 0" test "$rc" -eq 0
check "text table: P 0.500000, R 0.600000, F1 0.545455" sh -c "
    grep -qx 'precision  *0.500000' '$tmp/text' &&
    grep -qx 'recall  *0.600000' '$tmp/text' &&
    grep -qx 'F1  *0.545455' '$tmp/text'"
check "text table: 9 records, 10 true, 12 predicted, 6 TP pairs" sh -c "
    grep -qx 'records scored  *9' '$tmp/text' &&
    grep -qx 'true pairs  *10' '$tmp/text' &&
    grep -qx 'predicted pairs  *12' '$tmp/text' &&
    grep -qx 'true-positive pairs  *6' '$tmp/text'"

run_score "$tmp/j" --json "$tmp/truth.csv" "$tmp/clusters.csv"
check "--json: exact counts and figures" all "$tmp/j" rc=0 records=9 \
    true_pairs=10 predicted_pairs=12 tp_pairs=6 precision=0.5 \
    recall=0.6 true_clusters=3 predicted_clusters=3 ok=True
check "--json: F1 = 6/11" python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
assert abs(r['f1'] - 6 / 11) < 1e-12, r['f1']" "$tmp/j"
check "the BAD row is skipped, not missing" all "$tmp/j" bad_skipped=1 \
    missing=0 extra=0

# The same clustering perfect, and all singletons.
sed 's/,X$/,XX/; s/,[YZ]$/,C/; /^a[0-9]/s/,XX$/,A/' "$tmp/clusters.csv" \
    >"$tmp/perfect.csv"
run_score "$tmp/j" --json "$tmp/truth.csv" "$tmp/perfect.csv"
check "perfect clustering: P = R = F1 = 1, TP = 10" all "$tmp/j" \
    precision=1.0 recall=1.0 f1=1.0 tp_pairs=10 predicted_pairs=10
awk -F, 'NR == 1 { print; next } { print $1 "," NR }' "$tmp/clusters.csv" \
    >"$tmp/single.csv"
run_score "$tmp/j" --json "$tmp/truth.csv" "$tmp/single.csv"
check "all singletons: no predicted pair, P 1, R 0, F1 0" all "$tmp/j" \
    predicted_pairs=0 tp_pairs=0 precision=1.0 recall=0.0 f1=0.0

# Records in one file only: a3..c3 lost, zz unknown. Scored on the
# intersection {c4 in Z, a1 and a2 in X}: the one true pair a1-a2 is the
# one predicted pair.
{
    head -n 4 "$tmp/clusters.csv"
    echo "zz,X"
} >"$tmp/part.csv"
run_score "$tmp/j" --json "$tmp/truth.csv" "$tmp/part.csv"
check "missing and extra records: exit 1" test "$rc" -eq 1
check "counted: 6 missing, 1 extra, with examples" all "$tmp/j" missing=6 \
    extra=1 "extra_examples=['zz']" ok=False
check "and the reason on stderr" grep -q '6 records missing' "$tmp/err"
run_score "$tmp/j" --json --allow-missing "$tmp/truth.csv" "$tmp/part.csv"
check "--allow-missing: exit 0, scored on the intersection" all "$tmp/j" \
    rc=0 records=3 true_pairs=1 predicted_pairs=1 tp_pairs=1 f1=1.0

# Floors.
run_score "$tmp/o" --min-f1 0.54 --min-precision 0.5 "$tmp/truth.csv" \
    "$tmp/clusters.csv"
check "--min-f1 0.54 --min-precision 0.5: met, exit 0" test "$rc" -eq 0
run_score "$tmp/o" --min-f1 0.55 "$tmp/truth.csv" "$tmp/clusters.csv"
check "--min-f1 0.55: below, exit 1" test "$rc" -eq 1
run_score "$tmp/o" --min-precision 0.51 "$tmp/truth.csv" "$tmp/clusters.csv"
check "--min-precision 0.51: below, exit 1, named on stderr" sh -c \
    "test $rc -eq 1 && grep -q 'precision 0.500000 < 0.51' '$tmp/err'"

# FEBRL: entity from the rec_id. Entity 1 (3 records) split into
# {1-org,1-dup-0} and {1-dup-1 with 2-org,2-dup-0}; 3 alone.
# true = 3 + 1 = 4; predicted = 1 + 3 = 4; TP = 1 + 1 = 2; P = R = F1 = 0.5
printf '%s\n' record_id,person_id rec-1-org,p rec-1-dup-0,p \
    rec-1-dup-1,q rec-2-org,q rec-2-dup-0,q rec-3-org,r >"$tmp/fb.csv"
run_score "$tmp/j" --json --febrl "$tmp/fb.csv"
check "--febrl: 6 records, 4 true, 4 predicted, 2 TP, F1 0.5" all "$tmp/j" \
    rc=0 records=6 true_pairs=4 predicted_pairs=4 tp_pairs=2 f1=0.5

# dataset4a + 4b: rec-7-org in one file, rec-7-dup-0 in the other, the
# same entity; the data set files give the records expected.
printf '%s\n' "rec_id, given_name" "rec-7-org, ann" "rec-8-org, bo" \
    >"$tmp/4a.csv"
printf '%s\n' "rec_id, given_name" "rec-7-dup-0, an" "rec-8-dup-0, bo" \
    >"$tmp/4b.csv"
printf '%s\n' record_id,person_id rec-7-org,u rec-7-dup-0,u rec-8-org,v \
    rec-8-dup-0,w >"$tmp/fb4.csv"
run_score "$tmp/j" --json --febrl "$tmp/fb4.csv" "$tmp/4a.csv" "$tmp/4b.csv"
check "--febrl 4a+4b: org and dup-0 across files are one entity" \
    all "$tmp/j" rc=0 true_pairs=2 predicted_pairs=1 tp_pairs=1 \
    precision=1.0 recall=0.5 missing=0
head -n 4 "$tmp/fb4.csv" >"$tmp/fb4part.csv"
run_score "$tmp/j" --json --febrl "$tmp/fb4part.csv" "$tmp/4a.csv" \
    "$tmp/4b.csv"
check "--febrl with data sets: a lost record is missing, exit 1" \
    all "$tmp/j" rc=1 missing=1 "missing_examples=['rec-8-dup-0']"

# Bad input.
printf '%s\n' record_id,person_id rec-1-org,p rec-1-dupe,p >"$tmp/fbbad.csv"
run_score "$tmp/o" --febrl "$tmp/fbbad.csv"
check "--febrl: a record id not of FEBRL form is exit 2, with file:line" \
    sh -c "test $rc -eq 2 && grep -q 'fbbad.csv:3:' '$tmp/err'"
{
    cat "$tmp/clusters.csv"
    echo "a1,Y"
} >"$tmp/dup.csv"
run_score "$tmp/j" --json "$tmp/truth.csv" "$tmp/dup.csv"
check "a record twice in the clusters: exit 1, counted" all "$tmp/j" rc=1 \
    duplicates=1
printf 'id,cluster\na1,X\n' >"$tmp/nohdr.csv"
run_score "$tmp/o" "$tmp/truth.csv" "$tmp/nohdr.csv"
check "clusters without record_id/person_id header: exit 2" sh -c \
    "test $rc -eq 2 && grep -q \"no column 'record_id'\" '$tmp/err'"

# Linear, not quadratic: one cluster of 200000 records has
# C(200000,2) = 19999900000 pairs, beyond any pair-by-pair count; and
# quoted fields with CRLF line ends are read as CSV.
python3 -c 'import sys
with open(sys.argv[1], "w", newline="") as t, \
        open(sys.argv[2], "w", newline="") as c:
    t.write("record_id,person_id\r\n")
    c.write("\"record_id\",\"person_id\"\r\n")
    for i in range(200000):
        t.write("r%d,P\r\n" % i)
        c.write("\"r%d\",\"K,1\"\r\n" % i)' "$tmp/bt.csv" "$tmp/bc.csv"
run_score "$tmp/j" --json "$tmp/bt.csv" "$tmp/bc.csv"
check "200000 records in one cluster: 19999900000 pairs, F1 1" all \
    "$tmp/j" rc=0 records=200000 predicted_pairs=19999900000 \
    tp_pairs=19999900000 f1=1.0
exit $fail
