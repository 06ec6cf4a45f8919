#!/usr/bin/env python3
"""dns_vs_tshark.py — differential check of hradba's DNS message parser
against tshark, over the UDP DNS messages of every capture given.

    dns_vs_tshark.py BUILD/tests/unit/proto/dns/dns_dump PCAP...

Compares qr, id, rcode, the first question's name and type, and the names and
types of the stored answers and authorities. Known, documented differences
are not counted as disagreements (docs/protocols/dns.md):
  - tshark prints the root as "<Root>", hradba as "";
  - octets >= 0x80: tshark passes them through, hradba writes "\\ooo";
  - hradba stores at most 32 answers and 8 authorities;
  - tshark names SRV owners and UPDATE sections in other fields.
Exit status 1 if any other disagreement is found.
"""
import subprocess
import sys

FIELDS = ["udp.payload", "dns.flags.response", "dns.id", "dns.flags.rcode", "dns.qry.name",
          "dns.qry.type", "dns.count.answers", "dns.count.auth_rr", "dns.resp.name",
          "dns.resp.type", "dns.flags.opcode"]
MAX_AN, MAX_NS = 32, 8


def tshark_rows(path):
    cmd = ["tshark", "-r", path, "-Y", "dns && udp && !icmp && !icmpv6", "-T", "fields",
           "-E", "separator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
    rows = [line.split("|") for line in out.splitlines()]
    return [r for r in rows if len(r) == len(FIELDS) and r[0]]


def first(s):
    return s.split(",")[0]


def expected(r):
    qr, dns_id, rcode, qname, qtype, an, ns, names, types, opcode = r[1:]
    if first(opcode) == "5" or "\ufffd" in qname or first(qtype) == "33":
        return None  # UPDATE, raw high octets, SRV: named differently (see above)
    an, ns = int(first(an) or 0), int(first(ns) or 0)
    names, types = names.split(",") if names else [], types.split(",") if types else []
    keep = list(range(min(an, MAX_AN))) + list(range(an, an + min(ns, MAX_NS)))
    qname = first(qname)
    return (first(qr) in ("1", "True"), int(first(dns_id), 16), int(first(rcode) or 0),
            "" if qname == "<Root>" else qname, int(first(qtype) or 0),
            ",".join("" if names[i] == "<Root>" else names[i] for i in keep if i < len(names)),
            ",".join(types[i] for i in keep if i < len(types)))


def main():
    dump, pcaps = sys.argv[1], sys.argv[2:]
    total = agree = skipped = 0
    for path in pcaps:
        rows = tshark_rows(path)
        if not rows:
            continue
        hexes = "".join(r[0].replace(":", "") + "\n" for r in rows)
        ours = subprocess.run([dump], input=hexes, capture_output=True, text=True,
                              check=True).stdout.splitlines()
        for r, o in zip(rows, ours):
            total += 1
            want = expected(r)
            if want is None:
                skipped += 1
                continue
            o = o.split("|")
            got = None if o[0] == "INVALID" else (
                o[0] == "1", int(o[1]), int(o[2]), o[3], int(o[4]), o[5], o[6])
            if got == want:
                agree += 1
            else:
                print("%s: tshark %s\n  hradba %s" % (path, want, "|".join(o)))
    print("%d messages, %d agree, %d skipped (known differences), %d disagree"
          % (total, agree, skipped, total - agree - skipped))
    return 0 if total == agree + skipped else 1


if __name__ == "__main__":
    sys.exit(main())
