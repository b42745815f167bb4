#!/bin/sh
# Source checks in the spirit of curl's checksrc, as TAP:
#  1. none of the banned C functions (unbounded or error-hiding) in src/;
#  2. no log or stderr line that names a personal-data field.
root=${1:-.}
cd "$root" || exit 1
echo "1..2"

banned='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atof|sscanf|gets)[[:space:]]*\('
hits=$(grep -rnE "$banned" src tools 2>/dev/null)
if [ -z "$hits" ]; then
    echo "ok 1 - no banned functions in src/ and tools/"
else
    echo "not ok 1 - banned functions in src/ and tools/"
    echo "$hits" | sed 's/^/# /'
fi

pii='(log_(error|warn|info|debug)|fprintf\(stderr)[^;]*(email|iban|birth|phone|first_name|last_name)'
hits=$(grep -rnE "$pii" src 2>/dev/null)
if [ -z "$hits" ]; then
    echo "ok 2 - no log line names a personal-data field"
else
    echo "not ok 2 - log lines may print personal data"
    echo "$hits" | sed 's/^/# /'
fi
