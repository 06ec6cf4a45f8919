#!/usr/bin/env python3
"""make_fuzz_corpus.py — seeds fuzz/corpus/quic/ from the shared captures.

    make_fuzz_corpus.py PCAP_DIR OUT_DIR

Each seed is one QUIC connection's first datagrams in fuzz_quic.c's
datagram format: selector 0x00, then per datagram a 2-byte header (top bit:
to client; low 15 bits: length) and its bytes. A few connections per QUIC
version are taken, so the corpus stays small. Two plaintext seeds (selector
top bit set) carry RFC 9001 A.2's CRYPTO frame and A.3's payload.
"""
import os
import subprocess
import sys

CAPTURES = [
    "quic/nDPI__tests__cfgs__default__pcap__quic-mvfst-22.pcap",
    "quic/nfstream__tests__pcaps__quic_t51.pcap",
    "quic/suricata-verify__tests__quic-retry-multiple__input.pcap",
    "quic/tcpdump__tests__quic_handshake.pcap",
    "quic/zeek__testing__btest__Traces__quic__quicv2-echo-443.pcap",
    "ipv6/cisco-mercury__unit_tests__pcaps__quic-crypto-packets.pcap",
    "c2_malware/zeek__testing__btest__Traces__quic__merlinc2_Zeek_example.pcapng",
    "tls13_clienthello/foxio-ja4__pcap__tls-sni.pcapng",
]
DATAGRAMS = 6      # per connection
PER_VERSION = 3    # connections per (capture, version)


def connections(path):
    cmd = ["tshark", "-r", path, "-Y", "quic", "-T", "fields", "-E", "separator=|",
           "-e", "udp.stream", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "quic.version",
           "-e", "udp.payload"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    conns = {}
    for line in out.splitlines():
        f = line.split("|")
        if len(f) != 5 or not f[4]:
            continue
        c = conns.setdefault(f[0], {"client": None, "version": None, "dgrams": []})
        if c["client"] is None:
            c["client"] = f[1]
            c["version"] = f[3].split(",")[0]
        if len(c["dgrams"]) < DATAGRAMS:
            c["dgrams"].append((f[1] != c["client"], bytes.fromhex(f[4])))
    return conns


def main():
    pcap_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for cap in CAPTURES:
        taken = {}
        for stream, c in sorted(connections(os.path.join(pcap_dir, cap)).items(),
                                key=lambda kv: int(kv[0])):
            if taken.get(c["version"], 0) >= PER_VERSION:
                continue
            taken[c["version"]] = taken.get(c["version"], 0) + 1
            blob = bytearray(b"\x00")
            for to_client, d in c["dgrams"]:
                blob += ((0x8000 if to_client else 0) | len(d)).to_bytes(2, "big") + d
            parts = os.path.basename(cap).split(".")[0].split("__")
            base = parts[-2] if parts[-1] == "input" else parts[-1]  # suricata-verify
            name = f"{base}-{stream}"
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()
