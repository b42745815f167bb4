#!/bin/sh
# test_spam.sh - the default message templates through SpamAssassin: a
# message in Dutch and in English, of an adult, of a minor (to the parent or
# guardian) and of an ex-customer, each scored by spamassassin with local
# tests only and must stay well below its spam threshold (5.0): under 2.0.
# The rules that fired are printed as TAP diagnostics. Deterministic: the
# rules shipped with the Debian package (not sa-update's), the .pre files of
# /etc/spamassassin but not its local.cf, no user preferences, no Bayes, no
# network. TAP output; skipped without spamassassin (scripts/deps.sh).
# usage: test_spam.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/tap.sh"

# the message kinds scored, one test each
kinds="nl en nl_minor en_minor nl_ex en_ex"
max=2.0

echo "1..8"
sa=$(command -v spamassassin)
rules=/usr/share/spamassassin
if [ -z "$sa" ] || [ ! -d "$rules" ]; then
    skip 8 "spamassassin not installed"
    exit 0
fi

# A case whose brand Ben writes in English, Odido in Dutch.
"$tocsin" init "$tmp/c" >/dev/null &&
    sed '/^\[brand ben\]/,/^\[/ s/^language = nl$/language = en/' \
        "$tmp/c/case.ini" >"$tmp/ini" && mv "$tmp/ini" "$tmp/c/case.ini" &&
    grep -q '^language = en$' "$tmp/c/case.ini" &&
    "$tocsin" synth --persons 300 --out "$tmp/s" >/dev/null 2>&1 &&
    "$tocsin" run --case "$tmp/c" "$tmp/s/export.csv" >/dev/null 2>&1 &&
    "$tocsin" notify --case "$tmp/c" >/dev/null 2>&1
check "init, synth, run (Ben in English) and notify exit 0" test $? -eq 0

# One message of each kind: KIND FILE per line (decoded with Python's email
# package, so quoted-printable line breaks do not hide the phrases).
python3 - "$tmp/c/maildir/new" >"$tmp/pick" 2>"$tmp/pick.err" <<'EOF'
import email, os, sys
from email import policy
d = sys.argv[1]
pick = {}
for f in sorted(os.listdir(d)):
    m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(),
                                 policy=policy.default)
    lang = str(m["Content-Language"])
    text = m.get_body(("plain",)).get_content()
    flat = " ".join(text.split())
    if "ouder of voogd" in flat or "parent or guardian" in flat:
        kind = lang + "_minor"
    elif "oud-klanten" in flat or "former customers" in flat:
        kind = lang + "_ex"
    else:
        kind = lang
    pick.setdefault(kind, os.path.join(d, f))
for kind, path in sorted(pick.items()):
    print(kind, path)
EOF
files=$(cut -d' ' -f2 "$tmp/pick")

# spamassassin on all of them in one run (the rules load once), isolated
# from this machine's and user's settings.
mkdir -p "$tmp/site" "$tmp/home"
cp /etc/spamassassin/*.pre "$tmp/site/" 2>/dev/null
: >"$tmp/home/user_prefs"
# shellcheck disable=SC2086
HOME=$tmp/home "$sa" -L -t -x -C "$rules" --siteconfigpath="$tmp/site" \
    -p "$tmp/home/user_prefs" --cf='use_bayes 0' $files \
    >"$tmp/sa.out" 2>"$tmp/sa.err"
rc=$?

# Per scored message: Message-ID, score, and the rules with their points.
python3 - "$tmp/sa.out" >"$tmp/scores" <<'EOF'
import re, sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for chunk in re.split(r"^X-Spam-Checker-Version:", out, flags=re.M)[1:]:
    mid = re.search(r"^Message-ID:\s*(\S+)", chunk, re.M | re.I)
    st = re.search(r"^X-Spam-Status:.*?\bscore=(-?[0-9.]+)", chunk,
                   re.M | re.S)
    table = chunk.split("Content analysis details:", 1)[-1]
    rules = re.findall(r"^\s*(-?[0-9]+\.[0-9]+)\s+([A-Z0-9_]+)\s", table,
                       re.M)
    print(mid.group(1) if mid else "-", st.group(1) if st else "-",
          " ".join(r + "=" + p for p, r in rules))
EOF
nscored=$(grep -vc ' - ' "$tmp/scores")
nfiles=$(echo "$files" | grep -c .)
check "spamassassin -L scored all $nfiles messages (exit $rc)" \
    test "$rc" -eq 0 -a "$nfiles" -ge 4 -a "$nscored" -eq "$nfiles"
if [ "$nscored" -ne "$nfiles" ]; then
    sed 's/^/# /' "$tmp/sa.err" | head -n 20
fi

for kind in $kinds; do
    f=$(sed -n "s/^$kind //p" "$tmp/pick")
    if [ -z "$f" ]; then
        skip 1 "no $kind message in this synthetic export"
        continue
    fi
    mid=$(sed -n 's/^Message-I[Dd]: *//p' "$f" | head -n 1)
    line=$(grep -F "$mid " "$tmp/scores" | head -n 1)
    score=$(echo "$line" | cut -d' ' -f2)
    fired=$(echo "$line" | cut -d' ' -f3-)
    if [ -n "$score" ] && [ "$score" != "-" ] &&
        awk -v s="$score" -v m="$max" 'BEGIN { exit !(s < m) }'; then
        ok "$kind message scores $score < $max"
    else
        notok "$kind message scores ${score:-nothing} < $max"
    fi
    echo "# $kind rules: ${fired:-none}"
done
exit "$fail"
