#!/bin/sh
# test_notify.sh - tocsin notify into a Maildir and tocsin status: every
# person with the e-mail channel gets exactly one message, composed right
# (parsed by Python's email package, an independent parser), with masked
# hints only; the journal survives kill -9 at any moment and says exactly
# how many messages are uncertain. TAP output.
# usage: test_notify.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/tap.sh"

echo "1..29"

# expected N CASE: the messages assess asks for (channel e-mail, no
# personal contact), from the case database
expected() {
    python3 - "$1/case.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM exposures WHERE channel = 1"
                 " AND (flags & 256) = 0").fetchone()[0])
EOF
}

# json_get CASE KEY: a count of tocsin status --json
json_get() {
    "$tocsin" status --case "$1" --json |
        python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# counts_agree CASE: status's counts, and the counts per brand and per
# domain (kept beside the journal), are those of the messages themselves
counts_agree() {
    "$tocsin" status --case "$1" --json | python3 -c '
import json, sqlite3, sys
names = ["queued", "in_flight", "accepted", "deferred", "failed", "uncertain"]
got = json.load(sys.stdin)
db = sqlite3.connect("file:" + sys.argv[1] + "/case.db?mode=ro", uri=True)
have = dict(db.execute("SELECT state, count(*) FROM messages GROUP BY state"))
q = lambda sql: sorted(db.execute(sql).fetchall())
ok = all(got[n] == have.get(i, 0) for i, n in enumerate(names))
ok = ok and q("SELECT brand, kind, state, n FROM message_counts"
              " WHERE n <> 0") == q("SELECT brand, kind, state, count(*)"
              " FROM messages GROUP BY brand, kind, state")
ok = ok and q("SELECT domain, state, n FROM message_domains"
              " WHERE n <> 0") == q("SELECT domain, state, count(*)"
              " FROM messages WHERE domain IS NOT NULL AND domain <> \x27\x27"
              " GROUP BY domain, state")
sys.exit(0 if ok else 1)' "$1"
}

"$tocsin" synth --persons 1500 --out "$tmp/s" >/dev/null 2>&1 &&
    "$tocsin" init "$tmp/c" >/dev/null &&
    "$tocsin" run --case "$tmp/c" "$tmp/s/export.csv" >/dev/null 2>&1
check "synth, init and run exit 0" test $? -eq 0
want=$(expected "$tmp/c")

"$tocsin" notify --case "$tmp/c" --dry-run >"$tmp/o" 2>&1
check "notify --dry-run exits 0 and sends nothing" \
    test $? -eq 0 -a ! -d "$tmp/c/maildir" -a \
    "$(json_get "$tmp/c" accepted)" -eq 0

"$tocsin" notify --case "$tmp/c" >"$tmp/o" 2>&1
check "notify exits 0" test $? -eq 0
files=$(find "$tmp/c/maildir/new" -type f | wc -l)
check "one message per person and brand with e-mail: $want" \
    test "$want" -gt 1000 -a "$files" -eq "$want"
check "status --json: all accepted, none queued, in flight or uncertain" \
    test "$(json_get "$tmp/c" accepted)" -eq "$want" -a \
    "$(json_get "$tmp/c" queued)" -eq 0 -a \
    "$(json_get "$tmp/c" in_flight)" -eq 0 -a \
    "$(json_get "$tmp/c" uncertain)" -eq 0
"$tocsin" status --case "$tmp/c" >"$tmp/o"
check "status prints every state" test "$(wc -l <"$tmp/o")" -eq 6

# Every message, parsed by Python's email package.
python3 - "$tmp/c/maildir/new" "$tmp/s/export.csv" >"$tmp/p" 2>&1 <<'EOF'
import csv, email, os, re, sys
from email import policy
d, export = sys.argv[1], sys.argv[2]
ibans, emails = set(), set()
for r in csv.DictReader(open(export, newline="", encoding="utf-8",
                               errors="replace")):
    i = re.sub(r"[^A-Za-z0-9]", "", r.get("iban") or "").upper()
    if len(i) >= 15:
        ibans.add(i)
bad = {"structure": 0, "code": 0, "iban": 0, "headers": 0}
codes, tos = set(), set()
code_re = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}"
                     r"-[0-9A-HJKMNP-TV-Z]$")
n = 0
for f in os.listdir(d):
    raw = open(os.path.join(d, f), "rb").read()
    m = email.message_from_bytes(raw, policy=policy.default)
    n += 1
    parts = [p.get_content_type() for p in m.iter_parts()]
    if m.get_content_type() != "multipart/alternative" or \
            parts != ["text/plain", "text/html"]:
        bad["structure"] += 1
        continue
    code = str(m["X-Tocsin-Verification-Code"] or "")
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    if not code_re.match(code) or code not in text or code not in html:
        bad["code"] += 1
    codes.add(code)
    tos.add(str(m["To"]))
    flat = re.sub(r"[^A-Z0-9]", "", (text + html).upper())
    if any(i in flat for i in ibans):
        bad["iban"] += 1
    if not m["Subject"] or m["Auto-Submitted"] != "auto-generated" or \
            m["Content-Language"] not in ("nl", "en") or \
            not str(m["Message-ID"]).endswith(".example>"):
        bad["headers"] += 1
print("messages", n)
print("distinct_codes", len(codes))
for k, v in bad.items():
    print(k, v)
EOF
check "every message is multipart/alternative text + html" \
    grep -qx 'structure 0' "$tmp/p"
check "every message shows its verification code in text and html" \
    grep -qx 'code 0' "$tmp/p"
check "the codes are all different" \
    grep -qx "distinct_codes $want" "$tmp/p"
check "no message holds a full IBAN of the export (masked hints only)" \
    grep -qx 'iban 0' "$tmp/p"
check "subject, Auto-Submitted, Content-Language, Message-ID on the brand" \
    grep -qx 'headers 0' "$tmp/p"
grep -v ' 0$' "$tmp/p" | sed 's/^/# /'

"$tocsin" notify --case "$tmp/c" >"$tmp/o" 2>&1
check "a second notify sends nothing more" \
    test $? -eq 0 -a "$(find "$tmp/c/maildir/new" -type f | wc -l)" -eq \
    "$want" -a "$(grep -c '^0 messages sent' "$tmp/o")" -eq 1

# kill -9 at several moments; the journal says exactly what is uncertain.
"$tocsin" init "$tmp/k" >/dev/null &&
    "$tocsin" run --case "$tmp/k" "$tmp/s/export.csv" >/dev/null 2>&1
kills=0
uncertain=0
agree=0
for wait in 0.3 0.7 0.5 1.1; do
    "$tocsin" notify --case "$tmp/k" --rate 400 >/dev/null 2>&1 &
    pid=$!
    sleep "$wait"
    kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
    wait "$pid" 2>/dev/null
    inflight=$(json_get "$tmp/k" in_flight)
    counts_agree "$tmp/k" && agree=$((agree + 1))
    "$tocsin" notify --case "$tmp/k" --limit 1 >"$tmp/o" 2>&1
    got=$(sed -n 's/^\([0-9]*\) messages* were in flight.*/\1/p' "$tmp/o")
    [ "${got:-0}" -eq "$inflight" ] || uncertain=-1000
    [ "$uncertain" -ge 0 ] && uncertain=$((uncertain + inflight))
done
check "kill -9 $kills times: notify reports exactly the messages in flight" \
    test "$kills" -ge 3 -a "$uncertain" -ge 0
check "after every kill the counts (status, brands, domains) are those of the messages" \
    test "$agree" -eq 4
"$tocsin" notify --case "$tmp/k" >"$tmp/o" 2>&1
acc=$(json_get "$tmp/k" accepted)
unc=$(json_get "$tmp/k" uncertain)
check "after resuming nobody is skipped: accepted + uncertain = $want" \
    test $((acc + unc)) -eq "$want" -a "$unc" -eq "$uncertain" -a \
    "$(json_get "$tmp/k" queued)" -eq 0
"$tocsin" notify --case "$tmp/k" --resend-uncertain >"$tmp/o" 2>&1
files=$(find "$tmp/k/maildir/new" -type f | wc -l)
check "--resend-uncertain: all $want accepted, one file each ($files)" \
    test "$(json_get "$tmp/k" accepted)" -eq "$want" -a "$files" -eq "$want"
leftover=$(find "$tmp/k/maildir/tmp" -type f | wc -l)
check "and messages are complete: at most the killed ones left in tmp/" \
    test "$leftover" -le "$kills"
# Another process keeps the case's write lock past the busy timeout (10 s)
# while notify sends: the journal waits for it instead of failing the run.
"$tocsin" init "$tmp/b" >/dev/null &&
    "$tocsin" run --case "$tmp/b" "$tmp/s/export.csv" >/dev/null 2>&1
"$tocsin" notify --case "$tmp/b" --rate 300 >"$tmp/ob" 2>&1 &
pid=$!
sleep 1
python3 - "$tmp/b/case.db" <<'EOF6'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
time.sleep(13)
db.execute("COMMIT")
EOF6
wait "$pid"
rc=$?
check "a writer holds the case 13 s: notify waits for it and sends all" \
    test "$rc" -eq 0 -a "$(json_get "$tmp/b" accepted)" -eq "$want" -a \
    "$(grep -c 'waits for it' "$tmp/ob")" -eq 1
# Over SMTP into Postfix's smtp-sink: the same people, each exactly once.
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
if [ -x "$sink" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$tmp/dump"
    "$sink" -u "$(id -un)" -d "$tmp/dump/%H%M%S." "127.0.0.1:$port" 128 \
        >"$tmp/sink.out" 2>&1 &
    spid=$!
    sleep 0.5
    "$tocsin" init "$tmp/m" >/dev/null &&
        "$tocsin" run --case "$tmp/m" "$tmp/s/export.csv" >/dev/null 2>&1 &&
        "$tocsin" notify --case "$tmp/m" --smtp "smtp://127.0.0.1:$port" \
            --concurrency 8 --domain-rate 0 >"$tmp/o" 2>&1
    check "notify --smtp into smtp-sink exits 0, all $want accepted" \
        test $? -eq 0 -a "$(json_get "$tmp/m" accepted)" -eq "$want"
    sleep 0.5
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    python3 - "$tmp/dump" "$tmp/c/maildir/new" >"$tmp/p" 2>&1 <<'EOF2'
import collections, email, os, sys
from email import policy
dump, maildir = sys.argv[1], sys.argv[2]
rcpts = []
for f in os.listdir(dump):
    for line in open(os.path.join(dump, f), "rb"):
        if line.startswith(b"X-Rcpt-Args: <"):
            rcpts.append(line[14:].strip().rstrip(b">").decode().lower())
want = collections.Counter()
for f in os.listdir(maildir):
    m = email.message_from_bytes(open(os.path.join(maildir, f), "rb").read(),
                                 policy=policy.default)
    want[m["To"].addresses[0].addr_spec.lower()] += 1
# one message per person and brand: an address can get one per brand
print("dumped", len(rcpts), "same", collections.Counter(rcpts) == want)
EOF2
    check "the sink got each recipient once, the same as the Maildir" \
        grep -q "^dumped $want same True$" "$tmp/p"
    sed 's/^/# /' "$tmp/p"
    naddr=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM messages WHERE reply LIKE '%@%'\").fetchone()[0])" "$tmp/m/case.db")
    check "the journal keeps no address from the server's replies" \
        test "$naddr" -eq 0

    # kill -9 while sending over SMTP: nobody is missed, and a message
    # arrives twice only if it was in flight at a kill (uncertain).
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$tmp/dump2"
    "$sink" -u "$(id -un)" -d "$tmp/dump2/%H%M%S." "127.0.0.1:$port" 128 \
        >"$tmp/sink2.out" 2>&1 &
    spid=$!
    sleep 0.5
    "$tocsin" init "$tmp/x" >/dev/null &&
        "$tocsin" run --case "$tmp/x" "$tmp/s/export.csv" >/dev/null 2>&1
    kills=0
    unc=0
    for wait in 0.6 1.2 0.9; do
        "$tocsin" notify --case "$tmp/x" --smtp "smtp://127.0.0.1:$port" \
            --concurrency 4 --domain-rate 0 --rate 300 >/dev/null 2>&1 &
        pid=$!
        sleep "$wait"
        kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
        wait "$pid" 2>/dev/null
        unc=$((unc + $(json_get "$tmp/x" in_flight)))
        # (and status counts what the journal thread left)
        counts_agree "$tmp/x" || unc=-1000000
        # the next run reports them and leaves them uncertain
        "$tocsin" notify --case "$tmp/x" --smtp "smtp://127.0.0.1:$port" \
            --domain-rate 0 --limit 1 >/dev/null 2>&1
    done
    check "kill -9 $kills times over SMTP: $unc messages uncertain, counted" \
        test "$kills" -ge 2 -a "$(json_get "$tmp/x" uncertain)" -eq "$unc"
    "$tocsin" notify --case "$tmp/x" --smtp "smtp://127.0.0.1:$port" \
        --concurrency 4 --domain-rate 0 --resend-uncertain >"$tmp/o" 2>&1
    check "resumed with --resend-uncertain: all $want accepted" \
        test "$(json_get "$tmp/x" accepted)" -eq "$want"
    sleep 0.5
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    python3 - "$tmp/dump2" "$want" "$unc" >"$tmp/p" 2>&1 <<'EOF3'
import collections, os, sys
dump, want, unc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ids = collections.Counter()
for f in os.listdir(dump):
    for line in open(os.path.join(dump, f), "rb"):
        if line.lower().startswith(b"message-id:"):
            ids[line.split(b":", 1)[1].strip()] += 1
            break
dups = sum(v - 1 for v in ids.values())
print("distinct", len(ids), "duplicates", dups, "uncertain", unc)
sys.exit(0 if len(ids) == want and dups <= unc else 1)
EOF3
    check "the sink got every message; duplicates only of uncertain ones" \
        test $? -eq 0
    sed 's/^/# /' "$tmp/p"
else
    skip 6 "smtp-sink not installed (postfix)"
fi

# International addresses fail with the reason; a record without a brand
# is written in the organisation's name.
mkdir -p "$tmp/i"
cat >"$tmp/i/x.csv" <<'EOF4'
record_id,brand,first_name,last_name,street,house_number,postcode,city,email
I1,Odido,Anna,Bakker,Kerkstraat,1,1011AA,Amsterdam,anna@bäcker.nl
I2,Odido,Bram,Smit,Kerkstraat,2,1011AA,Amsterdam,jösé@example.nl
I3,,Cor,Visser,Kerkstraat,3,1011AA,Amsterdam,cor.visser@example.nl
EOF4
"$tocsin" init "$tmp/i/c" >/dev/null &&
    "$tocsin" run --case "$tmp/i/c" "$tmp/i/x.csv" >/dev/null 2>&1 &&
    "$tocsin" notify --case "$tmp/i/c" >"$tmp/o" 2>&1
check "notify of international addresses and a brandless record exits 0" \
    test $? -eq 0
python3 - "$tmp/i/c/case.db" >"$tmp/p" 2>&1 <<'EOF5'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = db.execute("SELECT brand, state, reply FROM messages"
                  " ORDER BY brand, state").fetchall()
print(rows)
intl = [r for r in rows if r[0] == "odido"]
ok = len(intl) == 2 and all(r[1] == 4 and "SMTPUTF8" in r[2]
                            for r in intl)
sys.exit(0 if ok else 1)
EOF5
check "UTF-8 addresses: failed, the reason says SMTPUTF8" test $? -eq 0
sed 's/^/# /' "$tmp/p"
f=$(find "$tmp/i/c/maildir/new" -type f | head -n 1)
org=$(sed -n 's/^organisation *= *//p' "$tmp/i/c/case.ini")
check "the brandless message comes from the organisation ($org)" \
    grep -q "^Subject: .*$(echo "$org" | cut -c1-8)" "$f"
# One sender per case: a second notify while one sends is refused and
# leaves the first one's messages in flight alone.
"$tocsin" init "$tmp/l" >/dev/null &&
    "$tocsin" run --case "$tmp/l" "$tmp/s/export.csv" >/dev/null 2>&1
"$tocsin" notify --case "$tmp/l" --rate 100 >/dev/null 2>&1 &
lpid=$!
sleep 1
"$tocsin" notify --case "$tmp/l" >"$tmp/o" 2>&1
lrc=$?
unc=$(json_get "$tmp/l" uncertain)
said=$(grep -c "another tocsin notify" "$tmp/o")
check "a second notify is refused while one sends (exit 1, says why)" \
    test "$lrc" -eq 1 -a "$unc" -eq 0 -a "$said" -eq 1
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null
"$tocsin" notify --case "$tmp/l" >"$tmp/o" 2>&1
check "after it stopped, the next notify finishes the rest" \
    test "$(json_get "$tmp/l" accepted)" -eq "$want"
exit "$fail"
