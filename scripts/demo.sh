#!/bin/sh
# make demo: the main job on a built-in example.
# usage: scripts/demo.sh TOCSIN CASE-DIR PERSONS
# Creates CASE-DIR afresh, generates a synthetic breach of PERSONS persons
# into CASE-DIR/synthetic/, runs every stage tocsin has on it (the messages
# go into the case's Maildir) and says where to look.
set -eu
tocsin=$1
case_dir=$2
persons=$3

if [ -e "$case_dir" ]; then
    if [ -f "$case_dir/case.ini" ] && [ -f "$case_dir/case.key" ]; then
        rm -rf "$case_dir"
    else
        echo "demo: $case_dir exists and is not a tocsin case; not touching it" >&2
        exit 1
    fi
fi

start=$(date +%s)
echo "== tocsin init $case_dir"
"$tocsin" init "$case_dir" >/dev/null
echo "== tocsin synth --persons $persons (a synthetic breach, seed 2026)"
"$tocsin" synth --persons "$persons" --seed 2026 --out "$case_dir/synthetic"
echo "== tocsin run"
"$tocsin" run --case "$case_dir" "$case_dir/synthetic/export.csv"
echo "== tocsin report (for the supervisory authority: JSON, Markdown, HTML)"
for fmt in json md html; do
    "$tocsin" report --case "$case_dir" --format "$fmt" \
        --out "$case_dir/report.$fmt" 2>/dev/null
done
echo "== tocsin notify (every person a personal message, into the case's Maildir)"
"$tocsin" notify --case "$case_dir"
"$tocsin" status --case "$case_dir"
end=$(date +%s)
echo "== how good is the resolution? (scored against the synthetic truth)"
"$tocsin" export clusters --case "$case_dir" --out "$case_dir/clusters.csv" \
    >/dev/null
if command -v python3 >/dev/null 2>&1; then
    python3 "$(dirname "$0")/../bench/score.py" --allow-missing \
        "$case_dir/synthetic/truth.csv" "$case_dir/clusters.csv" |
        grep -E '^(precision|recall|F1)'
fi

records=$(($(wc -l <"$case_dir/synthetic/truth.csv") - 1))
cat <<EOT

Demo done in $((end - start)) s: $persons synthetic persons, $records records.
Where to look:
  $case_dir/case.ini              the incident, brands and DPO (edit for a real case)
  $case_dir/templates/            the warning messages, nl and en
  $case_dir/case.db               the case database (sealed; useless without case.key)
  $case_dir/synthetic/export.csv  the synthetic breach export that was processed
  $case_dir/synthetic/truth.csv   who is who in it, to score the results
  $case_dir/clusters.csv          which person each record belongs to
  $case_dir/report.html           the regulator report (also report.md, report.json)
  $case_dir/maildir/new/          the messages, one file each (with --smtp URL
                                  notify sends them through a relay instead)
  tocsin status --case $case_dir   the journal: queued, accepted, uncertain, ...
  tocsin serve --case $case_dir --listen 127.0.0.1:8080
                                  "is this mail really from us?" (paste a code
                                  from a message), "am I affected?", the
                                  information page, the dashboard (token in
                                  case.ini [serve])
  tocsin rejects --case $case_dir  the rows that could not be read, and why
  tocsin explain --case $case_dir R00000002   why a record belongs to its person
EOT
