#!/usr/bin/env python3
"""Reconcile a tocsin report with the case it was made from.

Every figure of `tocsin report --format json` is recomputed here without
tocsin's code: with SQL on the case database (opened read-only), from the
case's case.ini, and from the synthetic export and its truth (tocsin
synth), and compared. The md and html outputs given with --text are
searched for personal data of the export and for the case key.

usage: reconcile.py --case DIR --synth DIR [--text FILE]... REPORT.json
       reconcile.py --groups

Prints one line per check group, "ok - WHAT" or "not ok - WHAT" followed
by "# " lines that say what differs (expected, then got); the caller
numbers them as TAP tests. --groups prints the number of groups. Exit
status: 0 when every group passes, 1 when one fails, 2 for bad usage.

Python 3 standard library only.
"""

import argparse
import configparser
import csv
import datetime
import json
import os
import re
import sqlite3
import sys
import traceback
import urllib.parse

# The data categories, in the order of their bits in records.present
# (docs/report.md).
CATEGORIES = ('name', 'customer_number', 'address', 'phone', 'email',
              'iban', 'birth_date', 'id_document', 'national_id',
              'vat_number', 'notes', 'subscription', 'contract', 'extra')

# src/assess/assess.h: channels (exposures.channel), flags and why bits.
CH_UNREACHABLE, CH_EMAIL, CH_LETTER, CH_SMS = 0, 1, 2, 3
F_MINOR = 0x1
F_SENSITIVE = 0x2
F_BSN_FIELD = 0x4
F_BSN_VAT = 0x8
F_BSN_NOTES = 0x10
F_BSN = F_BSN_FIELD | F_BSN_VAT | F_BSN_NOTES
F_VALID_ID = 0x20
F_EX_CUSTOMER = 0x40
F_PERSONAL = 0x100
F_GUARDIAN = 0x200
WHY_NAMES = ('no_email', 'email_invalid', 'email_typo', 'no_address',
             'address_incomplete', 'no_mobile', 'landline_only')
RISK_LEVELS = {'low': 1, 'medium': 2, 'high': 3}

# A join below this probability is uncertain (docs/report.md).
UNCERTAIN = 0.99

# Dates that systems write for "unknown" (src/ingest/date.h): the assess
# stage does not trust them.
PLACEHOLDERS = {datetime.date(*d) for d in (
    (1, 1, 1), (1753, 1, 1), (1899, 12, 30), (1899, 12, 31),
    (1900, 1, 1), (1904, 1, 1), (1970, 1, 1), (9999, 12, 31))}

DATE_FORMS = (
    (re.compile(r'(\d{4})([-/.])(\d{1,2})\2(\d{1,2})'), (0, 2, 3)),
    (re.compile(r'(\d{1,2})([-/.])(\d{1,2})\2(\d{4})'), (3, 2, 0)),
    (re.compile(r'(\d{4})(\d{2})(\d{2})'), (0, 1, 2)),
)

# At most this many differences are shown per group.
MAX_DIFFS = 12


class Fail(Exception):
    """A group cannot go on (its input is missing or broken)."""


class Group:
    """The differences found by one check group."""

    def __init__(self, small):
        self.small = small
        self.diffs = []
        self.notes = []

    def fail(self, text):
        self.diffs.append(text)

    def note(self, text):
        self.notes.append(text)

    def eq(self, what, expected, got):
        """Exact equality; 1 and True or 1 and 1.0 are not the same."""
        if type(expected) is not type(got) or expected != got:
            self.fail(f'{what}: expected {expected!r}, got {got!r}')

    def count(self, what, n, got):
        """A report count against the recomputed number n."""
        self.eq(what, shown(n, self.small), got)

    def near(self, what, expected, got, tol):
        """A report count within tol of the recomputed number expected;
        "< N" stands for any value from 1 to N - 1."""
        if isinstance(got, str):
            lo, hi = 1, self.small - 1
            if got != f'< {self.small}':
                self.fail(f'{what}: not a count: {got!r}')
                return
        elif isinstance(got, int) and not isinstance(got, bool):
            lo = hi = got
        else:
            self.fail(f'{what}: not a count: {got!r}')
            return
        if expected + tol < lo or expected - tol > hi:
            self.fail(f'{what}: expected {expected} (within {tol:g}), '
                      f'got {got!r}')

    def true(self, what, cond):
        if not cond:
            self.fail(what)


def shown(n, small):
    """How the report shows the count n: "< N" for 1..N-1."""
    return f'< {small}' if 0 < n < small else n


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def parse_date(text):
    """A date as the ingest stage reads it (src/ingest/date.h): Y-M-D,
    D-M-Y (separators - / .) or YYYYMMDD; None for other forms, for no
    calendar day and for a placeholder."""
    text = text.strip(' \t\r\n')
    for rx, (y, m, d) in DATE_FORMS:
        mt = rx.fullmatch(text)
        if mt is None:
            continue
        g = mt.groups()
        try:
            day = datetime.date(int(g[y]), int(g[m]), int(g[d]))
        except ValueError:
            return None
        return None if day in PLACEHOLDERS else day
    return None


def minus_months(day, months):
    """day minus months, the day of the month clamped to its length."""
    total = day.year * 12 + day.month - 1 - months
    y, m = divmod(total, 12)
    for d in range(day.day, 27, -1):
        try:
            return datetime.date(y, m + 1, d)
        except ValueError:
            pass
    return datetime.date(y, m + 1, day.day)


def read_case_ini(path):
    """The settings of case.ini the report uses."""
    cp = configparser.ConfigParser(
        delimiters=('=',), comment_prefixes=(';', '#'),
        inline_comment_prefixes=(';',), interpolation=None, strict=True)
    with open(path, encoding='utf-8') as f:
        cp.read_file(f)

    def get(section, key, default=None):
        v = cp.get(section, key, fallback='').strip()
        return v if v != '' else default

    def items(section, key):
        return [s.strip() for s in get(section, key, '').split(',')
                if s.strip()]

    ini = {
        'occurred': get('incident', 'occurred'),
        'detected': get('incident', 'detected'),
        'contained': get('incident', 'contained'),
        'authority_notified': get('incident', 'authority_notified'),
        'language': get('incident', 'language', 'nl'),
        'minor_age': int(get('incident', 'minor_age', '16')),
        'retention': int(get('retention', 'ex_customer_months', '24')),
        'small_count': int(get('report', 'small_count', '10')),
        'taken': items('data', 'taken'),
        'not_taken': items('data', 'not_taken'),
        'brands': [],
        'rules': [],
        'topics': [],
    }
    for sec in cp.sections():
        if sec.startswith('brand '):
            bid = sec[len('brand '):].strip()
            ini['brands'].append((bid, get(sec, 'display_name', bid)))
        elif sec.startswith('sensitive '):
            for topic in cp.options(sec):
                if topic not in ini['topics']:
                    ini['topics'].append(topic)
    if cp.has_section('risk'):
        for name in cp.options('risk'):
            level, _, when = get('risk', name, '').partition(':')
            ini['rules'].append((name, level.strip(),
                                 ' '.join(when.split())))
    return ini


def read_export(path):
    """The data rows of a CSV export: (first line, {column: value}).
    Bytes that are not UTF-8 are kept as surrogates."""
    rows = []
    with open(path, encoding='utf-8', errors='surrogateescape',
              newline='') as f:
        rd = csv.reader(f)
        header = next(rd)
        start = rd.line_num + 1
        for fields in rd:
            rows.append((start, dict(zip(header, fields))))
            start = rd.line_num + 1
    return header, rows


def read_truth(path):
    with open(path, encoding='utf-8', newline='') as f:
        rd = csv.reader(f)
        next(rd)
        return [(r[0], r[1]) for r in rd]


class Case:
    """Everything the checks read, loaded once."""

    def __init__(self, args):
        self.report_path = args.report
        with open(args.report, encoding='utf-8') as f:
            self.r = json.load(f)
        self.ini = read_case_ini(os.path.join(args.case, 'case.ini'))
        self.small = self.ini['small_count']
        self.brand_ids = [b for b, _ in self.ini['brands']]
        path = os.path.abspath(os.path.join(args.case, 'case.db'))
        self.db = sqlite3.connect(
            'file:' + urllib.parse.quote(path) + '?mode=ro', uri=True)
        self.db.execute('BEGIN')  # one state of the case for every query
        with open(os.path.join(args.case, 'case.key'), 'rb') as f:
            self.key = f.read()
        self.synth = args.synth
        self.texts = args.text
        self._export = None

        # Records of finished sources with their person; the brand as
        # assess groups it: a brand of case.ini, else ''.
        marks = ','.join('?' * len(self.brand_ids)) or "''"
        self.rp_sql = (
            'WITH fin AS (SELECT id FROM sources'
            ' WHERE finished_at IS NOT NULL),'
            ' rp AS (SELECT r.id AS id, r.line AS line,'
            ' r.source_id AS source_id, r.present AS present,'
            f' CASE WHEN r.brand IN ({marks}) THEN r.brand ELSE \'\' END'
            ' AS brand, p.person_id AS person'
            ' FROM records r JOIN person_records p ON p.record_id = r.id'
            ' WHERE r.source_id IN (SELECT id FROM fin)) ')
        self.rows = self.sql(
            'SELECT id, line, source_id, present, brand, person FROM rp'
            ' ORDER BY id')
        self.ex = self.db.execute(
            'SELECT person_id, brand, records, categories, risk, reasons,'
            ' flags, topics, channel, why, past_retention, contact_record'
            ' FROM exposures ORDER BY person_id, brand').fetchall()
        self.ep = self.db.execute(
            'SELECT person_id, brands, records, categories, risk, reasons,'
            ' flags, topics, past_retention FROM exposed_persons'
            ' ORDER BY person_id').fetchall()
        meta = self.db.execute(
            "SELECT value FROM meta WHERE key = 'assess'").fetchone()
        if meta is None:
            raise Fail('the case is not assessed (no meta assess)')
        self.meta = json.loads(meta[0])

    def sql(self, query, params=()):
        """Run query after the rp (records x persons) table expression."""
        return self.db.execute(self.rp_sql + query,
                               tuple(self.brand_ids) + tuple(params)
                               ).fetchall()

    def one(self, query, params=()):
        return self.sql(query, params)[0][0]

    def brand_of(self, text):
        """The case brand of an export's brand value (id or display
        name, without case), else ''."""
        t = text.strip().lower()
        for bid, name in self.ini['brands']:
            if t in (bid.lower(), name.lower()):
                return bid
        return ''

    def export(self):
        """The export and its truth, and which rows became which
        records (by their line)."""
        if self._export is not None:
            return self._export
        header, rows = read_export(os.path.join(self.synth, 'export.csv'))
        truth = dict(read_truth(os.path.join(self.synth, 'truth.csv')))
        ids = {row.get('record_id') for _, row in rows}
        lost = [rid for rid in truth if rid not in ids]
        if lost:
            raise Fail(f'{len(lost)} record ids of truth.csv, such as '
                       f'{lost[0]}, begin no row of export.csv')
        # The person of each row; a malformed row may make two rows of
        # the CSV (an unquoted line break), the second of no record.
        truth = [(row.get('record_id'), truth.get(row.get('record_id'),
                                                  'BAD'))
                 for _, row in rows]
        srcs = self.db.execute('SELECT id FROM sources WHERE finished_at'
                               ' IS NOT NULL').fetchall()
        by_line = {}
        if len(srcs) == 1:
            by_line = {line: rid for rid, line, *_ in self.rows}
        rejected = {line for (line,) in self.db.execute(
            'SELECT line FROM rejects WHERE source_id IN (SELECT id FROM'
            ' sources WHERE finished_at IS NOT NULL)')}
        self._export = {
            'header': header, 'rows': rows, 'truth': truth,
            'sources': len(srcs), 'by_line': by_line, 'rejected': rejected,
        }
        return self._export


# ---- the check groups ------------------------------------------------------

def check_input(c, g):
    """input: sources, rows read, accepted, rejected (SQL on sources,
    records, rejects)"""
    r = c.r
    n, rows_read, acc, rej = c.db.execute(
        'SELECT count(*), coalesce(sum(rows_read), 0),'
        ' coalesce(sum(accepted), 0), coalesce(sum(rejected), 0)'
        ' FROM sources WHERE finished_at IS NOT NULL').fetchone()
    records = c.db.execute(
        'SELECT count(*) FROM records WHERE source_id IN (SELECT id FROM'
        ' sources WHERE finished_at IS NOT NULL)').fetchone()[0]
    rejects = c.db.execute(
        'SELECT count(*) FROM rejects WHERE source_id IN (SELECT id FROM'
        ' sources WHERE finished_at IS NOT NULL)').fetchone()[0]
    g.eq('input.sources', n, r['input']['sources'])
    g.count('input.rows_read', rows_read, r['input']['rows_read'])
    g.count('input.accepted', acc, r['input']['accepted'])
    g.count('input.rejected', rej, r['input']['rejected'])
    g.eq('rows_read = accepted + rejected (sources)', rows_read, acc + rej)
    g.eq('accepted = records of finished sources', acc, records)
    g.eq('rejected = rows in rejects', rej, rejects)
    g.count('records', records, r['records'])
    g.eq('every record has a person (person_records)', records,
         len(c.rows))


def check_persons(c, g):
    """persons and notices (SQL on person_records x records)"""
    r = c.r
    persons = c.one('SELECT count(DISTINCT person) FROM rp')
    notices = c.one('SELECT count(*) FROM (SELECT DISTINCT person, brand'
                    ' FROM rp)')
    several = c.one('SELECT count(*) FROM (SELECT person FROM rp'
                    ' GROUP BY person HAVING count(*) > 1)')
    brands = c.one('SELECT count(*) FROM (SELECT person FROM rp'
                   ' GROUP BY person HAVING count(DISTINCT brand) > 1)')
    g.count('data_subjects', persons, r['data_subjects'])
    g.count('notices', notices, r['notices'])
    res = r['resolution']
    g.count('resolution.persons_with_several_records', several,
            res['persons_with_several_records'])
    g.count('resolution.persons_in_several_brands', brands,
            res['persons_in_several_brands'])
    bad = c.one('SELECT count(*) FROM (SELECT person FROM rp GROUP BY'
                ' person HAVING min(id) <> person)')
    g.eq('persons whose number is not their smallest record id', 0, bad)
    stray = c.db.execute(
        'SELECT count(*) FROM person_records WHERE record_id NOT IN'
        ' (SELECT id FROM records WHERE source_id IN (SELECT id FROM'
        ' sources WHERE finished_at IS NOT NULL))').fetchone()[0]
    g.eq('person_records of no record of a finished source', 0, stray)


def check_resolution(c, g):
    """resolution: uncertain joins, refused links, range of data subjects
    (SQL on links)"""
    r = c.r
    res = r['resolution']
    persons = c.one('SELECT count(DISTINCT person) FROM rp')
    uncertain = c.db.execute(
        'SELECT count(*) FROM links WHERE status = 1 AND probability < ?',
        (UNCERTAIN,)).fetchone()[0]
    refused = c.db.execute(
        'SELECT count(*) FROM links WHERE status = 0').fetchone()[0]
    g.eq('resolution.uncertain_joins', uncertain, res['uncertain_joins'])
    g.eq('resolution.refused_links', refused, res['refused_links'])
    low = persons - refused if persons > refused else min(persons, 1)
    high = persons + uncertain
    g.count('data_subjects_range.low', low, r['data_subjects_range']['low'])
    g.count('data_subjects_range.high', high,
            r['data_subjects_range']['high'])
    form = r['meldformulier']['aantal_betrokkenen']
    g.count('meldformulier.aantal_betrokkenen.minimaal', low,
            form['minimaal'])
    g.count('meldformulier.aantal_betrokkenen.maximaal', high,
            form['maximaal'])
    lowest = c.db.execute(
        'SELECT min(confidence) FROM person_records').fetchone()[0]
    got = res['lowest_confidence']
    if lowest is None:
        g.eq('resolution.lowest_confidence', None, got)
    elif not isinstance(got, float) or round(lowest, 4) != got:
        g.fail(f'resolution.lowest_confidence: expected {lowest:.4f}, '
               f'got {got!r}')
    thr = c.db.execute("SELECT value FROM meta WHERE key ="
                       " 'resolve_threshold'").fetchone()
    if thr is not None and float(thr[0]) != res['threshold']:
        g.fail(f'resolution.threshold: expected {thr[0]}, got '
               f'{res["threshold"]!r}')


def check_categories(c, g):
    """categories: persons and records per category (SQL on the bits of
    records.present)"""
    cats = c.r['categories']
    g.eq('category names in order', list(CATEGORIES),
         [x.get('name') for x in cats])
    for i, (name, got) in enumerate(zip(CATEGORIES, cats)):
        persons = c.one('SELECT count(DISTINCT person) FROM rp'
                        ' WHERE (present >> ?) & 1', (i,))
        records = c.one('SELECT count(*) FROM rp WHERE (present >> ?) & 1',
                        (i,))
        g.count(f'categories[{name}].data_subjects', persons,
                got['data_subjects'])
        g.count(f'categories[{name}].records', records, got['records'])
        g.eq(f'categories[{name}].taken', name in c.ini['taken'],
             got['taken'])


def check_brands(c, g):
    """brands: persons, records and categories per brand (SQL)"""
    got = {b.get('id'): b for b in c.r['brands']}
    ids = list(c.brand_ids)
    if c.one("SELECT count(*) FROM rp WHERE brand = ''") > 0:
        ids.append('')
    g.eq('brands[] ids in order (case.ini, then "" when used)', ids,
         [b.get('id') for b in c.r['brands']])
    names = dict(c.ini['brands'])
    for bid in ids:
        b = got.get(bid)
        if b is None:
            continue
        g.eq(f'brands[{bid}].name', names.get(bid, ''), b['name'])
        persons = c.one('SELECT count(DISTINCT person) FROM rp'
                        ' WHERE brand = ?', (bid,))
        records = c.one('SELECT count(*) FROM rp WHERE brand = ?', (bid,))
        g.count(f'brands[{bid}].data_subjects', persons, b['data_subjects'])
        g.count(f'brands[{bid}].records', records, b['records'])
        g.eq(f'brands[{bid}].categories keys', list(CATEGORIES),
             list(b['categories']))
        for i, name in enumerate(CATEGORIES):
            n = c.one('SELECT count(DISTINCT person) FROM rp WHERE'
                      ' brand = ? AND (present >> ?) & 1', (bid, i))
            g.count(f'brands[{bid}].categories.{name}', n,
                    b['categories'].get(name))


def check_assess_tables(c, g):
    """exposures and exposed_persons agree with the records and persons
    (GROUP BY person x brand, OR of records.present)"""
    fold = {}
    per = {}
    for rid, _, _, present, brand, person in c.rows:
        n, bits, recs = fold.get((person, brand), (0, 0, set()))
        recs.add(rid)
        fold[(person, brand)] = (n + 1, bits | present, recs)
        n, bits, brands = per.get(person, (0, 0, set()))
        brands.add(brand)
        per[person] = (n + 1, bits | present, brands)
    want = {k: (v[0], v[1]) for k, v in fold.items()}
    have = {(e[0], e[1]): (e[2], e[3]) for e in c.ex}
    diff_dicts(g, 'exposures (records, categories)', want, have)
    want = {p: (v[0], v[1], len(v[2])) for p, v in per.items()}
    have = {e[0]: (e[2], e[3], e[1]) for e in c.ep}
    diff_dicts(g, 'exposed_persons (records, categories, brands)', want,
               have)
    for e in c.ex:
        person, brand, channel, contact = e[0], e[1], e[8], e[11]
        recs = fold.get((person, brand), (0, 0, set()))[2]
        if (channel == CH_UNREACHABLE) != (contact is None):
            g.fail(f'exposure ({person}, {brand!r}): channel {channel} '
                   f'with contact record {contact}')
        elif contact is not None and contact not in recs:
            g.fail(f'exposure ({person}, {brand!r}): contact record '
                   f'{contact} is not one of its records')
        if len(g.diffs) > MAX_DIFFS:
            break


def diff_dicts(g, what, want, have):
    if want == have:
        return
    g.fail(f'{what}: {len(want)} rows expected, {len(have)} in the table')
    shown_n = 0
    for k in sorted(set(want) | set(have), key=repr):
        if want.get(k) != have.get(k) and shown_n < MAX_DIFFS:
            g.fail(f'  {k}: expected {want.get(k)}, got {have.get(k)}')
            shown_n += 1


def bitcount(rows, col, bit):
    return sum(1 for x in rows if x[col] >> bit & 1)


def flagcount(rows, col, mask):
    return sum(1 for x in rows if x[col] & mask)


def levels(rows, col):
    return {lv: sum(1 for x in rows if x[col] == n)
            for lv, n in RISK_LEVELS.items()}


def channels(rows):
    names = {'email': CH_EMAIL, 'letter': CH_LETTER, 'sms': CH_SMS,
             'unreachable': CH_UNREACHABLE}
    return {k: sum(1 for x in rows if x[8] == ch) for k, ch in names.items()}


def check_figures(c, g):
    """risk, special groups and reachability from the assess tables"""
    r, ep, ex = c.r, c.ep, c.ex
    # persons: (person_id, brands, records, categories, risk, reasons,
    # flags, topics, past_retention)
    for lv, n in levels(ep, 4).items():
        g.count(f'risk.{lv}', n, r['risk'][lv])
    rules = r['risk']['rules']
    g.eq('number of risk.rules', len(c.ini['rules']), len(rules))
    for i, rule in enumerate(rules):
        g.count(f'risk.rules[{rule.get("name")}].data_subjects',
                bitcount(ep, 5, i), rule['data_subjects'])
    s = r['special']
    g.count('special.minors', flagcount(ep, 6, F_MINOR), s['minors'])
    g.count('special.sensitive_notes', flagcount(ep, 6, F_SENSITIVE),
            s['sensitive_notes'])
    topics = c.meta.get('topics', [])
    g.eq('special.sensitive_topics topics (meta assess)', topics,
         [t.get('topic') for t in s['sensitive_topics']])
    for i, t in enumerate(s['sensitive_topics']):
        g.count(f'special.sensitive_topics[{t.get("topic")}]',
                bitcount(ep, 7, i), t['data_subjects'])
    g.count('special.national_id', flagcount(ep, 6, F_BSN),
            s['national_id'])
    for key, bit in (('national_id', F_BSN_FIELD), ('vat_number', F_BSN_VAT),
                     ('notes', F_BSN_NOTES)):
        g.count(f'special.national_id_in.{key}', flagcount(ep, 6, bit),
                s['national_id_in'][key])
    g.count('special.valid_id_documents', flagcount(ep, 6, F_VALID_ID),
            s['valid_id_documents'])
    g.count('special.ex_customers', flagcount(ep, 6, F_EX_CUSTOMER),
            s['ex_customers'])
    g.count('special.past_retention.records', sum(x[8] for x in ep),
            s['past_retention']['records'])
    g.count('special.past_retention.data_subjects',
            sum(1 for x in ep if x[8] > 0),
            s['past_retention']['data_subjects'])
    # notices: (person_id, brand, records, categories, risk, reasons,
    # flags, topics, channel, why, past_retention, contact_record)
    reach = r['reachability']
    chan = channels(ex)
    for k, n in chan.items():
        g.count(f'reachability.{k}', n, reach[k])
    g.count('reachability.personal_contact', flagcount(ex, 6, F_PERSONAL),
            reach['personal_contact'])
    g.count('reachability.guardian', flagcount(ex, 6, F_GUARDIAN),
            reach['guardian'])
    unreach = [x for x in ex if x[8] == CH_UNREACHABLE]
    why = [{'why': name, 'notices': shown(bitcount(unreach, 9, i), c.small)}
           for i, name in enumerate(WHY_NAMES) if bitcount(unreach, 9, i)]
    g.eq('reachability.unreachable_why', why, reach['unreachable_why'])
    for b in r['brands']:
        bid = b.get('id')
        rows = [x for x in ex if x[1] == bid]
        for lv, n in levels(rows, 4).items():
            g.count(f'brands[{bid}].risk.{lv}', n, b['risk'][lv])
        for k, n in channels(rows).items():
            g.count(f'brands[{bid}].reachability.{k}', n,
                    b['reachability'][k])
        g.count(f'brands[{bid}].minors', flagcount(rows, 6, F_MINOR),
                b['minors'])
        g.count(f'brands[{bid}].sensitive_notes',
                flagcount(rows, 6, F_SENSITIVE), b['sensitive_notes'])
        g.count(f'brands[{bid}].national_id', flagcount(rows, 6, F_BSN),
                b['national_id'])
        g.count(f'brands[{bid}].past_retention_records',
                sum(x[10] for x in rows), b['past_retention_records'])
    form = r['meldformulier']
    inform = form['betrokkenen_informeren']
    for k, name in (('email', 'email'), ('brief', 'letter'), ('sms', 'sms'),
                    ('onbereikbaar', 'unreachable')):
        g.count(f'meldformulier.betrokkenen_informeren.{k}', chan[name],
                inform[k])
    g.eq('meldformulier.bsn', flagcount(ep, 6, F_BSN) > 0, form['bsn'])
    kinds = [name for i, name in enumerate(CATEGORIES) if bitcount(ep, 3, i)]
    g.eq('meldformulier.soort_gegevens', kinds, form['soort_gegevens'])
    ex_cust = flagcount(ep, 6, F_EX_CUSTOMER)
    groups = [name for name, cond in (
        ('klanten', len(ep) > ex_cust), ('oud-klanten', ex_cust > 0),
        ('minderjarigen', flagcount(ep, 6, F_MINOR) > 0),
        ('kwetsbare personen', flagcount(ep, 6, F_SENSITIVE) > 0)) if cond]
    g.eq('meldformulier.groepen_betrokkenen', groups,
         form['groepen_betrokkenen'])
    special = [word for topic, word in (('health', 'gezondheid'),
                                        ('police', 'strafrechtelijk'))
               if topic in topics and bitcount(ep, 7, topics.index(topic))]
    g.eq('meldformulier.bijzondere_gegevens', special,
         form['bijzondere_gegevens'])


def check_sums(c, g):
    """sums: risk, reachability and brands add up"""
    r = c.r

    def span(v):
        """The values a report count stands for."""
        if is_int(v):
            return v, v
        if v == f'< {c.small}':
            return 1, c.small - 1
        raise Fail(f'not a count: {v!r}')

    def total(what, parts, whole):
        """Exact when every count is an integer; a "< N" stands for
        1..N-1, and then the parts must be able to make the whole."""
        lo = sum(span(v)[0] for v in parts)
        hi = sum(span(v)[1] for v in parts)
        wlo, whi = span(whole)
        if hi < wlo or lo > whi:
            g.fail(f'{what}: the parts make {lo}..{hi}, the whole is '
                   f'{whole!r}')

    risk = r['risk']
    total('risk high + medium + low = data_subjects',
          [risk['high'], risk['medium'], risk['low']], r['data_subjects'])
    reach = r['reachability']
    total('reachability email + letter + sms + unreachable = notices',
          [reach[k] for k in ('email', 'letter', 'sms', 'unreachable')],
          r['notices'])
    inp = r['input']
    total('input accepted + rejected = rows_read',
          [inp['accepted'], inp['rejected']], inp['rows_read'])
    total('brands data_subjects sum to notices',
          [b['data_subjects'] for b in r['brands']], r['notices'])
    total('brands records sum to records',
          [b['records'] for b in r['brands']], r['records'])
    for b in r['brands']:
        bid = b.get('id')
        total(f'brands[{bid}] reachability sums to its data_subjects',
              list(b['reachability'].values()), b['data_subjects'])
        total(f'brands[{bid}] risk sums to its data_subjects',
              list(b['risk'].values()), b['data_subjects'])
    # Exact, whatever the report shows: the tables themselves.
    ep, ex = c.ep, c.ex
    g.eq('exposed_persons by risk level sum to persons', len(ep),
         sum(levels(ep, 4).values()))
    g.eq('exposures by channel sum to notices', len(ex),
         sum(channels(ex).values()))


def check_config(c, g):
    """case.ini: dates, thresholds, lists and rules as configured"""
    r, ini = c.r, c.ini
    g.eq('small_count', ini['small_count'], r['small_count'])
    g.eq('language', ini['language'], r['language'])
    t = r['incident']['timeline']
    for k in ('occurred', 'detected', 'contained', 'authority_notified'):
        g.eq(f'incident.timeline.{k}', ini[k], t[k])
    if ini['authority_notified'] is None:
        g.eq('incident.timeline.hours_to_notify', None, t['hours_to_notify'])
    g.eq('special.minor_age', ini['minor_age'], r['special']['minor_age'])
    g.eq('special.past_retention.months', ini['retention'],
         r['special']['past_retention']['months'])
    g.eq('not_taken', ini['not_taken'], r['not_taken'])
    g.eq('risk.rules (name, level, when)', ini['rules'],
         [(x.get('name'), x.get('level'), ' '.join(x.get('when').split()))
          for x in r['risk']['rules']])
    g.eq('topics of [sensitive LANG] (meta assess)', sorted(ini['topics']),
         sorted(c.meta.get('topics', [])))
    case_id = c.db.execute(
        "SELECT value FROM meta WHERE key = 'case_id'").fetchone()
    g.eq('case.id', case_id[0] if case_id else None, r['case']['id'])


def check_truth_rows(c, g):
    """synthetic truth: persons, rows, and the records of each brand"""
    x = c.export()
    rows, truth = x['rows'], x['truth']
    r = c.r
    true_persons = {p for _, p in truth if p != 'BAD'}
    g.near('data_subjects vs the true persons', len(true_persons),
           r['data_subjects'], 0.01 * len(true_persons))
    g.count('input.rows_read vs the export\'s data rows', len(rows),
            r['input']['rows_read'])
    if x['sources'] != 1:
        raise Fail(f'the case has {x["sources"]} sources, not the export '
                   'alone')
    # Which rows became records: records.line and rejects.line are the
    # first line of their row.
    starts = {line for line, _ in rows}
    recs, rej = set(x['by_line']), x['rejected']
    mapped = recs <= starts and rej <= starts and not recs & rej and \
        len(recs) + len(rej) == len(rows)
    g.true(f'every export row is one record or one reject, by line '
           f'({len(recs)} records, {len(rej)} rejects, {len(rows)} rows, '
           f'{len(recs - starts)} records and {len(rej - starts)} rejects '
           f'on no row start)', mapped)
    bad = {line for (line, _), (_, p) in zip(rows, truth) if p == 'BAD'}
    if bad != rej:
        g.note(f'rows marked BAD: {len(bad)}, rejected rows: {len(rej)}, '
               f'{len(bad - rej)} BAD rows accepted')
    # Records per brand of the export (brand column, without case): the
    # accepted rows when the lines map, else every row not marked BAD
    # (then off by at most the number of rejects).
    if mapped:
        kept = [(row, p) for (line, row), (_, p) in zip(rows, truth)
                if line in recs]
        tol = 0
    else:
        kept = [(row, p) for (_, row), (_, p) in zip(rows, truth)
                if p != 'BAD']
        tol = len(rej)
    for b in r['brands']:
        bid = b.get('id')
        mine = [(row, p) for row, p in kept
                if c.brand_of(row.get('brand') or '') == bid]
        g.near(f'brands[{bid}].records vs the export', len(mine),
               b['records'], tol)
        people = {p for _, p in mine}
        g.near(f'brands[{bid}].data_subjects vs the true persons',
               len(people), b['data_subjects'], 0.01 * len(people) + 1)


def minor_cut(c):
    occurred = datetime.date.fromisoformat(c.ini['occurred'])
    age = c.ini['minor_age']
    try:
        born_after = occurred.replace(year=occurred.year - age)
    except ValueError:  # 29 February
        born_after = occurred.replace(year=occurred.year - age, day=28)
    return occurred, born_after


def is_minor(c, row):
    occurred, born_after = minor_cut(c)
    born = parse_date(row.get('birth_date') or '')
    return born is not None and born_after < born <= occurred


def check_truth_minors(c, g):
    """export: minors, of the true persons and of the resolved ones"""
    x = c.export()
    # The true persons with a record of a minor (younger than minor_age on
    # the occurred date). Not exact: the report counts resolved persons,
    # and a split or merged person counts differently; hence 2% + 2.
    minors = {p for (_, row), (_, p) in zip(x['rows'], x['truth'])
              if p != 'BAD' and is_minor(c, row)}
    n = len(minors)
    g.near('special.minors vs the true persons', n,
           c.r['special']['minors'], 0.02 * n + 2)
    # Exact: the resolved persons with an accepted record of a minor, the
    # record found by its line (every date form of the export parsed).
    if not x['by_line']:
        raise Fail('no records to map to export rows')
    line_row = {line: row for line, row in x['rows']}
    persons = set()
    brands = {}
    for rid, line, _, _, brand, person in c.rows:
        row = line_row.get(line)
        if row is not None and is_minor(c, row):
            persons.add(person)
            brands.setdefault(brand, set()).add(person)
    g.count('special.minors vs the resolved persons', len(persons),
            c.r['special']['minors'])
    for b in c.r['brands']:
        bid = b.get('id')
        g.count(f'brands[{bid}].minors vs the resolved persons',
                len(brands.get(bid, ())), b['minors'])


def check_truth_contracts(c, g):
    """export: contract ends and ID documents (past retention,
    ex-customers, valid ID documents)"""
    x = c.export()
    occurred = datetime.date.fromisoformat(c.ini['occurred'])
    cut = minus_months(occurred, c.ini['retention'])
    line_row = {line: row for line, row in x['rows']}
    if not x['by_line']:
        raise Fail('no records to map to export rows')
    iso = re.compile(r'\d{4}-\d{2}-\d{2}')
    odd = 0
    past, past_persons, current = 0, set(), set()
    valid_id = set()
    brand_past = {}
    persons = set()
    for rid, line, _, _, brand, person in c.rows:
        row = line_row.get(line)
        if row is None:
            raise Fail(f'record {rid}: line {line} is no export row')
        persons.add(person)
        text = (row.get('contract_end') or '').strip()
        if text and not iso.fullmatch(text):
            odd += 1
        end = parse_date(text)
        if end is None or end >= occurred:
            current.add(person)
        elif end < cut:
            past += 1
            past_persons.add(person)
            brand_past[brand] = brand_past.get(brand, 0) + 1
        if (row.get('id_doc_number') or '').strip():
            expiry = parse_date(row.get('id_doc_expiry') or '')
            if expiry is None or expiry >= occurred:
                valid_id.add(person)
    s = c.r['special']
    # Records whose contract ended more than [retention] months before
    # the occurred date; exact when every contract_end is YYYY-MM-DD.
    if odd == 0:
        g.count(f'special.past_retention.records (contract end before '
                f'{cut})', past, s['past_retention']['records'])
    else:
        g.near('special.past_retention.records', past,
               s['past_retention']['records'], odd)
    g.count('special.past_retention.data_subjects', len(past_persons),
            s['past_retention']['data_subjects'])
    for b in c.r['brands']:
        bid = b.get('id')
        g.count(f'brands[{bid}].past_retention_records',
                brand_past.get(bid, 0), b['past_retention_records'])
    g.count('special.ex_customers (every contract ended before occurred)',
            len(persons - current), s['ex_customers'])
    g.count('special.valid_id_documents', len(valid_id),
            s['valid_id_documents'])


def check_pii(c, g):
    """no personal data or key in the outputs"""
    x = c.export()
    emails, ibans, phones, numbers = set(), set(), set(), set()
    for _, row in x['rows']:
        e = (row.get('email') or '').strip().lower()
        if '@' in e and len(e) >= 6:
            emails.add(e)
        i = re.sub(r'\s+', '', row.get('iban') or '').upper()
        if len(i) >= 15:
            ibans.add(i)
        p = (row.get('phone') or '').strip()
        digits = re.sub(r'\D', '', p)
        if len(digits) >= 9:
            phones.add(p)
            phones.add(digits)
        n = (row.get('customer_number') or '').strip()
        if len(n) >= 8:
            numbers.add(n)
    g.true(f'too few values to look for ({len(emails)} e-mail addresses, '
           f'{len(ibans)} IBANs, {len(phones)} phone numbers)',
           min(len(emails), len(ibans), len(phones)) >= 100)
    key = c.key.decode('ascii', 'replace').split()
    secrets = [w.lower() for w in key if re.fullmatch(r'[0-9a-fA-F]{32,}', w)]
    g.true('case.key holds no hex key', len(secrets) > 0)
    windows = {s[i:i + 16] for s in secrets for i in range(len(s) - 15)}
    for path in [c.report_path] + c.texts:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        low = text.lower()
        compact = re.sub(r'\s+', '', text).upper()
        name = os.path.basename(path)
        found = [e for e in emails if e in low]
        found += [i for i in ibans if i in compact]
        found += [p for p in phones if p in text]
        found += [n for n in numbers if n in text]
        if found:
            g.fail(f'{name}: {len(found)} values of the export, such as '
                   f'{sorted(found)[0][:3]}...')
        if any(w in low for w in windows):
            g.fail(f'{name}: holds (part of) the case key')


GROUPS = (check_input, check_persons, check_resolution, check_categories,
          check_brands, check_assess_tables, check_figures, check_sums,
          check_config, check_truth_rows, check_truth_minors,
          check_truth_contracts, check_pii)


def title(fn):
    return ' '.join(fn.__doc__.split())


def main(argv):
    ap = argparse.ArgumentParser(
        description='Recompute the figures of a tocsin report and compare.')
    ap.add_argument('--groups', action='store_true',
                    help='print the number of check groups and exit')
    ap.add_argument('--case', help='the case directory')
    ap.add_argument('--synth', help='the tocsin synth output directory')
    ap.add_argument('--text', action='append', default=[],
                    help='another output to search for personal data')
    ap.add_argument('report', nargs='?', help='the report JSON')
    args = ap.parse_args(argv)
    if args.groups:
        print(len(GROUPS))
        return 0
    if not (args.case and args.synth and args.report):
        ap.error('--case, --synth and REPORT.json are needed')
    failed = 0
    try:
        c = Case(args)
    except Exception as e:  # every group fails, each says why
        for fn in GROUPS:
            print(f'not ok - {title(fn)}')
            print(f'# cannot load the case: {e!r}')
        return 1
    for fn in GROUPS:
        g = Group(c.small)
        try:
            fn(c, g)
        except Fail as e:
            g.fail(str(e))
        except Exception:  # a broken report or table: say where
            g.fail(traceback.format_exc().strip().splitlines()[-1])
            g.notes += traceback.format_exc().strip().splitlines()[-4:-1]
        if g.diffs:
            failed = 1
            print(f'not ok - {title(fn)}')
            for d in g.diffs[:MAX_DIFFS]:
                print(f'# {d}')
            if len(g.diffs) > MAX_DIFFS:
                print(f'# ... and {len(g.diffs) - MAX_DIFFS} more')
        else:
            print(f'ok - {title(fn)}')
        for note in g.notes:
            print(f'# note: {note}')
    return failed


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
