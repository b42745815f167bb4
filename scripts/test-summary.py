#!/usr/bin/env python3
"""Count every test case in a meson test log and print 'N passed, N failed'.

Tests speak TAP: each 'ok' / 'not ok' line is one case. A test that printed
no TAP result lines (it crashed before its plan, or timed out) counts as one
failed case, so nothing can pass by saying nothing. Exits 1 on any failure.
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')


def main(path):
    passed = failed = skipped = 0
    failures = []
    with open(path, encoding='utf-8', errors='replace') as log:
        for line in log:
            test = json.loads(line)
            name = test.get('name', '?')
            results = notok = 0
            for out in (test.get('stdout') or '').splitlines():
                m = TAP.match(out)
                if not m:
                    continue
                results += 1
                directive = m.group(2)
                if '# SKIP' in directive.upper():
                    skipped += 1
                elif m.group(1) == 'ok':
                    passed += 1
                else:
                    failed += 1
                    notok += 1
                    failures.append(name + ': ' + out)
            bad = test.get('result') not in ('OK', 'SKIP')
            if results == 0 or (bad and notok == 0):
                # Crashed, timed out, leaked or printed no TAP: one failure.
                failed += 1
                failures.append('%s: %s' % (name, test.get('result')))
    for f in failures:
        print('FAILED ' + f)
    tail = ', %d skipped' % skipped if skipped else ''
    print('%d passed, %d failed%s' % (passed, failed, tail))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
