#!/usr/bin/env python3
"""Differential test summary: per protocol, how many of hradba's records agree
with tshark's over every capture in shared/pcaps (see proto_fields.py).

A record agrees when every field compared agrees. Two figures are printed:
raw, where every disagreement counts, explained or not; and checked, where a
record whose every disagreement is explained by a "verified:" row of
proto_exceptions.tsv (hradba's value checked by hand in the capture, tshark
short or wrong) counts as agreeing, and records under a "not comparable:" row
(a fuzzed capture's garbled flows) are left out. Rows for hradba's own
limitations (a protocol it does not decode) count against it in both. Fails
when an implemented protocol's checked agreement is below --min (99.5%), or
when tshark finds records of it that hradba never writes (0 of N).

Per-capture results stored by the per-capture tests (--cache-dir, in the
build directory) are reused when nothing they depend on changed; the
others are computed here, --jobs at a time.

usage: proto_summary.py HRADBA CAPTURE_ROOT [--exceptions FILE]
                        [--cache-dir DIR] [--jobs N] [--min PCT] [-v]
exit: 0 every implemented protocol at or above --min, 1 below,
      77 skipped (tshark missing), 2 harness error.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proto_fields  # noqa: E402  (same directory)


def captures(root):
    manifest = os.path.join(root, "MANIFEST.tsv")
    out = []
    with open(manifest, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            path = line.split("\t", 1)[0].strip()
            if path:
                out.append(path)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hradba")
    ap.add_argument("root")
    ap.add_argument("--exceptions")
    ap.add_argument("--cache-dir")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--min", type=float, default=99.5, help="percent of records that must agree")
    ap.add_argument("--floor", action="append", default=[], metavar="PROTO=PCT",
                    help="a protocol known to be short of --min (its issue still open): "
                         "fail only below PCT, so the shortfall cannot grow unnoticed")
    ap.add_argument("-v", action="store_true", help="list every disagreement")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    rels = [r for r in captures(a.root) if os.path.exists(os.path.join(a.root, r))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        results = list(pool.map(lambda r: proto_fields.cached_check(
            a.hradba, a.root, r, a.exceptions, a.cache_dir), rels))

    totals = {p: {"records": 0, "records_agree": 0, "fields": 0, "fields_agree": 0,
                  "explained": 0, "unexplained": 0, "captures": 0, "not_implemented": 0,
                  "refused": 0, "verified_records": 0, "excluded_records": 0}
              for p in proto_fields.PROTOS}
    stale = 0
    for res in results:
        stale += len(res["stale"])
        for line in res["stale"]:
            print(f"STALE {res['capture']}: {line}")
        for p, t in res["protos"].items():
            tot = totals[p]
            if t.get("not_implemented"):
                tot["not_implemented"] += 1
                continue
            if t.get("tshark_refused"):
                tot["refused"] += 1
                continue
            if not t.get("records"):
                continue
            tot["captures"] += 1
            for k in ("records", "records_agree", "fields", "fields_agree"):
                tot[k] += t[k]
            kinds = {}  # record key -> set of disagreement kinds
            for d in t["diffs"]:
                tot["unexplained" if d["reason"] is None else "explained"] += 1
                reason = d["reason"] or ""
                kind = ("verified" if reason.startswith("verified:") else
                        "excluded" if reason.startswith("not comparable:") else "against")
                kinds.setdefault(d["key"], set()).add(kind)
                if a.v:
                    print("\t".join([p, res["capture"], d["key"], d["field"], d["hradba"],
                                     d["tshark"]] + ([d["reason"]] if d["reason"] else [])))
            for k in kinds.values():
                if "excluded" in k:
                    tot["excluded_records"] += 1
                elif k == {"verified"}:
                    tot["verified_records"] += 1

    failed = False
    print(f"{len(results)} captures; tshark: {proto_fields.tshark_version()}")
    for p in proto_fields.PROTOS:
        t = totals[p]
        if t["not_implemented"] and not t["records"]:
            print(f"{p:5} not implemented (marked in the exceptions file): not compared")
            continue
        if not t["records"]:
            print(f"{p:5} no records on either side")
            continue
        pct = 100.0 * t["records_agree"] / t["records"]
        fpct = 100.0 * t["fields_agree"] / t["fields"] if t["fields"] else 100.0
        total = t["records"] - t["excluded_records"]
        checked = 100.0 * (t["records_agree"] + t["verified_records"]) / total if total else 100.0
        floors = dict(f.split("=", 1) for f in a.floor)
        need = float(floors[p]) if p in floors else a.min
        ok = checked >= need and t["unexplained"] == 0
        failed |= not ok
        print(f"{p:5} checked {checked:7.3f}% of {total} records; raw {pct:7.3f}% of "
              f"{t['records']} records agree ({t['records_agree']}), {fpct:7.3f}% of "
              f"{t['fields']} fields; {t['captures']} captures; {t['verified_records']} "
              f"records verified by hand, {t['excluded_records']} not comparable; "
              f"{t['explained']} explained, {t['unexplained']} unexplained disagreements"
              + ("" if checked >= a.min else f"  below the {a.min}% goal")
              + ("" if ok else f"  FAIL (needs {need}%)"))
    if stale:
        print(f"{stale} stale exception rows (listed above; they fail their captures' tests)")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, json.JSONDecodeError) as e:
        print(f"harness error: {e}")
        sys.exit(2)
