#!/bin/sh
# test_postfix.sh - tocsin notify through a real Postfix: a private
# instance (its own configuration, queue and log under the scratch
# directory, on loopback ports) with STARTTLS, implicit TLS on a second
# port, and AUTH against a Cyrus sasldb, delivering every message into a
# Maildir. Checks that Postfix takes tocsin's pipelined sessions without a
# complaint, that a wrong password stops the run without losing anybody,
# and that what Postfix delivered is, recipient by recipient and queue id by
# queue id, what the journal says was accepted; that a domain answering
# 450 is left alone while everybody else is sent; and that messages over
# the relay's SIZE fail here without being sent. Needs root (Postfix's
# daemons change to the postfix user), postfix and saslpasswd2
# (sasl2-bin); skipped without them. TAP output.
# usage: test_postfix.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/tap.sh"

tests=20
echo "1..$tests"

PATH=$PATH:/usr/sbin:/sbin
if [ "$(id -u)" -ne 0 ]; then
    skip "$tests" "a private Postfix instance needs root"
    exit 0
fi
for prog in postfix postconf saslpasswd2 openssl; do
    if ! command -v "$prog" >/dev/null 2>&1; then
        skip "$tests" "$prog is not installed"
        exit 0
    fi
done
if ! id postfix >/dev/null 2>&1; then
    skip "$tests" "there is no postfix user"
    exit 0
fi

freeport() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Postfix's daemons, running as postfix, must reach the instance's files.
chmod 755 "$tmp"
P=$tmp/pf
mkdir -p "$P/etc/sasl" "$P/queue" "$P/data" "$P/mail"
chown postfix "$P/data" "$P/mail"
port=$(freeport)
tlsport=$(freeport)
puid=$(id -u postfix)
pgid=$(id -g postfix)
domain=relay.tocsin.test
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$P/etc/key.pem" -out "$P/etc/cert.pem" >/dev/null 2>&1
chmod 644 "$P/etc/key.pem"
# Every address of every domain goes into one Maildir (box/).
echo '/./ box/' >"$P/etc/all"
cat >"$P/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $P/etc
queue_directory = $P/queue
data_directory = $P/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $domain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $P/maillog
maillog_file_prefixes = $tmp
alias_maps =
alias_database =
biff = no
virtual_mailbox_domains = regexp:$P/etc/all
virtual_mailbox_maps = regexp:$P/etc/all
virtual_mailbox_base = $P/mail
virtual_uid_maps = static:$puid
virtual_gid_maps = static:$pgid
smtpd_tls_cert_file = $P/etc/cert.pem
smtpd_tls_key_file = $P/etc/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $P/etc/sasl
smtpd_sasl_local_domain = $domain
smtpd_sasl_authenticated_header = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
EOF
{
    echo "127.0.0.1:$port inet n - n - - smtpd"
    echo "127.0.0.1:$tlsport inet n - n - - smtpd -o smtpd_tls_wrappermode=yes"
    for s in "pickup unix n - n 60 1 pickup" \
        "cleanup unix n - n - 0 cleanup" "qmgr unix n - n 300 1 qmgr" \
        "rewrite unix - - n - - trivial-rewrite" \
        "bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
        "trace unix - - n - 0 bounce" "verify unix - - n - 1 verify" \
        "flush unix n - n 1000? 0 flush" "proxymap unix - - n - - proxymap" \
        "smtp unix - - n - - smtp" "relay unix - - n - - smtp" \
        "showq unix n - n - - showq" "error unix - - n - - error" \
        "retry unix - - n - - error" "discard unix - - n - - discard" \
        "local unix - n n - - local" "virtual unix - n n - - virtual" \
        "lmtp unix - - n - - lmtp" "anvil unix - - n - 1 anvil" \
        "scache unix - - n - 1 scache" \
        "postlog unix-dgram n - n - 1 postlogd" \
        "tlsmgr unix - - n 1000? 1 tlsmgr"; do
        echo "$s"
    done
} >"$P/etc/master.cf"
# mechs: the SASL mechanisms smtpd offers (it reads them at its start)
sasl_mechs() {
    cat >"$P/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: $1
sasldb_path: $P/sasldb2
EOF
}
sasl_mechs "PLAIN LOGIN"
echo 'right horse battery' |
    saslpasswd2 -p -f "$P/sasldb2" -c -u "$domain" tocsin 2>/dev/null
chown postfix "$P/sasldb2"
pf() { postfix -c "$P/etc" "$@"; }
trap 'pf stop >/dev/null 2>&1; stop_server; rm -rf "$tmp"' EXIT INT TERM

started=0
if pf start >"$tmp/start.out" 2>&1; then
    i=0
    while [ "$i" -lt 50 ]; do
        if python3 - "$port" 2>/dev/null <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
f = s.makefile("rwb")
assert f.readline().startswith(b"220 ")
f.write(b"QUIT\r\n")
f.flush()
assert f.readline().startswith(b"221 ")
EOF
        then
            started=1
            break
        fi
        sleep 0.2
        i=$((i + 1))
    done
fi
if [ "$started" -eq 0 ]; then
    notok "a private Postfix instance starts on 127.0.0.1:$port"
    sed 's/^/# /' "$tmp/start.out" "$P/maillog" 2>/dev/null | head -n 40
    skip $((tests - 1)) "Postfix did not start"
    exit 1
fi
ok "a private Postfix instance starts on 127.0.0.1:$port"

# newcase DIR USER PASSWORD: a case from the one export, with the relay's
# credentials and certificate in its case.ini and no per-domain ceiling
newcase() {
    "$tocsin" init "$1" >/dev/null &&
        "$tocsin" run --case "$1" "$tmp/s/export.csv" >/dev/null 2>&1 &&
        sed -i -e "s|^user =.*|user = $2|" -e "s|^password =.*|password = $3|" \
            -e "s|^ca_file =.*|ca_file = $P/etc/cert.pem|" \
            -e "s|^domain_rate =.*|domain_rate = 0|" "$1/case.ini"
}

# json_get CASE KEY: a count of tocsin status --json
json_get() {
    "$tocsin" status --case "$1" --json |
        python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

"$tocsin" synth --persons 400 --out "$tmp/s" >/dev/null 2>&1 &&
    newcase "$tmp/c" tocsin 'wrong horse battery'
check "synth, init, run and the case's relay settings" test $? -eq 0
# What the relay must receive: the Maildir run of a twin case.
newcase "$tmp/m" "" "" && "$tocsin" notify --case "$tmp/m" >/dev/null 2>&1
want=$(find "$tmp/m/maildir/new" -type f | wc -l)

mark0=$(wc -l <"$P/maillog")
"$tocsin" notify --case "$tmp/c" --smtp "smtp://127.0.0.1:$port" \
    --require-tls >"$tmp/o" 2>&1
rc=$?
check "a wrong password: notify fails, says why, and nobody is lost" \
    test "$rc" -ne 0 -a "$want" -gt 200 -a \
    "$(json_get "$tmp/c" queued)" -eq "$want" -a \
    "$(json_get "$tmp/c" failed)" -eq 0 -a \
    "$(grep -c '535' "$tmp/o")" -ge 1
sed -n '/535/s/^/# /p' "$tmp/o" | head -n 2

sed -i "s|^password =.*|password = right horse battery|" "$tmp/c/case.ini"
mark=$(wc -l <"$P/maillog")
# sessions FROM TO: Postfix's view of tocsin's sessions in lines FROM+1..TO
# of its log, a count a line: sessions, warnings (an "improper command
# pipelining" would be one), lost (a connection closed without QUIT, RFC
# 5321 4.1.1.10), noquit, failed (sessions with a failed command: smtpd's
# disconnect line counts commands as ok/total); then a few of the lines.
sessions() {
    sed -n "$(($1 + 1)),$2p" "$P/maillog" | python3 -c '
import re, sys
smtpd = [l for l in sys.stdin.read().splitlines() if "/smtpd[" in l]
disc = [l for l in smtpd if " disconnect from " in l]
bad = {"warnings": [l for l in smtpd if re.search("warning|improper|timeout",
                                                   l)],
       "lost": [l for l in smtpd if "lost connection" in l],
       "noquit": [l for l in disc if " quit=1 " not in l],
       "failed": [l for l in disc
                  if "/" in l.split(" disconnect from ", 1)[1]]}
print("sessions", len(disc))
for k, v in bad.items():
    print(k, len(v))
for l in sum(bad.values(), [])[:4]:
    print("#", l)'
}
sessions "$mark0" "$mark" >"$tmp/l"
check "and every session of that run ended with QUIT" \
    test -n "$(grep -x 'lost 0' "$tmp/l")" -a \
    -n "$(grep -x 'noquit 0' "$tmp/l")" -a -z "$(grep -x 'sessions 0' "$tmp/l")"
grep -qx 'lost 0' "$tmp/l" && grep -qx 'noquit 0' "$tmp/l" ||
    grep '^#' "$tmp/l" | sed 's/^/# /'
"$tocsin" notify --case "$tmp/c" --smtp "smtp://127.0.0.1:$port" \
    --require-tls --concurrency 4 >"$tmp/o" 2>&1
rc=$?
check "STARTTLS + AUTH PLAIN: notify exits 0, all $want accepted" \
    test "$rc" -eq 0 -a "$(json_get "$tmp/c" accepted)" -eq "$want" -a \
    "$(grep -c 'sasl_method=PLAIN' "$P/maillog")" -ge 1
sed 's/^/# /' "$tmp/o" | tail -n 2

# delivered N: wait (60 s at most) until Postfix has put N messages into
# the Maildir
delivered() {
    i=0
    while [ "$(find "$P/mail/box/new" -type f 2>/dev/null | wc -l)" -lt "$1" ] &&
        [ "$i" -lt 300 ]; do
        sleep 0.2
        i=$((i + 1))
    done
    test "$(find "$P/mail/box/new" -type f | wc -l)" -eq "$1"
}
check "Postfix delivers all $want into its Maildir" delivered "$want"

# Every recipient exactly once (Postfix's Delivered-To, the envelope
# recipient, against the To of the twin case's Maildir), every message
# whole, through TLS and authenticated.
python3 - "$P/mail/box/new" "$tmp/m/maildir/new" >"$tmp/p" 2>&1 <<'EOF'
import collections, email, os, re, sys
from email import policy

def load(d):
    for f in sorted(os.listdir(d)):
        yield email.message_from_bytes(open(os.path.join(d, f), "rb").read(),
                                       policy=policy.default)

got = collections.Counter()
bad = {"structure": 0, "code": 0, "tls": 0, "auth": 0}
for m in load(sys.argv[1]):
    got[str(m["Delivered-To"]).lower()] += 1
    parts = [p.get_content_type() for p in m.iter_parts()]
    if m.get_content_type() != "multipart/alternative" or \
            parts != ["text/plain", "text/html"] or \
            m["Auto-Submitted"] != "auto-generated" or not m["Message-ID"]:
        bad["structure"] += 1
        continue
    code = str(m["X-Tocsin-Verification-Code"] or "")
    if not code or code not in m.get_body(("plain",)).get_content() or \
            code not in m.get_body(("html",)).get_content():
        bad["code"] += 1
    received = " ".join(str(r) for r in m.get_all("Received") or [])
    if not re.search(r"using TLSv1\.[23]", received):
        bad["tls"] += 1
    if "Authenticated sender: tocsin" not in received:
        bad["auth"] += 1
want = collections.Counter(m["To"].addresses[0].addr_spec.lower()
                           for m in load(sys.argv[2]))
print("recipients", "same" if got == want else "differ")
for k, v in bad.items():
    print(k, v)
EOF
check "every recipient exactly once, as in the Maildir run" \
    grep -qx 'recipients same' "$tmp/p"
check "every message multipart/alternative, code in text and html" \
    test -n "$(grep -x 'structure 0' "$tmp/p")" -a \
    -n "$(grep -x 'code 0' "$tmp/p")"
check "every message came through TLS and AUTH (Received headers)" \
    test -n "$(grep -x 'tls 0' "$tmp/p")" -a -n "$(grep -x 'auth 0' "$tmp/p")"
grep -v ' 0$' "$tmp/p" | grep -v same | sed 's/^/# /'

# The journal against Postfix's log: the queue ids in the replies kept for
# the accepted messages are exactly those Postfix delivered.
python3 - "$tmp/c/case.db" "$P/maillog" >"$tmp/q" 2>&1 <<'EOF'
import re, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
journal = set()
for (reply,) in db.execute("SELECT reply FROM messages WHERE state = 2"):
    m = re.search(r"queued as ([0-9A-Za-z]+)", reply or "")
    journal.add(m.group(1) if m else None)
sent = set(re.findall(r" ([0-9A-F]{6,}): to=<[^>]*>.*relay=virtual.*"
                      r" status=sent", open(sys.argv[2]).read()))
print("journal", len(journal), "sent", len(sent),
      "same" if journal == sent else "differ")
EOF
check "the journal's queue ids are those Postfix delivered" \
    grep -q ' same$' "$tmp/q"
sed 's/^/# /' "$tmp/q"

# Postfix's view of the sessions that sent: clean.
sessions "$mark" "$(wc -l <"$P/maillog")" >"$tmp/l"
check "Postfix logs no warning for tocsin's pipelined sessions" \
    grep -qx 'warnings 0' "$tmp/l"
check "every session ends with QUIT and no failed command" \
    test -n "$(grep -x 'lost 0' "$tmp/l")" -a \
    -n "$(grep -x 'noquit 0' "$tmp/l")" -a \
    -n "$(grep -x 'failed 0' "$tmp/l")" -a -z "$(grep -x 'sessions 0' "$tmp/l")"
grep -v ' 0$' "$tmp/l" | sed 's/^/# /'

"$tocsin" notify --case "$tmp/c" --smtp "smtp://127.0.0.1:$port" \
    --require-tls >"$tmp/o" 2>&1
check "a second notify sends nothing more" \
    test $? -eq 0 -a "$(json_get "$tmp/c" accepted)" -eq "$want" -a \
    "$(grep -c '^0 messages sent' "$tmp/o")" -eq 1

# smtps:// (implicit TLS) with AUTH LOGIN only: Postfix re-reads the SASL
# configuration when it starts new smtpd processes after a reload.
sasl_mechs LOGIN
pf reload >/dev/null 2>&1
sleep 1
newcase "$tmp/ls" tocsin 'right horse battery'
"$tocsin" notify --case "$tmp/ls" --smtp "smtps://127.0.0.1:$tlsport" \
    >"$tmp/o" 2>&1
rc=$?
check "smtps:// and AUTH LOGIN: exit 0, all $want accepted" \
    test "$rc" -eq 0 -a "$(json_get "$tmp/ls" accepted)" -eq "$want" -a \
    "$(grep -c 'sasl_method=LOGIN' "$P/maillog")" -ge 1
sed 's/^/# /' "$tmp/o" | tail -n 2
[ "$rc" -eq 0 ] || grep smtpd "$P/maillog" | grep -v disconnect | tail -n 8 | sed 's/^/# /'
check "and Postfix delivers them too ($((want * 2)) in all)" \
    delivered $((want * 2))

# A relay that answers 450 for every recipient of one domain (as an
# overloaded receiving domain would): tocsin defers what it tried, leaves
# the domain alone for a while (few attempts, not all of its messages),
# and sends everybody else; Ctrl-C then stops it with the journal whole.
dom=$(sqlite3 "file:$tmp/m/case.db?mode=ro" "SELECT domain FROM messages
    GROUP BY domain ORDER BY count(*) DESC LIMIT 1")
ndom=$(sqlite3 "file:$tmp/m/case.db?mode=ro" "SELECT count(*) FROM messages
    WHERE domain = '$dom'")
echo "/@$(echo "$dom" | sed 's/\./\\./g')\$/ 450 4.7.1 try again later" \
    >"$P/etc/defer"
postconf -c "$P/etc" -e "smtpd_recipient_restrictions = check_recipient_access regexp:$P/etc/defer, permit_sasl_authenticated, reject"
sasl_mechs "PLAIN LOGIN"
pf reload >/dev/null 2>&1
sleep 1
mark=$(wc -l <"$P/maillog")
newcase "$tmp/d" tocsin 'right horse battery'
"$tocsin" notify --case "$tmp/d" --smtp "smtp://127.0.0.1:$port" \
    --require-tls >"$tmp/od" 2>&1 &
npid=$!
i=0
while [ "$i" -lt 300 ] &&
    [ "$(json_get "$tmp/d" accepted 2>/dev/null || echo 0)" -lt $((want - ndom)) ]; do
    sleep 0.2
    i=$((i + 1))
done
sleep 1
kill -INT "$npid"
wait "$npid"
rc=$?
acc=$(json_get "$tmp/d" accepted)
def=$(json_get "$tmp/d" deferred)
que=$(json_get "$tmp/d" queued)
tried=$(tail -n +"$((mark + 1))" "$P/maillog" | grep -c 'NOQUEUE: reject: RCPT.* 450 4.7.1')
check "450 for $dom ($ndom messages): all others accepted, Ctrl-C exits 0" \
    test "$rc" -eq 0 -a "$acc" -eq $((want - ndom)) -a \
    $((def + que)) -eq "$ndom" -a "$(json_get "$tmp/d" in_flight)" -eq 0
check "each 450 in Postfix's log is a deferred message in the journal ($tried)" \
    test "$tried" -eq "$def" -a "$def" -ge 1
check "the domain was left alone: $def of its $ndom messages tried" \
    test "$def" -lt "$ndom" -a "$def" -le 40
sed 's/^/# /' "$tmp/od" | tail -n 2
postconf -c "$P/etc" -e "smtpd_recipient_restrictions = permit_sasl_authenticated, reject"

# A relay that takes smaller messages than tocsin's (SIZE in its EHLO
# reply): each fails here, with the reason kept, and none is sent.
pf stop >/dev/null 2>&1
boxed=$((want * 3 - ndom)) # what Postfix has taken so far
postconf -c "$P/etc" -e message_size_limit=3000
mark=$(wc -l <"$P/maillog")
pf start >/dev/null 2>&1
sleep 1
newcase "$tmp/sz" tocsin 'right horse battery'
"$tocsin" notify --case "$tmp/sz" --smtp "smtp://127.0.0.1:$port" \
    --require-tls >"$tmp/o" 2>&1
reasons=$(sqlite3 "file:$tmp/sz/case.db?mode=ro" \
    "SELECT count(*) FROM messages WHERE state = 4 AND code = 552 AND
     reply LIKE '%SIZE limit%'" 2>/dev/null || echo 0)
check "a relay with SIZE 3000: all $want failed here, the reason kept" \
    test "$(json_get "$tmp/sz" failed)" -eq "$want" -a "$reasons" -eq "$want"
none_sent() {
    test "$(tail -n +"$((mark + 1))" "$P/maillog" |
        grep -c 'queued as\|size=')" -eq 0 && delivered "$boxed"
}
check "and Postfix was not sent one of them" none_sent

exit "$fail"
