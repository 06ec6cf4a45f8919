#!/usr/bin/env python3
"""Writes a large STIX 2.1 bundle of mixed indicators for the intel benchmarks.

usage: gen_intel.py COUNT OUT.json [--seed N] [--values VALUES.txt]

The mix (fractions of COUNT): IPv4 addresses 40%, IPv4 CIDRs 5%, IPv6 5%,
domains 25%, URLs 10%, SHA-256 5%, MD5 5%, e-mail 3%, JA3 2% — roughly what
public feeds carry. Values are random but deterministic for a seed; with
--values, the values listed in that file (one "kind value" per line, e.g.
values seen in the benchmark capture) are mixed in so that `hradba read`
really finds hits. Written as a stream, so COUNT in the millions needs little
memory.
"""
import json
import random
import sys
import uuid

MIX = [("ipv4", 40), ("cidr4", 5), ("ipv6", 5), ("domain", 25), ("url", 10),
       ("sha256", 5), ("md5", 5), ("email", 3), ("ja3", 2)]
TLDS = ["com", "net", "org", "info", "ru", "cn", "io", "xyz", "top", "biz"]


def label(rng, n):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def value(kind, rng):
    if kind == "ipv4":
        return "[ipv4-addr:value = '%d.%d.%d.%d']" % tuple(rng.randrange(1, 255) for _ in range(4))
    if kind == "cidr4":
        return "[ipv4-addr:value ISSUBSET '%d.%d.%d.0/24']" % tuple(
            rng.randrange(1, 255) for _ in range(3))
    if kind == "ipv6":
        return "[ipv6-addr:value = '2001:db8:%x:%x::%x']" % (
            rng.randrange(65536), rng.randrange(65536), rng.randrange(65536))
    if kind == "domain":
        return "[domain-name:value = '%s.%s']" % (label(rng, rng.randrange(6, 14)),
                                                 rng.choice(TLDS))
    if kind == "url":
        return "[url:value = 'http://%s.%s/%s/%s.php']" % (
            label(rng, 8), rng.choice(TLDS), label(rng, 5), label(rng, 6))
    if kind == "sha256":
        return "[file:hashes.'SHA-256' = '%064x']" % rng.getrandbits(256)
    if kind == "md5":
        return "[file:hashes.MD5 = '%032x']" % rng.getrandbits(128)
    if kind == "email":
        return "[email-addr:value = '%s@%s.%s']" % (label(rng, 7), label(rng, 8), rng.choice(TLDS))
    return "[x-tls-fingerprint:ja3 = '%032x']" % rng.getrandbits(128)


def known(path):
    pats = {"ipv4": "[ipv4-addr:value = '%s']", "domain": "[domain-name:value = '%s']",
            "sha256": "[file:hashes.'SHA-256' = '%s']", "ja3": "[x-tls-fingerprint:ja3 = '%s']"}
    out = []
    with open(path) as f:
        for line in f:
            kind, _, v = line.strip().partition(" ")
            if kind in pats and v and "'" not in v and "\\" not in v:
                out.append(pats[kind] % v)
    return out


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    extra = known(sys.argv[sys.argv.index("--values") + 1]) if "--values" in sys.argv else []
    rng = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    ns = uuid.UUID("6c1f4b5e-2a7d-4f0e-9b57-8a3c2d1e0f00")
    with open(out, "w") as f:
        f.write('{"type":"bundle","id":"bundle--%s","objects":[\n' % uuid.uuid5(ns, str(seed)))
        for i in range(count):
            pattern = extra[i] if i < len(extra) else value(rng.choice(kinds), rng)
            o = {"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--%s" % uuid.uuid5(ns, "%d/%d" % (seed, i)),
                 "created": "2024-01-10T00:00:00.000Z", "modified": "2024-01-10T00:00:00.000Z",
                 "pattern": pattern, "pattern_type": "stix",
                 "valid_from": "2024-01-10T00:00:00Z", "indicator_types": ["malicious-activity"],
                 "confidence": 70}
            f.write(("," if i else "") + json.dumps(o, separators=(",", ":")) + "\n")
        f.write("]}\n")


if __name__ == "__main__":
    main()
