#!/bin/sh
# End-to-end tests of 'tocsin init' and 'tocsin run' on a fresh case (TAP).
# usage: test_init.sh TOCSIN   (env TOCSIN_SOURCE_ROOT: the source tree)
tocsin=$1
case $tocsin in
/*) ;;
*) tocsin=$(pwd)/$tocsin ;;
esac
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 1

echo "1..22"
n=0
ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    echo "not ok $n - $1"
    if [ -s out ]; then sed 's/^/# stdout: /' out; fi
    if [ -s err ]; then sed 's/^/# stderr: /' err; fi
}
check() { # check WHAT: the previous command's outcome is in $?
    if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi
}
mode() { stat -c %a "$1"; }

# 1-4: init makes the case with private modes and says what to do next.
umask 022
"$tocsin" init c >out 2>err
check $? "init exits 0"
[ "$(mode c)" = 700 ] && [ "$(mode c/case.ini)" = 600 ] &&
    [ "$(mode c/case.key)" = 600 ] && [ "$(mode c/case.db)" = 600 ] &&
    [ "$(mode c/templates)" = 700 ] && [ "$(mode c/templates/nl)" = 700 ] &&
    [ "$(mode c/templates/nl/body.txt)" = 600 ] &&
    [ "$(mode c/templates/en/subject.txt)" = 600 ]
check $? "init creates the files with modes 0700 and 0600"
grep -q 'c/case.ini' out && grep -q 'c/case.key safe' out &&
    grep -q 'anyone with it can read' out &&
    grep -q 'tocsin run --case c EXPORT' out
check $? "init names the files and the next steps"
grep -q '^tocsin-key-1 [0-9a-f]\{64\}$' c/case.key
check $? "the key file holds one key line"

# 5-6: a second init refuses with exit 3 and leaves the case alone.
cp c/case.key key.before
"$tocsin" init c >out 2>err
rc=$?
[ $rc -eq 3 ] && grep -q 'is a case already' err
check $? "second init refuses with exit 3 and a message"
cmp -s key.before c/case.key
check $? "second init keeps the key"

# 7-9: usage.
"$tocsin" init --help >out 2>err
[ $? -eq 0 ] && grep -q '^usage: tocsin init DIR' out &&
    grep -q -- '-h, --help   show this help' out
check $? "init --help exits 0 with the usage"
"$tocsin" init >out 2>err
[ $? -eq 2 ] && grep -q "Try 'tocsin init --help'" err
check $? "init without DIR exits 2"
mkdir full && touch full/x
"$tocsin" init full >out 2>err
[ $? -eq 3 ] && grep -q 'not empty' err && [ ! -e full/case.ini ]
check $? "init refuses a non-empty directory with exit 3"

# 10-12: run on the fresh case.
printf 'name,email\nA,a@example.org\n' >export.csv
"$tocsin" run --case c export.csv >out 2>err
[ $? -eq 0 ] && grep -q 'Odido data breach, February 2026' out
check $? "run --case DIR FILE works on a fresh case"
[ "$(sqlite3 c/case.db "SELECT command || ':' || status || ':' || summary \
    FROM runs ORDER BY id DESC LIMIT 1" 2>/dev/null)" = \
    'run:0:{"files":1,"ingest":{"rows_read":1,"accepted":1,"rejected":0},"resolve":{"records":1,"persons":1,"persons_with_several_records":0,"candidate_pairs":0,"links":0,"joined":0,"refused":0,"blocks_skipped":0,"uncertain_persons":0,"em_iterations":0,"match_share":0,"threshold":0.9},"assess":{"records":1,"persons":1,"notices":1,"high":0,"medium":1,"low":0,"email":1,"letter":0,"sms":0,"unreachable":0,"minors":0,"sensitive":0,"bsn":0},"stages_done":3,"status":0}' ] ||
    ! command -v sqlite3 >/dev/null
check $? "run is recorded in the run log"
"$tocsin" run --case c export.csv missing.csv >out 2>err
[ $? -eq 1 ] && grep -q 'missing.csv: No such file or directory' err
check $? "run fails with exit 1 on a missing file"

# 13-15: finding the case.
"$tocsin" run export.csv >out 2>err
rc=$?
{ [ $rc -eq 3 ] || [ $rc -eq 2 ]; } && grep -q -- '--case' err
check $? "run outside a case says to use --case"
(cd c && "$tocsin" run ../export.csv >../out 2>../err)
check $? "run inside the case directory works without --case"
"$tocsin" run --case nowhere export.csv >out 2>err
[ $? -eq 3 ] && grep -q 'not a tocsin case' err
check $? "run --case on a non-case exits 3"

# 16-18: usage and standard input.
"$tocsin" run --help >out 2>err
[ $? -eq 0 ] && grep -q '^usage: tocsin run \[--case DIR\] FILE' out
check $? "run --help exits 0 with the usage"
"$tocsin" run --case c >out 2>err
check $(($? != 2)) "run without FILE exits 2"
"$tocsin" run --case c - <export.csv >out 2>err
check $? "run reads '-' as standard input"

# 19-20: a broken case.ini stops run with its line.
cp c/case.ini case.ini.good
awk '{ print } /^\[incident\]$/ { print "bogus = 1" }' case.ini.good \
    >c/case.ini
line=$(grep -n '^bogus = 1$' c/case.ini | cut -d: -f1)
"$tocsin" run --case c export.csv >out 2>err
[ $? -eq 3 ] && grep -q "case.ini:$line: unknown key 'bogus' in \[incident\]" err
check $? "corrupt case.ini makes run exit 3 with case.ini:LINE"
cp case.ini.good c/case.ini
"$tocsin" run --case c export.csv >out 2>err
check $? "the repaired case runs again"

# 21-22: the key must be private and belong to the case.
chmod 644 c/case.key
"$tocsin" run --case c export.csv >out 2>err
[ $? -eq 3 ] && grep -q 'chmod 600' err
check $? "a key readable by others makes run exit 3"
chmod 600 c/case.key
"$tocsin" init d >/dev/null 2>&1 && cp d/case.key c/case.key
"$tocsin" run --case c export.csv >out 2>err
[ $? -eq 3 ] && grep -q 'case.key is not the key of this case' err
check $? "another case's key makes run exit 3"
