#!/usr/bin/env python3
"""Differential test: hradba's flow counts against tshark's, for one capture.

For every TCP and UDP conversation (unordered 5-tuple on the innermost IP
header), the packets and bytes in each direction that hradba's flow events
report must equal what tshark decodes per frame. Several hradba flows on one
5-tuple (port reuse, idle timeouts) are summed, since tshark's own split into
conversations follows other rules.

Frames that carried a non-final IP fragment are counted where tshark
reassembles them (ip.reassembled_in), as hradba counts every frame of a
reassembled datagram. ICMP error messages quote a TCP/UDP header; those
frames belong to no TCP/UDP conversation on either side.

A difference fails the test unless tests/diff/flow_exceptions.tsv explains
it. An exception that no longer matches anything fails too, so the file
stays true.

usage: flow_counts.py HRADBA CAPTURE_ROOT RELPATH [--exceptions FILE] [-v]
exit: 0 agree (or every difference explained), 1 unexplained differences,
      77 skipped (tshark missing), 2 harness error.
"""
import argparse
import fnmatch
import ipaddress
import json
import os
import shutil
import subprocess
import sys

TSHARK_FIELDS = [
    "frame.number", "frame.len", "frame.protocols",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
    "ip.reassembled_in", "ipv6.reassembled.in",
]


def norm_ip(s):
    return str(ipaddress.ip_address(s))


def conv_key(proto, a, pa, b, pb):
    """Unordered conversation key plus whether (a, pa) is the key's first end."""
    ea, eb = (norm_ip(a), int(pa)), (norm_ip(b), int(pb))
    ka = (ipaddress.ip_address(ea[0]).packed, ea[1])
    kb = (ipaddress.ip_address(eb[0]).packed, eb[1])
    if ka <= kb:
        return (proto, ea, eb), True
    return (proto, eb, ea), False


def add(table, key, forward, pkts, nbytes):
    row = table.setdefault(key, [0, 0, 0, 0])
    if forward:
        row[0] += pkts
        row[1] += nbytes
    else:
        row[2] += pkts
        row[3] += nbytes


def last(field):
    return field.split(",")[-1] if field else ""


def tshark_frame_key(f):
    """The innermost TCP/UDP conversation of one tshark frame, or None."""
    layers = f["frame.protocols"].split(":")
    if any(l in ("icmp", "icmpv6") for l in layers):
        return None
    transport = ip_layer = None
    for layer in layers:
        if layer in ("ip", "ipv6"):
            ip_layer, transport = layer, None
        elif layer in ("tcp", "udp") and ip_layer:
            transport = layer
    if not transport:
        return None
    src = last(f[ip_layer + ".src"])
    dst = last(f[ip_layer + ".dst"])
    sport = last(f[transport + ".srcport"])
    dport = last(f[transport + ".dstport"])
    if not (src and dst and sport and dport):
        return None
    return conv_key(transport.upper(), src, sport, dst, dport)


def tshark_table(path):
    out = subprocess.run(
        ["tshark", "-2", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
         "-E", "occurrence=a", "-E", "aggregator=,"]
        + sum((["-e", f] for f in TSHARK_FIELDS), []),
        capture_output=True, text=True, check=False)
    if out.returncode != 0 and not out.stdout:
        raise RuntimeError(f"tshark exited {out.returncode}: {out.stderr.strip()[-300:]}")
    frames = {}
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        f = dict(zip(TSHARK_FIELDS, cols))
        frames[int(f["frame.number"])] = f
    table, pending = {}, {}
    for num, f in frames.items():
        reasm = last(f["ip.reassembled_in"]) or last(f["ipv6.reassembled.in"])
        if reasm and int(reasm) != num:
            pending.setdefault(int(reasm), []).append(int(f["frame.len"]))
            continue
        hit = tshark_frame_key(f)
        if hit:
            add(table, hit[0], hit[1], 1, int(f["frame.len"]))
    for num, lens in pending.items():
        hit = tshark_frame_key(frames[num]) if num in frames else None
        if hit:
            add(table, hit[0], hit[1], len(lens), sum(lens))
    return table, out.stderr.strip()


def hradba_table(hradba, path):
    out = subprocess.run([hradba, "read", "-q", "--no-progress", path],
                         capture_output=True, text=True, check=False)
    if out.returncode not in (0, 3):
        raise RuntimeError(f"hradba read exited {out.returncode}: {out.stderr.strip()}")
    table = {}
    for line in out.stdout.splitlines():
        ev = json.loads(line)
        if ev.get("event_type") != "flow" or ev.get("proto") not in ("TCP", "UDP"):
            continue
        fl = ev["flow"]
        key, fwd = conv_key(ev["proto"], ev["src_ip"], ev["src_port"],
                            ev["dest_ip"], ev["dest_port"])
        add(table, key, fwd, fl["pkts_toserver"], fl["bytes_toserver"])
        add(table, key, not fwd, fl["pkts_toclient"], fl["bytes_toclient"])
    return table


def fmt_key(key):
    proto, (a, pa), (b, pb) = key
    return f"{proto} {a}:{pa} <-> {b}:{pb}"


def load_exceptions(path, relpath):
    rules = []
    if not path or not os.path.exists(path):
        return rules
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3:
                raise RuntimeError(f"{path}:{n}: want capture<TAB>conversation<TAB>reason")
            if fnmatch.fnmatch(relpath, cols[0]):
                rules.append({"line": n, "conv": cols[1], "reason": cols[2], "used": 0})
    return rules


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hradba")
    ap.add_argument("root")
    ap.add_argument("relpath")
    ap.add_argument("--exceptions")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    path = os.path.join(a.root, a.relpath)
    if not os.path.exists(path):
        print(f"{path}: not found: skipped")
        return 77
    ours = hradba_table(a.hradba, path)
    theirs, tshark_err = tshark_table(path)
    rules = load_exceptions(a.exceptions, a.relpath)
    bad = explained = 0
    for key in sorted(set(ours) | set(theirs), key=fmt_key):
        o, t = ours.get(key, [0, 0, 0, 0]), theirs.get(key, [0, 0, 0, 0])
        if o == t:
            continue
        name = fmt_key(key)
        rule = next((r for r in rules if fnmatch.fnmatch(name, r["conv"])), None)
        line = (f"{name}: hradba {o[0]}/{o[1]} and {o[2]}/{o[3]}, "
                f"tshark {t[0]}/{t[1]} and {t[2]}/{t[3]} (pkts/bytes each way)")
        if rule:
            rule["used"] += 1
            explained += 1
            if a.v:
                print(f"explained ({rule['reason']}): {line}")
        else:
            bad += 1
            print(f"DIFF {line}")
    stale = [r for r in rules if not r["used"]]
    for r in stale:
        print(f"STALE exception line {r['line']} ({r['conv']}): matches no difference")
    print(f"{a.relpath}: {len(theirs)} tshark conversations, {len(ours)} hradba; "
          f"{bad} unexplained, {explained} explained differences"
          + (f"; tshark said: {tshark_err[:200]}" if tshark_err and a.v else ""))
    return 1 if bad or stale else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, json.JSONDecodeError) as e:
        print(f"harness error: {e}")
        sys.exit(2)
