#!/bin/sh
# End-to-end tests of the command front: help texts against golden files,
# version, exit codes, and that the man page and README document every
# command there is. TAP output.
# usage: test_cli.sh TOCSIN   (TOCSIN_SOURCE_ROOT: the source tree)
# Set TOCSIN_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate
# change of a help text.
tocsin=$1
root=${TOCSIN_SOURCE_ROOT:-.}
golden=$root/tests/data/cli
. "$root/tests/tap.sh"

exit_code() { # exit_code WANT DESCRIPTION ARGS...
    want=$1
    desc=$2
    shift 2
    "$tocsin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$desc (exit $want)"; else
        notok "$desc: exit $got, want $want"
        sed 's/^/# /' "$tmp/err"
    fi
}

golden() { # golden NAME ARGS...: stdout of tocsin ARGS equals NAME.ref
    name=$1
    shift
    "$tocsin" "$@" >"$tmp/$name.out" 2>&1
    if [ "${TOCSIN_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/$name.out" "$golden/$name.ref"
    fi
    if cmp -s "$tmp/$name.out" "$golden/$name.ref"; then
        ok "golden $name"
    else
        notok "golden $name differs (TOCSIN_UPDATE_GOLDEN=1 to accept)"
        diff "$golden/$name.ref" "$tmp/$name.out" | sed 's/^/# /'
    fi
}

echo "1..34"

golden help --help
golden help-init init --help
golden help-run run --help
golden help-synth synth --help
golden help-ingest ingest --help
golden help-rejects rejects --help
golden help-resolve resolve --help
golden help-explain explain --help
golden help-export export --help
golden help-assess assess --help
golden help-report report --help
golden help-notify notify --help
golden help-status status --help
golden help-serve serve --help

exit_code 0 "tocsin --help" --help
exit_code 0 "tocsin help" help
exit_code 0 "tocsin --version" --version
"$tocsin" --version >"$tmp/version"
check "--version prints 'tocsin X.Y.Z'" grep -Eqx 'tocsin [0-9]+\.[0-9]+\.[0-9]+' "$tmp/version"
exit_code 2 "no command" 
exit_code 2 "unknown command" frobnicate
exit_code 2 "unknown global option" --frobnicate
"$tocsin" frobnicate >/dev/null 2>"$tmp/err"
check "unknown command is named on stderr" grep -q "'frobnicate' is not a command" "$tmp/err"
"$tocsin" "$(printf 'x\033[2Jy')" >/dev/null 2>"$tmp/err"
check "terminal escapes in a bad command are not echoed raw" sh -c "! grep -q \"$(printf '\033')\" '$tmp/err'"
exit_code 2 "unknown command option" init --frobnicate
exit_code 0 "init --help" init --help
exit_code 0 "run --help" run --help
exit_code 0 "synth --help" synth --help
exit_code 0 "ingest --help" ingest --help
exit_code 0 "rejects --help" rejects --help
exit_code 2 "report --format pdf" report --format pdf

# Every command the help lists is documented, and nothing more is listed.
"$tocsin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}' \
    >"$tmp/commands"
check "help lists commands" test -s "$tmp/commands"
missing=""
for c in $(cat "$tmp/commands"); do
    grep -q "^\.SS $c\$\|^\.SS \"$c\"\|^\.SS $c " "$root/docs/tocsin.1" ||
        missing="$missing $c"
done
check "man page has a section for every command:${missing:- all there}" test -z "$missing"
missing=""
for c in $(cat "$tmp/commands"); do
    grep -q "tocsin $c" "$root/README.md" || missing="$missing $c"
done
check "README mentions every command:${missing:- all there}" test -z "$missing"
man_cmds=$(grep '^\.SS ' "$root/docs/tocsin.1" | awk '{print $2}' | sort)
help_cmds=$(sort "$tmp/commands")
check "man page documents no command tocsin lacks" test "$man_cmds" = "$help_cmds"

exit $fail
