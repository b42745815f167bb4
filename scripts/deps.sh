#!/bin/sh
# Install every Debian package tocsin needs to build, test and benchmark.
# Idempotent and quick: apt-get runs only when something is missing.
set -eu

# Build and library packages (checked with dpkg). clang and its libFuzzer,
# ASan and UBSan runtimes (libclang-rt-14-dev, only recommended by clang-14)
# are for scripts/fuzz.sh and the fuzz_short test. chromium (headless) draws
# the HTML report as a screenshot and an A4 PDF in the e2e_report_html test
# (tests/report/test_report_html.sh), which is skipped without it. postfix
# provides smtp-sink and smtp-source, the SMTP peer of the e2e_smtp test
# and of bench/smtp and bench/notify; the system's own daemon is never run
# (debconf "No configuration", preseeded below): the e2e_postfix test
# (tests/notify/test_postfix.sh) starts a private instance of its own, with
# AUTH PLAIN and LOGIN (libsasl2-modules) against a Cyrus sasldb made by
# saslpasswd2 (sasl2-bin), over TLS with a certificate made by openssl.
# spamassassin scores the default message templates (e2e_spam test).
PACKAGES="
build-essential
meson
ninja-build
pkg-config
python3
clang-format
libsqlite3-dev
sqlite3
time
libsodium-dev
libinih-dev
libutf8proc-dev
libjson-c-dev
zlib1g-dev
libgmime-3.0-dev
libmicrohttpd-dev
libssl-dev
libcmocka-dev
clang
libclang-rt-14-dev
chromium
postfix
sasl2-bin
libsasl2-modules
openssl
spamassassin
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
case " $missing " in
*" postfix "*)
    echo "postfix postfix/main_mailer_type select No configuration" |
        $SUDO debconf-set-selections
    ;;
esac
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
