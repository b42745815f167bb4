#!/bin/sh
# test_serve.sh - tocsin serve end to end, with curl against loopback
# ports (IPv4 and IPv6): a genuine code from a message in the Maildir, a
# typo, a forged but well-formed code, a pasted Message-ID; "am I
# affected?" for an address in the data and one that is not (the same
# response byte for byte, the answer mail for the first only); 429 after
# the limit; the security headers; the dashboard's and /metrics' token;
# a clean stop on SIGTERM; no address in the log. TAP output.
# usage: test_serve.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/tap.sh"

echo "1..24"


"$tocsin" synth --persons 400 --out "$tmp/s" >/dev/null 2>&1 &&
    "$tocsin" init "$tmp/c" >/dev/null &&
    "$tocsin" run --case "$tmp/c" "$tmp/s/export.csv" >/dev/null 2>&1 &&
    "$tocsin" notify --case "$tmp/c" >/dev/null 2>&1
check "synth, init, run and notify exit 0" test $? -eq 0
notices=$(find "$tmp/c/maildir/new" -type f | wc -l)

"$tocsin" serve --case "$tmp/c" --listen 127.0.0.1:0 --listen '[::1]:0' \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
i=0
# serve.out appears once the background job has started: until then (a
# while on a busy machine) it counts as no line yet
while [ "$i" -lt 100 ]; do
    lines=$(grep -c listening "$tmp/serve.out" 2>/dev/null)
    [ "${lines:-0}" -lt 2 ] || break
    sleep 0.1
    i=$((i + 1))
done
port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/serve.out")
port6=$(sed -n 's|.*http://\[::1\]:\([0-9]*\)/$|\1|p' "$tmp/serve.out")
check "serve listens on IPv4 and IPv6 loopback ports" \
    test -n "$port" -a -n "$port6"
[ -n "$port" ] || port=1 # the checks below fail rather than hang
url=http://127.0.0.1:$port

# A genuine message: its code, its Message-ID, its recipient.
msg=$(find "$tmp/c/maildir/new" -type f | head -n 1)
code=$(sed -n 's/^X-Tocsin-Verification-Code: *\([^ \r]*\).*/\1/p' "$msg" |
    tr -d '\r')
mid=$(sed -n 's/^Message-ID: *\(<[^>]*>\).*/\1/p' "$msg" | tr -d '\r')
rcpt=$(sed -n 's/^To: .*<\([^>]*\)>.*/\1/p' "$msg" | tr -d '\r')
mask=$(printf '%s' "$rcpt" | sed 's/^\(.\)[^@]*@/\1***@/')

curl -s "$url/api/verify?code=$code" >"$tmp/v1"
check "a code from the Maildir is genuine, with the masked recipient" \
    sh -c "grep -q '^{\"result\":\"genuine\",' '$tmp/v1' &&
        grep -qF '\"recipient\":\"$mask\"' '$tmp/v1'"
curl -s "$url/verify?code=$code" >"$tmp/v1.html"
check "the page says genuine and shows no full address" \
    sh -c "grep -q 'verdict genuine' '$tmp/v1.html' &&
        ! grep -qF '$rcpt' '$tmp/v1.html'"

# One symbol changed: a typo. 16 random symbols with a right check
# symbol (Damm over GF(32), x^5 + x^2 + 1): not issued by us.
typo=$(printf '%s' "$code" | awk '{
    a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; c = substr($0, 3, 1);
    r = (c == "7") ? "8" : "7"; print substr($0, 1, 2) r substr($0, 4) }')
forged=$(python3 "$root/tests/serve/forge.py")
curl -s "$url/api/verify?code=$typo" >"$tmp/v2"
check "one symbol changed: a typo ($typo)" \
    grep -qx '{"result":"typo"}' "$tmp/v2"
curl -s "$url/api/verify?code=$forged" >"$tmp/v3"
check "a forged well-formed code: not issued ($forged)" \
    grep -qx '{"result":"not_issued"}' "$tmp/v3"
curl -s "$url/verify?code=$forged&lang=en" >"$tmp/v3.html"
check "the page says phishing, what to do" \
    grep -q 'verdict phishing.*Not from us' "$tmp/v3.html"
curl -s -G --data-urlencode "code=Message-ID: $mid" "$url/api/verify" \
    >"$tmp/v4"
check "a pasted Message-ID header is ours, without the recipient" \
    sh -c "grep -q '^{\"result\":\"genuine_message_id\"' '$tmp/v4' &&
        ! grep -q recipient '$tmp/v4'"

# Am I affected? An address in the data and one that is not.
inaddr=$(python3 "$root/tests/serve/inaddr.py" "$tmp/s/export.csv")
outaddr=nobody.at.all.$$@example.org
curl -s -D "$tmp/h1" --data-urlencode "address=$inaddr" "$url/lookup" \
    >"$tmp/l1"
curl -s -D "$tmp/h2" --data-urlencode "address=$outaddr" "$url/lookup" \
    >"$tmp/l2"
check "lookup: the same status for an address in the data and one not" \
    test "$(head -n 1 "$tmp/h1")" = "$(head -n 1 "$tmp/h2")" -a \
    "$(head -n 1 "$tmp/h1" | tr -d '\r')" = "HTTP/1.1 200 OK"
check "lookup: the same page byte for byte" cmp "$tmp/l1" "$tmp/l2"
check "lookup: the page names neither address" \
    sh -c "! grep -qF '$inaddr' '$tmp/l1' && ! grep -qF '$outaddr' '$tmp/l2'"

# The answer arrives in the Maildir, for the first address only.
i=0
while [ "$i" -lt 150 ] &&
    ! grep -qlF "$inaddr" $(find "$tmp/c/maildir/new" -type f -newer "$msg") \
        /dev/null 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
answer=$(grep -lF "To: " $(find "$tmp/c/maildir/new" -type f -newer "$msg") \
    /dev/null 2>/dev/null | xargs grep -lF "$inaddr" 2>/dev/null | head -n 1)
check "the answer mail arrives in the Maildir, to the address asked about" \
    test -n "$answer"
check "no mail goes to the address that is not in the data" \
    sh -c "! grep -rqF '$outaddr' '$tmp/c/maildir'"
acode=$(sed -n 's/^X-Tocsin-Verification-Code: *\([^ \r]*\).*/\1/p' \
    "${answer:-/dev/null}" | tr -d '\r')
curl -s "$url/api/verify?code=$acode" >"$tmp/v5"
check "the answer's code is genuine (kind answer)" \
    grep -q '"result":"genuine".*"kind":"answer"' "$tmp/v5"

# 10 lookups an hour per client: 2 done, 8 more, then 429.
k=0
codes=
while [ "$k" -lt 9 ]; do
    k=$((k + 1))
    c=$(curl -s -o "$tmp/l3" -w '%{http_code}' \
        --data-urlencode "address=limit$k.$$@example.org" "$url/lookup")
    codes="$codes $c"
done
check "lookups 3-10 are 200, the 11th is 429:$codes" \
    test "$codes" = " 200 200 200 200 200 200 200 200 429"
check "the 429 page says the same as the others" grep -q 'Kijk in je mailbox' \
    "$tmp/l3"

# Security headers.
curl -s -D "$tmp/h3" -o /dev/null "$url/"
check "CSP, no-referrer, nosniff, frame-ancestors, no-store" sh -c "
    grep -qi \"^Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'\" '$tmp/h3' &&
    grep -qi '^Referrer-Policy: no-referrer' '$tmp/h3' &&
    grep -qi '^X-Content-Type-Options: nosniff' '$tmp/h3' &&
    grep -qi '^Cache-Control: no-store' '$tmp/h3'"

# The dashboard and /metrics.
token=$(sed -n 's/^token = *//p' "$tmp/c/case.ini")
c1=$(curl -s -o /dev/null -w '%{http_code}' "$url/dashboard")
c2=$(curl -s -o "$tmp/d" -w '%{http_code}' -u "team:$token" "$url/dashboard")
check "dashboard: 401 without the token ($c1), 200 with it ($c2)" \
    test "$c1" = 401 -a "$c2" = 200
check "the dashboard has the chart and no script" \
    sh -c "grep -q '<svg class=\"chart\"' '$tmp/d' && ! grep -q '<script' '$tmp/d'"
c3=$(curl -s -o /dev/null -w '%{http_code}' "$url/metrics")
curl -s -H "Authorization: Bearer $token" "$url/metrics" >"$tmp/m"
python3 - "$tmp/m" "$notices" >"$tmp/mp" 2>&1 <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? ([0-9]+(\.[0-9]+)?)$')
typed, values = set(), {}
for line in text.splitlines():
    if line.startswith("# TYPE "):
        name, kind = line.split()[2:4]
        assert kind in ("gauge", "counter"), line
        typed.add(name)
    elif line.startswith("# HELP "):
        pass
    else:
        m = sample.match(line)
        assert m, "bad line: " + line
        assert m.group(1) in typed, "no TYPE before " + line
        values[m.group(1) + (m.group(2) or "")] = float(m.group(5))
acc = values['tocsin_messages{state="accepted"}']
assert acc >= int(sys.argv[2]) + 1, acc
print("ok", len(values))
EOF
check "/metrics: 401 without the token ($c3), Prometheus text with it" \
    sh -c "test '$c3' = 401 && grep -q '^ok' '$tmp/mp'"
sed 's/^/# /' "$tmp/mp" | grep -v '^# ok' | head -5

# IPv6.
c4=$(curl -s -g -o "$tmp/i6" -w '%{http_code}' "http://[::1]:$port6/info")
check "IPv6: the information page on [::1] ($c4)" sh -c "
    test '$c4' = 200 && grep -q 'Het datalek bij Odido' '$tmp/i6'"

# Stop; the log names no address.
kill -TERM "$server_pid"
i=0
while [ "$i" -lt 50 ] && kill -0 "$server_pid" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
wait "$server_pid"
st=$?
server_pid=
check "SIGTERM stops serve cleanly (exit $st)" \
    sh -c "test $st -eq 0 && grep -q 'stopped' '$tmp/serve.out'"
check "the log holds no looked-up address" \
    sh -c "! grep -qF '$inaddr' '$tmp/serve.err' &&
        ! grep -qF '@example.org' '$tmp/serve.err'"
check "the log says the answers were sent (counts only)" \
    grep -q 'answers: [0-9]* sent' "$tmp/serve.err"

exit $fail
