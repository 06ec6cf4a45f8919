#!/usr/bin/env python3
"""quic_vs_tshark.py — differential check of hradba's QUIC parser against
tshark (SNI of each connection's ClientHello) and against the JA4 values
published beside the shared captures (FoxIO's JA4 snapshots, nDPI's .out).

    quic_vs_tshark.py BUILD/src/cli/hradba EXPECTED_DIR PCAP...

A connection is a UDP 5-tuple whose Initial packets tshark decrypts to a
ClientHello. tshark 4.0 has no JA4 field, so JA4 is compared where the
capture's expected outputs list one for the same 5-tuple. Prints one line
per capture and the totals; exit status 1 if any SNI disagrees.
"""
import json
import os
import re
import subprocess
import sys


def tshark_sni(path):
    """{(src, sport, dst, dport): sni} for QUIC ClientHellos; sni '' if none."""
    cmd = ["tshark", "-r", path, "-Y", "quic && tls.handshake.type == 1", "-T", "fields",
           "-E", "separator=|", "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport",
           "-e", "ip.dst", "-e", "ipv6.dst", "-e", "udp.dstport",
           "-e", "tls.handshake.extensions_server_name"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    conns = {}
    for line in out.splitlines():
        f = line.split("|")
        if len(f) != 7:
            continue
        src = (f[0] or f[1]).split(",")[0]
        dst = (f[3] or f[4]).split(",")[0]
        key = (src, int(f[2].split(",")[0]), dst, int(f[5].split(",")[0]))
        conns.setdefault(key, f[6].split(",")[0])
    return conns


def hradba_quic(exe, path):
    out = subprocess.run([exe, "read", "-q", "--no-progress", path], capture_output=True,
                         text=True, timeout=600).stdout
    recs = {}
    for line in out.splitlines():
        e = json.loads(line)
        if e.get("event_type") != "quic":
            continue
        key = (e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"])
        recs[key] = e["quic"]
    return recs


def expected_ja4(expected_dir, pcap):
    """{(src, sport, dst, dport) or None: ja4} from the published outputs."""
    base = os.path.join(expected_dir, os.path.basename(pcap))
    found = {}
    for root, _, files in os.walk(base):
        for name in files:
            p = os.path.join(root, name)
            text = open(p, errors="replace").read()
            if name.endswith(".snap"):  # FoxIO rust snapshots: YAML-ish blocks
                for block in text.split("- stream:"):
                    m = dict(re.findall(r"^\s+(\w+): (.*)$", block, re.M))
                    if m.get("transport") == "udp" and m.get("ja4", "").startswith("q"):
                        key = (m["src"], int(m["src_port"]), m["dst"], int(m["dst_port"]))
                        found[key] = m["ja4"]
            elif name.endswith(".pcap.out"):  # nDPI: one line per flow
                for m in re.finditer(r"UDP ([\d.]+):(\d+) <-> ([\d.]+):(\d+) .*\[JA4: (q\w+)\]",
                                     text):
                    key = (m.group(1), int(m.group(2)), m.group(3), int(m.group(4)))
                    found[key] = m.group(5)
    return found


def main():
    exe, expected_dir, pcaps = sys.argv[1], sys.argv[2], sys.argv[3:]
    tot = {"conns": 0, "sni_ok": 0, "sni_bad": 0, "missing": 0, "ja4_ok": 0, "ja4_bad": 0}
    for pcap in pcaps:
        ts = tshark_sni(pcap)
        hr = hradba_quic(exe, pcap)
        ja = expected_ja4(expected_dir, pcap)
        c = {k: 0 for k in tot}
        for key, sni in ts.items():
            c["conns"] += 1
            q = hr.get(key)
            if q is None or "ja4" not in q:
                c["missing"] += 1
                print(f"  missing: {key} sni={sni!r}")
                continue
            if q.get("sni", "") == sni:
                c["sni_ok"] += 1
            else:
                c["sni_bad"] += 1
                print(f"  sni: {key} tshark={sni!r} hradba={q.get('sni')!r}")
        for key, want in ja.items():
            got = hr.get(key, {}).get("ja4")
            if got == want:
                c["ja4_ok"] += 1
            else:
                c["ja4_bad"] += 1
                print(f"  ja4: {key} expected={want} hradba={got}")
        print(f"{os.path.basename(pcap)}: " + " ".join(f"{k}={v}" for k, v in c.items()))
        for k in tot:
            tot[k] += c[k]
    print("TOTAL: " + " ".join(f"{k}={v}" for k, v in tot.items()))
    return 1 if tot["sni_bad"] or tot["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
