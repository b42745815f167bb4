#!/bin/sh
# test_serve_browser.sh - tocsin serve end to end in headless Chromium
# with JavaScript disabled, driven over the DevTools protocol on a pipe
# (tests/serve/browser.py: typing into the forms, clicking, answering the
# dashboard's login dialogue): a screenshot of every page, each really
# drawn (a PNG of the viewport's size, far bigger than an empty page's);
# the verdicts as the reader sees them (a genuine code typed the way people
# type, a typo'd one, a forged one), the information page in both
# languages, the dashboard behind its token; "am I affected?" through to
# the answer in the case's Maildir (read with Python's email package: to
# the address asked about, with a code the browser then finds genuine), the
# same page and no mail for an address that is not in the data; the
# security headers of every page; no script in any page, no request
# outside the service, no CSP complaint in the console. TAP output.
# usage: test_serve_browser.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
# CHROMIUM: the browser (default: chromium on the PATH); skipped without.
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/chromium.sh"
. "$root/tests/tap.sh"

# Seconds one browser run (all its pages) may take before it is killed.
CHROME_TIMEOUT=90

echo "1..34"


# browser DIR STEPS: run the steps (JSON) in Chromium, results into DIR
browser() {
    mkdir -p "$1"
    timeout -k 5 "$CHROME_TIMEOUT" python3 "$root/tests/serve/browser.py" \
        "$chromium" "$1" "$2" >"$1/driver.log" 2>&1
}

# png DIR NAME: "ok WxH BYTES" when DIR/NAME.png is a PNG of the viewport
# (1000x1400) far bigger than the empty page's, else what is wrong
png() {
    python3 - "$1/$2.png" "$1/blank.png" <<'EOF'
import os, struct, sys
try:
    data = open(sys.argv[1], "rb").read()
    blank = os.path.getsize(sys.argv[2])
except OSError as e:
    sys.exit(print(e))
if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
    sys.exit(print("not a PNG"))
w, h = struct.unpack(">II", data[16:24])
ok = (w, h) == (1000, 1400) and len(data) > 20000 and len(data) > 4 * blank
print("%s %dx%d %d bytes (an empty page: %d)" %
      ("ok" if ok else "bad", w, h, len(data), blank))
EOF
}

# shot NAME: the TAP line for NAME's screenshot in $out1
shot() {
    r=$(png "$out1" "$1")
    check "screenshot of $1: $r" test "${r%% *}" = ok
}

# The case: a small synthetic breach, its notices in the case's Maildir.
"$tocsin" synth --persons 300 --seed 5 --out "$tmp/s" >/dev/null 2>&1 &&
    "$tocsin" init "$tmp/c" >/dev/null &&
    "$tocsin" run --case "$tmp/c" "$tmp/s/export.csv" >/dev/null 2>&1 &&
    "$tocsin" notify --case "$tmp/c" >/dev/null 2>&1
check "synth, init, run and notify exit 0" test $? -eq 0
notices=$(find "$tmp/c/maildir/new" -type f | wc -l | tr -d ' ')
token=$(sed -n 's/^token = *//p' "$tmp/c/case.ini")
ls "$tmp/c/maildir/new" >"$tmp/before"

"$tocsin" serve --case "$tmp/c" --listen 127.0.0.1:0 \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
i=0
while [ "$i" -lt 100 ] && ! grep -q listening "$tmp/serve.out"; do
    sleep 0.1
    i=$((i + 1))
done
port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/serve.out")
check "serve listens on a loopback port ($port)" test -n "$port"
[ -n "$port" ] || port=1 # the checks below fail rather than hang
url=http://127.0.0.1:$port

# A notice from the Maildir: its code and recipient (Python's email
# package), a typo of the code and a forged code with a right check symbol.
python3 - "$tmp/c/maildir/new" >"$tmp/notice" <<'EOF'
import email, email.policy, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    code = m.get("X-Tocsin-Verification-Code")
    if code and m["To"] and m["To"].addresses:
        print(str(code).strip(), m["To"].addresses[0].addr_spec)
        break
EOF
code=$(cut -d' ' -f1 "$tmp/notice")
rcpt=$(cut -d' ' -f2 "$tmp/notice")
check "a notice in the Maildir with a code ($code) and a recipient" \
    test -n "$code" -a -n "$rcpt"
mask=$(printf '%s' "$rcpt" | sed 's/^\(.\)[^@]*@/\1***@/')
# as people type it: lower case, spaces for dashes
typed=$(printf '%s' "$code" | tr 'A-Z-' 'a-z ')
typo=$(printf '%s' "$code" | awk '{
    c = substr($0, 3, 1); r = (c == "7") ? "8" : "7"
    print tolower(substr($0, 1, 2) r substr($0, 4)) }')
forged=$(python3 "$root/tests/serve/forge.py")

# Am I affected? An address in the data and one that is not.
inaddr=$(python3 "$root/tests/serve/inaddr.py" "$tmp/s/export.csv")
outaddr=nobody.at.all.$$@example.org

# The first browser run: every page. The forms are filled in by typing
# and sent by clicking their buttons.
out1=$tmp/b1
verify_btn="form[action='/verify'] button"
lookup_btn="form[action^='/lookup'] button"
cat >"$tmp/steps1.json" <<EOF
[
 {"name": "blank", "url": "data:text/html,<!doctype html><title>-</title>"},
 {"name": "nojs", "url": "data:text/html,<!doctype html><p id=x>off</p><script>document.getElementById('x').textContent='on'</script>"},
 {"name": "home", "url": "$url/?lang=nl"},
 {"name": "genuine", "url": "$url/?lang=nl", "type": {"#code": "$typed"},
  "click": "$verify_btn"},
 {"name": "typo", "url": "$url/?lang=nl", "type": {"#code": "$typo"},
  "click": "$verify_btn"},
 {"name": "forged", "url": "$url/verify?code=$forged&lang=en"},
 {"name": "info_nl", "url": "$url/info/odido/nl"},
 {"name": "info_en", "url": "$url/info/odido/en"},
 {"name": "lookup_in", "url": "$url/?lang=nl", "type": {"#address": "$inaddr"},
  "click": "$lookup_btn"},
 {"name": "lookup_out", "url": "$url/?lang=nl",
  "type": {"#address": "$outaddr"}, "click": "$lookup_btn"},
 {"name": "dash_nologin", "url": "$url/dashboard?lang=en", "auth": "cancel"},
 {"name": "dashboard", "url": "$url/dashboard?lang=en",
  "auth": ["team", "$token"]}
]
EOF
browser "$out1" "$tmp/steps1.json"
rc=$?
check "chromium loads every page, fills in and sends the forms (exit $rc)" \
    test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$out1/driver.log" | tail -n 10

for p in home genuine typo forged info_nl info_en lookup_in dashboard; do
    shot "$p"
done

check "JavaScript is off in the browser (a script's change is not there)" \
    grep -qx off "$out1/nojs.txt"
check "genuine: the code typed as people type it, the masked recipient" \
    sh -c "grep -qF 'Echt: dit bericht is van ons' '$out1/genuine.txt' &&
        grep -qF 'Aan $mask' '$out1/genuine.txt' &&
        grep -qF 'Door Odido' '$out1/genuine.txt' &&
        grep -qF 'Onderwerp Odido:' '$out1/genuine.txt' &&
        ! grep -qF '$rcpt' '$out1/genuine.html' &&
        grep -q 'class=\"verdict genuine\"' '$out1/genuine.html'"
check "typo: check the code, the form comes back with what was typed" \
    sh -c "grep -qF 'Controleer de code: er is een teken verkeerd' \
            '$out1/typo.txt' &&
        grep -q 'class=\"verdict typo\"' '$out1/typo.html' &&
        grep -qF 'value=\"$typo\"' '$out1/typo.html' &&
        ! grep -q 'verdict phishing' '$out1/typo.html'"
check "forged: not from us, treat it as phishing, what to do (en)" \
    sh -c "grep -qF 'Not from us: we did not issue this code' \
            '$out1/forged.txt' &&
        grep -qF 'Treat the message as phishing.' '$out1/forged.txt' &&
        grep -qF 'valse-email@fraudehelpdesk.nl' '$out1/forged.txt' &&
        grep -q 'class=\"verdict phishing\"' '$out1/forged.html'"
check "the information page in Dutch and in English" \
    sh -c "grep -qF 'Het datalek bij Odido' '$out1/info_nl.txt' &&
        grep -qF 'Welke gegevens zijn buitgemaakt?' '$out1/info_nl.txt' &&
        grep -qF '<html lang=\"nl\">' '$out1/info_nl.html' &&
        grep -qF 'The data breach at Odido On 7 February 2026' \
            '$out1/info_en.txt' &&
        grep -qF 'These data were NOT taken' '$out1/info_en.txt' &&
        grep -qF '<html lang=\"en\">' '$out1/info_en.html'"

# The lookup: what the browser sent and got.
python3 - "$out1/result.json" >"$tmp/lk" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("lookup_in", "lookup_out"):
    s = r.get(k, {})
    print(k, s.get("method"), s.get("status"), s.get("url", "").split("/")[-1])
EOF
check "lookup: both forms sent as POST /lookup, both 200" sh -c "
    grep -qx 'lookup_in POST 200 lookup?lang=nl' '$tmp/lk' &&
    grep -qx 'lookup_out POST 200 lookup?lang=nl' '$tmp/lk'"
sed 's/^/# /' "$tmp/lk" | grep -v 'POST 200'
check "lookup: the same page, as drawn, for an address in the data and not" \
    sh -c "cmp '$out1/lookup_in.html' '$out1/lookup_out.html' &&
        cmp '$out1/lookup_in.png' '$out1/lookup_out.png' &&
        grep -qF 'Bedankt. Kijk in je mailbox' '$out1/lookup_in.txt'"
check "lookup: the page names neither address" \
    sh -c "! grep -qF '$inaddr' '$out1/lookup_in.html' &&
        ! grep -qF '$outaddr' '$out1/lookup_out.html'"

python3 - "$out1/result.json" >"$tmp/dash" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("dash_nologin", "dashboard"):
    s = r.get(k, {})
    print(k, s.get("challenged"), s.get("status"))
EOF
check "dashboard: the browser asks for a login (Basic); cancelled: 401" \
    sh -c "grep -qx 'dash_nologin basic 401' '$tmp/dash' &&
        grep -qF 'Login required' '$out1/dash_nologin.txt' &&
        ! grep -q '<svg' '$out1/dash_nologin.html'"
# (the answer to the lookup may be in the count already)
accepted=$(sed -n \
    's/.* queued [0-9]* in flight \([0-9]*\) accepted .*/\1/p' \
    "$out1/dashboard.txt")
check "dashboard: with the token 200, the chart, ${accepted:-no} accepted" \
    sh -c "grep -qx 'dashboard basic 200' '$tmp/dash' &&
        grep -q '<svg class=\"chart\"' '$out1/dashboard.html' &&
        test '${accepted:-0}' -ge $notices -a '${accepted:-0}' -le $((notices + 1))"

# Headers, scripts and requests of every page the service answered.
python3 - "$out1" "$url" >"$tmp/sec" 2>&1 <<'EOF'
import json, os, re, sys
out, url = sys.argv[1], sys.argv[2]
r = json.load(open(os.path.join(out, "result.json")))
csp = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
want = {"content-security-policy": csp, "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff", "x-frame-options": "DENY",
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin"}
bad = {"headers": [], "script": [], "requests": [], "console": []}
pages = [k for k, s in r.items() if s.get("url", "").startswith(url)]
for k in pages:
    s = r[k]
    for h, v in want.items():
        if s["headers"].get(h) != v:
            bad["headers"].append("%s: %s: %r" % (k, h, s["headers"].get(h)))
    dom = open(os.path.join(out, k + ".html"), encoding="utf-8").read()
    if re.search(r"<script|\son[a-z]+=|javascript:", dom, re.I):
        bad["script"].append(k)
    for q in s["requests"]:
        if not q["url"].startswith(url + "/"):
            bad["requests"].append("%s: %s" % (k, q["url"]))
    if not any(q["url"] == url + "/style.css" for q in s["requests"]):
        bad["requests"].append("%s: no style sheet" % k)
    for c in s["console"]:
        if "Content Security Policy" in c or "security" in c.split("/")[0]:
            bad["console"].append("%s: %s" % (k, c))
print("pages", len(pages))
for kind, v in bad.items():
    print(kind, "ok" if not v else "; ".join(v))
EOF
check "the pages of the service were seen: $(grep pages "$tmp/sec")" \
    grep -qx 'pages 10' "$tmp/sec"
check "every page: CSP, no-referrer, nosniff, DENY, no-store, COOP" \
    grep -qx 'headers ok' "$tmp/sec"
check "no page holds a script, an event handler or a javascript: URL" \
    grep -qx 'script ok' "$tmp/sec"
check "every request of every page went to the service (no external one)" \
    grep -qx 'requests ok' "$tmp/sec"
check "no CSP violation or other security message in the console" \
    grep -qx 'console ok' "$tmp/sec"
grep -v ' ok$' "$tmp/sec" | grep -v '^pages' | sed 's/^/# /'

# The answer to the lookup arrives in the Maildir (the service delivers
# every few seconds), to the address asked about, with its own code.
cat >"$tmp/answers.py" <<'EOF'
import email, email.policy, os, sys
d, before = sys.argv[1], set(open(sys.argv[2]).read().split())
for name in sorted(os.listdir(d)):
    if name in before:
        continue
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    to = [a.addr_spec.lower() for a in m["To"].addresses] if m["To"] else []
    print(name, ",".join(to) or "-",
          str(m.get("X-Tocsin-Verification-Code", "-")).strip())
EOF
i=0
while [ "$i" -lt 60 ] &&
    [ "$(find "$tmp/c/maildir/new" -type f | wc -l)" -le "$notices" ]; do
    sleep 0.5
    i=$((i + 1))
done
# one delivery round more: the other lookup was queued after this one
sleep 3.5
python3 "$tmp/answers.py" "$tmp/c/maildir/new" "$tmp/before" >"$tmp/answers"
cut -d' ' -f1 "$tmp/answers" | sed 's/^/# new in the Maildir: /'
check "the answer arrives in the Maildir, to the address asked about" \
    test "$(grep -cF " $inaddr " "$tmp/answers")" -ge 1
check "no mail to the address that is not in the data" \
    sh -c "! grep -rqiF '$outaddr' '$tmp/c/maildir'"
acode=$(grep -F " $inaddr " "$tmp/answers" | head -n 1 | cut -d' ' -f3)
check "the answer carries a verification code ($acode)" \
    sh -c "printf '%s' '$acode' |
        grep -qx '[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]'"

# The second browser run: the answer's code, typed into the form.
amask=$(printf '%s' "$inaddr" | sed 's/^\(.\)[^@]*@/\1***@/')
out2=$tmp/b2
cat >"$tmp/steps2.json" <<EOF
[
 {"name": "blank", "url": "data:text/html,<!doctype html><title>-</title>"},
 {"name": "answer", "url": "$url/?lang=nl", "type": {"#code": "$acode"},
  "click": "$verify_btn"}
]
EOF
browser "$out2" "$tmp/steps2.json"
rc=$?
r=$(png "$out2" answer)
check "screenshot of the answer's verdict: $r (exit $rc)" \
    test "$rc" -eq 0 -a "${r%% *}" = ok
check "the answer's code is genuine: an answer to the lookup, to $amask" \
    sh -c "grep -qF 'Echt: dit bericht is van ons' '$out2/answer.txt' &&
        grep -qF 'Aan $amask' '$out2/answer.txt' &&
        grep -qF 'Dit is ons antwoord op de vraag' '$out2/answer.txt' &&
        ! grep -qF '$inaddr' '$out2/answer.html'"

check "no chromium left running with the test's profiles" \
    test -z "$(ps -eo args 2>/dev/null | grep -F "$tmp/b" | grep -v grep)"
kill -TERM "$server_pid"
wait "$server_pid"
st=$?
server_pid=
check "SIGTERM stops serve cleanly (exit $st); the log names no address" \
    sh -c "test $st -eq 0 && grep -q stopped '$tmp/serve.out' &&
        ! grep -qF '$inaddr' '$tmp/serve.err' &&
        ! grep -qF '$outaddr' '$tmp/serve.err'"
exit $fail
