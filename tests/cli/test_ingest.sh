#!/bin/sh
# End-to-end tests of tocsin ingest and tocsin rejects on synthetic and
# FEBRL data: accounting, formats, idempotence, restart after kill -9, and
# that no personal data from the input stands readable in the case files.
# usage: test_ingest.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
febrl=$root/../shared/data/febrl
. "$root/tests/tap.sh"

# json_get FILE KEY: the integer value of a top-level key of one JSON line
json_get() {
    sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

records_in_db() {
    sqlite3 "$1/case.db" "SELECT count(*) FROM records"
}

echo "1..31"

"$tocsin" init "$tmp/c" >/dev/null
"$tocsin" synth --persons 3000 --seed 7 --out "$tmp/s" 2>/dev/null
good=$(grep -vc ',BAD$' "$tmp/s/truth.csv")
good=$((good - 1)) # header
bad=$(grep -c ',BAD$' "$tmp/s/truth.csv")

"$tocsin" ingest --case "$tmp/c" --json "$tmp/s/export.csv" >"$tmp/j" 2>"$tmp/e"
check "ingest exits 0" test $? -eq 0
read_=$(json_get "$tmp/j" rows_read)
acc=$(json_get "$tmp/j" accepted)
rej=$(json_get "$tmp/j" rejected)
check "read = accepted + rejected ($read_ = $acc + $rej)" \
    test "$read_" -eq $((acc + rej))
check "every good synthetic record is accepted ($acc = $good)" \
    test "$acc" -eq "$good"
check "every malformed record is rejected ($rej >= $bad > 0)" \
    test "$rej" -ge "$bad" -a "$bad" -gt 0
check "the database holds the accepted records" \
    test "$(records_in_db "$tmp/c")" -eq "$acc"
check "JSON summary has flags per field" grep -q '"flags":{"' "$tmp/j"
check "JSON summary counts IBAN problems" grep -q '"iban":{' "$tmp/j"

"$tocsin" ingest --case "$tmp/c" "$tmp/s/export.csv" >"$tmp/o" 2>&1
check "a second ingest of the same file is a no-op" \
    grep -q "already in the case" "$tmp/o"
check "and adds no records" test "$(records_in_db "$tmp/c")" -eq "$acc"

"$tocsin" rejects --case "$tmp/c" >"$tmp/r"
check "rejects lists every rejected row" \
    test "$(grep -c ': byte ' "$tmp/r")" -eq "$rej"
check "rejects names file and line" \
    grep -q "export.csv:[0-9]*: byte [0-9]*" "$tmp/r"

# No personal data readable in the case files: samples of e-mail
# addresses, IBANs, last names and birth dates from the export.
awk -F, 'NR > 1 && NF == 22 {
    if ($14 ~ /@/) print $14 > "'"$tmp"'/p.email";
    if ($15 ~ /^NL[0-9][0-9][A-Z]/) print $15 > "'"$tmp"'/p.iban";
    if (length($7) >= 7) print $7 > "'"$tmp"'/p.name";
    if ($16 ~ /^[12][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/)
        print $16 > "'"$tmp"'/p.birth";
}' "$tmp/s/export.csv"
for kind in email iban name birth; do
    sort -u "$tmp/p.$kind" | head -n 300 >"$tmp/q.$kind"
    hits=$(cat "$tmp/c/case.db" "$tmp/c/case.db-wal" 2>/dev/null |
        grep -a -c -F -f "$tmp/q.$kind")
    check "no $kind from the input in the case files ($(wc -l <"$tmp/q.$kind") samples, $hits hits)" \
        test "$(wc -l <"$tmp/q.$kind")" -ge 50 -a "$hits" -eq 0
done

# Other forms of the same data give the same records.
gzip -c "$tmp/s/export.csv" >"$tmp/s/export.bin"
"$tocsin" init "$tmp/gz" >/dev/null
"$tocsin" ingest --case "$tmp/gz" --json "$tmp/s/export.bin" >"$tmp/j" 2>&1
check "gzip detected by content, same records" \
    test "$(json_get "$tmp/j" accepted)" -eq "$acc"
"$tocsin" init "$tmp/in" >/dev/null
"$tocsin" ingest --case "$tmp/in" --json - <"$tmp/s/export.csv" >"$tmp/j" 2>&1
check "standard input, same records" \
    test "$(json_get "$tmp/j" accepted)" -eq "$acc"
"$tocsin" ingest --case "$tmp/in" - <"$tmp/s/export.csv" >"$tmp/o" 2>&1
check "standard input again: recognised as already in the case" \
    grep -q "already in the case" "$tmp/o"
check "and adds no records" test "$(records_in_db "$tmp/in")" -eq "$acc"

"$tocsin" synth --persons 3000 --seed 7 --format jsonl --out "$tmp/sj" 2>/dev/null
goodj=$(($(grep -vc ',BAD$' "$tmp/sj/truth.csv") - 1))
"$tocsin" init "$tmp/jl" >/dev/null
"$tocsin" ingest --case "$tmp/jl" --json "$tmp/sj/export.jsonl" >"$tmp/j" 2>&1
check "JSON Lines: every good record accepted ($(json_get "$tmp/j" accepted) = $goodj)" \
    test "$(json_get "$tmp/j" accepted)" -eq "$goodj"

# An Excel-style Dutch export: BOM, ';', CRLF, Dutch headers, a quoted
# field holding the delimiter and doubled quotes, an unknown column.
printf '\357\273\277Klantnummer;Merk;Voornaam;Tussenvoegsel;Achternaam;Straat;Huisnummer;Toevoeging;Postcode;Woonplaats;Telefoon;Mobiel;E-mail;Rekeningnummer;Geboortedatum;Opmerkingen;Interne code\r\n100000001;Odido;Jan;van der;Berg;Kerkstraat;12;A;1234AB;Amsterdam;020-1234567;06-12345678;jan@example.nl;NL02ABNA0123456789;07-03-1984;"Belt vaak; wil ""terugbellen""";X1\r\n100000002;Ben;Zo\303\253;;de Vries;Dorpsstraat;3;;9711 AA;Groningen;;+31 6 23456789;zoe@example.nl;;1990-12-01;;X2\r\n' >"$tmp/nl.csv"
"$tocsin" init "$tmp/nl" >/dev/null
"$tocsin" ingest --case "$tmp/nl" --json "$tmp/nl.csv" >"$tmp/j" 2>&1
check "Dutch Excel export: both rows accepted, none rejected" \
    test "$(json_get "$tmp/j" accepted)" -eq 2 -a \
    "$(json_get "$tmp/j" rejected)" -eq 0
missing=""
for pair in Klantnummer:customer_number Merk:brand Voornaam:first_name \
    Tussenvoegsel:infix Achternaam:last_name Straat:street \
    Huisnummer:house_number Toevoeging:house_number_suffix \
    Postcode:postcode Woonplaats:city Telefoon:phone Mobiel:mobile \
    E-mail:email Rekeningnummer:iban Geboortedatum:birth_date \
    Opmerkingen:notes "Interne code:extra"; do
    grep -q "\"name\":\"${pair%%:*}\",\"field\":\"${pair#*:}\"" "$tmp/j" ||
        missing="$missing ${pair%%:*}"
done
check "Dutch column names recognised, the unknown one kept as extra:${missing:- all}" \
    test -z "$missing"
printf '{"klantnummer":"1","voornaam":"Jan","achternaam":"Berg","e-mail":"jan@example.nl","geboortedatum":"1984-03-07","merk":"Odido"}\n{"klantnummer":"2","voornaam":"Piet","achternaam":"Bos","telefoon":"010-1234567","merk":"Ben"}\n' >"$tmp/nl.jsonl"
"$tocsin" ingest --case "$tmp/nl" --json "$tmp/nl.jsonl" >"$tmp/j" 2>&1
check "Dutch JSON Lines with differing keys: both accepted" \
    test "$(json_get "$tmp/j" accepted)" -eq 2

# FEBRL with the shipped map.
if [ -f "$febrl/dataset1.csv" ]; then
    "$tocsin" init "$tmp/fb" >/dev/null
    "$tocsin" ingest --case "$tmp/fb" --map "$root/examples/febrl.map" \
        --brand odido --json "$febrl/dataset1.csv" >"$tmp/j" 2>&1
    check "FEBRL dataset1 with examples/febrl.map: 1000 accepted, 0 rejected" \
        test "$(json_get "$tmp/j" accepted)" -eq 1000 -a \
        "$(json_get "$tmp/j" rejected)" -eq 0
    check "FEBRL columns all recognised" sh -c "! grep -q '\"field\":\"extra\"' '$tmp/j'"
else
    ok "FEBRL data not here # SKIP no ../shared/data/febrl"
    ok "FEBRL columns # SKIP no ../shared/data/febrl"
fi

# Errors.
printf '[columns]\nrec_id = frist_name\n' >"$tmp/bad.map"
"$tocsin" ingest --case "$tmp/c" --map "$tmp/bad.map" "$tmp/s/export.csv" \
    >/dev/null 2>"$tmp/e"
check "a bad map file: exit 2" test $? -eq 2
check "and the message names the map file and line" \
    grep -q "bad.map:2: unknown field name 'frist_name'" "$tmp/e"
"$tocsin" ingest --case "$tmp/c" "$tmp/nonexistent.csv" >/dev/null 2>"$tmp/e"
check "a missing file: exit 1 with its name" \
    sh -c "test $? -eq 1 && grep -q nonexistent.csv '$tmp/e'"
"$tocsin" ingest --case "$tmp/c" --brand nosuch "$tmp/s/export.csv" \
    >/dev/null 2>"$tmp/e"
check "an unknown --brand: exit 2" test $? -eq 2

# kill -9 in the middle, then again: nothing lost, nothing twice.
"$tocsin" synth --persons 100000 --seed 3 --out "$tmp/big" 2>/dev/null
goodb=$(($(grep -vc ',BAD$' "$tmp/big/truth.csv") - 1))
"$tocsin" init "$tmp/k" >/dev/null
"$tocsin" ingest --case "$tmp/k" "$tmp/big/export.csv" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$tocsin" ingest --case "$tmp/k" --json "$tmp/big/export.csv" >"$tmp/j" 2>"$tmp/e"
check "after kill -9 the ingest runs again to the end" test $? -eq 0
check "with every good record once ($(records_in_db "$tmp/k") = $goodb)" \
    test "$(records_in_db "$tmp/k")" -eq "$goodb"
exit $fail
