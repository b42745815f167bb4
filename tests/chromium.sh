# tests/chromium.sh - for a test that needs Chromium; source it before
# tap.sh (root set):  . "$root/tests/chromium.sh"
# Gives $chromium (CHROMIUM, or chromium on the PATH); without one the test
# is skipped: "1..0 # SKIP" and exit.
chromium=${CHROMIUM:-$(command -v chromium 2>/dev/null)}
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
    echo "1..0 # SKIP chromium not installed"
    exit 0
fi
