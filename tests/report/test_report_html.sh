#!/bin/sh
# End-to-end test of the HTML report (TAP): the real pipeline (init, synth,
# ingest, resolve, assess, report), then the page in headless Chromium: a
# screenshot and an A4 PDF that are really drawn (not a blank page), and a
# page that is self-contained (no script, event handler or reference) and
# carries the figures of the JSON report.
# usage: test_report_html.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
# CHROMIUM: the browser (default: chromium on the PATH); skipped without.
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
. "$root/tests/chromium.sh"
. "$root/tests/tap.sh"

# Seconds one Chromium run may take before it is killed.
CHROME_TIMEOUT=60

# chrome ARGS... URL: headless Chromium with a private profile in $tmp;
# its chatter (D-Bus, GPU) goes to $tmp/chrome.log.
chrome() {
    timeout -k 5 "$CHROME_TIMEOUT" "$chromium" --headless=new --no-sandbox \
        --disable-gpu --no-first-run --disable-extensions --hide-scrollbars \
        --user-data-dir="$tmp/profile" "$@" >>"$tmp/chrome.log" 2>&1
}

# size FILE: bytes, 0 when missing
size() {
    if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

echo "1..14"

# The pipeline, on a small synthetic breach.
(
    "$tocsin" synth --persons 1500 --seed 7 --out "$tmp/s" &&
        "$tocsin" init "$tmp/c" &&
        "$tocsin" ingest --case "$tmp/c" "$tmp/s/export.csv" &&
        "$tocsin" resolve --case "$tmp/c" &&
        "$tocsin" assess --case "$tmp/c"
) >"$tmp/pipe.log" 2>&1
rc=$?
check "init, synth, ingest, resolve and assess exit 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/pipe.log" | tail -n 20

"$tocsin" report --case "$tmp/c" --format html --out "$tmp/r.html" \
    >"$tmp/o" 2>&1
rc=$?
check "report --format html exits 0 and writes the page" \
    test "$rc" -eq 0 -a -s "$tmp/r.html"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/o" | head -n 20
"$tocsin" report --case "$tmp/c" --format json --out "$tmp/r.json" \
    >/dev/null 2>&1
"$tocsin" report --case "$tmp/c" --format md --lang en \
    --out "$tmp/r.md" >/dev/null 2>&1
check "report --format md --lang en has the form section" \
    grep -q '^## Meldformulier datalekken (AP)$' "$tmp/r.md"

# The page itself: parsed with Python's HTML parser.
cat >"$tmp/page.py" <<'EOF'
import json, sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "link", "input"}
html = open(sys.argv[1], encoding="utf-8").read()
report = json.load(open(sys.argv[2], encoding="utf-8"))
bad = []

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.svgs, self.titles, self.style = [], 0, [], ""
        self.text = []
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "link", "img"):
            bad.append("<%s>" % tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("href", "src", "xlink:href"):
                bad.append("attribute %s in <%s>" % (k, tag))
            if v and ("http" in v.lower() or "url(" in v.lower()):
                bad.append("reference in %s of <%s>" % (k, tag))
        if tag == "svg":
            self.svgs += 1
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            bad.append("</%s> closes <%s>" % (tag, self.stack[-1:]))
        else:
            self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.style += data
        elif self.stack and self.stack[-1] == "title" and "svg" in self.stack:
            self.titles.append(data)
        self.text.append(data)

p = Page()
p.feed(html)
p.close()
if not html.startswith("<!doctype html>"):
    bad.append("no doctype")
if p.stack:
    bad.append("unclosed: %s" % p.stack)
for word in ("url(", "@import", "http", "@font-face"):
    if word in p.style.lower():
        bad.append("%s in the style" % word)
if "@page" not in p.style:
    bad.append("no @page rule")
if p.svgs < 3 or len(p.titles) < 3:
    bad.append("%d charts, %d chart titles" % (p.svgs, len(p.titles)))

# The page shows the JSON's figures (nl: U+202F between thousands).
def fmt(v):
    if isinstance(v, str):
        return v
    return "{:,}".format(v).replace(",", "\u202f")
text = "".join(p.text)
for key in ("data_subjects", "records", "notices"):
    if fmt(report[key]) not in text:
        bad.append("%s %s not on the page" % (key, fmt(report[key])))
if fmt(report["risk"]["high"]) not in text:
    bad.append("risk.high not on the page")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
check "the page is well-formed, self-contained and has the JSON's figures" \
    python3 "$tmp/page.py" "$tmp/r.html" "$tmp/r.json"

# Chromium: a screenshot of the page, and of an empty page to compare.
printf '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">%s\n' \
    '<title>leeg</title></head><body></body></html>' >"$tmp/blank.html"
chrome --window-size=1200,3000 --screenshot="$tmp/r.png" \
    "file://$tmp/r.html"
rc=$?
check "chromium takes a screenshot (exit $rc)" test "$rc" -eq 0 -a -s "$tmp/r.png"
[ "$rc" -eq 0 ] || tail -n 10 "$tmp/chrome.log" | sed 's/^/# /'
chrome --window-size=1200,3000 --screenshot="$tmp/blank.png" \
    "file://$tmp/blank.html"
check "the screenshot is a PNG" test "$(head -c 8 "$tmp/r.png" 2>/dev/null |
    od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
# IHDR: width and height, big-endian, at bytes 16-23.
dims=$(od -An -tu1 -j16 -N8 "$tmp/r.png" 2>/dev/null | awk '{
    print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" \
        $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
check "the screenshot is 1200x3000 ($dims)" test "$dims" = 1200x3000
png=$(size "$tmp/r.png")
blank=$(size "$tmp/blank.png")
check "the screenshot is not blank ($png bytes, an empty page $blank)" \
    test "$png" -gt 50000 -a "$blank" -gt 0 -a "$png" -gt $((blank * 5))

# The same page printed to PDF (A4 from its @page rule).
chrome --print-to-pdf="$tmp/r.pdf" --no-pdf-header-footer "file://$tmp/r.html"
rc=$?
check "chromium prints the page to PDF (exit $rc)" \
    test "$rc" -eq 0 -a -s "$tmp/r.pdf"
check "the PDF starts with %PDF-" test "$(head -c 5 "$tmp/r.pdf" 2>/dev/null)" = "%PDF-"
pages=$(python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
print(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)))
' "$tmp/r.pdf" 2>/dev/null)
pages=${pages:-0}
# The report is several pages; an empty page prints on one.
check "the PDF has pages ($pages), more than an empty page's one" \
    test "$pages" -ge 2
# A4 is 595 x 842 points: every page's MediaBox.
a4=$(python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", data)
print(int(bool(boxes) and all(abs(float(w) - 595.3) < 2 and
    abs(float(h) - 841.9) < 2 for w, h in boxes)))
' "$tmp/r.pdf" 2>/dev/null)
check "the PDF pages are A4" test "${a4:-0}" -eq 1
pdf=$(size "$tmp/r.pdf")
check "the PDF is not trivial ($pdf bytes)" test "$pdf" -gt 20000

# Chromium left nothing running of its own.
check "no chromium left running with the test's profile" \
    test -z "$(ps -eo args 2>/dev/null | grep -F "$tmp/profile" |
        grep -v grep)"
exit $fail
