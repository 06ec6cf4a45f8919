#!/usr/bin/env python3
"""gen_sessions.py — turns the shared SMTP captures into session files.

Each TCP stream of each capture in PCAP_ROOT/smtp (and the other captures
with SMTP named below) becomes one file in the fuzz input shape
(fuzz/fuzz_mail.h, fuzz/fuzz_smtp.c): a selector byte (0), then
[flags][be16 length][bytes] chunks in capture order, flags bit 0 set for
server-to-client. tshark's "follow,tcp,raw" does the reassembly. The same
files seed fuzz/corpus/smtp/.

Usage: gen_sessions.py PCAP_ROOT   (run from the source root)
"""
import os
import shutil
import struct
import subprocess
import sys

SERVER_PORTS = (25, 465, 587, 1080, 2525)
EXTRA = ["c2_malware/nDPI__tests__cfgs__default__pcap__emotet.pcap"]


def streams(pcap):
    out = subprocess.run(["tshark", "-r", pcap, "-Y", "smtp",
                          "-T", "fields", "-e", "tcp.stream"],
                         capture_output=True, text=True, check=True).stdout
    return sorted({int(x) for x in out.split() if x})


def follow(pcap, n):
    out = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "follow,tcp,raw,%d" % n],
                         capture_output=True, text=True, check=True).stdout
    node0_port = None
    chunks = []
    for line in out.splitlines():
        if line.startswith("Node 0:"):
            node0_port = int(line.rsplit(":", 1)[1])
            continue
        if not line.strip() or line.startswith(("=", "Follow", "Filter", "Node")):
            continue
        is_node1 = line.startswith("\t")
        data = bytes.fromhex(line.strip())
        node0_is_server = node0_port in SERVER_PORTS
        to_client = is_node1 != node0_is_server
        chunks.append((1 if to_client else 0, data))
    return chunks


def main():
    root = sys.argv[1]
    outdir = "tests/unit/proto/smtp/sessions"
    corpus = "fuzz/corpus/smtp"
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(corpus, exist_ok=True)
    pcaps = [os.path.join("smtp", n) for n in sorted(os.listdir(os.path.join(root, "smtp")))]
    for rel in pcaps + EXTRA:
        pcap = os.path.join(root, rel)
        name = os.path.basename(rel)
        base = name.split("__", 1)[0] + "-" + os.path.splitext(name.rsplit("__", 1)[-1])[0]
        for n in streams(pcap):
            chunks = follow(pcap, n)
            if not chunks or not any(d for _, d in chunks):
                continue
            blob = bytearray([0])
            for flags, data in chunks:
                for off in range(0, len(data), 65535):
                    piece = data[off:off + 65535]
                    blob += bytes([flags]) + struct.pack(">H", len(piece)) + piece
            path = os.path.join(outdir, "%s-%d.bin" % (base, n))
            with open(path, "wb") as f:
                f.write(blob)
            shutil.copy(path, corpus)
            print(path, len(blob))


if __name__ == "__main__":
    main()
