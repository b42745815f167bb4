#!/usr/bin/env python3
"""Pairwise accuracy of a clustering of records into persons.

usage: bench/score.py [options] TRUTH CLUSTERS
       bench/score.py --febrl [options] CLUSTERS [DATASET.csv ...]

CLUSTERS is the output of 'tocsin export clusters': a CSV file with a header
naming the columns record_id and person_id, one row per record. TRUTH is a
CSV file of the same shape (the truth.csv of 'tocsin synth'); rows whose
person_id is BAD are malformed records that ingest rejects and are skipped.

With --febrl the true entity of a record is read from its own FEBRL rec_id:
"rec-123-org" and "rec-123-dup-2" both belong to entity 123 (also across
dataset4a and dataset4b). The DATASET.csv files, if given, are the FEBRL
files that went into the case: their rec_ids are the records expected in
CLUSTERS, so that records lost on the way are counted.

Precision, recall and F1 are over pairs of records: two records form a
predicted pair when they share a cluster, a true pair when they share an
entity. The counts come from the contingency table of (predicted cluster,
true cluster) sizes n_pt: TP = sum C(n_pt, 2), predicted = sum C(n_p, 2),
true = sum C(n_t, 2), in time and memory linear in the records. Only
records in both TRUTH and CLUSTERS are scored. With no predicted pairs the
precision is 1 (no wrong merge); with no true pairs the recall is 1.

Exit status: 0 ok; 1 records in one file and not the other (unless
--allow-missing), a record twice in CLUSTERS, or a figure below --min-f1 /
--min-precision / --min-recall; 2 bad command line or unreadable or
malformed input (file:line on standard error).

Cost: about 10 to 14 s and 400 MB per million records (CPython 3.11); the
6.2 M records of bench/resolve take 60 to 90 s and 2.4 GB.
Standard library only.
"""

import argparse
import csv
import json
import operator
import re
import sys
from collections import Counter
from itertools import repeat

FEBRL_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")
EXAMPLES = 5  # record ids shown per kind of mismatch


class InputError(Exception):
    pass


def pairs(n):
    return n * (n - 1) // 2


def open_csv(path):
    """The open file, a CSV reader after the header, the header's names."""
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    reader = csv.reader(f, skipinitialspace=True)
    try:
        header = next(reader)
    except StopIteration:
        f.close()
        raise InputError(f"{path}: empty file, expected a header line")
    header = [h.strip() for h in header]
    return f, reader, header


def column(path, header, name):
    try:
        return header.index(name)
    except ValueError:
        raise InputError(
            f"{path}:1: no column '{name}' in the header "
            f"(expected record_id,person_id)"
        ) from None


def febrl_entity(path, line, rid):
    m = FEBRL_ID.match(rid)
    if m is None:
        raise InputError(
            f"{path}:{line}: record id '{rid[:60]}' is not a FEBRL rec_id "
            f"(rec-N-org or rec-N-dup-K)"
        )
    return int(m.group(1))


class Ids:
    """Interns labels (person ids, entities) as small ints 0, 1, 2, ..."""

    def __init__(self):
        self.map = {}

    def get(self, label):
        i = self.map.get(label)
        if i is None:
            i = self.map[label] = len(self.map)
        return i


def rows(path, reader, ri, pi):
    """(record id, label) per row: stripped, blank lines left out."""
    need = max(ri, pi)
    for row in reader:
        if len(row) <= need:
            if not row:
                continue
            raise InputError(f"{path}:{reader.line_num}: too few fields")
        rid = row[ri]
        label = row[pi]
        # skipinitialspace has taken leading blanks; strip only if needed
        if rid[-1:] == " ":
            rid = rid.rstrip()
        if label[-1:] == " ":
            label = label.rstrip()
        yield rid, label


def read_truth(path):
    """record id -> true cluster number; count of BAD rows skipped."""
    truth = {}
    ids = Ids()
    bad = 0
    f, reader, header = open_csv(path)
    with f:
        ri = column(path, header, "record_id")
        pi = column(path, header, "person_id")
        for rid, pid in rows(path, reader, ri, pi):
            if pid == "BAD":
                bad += 1
                continue
            if rid in truth:
                raise InputError(
                    f"{path}:{reader.line_num}: record id '{rid[:60]}' twice"
                )
            truth[rid] = ids.get(pid)
    return truth, bad


def read_febrl_datasets(paths):
    """record id -> FEBRL entity, from the rec_id column of the data sets."""
    truth = {}
    ids = Ids()
    for path in paths:
        f, reader, header = open_csv(path)
        with f:
            ri = column(path, header, "rec_id")
            for rid, _ in rows(path, reader, ri, ri):
                line = reader.line_num
                if rid in truth:
                    raise InputError(
                        f"{path}:{line}: record id '{rid[:60]}' twice"
                    )
                truth[rid] = ids.get(febrl_entity(path, line, rid))
    return truth


def score(truth, clusters_path):
    """Stream CLUSTERS against TRUTH (None: FEBRL ids without a record set).

    A truth value v >= 0 is a true cluster not yet seen in CLUSTERS; once
    seen it becomes -1 - v, so that a second row for it is a duplicate and
    what is left >= 0 at the end is missing, without a second set of ids.
    """
    pred_ids = Ids()
    cells = []  # per record (pred << 32) | true, both interned
    extra = []
    n_extra = 0
    dups = []
    n_dups = 0
    seen = set() if truth is None else None
    entities = Ids()
    f, reader, header = open_csv(clusters_path)
    with f:
        ri = column(clusters_path, header, "record_id")
        pi = column(clusters_path, header, "person_id")
        for rid, pid in rows(clusters_path, reader, ri, pi):
            if truth is None:
                if rid in seen:
                    n_dups += 1
                    if len(dups) < EXAMPLES:
                        dups.append(rid)
                    continue
                seen.add(rid)
                e = febrl_entity(clusters_path, reader.line_num, rid)
                t = entities.get(e)
            else:
                t = truth.get(rid)
                if t is None:
                    n_extra += 1
                    if len(extra) < EXAMPLES:
                        extra.append(rid)
                    continue
                if t < 0:
                    n_dups += 1
                    if len(dups) < EXAMPLES:
                        dups.append(rid)
                    continue
                truth[rid] = -1 - t
            cells.append((pred_ids.get(pid) << 32) | t)

    missing = []
    n_missing = 0
    if truth is not None:
        for rid, t in truth.items():
            if t >= 0:
                n_missing += 1
                if len(missing) < EXAMPLES:
                    missing.append(rid)

    # The contingency table and its margins, counted in C by Counter.
    table = Counter(cells)
    pred_sizes = Counter(map(operator.rshift, cells, repeat(32)))
    true_sizes = Counter(map(operator.and_, cells, repeat(0xFFFFFFFF)))
    scored = len(cells)
    del cells
    tp = sum(pairs(n) for n in table.values())
    pred = sum(pairs(n) for n in pred_sizes.values())
    true = sum(pairs(n) for n in true_sizes.values())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision + recall
        else 0.0
    )
    return {
        "records": scored,
        "true_clusters": len(true_sizes),
        "predicted_clusters": len(pred_sizes),
        "true_pairs": true,
        "predicted_pairs": pred,
        "tp_pairs": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "missing": n_missing,
        "extra": n_extra,
        "duplicates": n_dups,
        "missing_examples": missing,
        "extra_examples": extra,
        "duplicate_examples": dups,
    }


def print_text(r, out):
    rows = [
        ("records scored", r["records"]),
        ("true clusters", r["true_clusters"]),
        ("predicted clusters", r["predicted_clusters"]),
        ("true pairs", r["true_pairs"]),
        ("predicted pairs", r["predicted_pairs"]),
        ("true-positive pairs", r["tp_pairs"]),
        ("precision", f"{r['precision']:.6f}"),
        ("recall", f"{r['recall']:.6f}"),
        ("F1", f"{r['f1']:.6f}"),
    ]
    if "bad_skipped" in r:
        rows.append(("BAD truth rows skipped", r["bad_skipped"]))
    rows += [
        ("missing (in truth only)", r["missing"]),
        ("extra (in clusters only)", r["extra"]),
        ("duplicate cluster rows", r["duplicates"]),
    ]
    for name, value in rows:
        print(f"{name:<26} {value}", file=out)
    for kind in ("missing", "extra", "duplicate"):
        ex = r[kind + "_examples"]
        if ex:
            print(f"{kind} e.g.: {' '.join(ex)}", file=out)


def main(argv):
    ap = argparse.ArgumentParser(
        prog="score.py",
        description="Pairwise precision, recall and F1 of 'tocsin export "
        "clusters' against the truth.",
        usage="%(prog)s [options] TRUTH CLUSTERS\n"
        "       %(prog)s --febrl [options] CLUSTERS [DATASET.csv ...]",
    )
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument(
        "--febrl",
        action="store_true",
        help="truth from the FEBRL rec_ids of CLUSTERS; DATASET.csv files "
        "give the records expected",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object")
    ap.add_argument(
        "--allow-missing",
        action="store_true",
        help="records in only one of the files do not fail the run",
    )
    ap.add_argument("--min-f1", type=float, metavar="X")
    ap.add_argument("--min-precision", type=float, metavar="X")
    ap.add_argument("--min-recall", type=float, metavar="X")
    a = ap.parse_args(argv)

    try:
        bad = None
        if a.febrl:
            clusters = a.files[0]
            truth = read_febrl_datasets(a.files[1:]) if a.files[1:] else None
        else:
            if len(a.files) != 2:
                ap.error("expected TRUTH CLUSTERS")
            truth, bad = read_truth(a.files[0])
            clusters = a.files[1]
        r = score(truth, clusters)
    except InputError as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, csv.Error) as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2
    if bad is not None:
        r["bad_skipped"] = bad

    failures = []
    if (r["missing"] or r["extra"]) and not a.allow_missing:
        failures.append(
            f"{r['missing']} records missing from the clusters, "
            f"{r['extra']} not in the truth (--allow-missing to score "
            f"the intersection only)"
        )
    if r["duplicates"]:
        failures.append(f"{r['duplicates']} records twice in the clusters")
    for name, floor in (
        ("f1", a.min_f1),
        ("precision", a.min_precision),
        ("recall", a.min_recall),
    ):
        if floor is not None and r[name] < floor:
            failures.append(f"{name} {r[name]:.6f} < {floor}")
    r["ok"] = not failures

    if a.json:
        print(json.dumps(r, sort_keys=True))
    else:
        print_text(r, sys.stdout)
    for msg in failures:
        print(f"score.py: {msg}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
