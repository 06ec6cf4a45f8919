#!/usr/bin/env python3
"""End-to-end tests of `hradba read` on good and hostile inputs.

Each case builds its input from the bundled real capture (tests/data/malware.pcap)
or from scratch, runs hradba, and checks the exit status, the message on
stderr (file name and byte offset) and that the events of the good part are
still written. usage: read_inputs.py HRADBA SOURCE_ROOT CASE
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

PCAP_HDR = struct.Struct("<IHHiIII")
REC_HDR = struct.Struct("<IIII")


def records(blob):
    """Splits a little-endian microsecond pcap into (header, [(offset, record bytes)])."""
    magic = struct.unpack_from("<I", blob)[0]
    assert magic == 0xA1B2C3D4, "test input must be a little-endian pcap"
    out, off = [], PCAP_HDR.size
    while off + REC_HDR.size <= len(blob):
        caplen = REC_HDR.unpack_from(blob, off)[2]
        end = off + REC_HDR.size + caplen
        out.append((off, blob[off:end]))
        off = end
    return blob[:PCAP_HDR.size], out


def pcap_header(snaplen=262144, linktype=1):
    return PCAP_HDR.pack(0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def rec(ts, data, wirelen=None):
    return REC_HDR.pack(ts, 0, len(data), len(data) if wirelen is None else wirelen) + data


def udp_frame(payload_len, sport=40000, dport=9999):
    """Ethernet + IPv4 + UDP with a payload of payload_len zero bytes."""
    ip_len = 20 + 8 + payload_len
    ip_total = min(ip_len, 0xFFFF)
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_total, 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", sport, dport, min(8 + payload_len, 0xFFFF), 0)
    return eth + ip + udp + bytes(payload_len)


class Case:
    def __init__(self, hradba, root, tmp):
        self.hradba, self.root, self.tmp = hradba, root, tmp
        with open(os.path.join(root, "tests", "data", "malware.pcap"), "rb") as f:
            self.good = f.read()

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, *args, stdin=None):
        p = subprocess.run([self.hradba, "read", "--no-progress", *args], input=stdin,
                           capture_output=True, timeout=60, check=False)
        events = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
        return p.returncode, events, p.stderr.decode()

    def flows(self, events):
        return sorted((e["src_ip"], e.get("src_port", -1), e["dest_ip"], e.get("dest_port", -1),
                       e["proto"], e["flow"]["pkts_toserver"], e["flow"]["pkts_toclient"])
                      for e in events if e["event_type"] == "flow")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def case_good(c):
    rc, ev, err = c.run(c.write("good.pcap", c.good))
    expect(rc == 0, f"exit {rc}: {err}")
    kinds = sorted({e["event_type"] for e in ev})
    ev = [e for e in ev if e["event_type"] == "flow"]
    expect(len(ev) == 5, f"{len(ev)} flow events, the capture holds 5 flows (tshark: 4 TCP/UDP + 1 ICMP)")
    expect("dns" in kinds, f"the capture's DNS exchange gives dns events: {kinds}")
    expect(all(e["community_id"].startswith("1:") for e in ev), "every flow has a community id")
    pkts = sum(e["flow"]["pkts_toserver"] + e["flow"]["pkts_toclient"] for e in ev)
    expect(pkts <= 26, f"{pkts} packets in flows, capture has 26 frames")


def prefix_and_cut(c, k):
    hdr, recs = records(c.good)
    head = hdr + b"".join(r for _, r in recs[:k])
    return head, recs


def case_truncated(c):
    """A record cut in the middle: frames before it are processed, exit 3, offset named."""
    k = 12
    head, recs = prefix_and_cut(c, k)
    off = recs[k][0]
    cut = c.write("cut.pcap", head + recs[k][1][:40])
    whole = c.write("head.pcap", head)
    rc, ev, err = c.run(cut)
    rc0, ev0, err0 = c.run(whole)
    expect(rc0 == 0, f"record-aligned prefix: exit {rc0}: {err0}")
    expect(rc == 3, f"exit {rc}, want 3")
    expect("cut.pcap" in err and str(off) in err, f"message lacks file or offset {off}: {err!r}")
    expect(c.flows(ev) == c.flows(ev0) and ev0, "the good part's flows differ")


def case_corrupt_length(c):
    """A record announcing 4 GB: everything before it kept, the offset named."""
    k = 9
    head, recs = prefix_and_cut(c, k)
    off = recs[k][0]
    bad = bytearray(recs[k][1])
    struct.pack_into("<II", bad, 8, 0xFFFFFFF0, 0xFFFFFFF0)
    path = c.write("badlen.pcap", head + bytes(bad) + b"".join(r for _, r in recs[k + 1:]))
    rc, ev, err = c.run(path)
    rc0, ev0, _ = c.run(c.write("head.pcap", head))
    expect(rc == 3, f"exit {rc}, want 3")
    expect("badlen.pcap" in err and str(off) in err, f"message lacks file or offset {off}: {err!r}")
    expect(c.flows(ev) == c.flows(ev0) and ev0, "the good part's flows differ")


def case_not_a_capture(c):
    path = c.write("notes.txt", b"this is not a capture file\n" * 20)
    rc, ev, err = c.run(path)
    expect(rc == 3, f"exit {rc}, want 3")
    expect("notes.txt" in err, f"message does not name the file: {err!r}")
    expect(ev == [], "no events from garbage")


def case_missing_and_good(c):
    """A missing input is reported; the good one is still read in full."""
    good = c.write("good.pcap", c.good)
    rc, ev, err = c.run(os.path.join(c.tmp, "nope.pcap"), good)
    rc0, ev0, _ = c.run(good)
    expect(rc == 3, f"exit {rc}, want 3")
    expect("nope.pcap" in err, f"message does not name the file: {err!r}")
    expect(c.flows(ev) == c.flows(ev0), "the good input's flows differ")


def case_empty_and_header_only(c):
    rc, ev, err = c.run(c.write("empty.pcap", b""))
    expect(rc == 3 and "empty.pcap" in err, f"empty file: exit {rc}: {err!r}")
    rc, ev, err = c.run(c.write("hdr.pcap", pcap_header()))
    expect(rc == 0 and ev == [], f"header-only file: exit {rc}, {len(ev)} events: {err!r}")


def case_zero_and_jumbo(c):
    """A zero-length frame is counted and skipped; 9000-byte and 64 KiB frames are flows."""
    data = pcap_header() + rec(1, b"") + rec(2, udp_frame(9000 - 42)) \
        + rec(3, udp_frame(65535 - 28, sport=40001)) + rec(4, udp_frame(10))
    path = c.write("jumbo.pcap", data)
    stats = os.path.join(c.tmp, "stats.json")
    rc, ev, err = c.run("--stats", stats, path)
    expect(rc == 0, f"exit {rc}: {err}")
    fl = {(e["src_port"], e["flow"]["pkts_toserver"], e["flow"]["bytes_toserver"]) for e in ev}
    expect((40000, 2, 9000 + 52) in fl, f"9000-byte frame not counted: {fl}")
    expect((40001, 1, 65535 + 14) in fl, f"64 KiB frame not counted: {fl}")
    with open(stats) as f:
        st = json.load(f)
    expect(st["packets"]["packets"] == 4, f"stats: {st['packets']}")
    expect(st["packets"]["packets.invalid"] >= 1, "the empty frame is counted as invalid")


def case_caplen_over_snaplen(c):
    """A record longer than the file's snaplen: said clearly, never a crash."""
    data = pcap_header(snaplen=64) + rec(1, udp_frame(10)) + rec(2, udp_frame(200)) \
        + rec(3, udp_frame(12))
    rc, ev, err = c.run(c.write("snap.pcap", data))
    expect(rc in (0, 3), f"exit {rc}: {err}")
    expect(len(ev) >= 1, "the frames within the snaplen still make a flow")
    if rc == 3:
        expect("snap.pcap" in err, f"message does not name the file: {err!r}")


def case_stdin(c):
    rc, ev, err = c.run("-", stdin=c.good)
    rc0, ev0, _ = c.run(c.write("good.pcap", c.good))
    expect(rc == 0, f"exit {rc}: {err}")
    expect(c.flows(ev) == c.flows(ev0), "stdin and file runs differ")


def case_directory_merge(c):
    """A capture split in two files, given as a directory, reads as the whole."""
    hdr, recs = records(c.good)
    d = os.path.join(c.tmp, "dir")
    os.mkdir(d)
    # Interleave: odd records in one file, even in the other; the merge restores order.
    with open(os.path.join(d, "a.pcap"), "wb") as f:
        f.write(hdr + b"".join(r for i, (_, r) in enumerate(recs) if i % 2 == 0))
    with open(os.path.join(d, "b.pcap"), "wb") as f:
        f.write(hdr + b"".join(r for i, (_, r) in enumerate(recs) if i % 2 == 1))
    rc, ev, err = c.run(d)
    rc0, ev0, _ = c.run(c.write("good.pcap", c.good))
    expect(rc == 0, f"exit {rc}: {err}")
    expect(c.flows(ev) == c.flows(ev0), "directory run differs from the single file")


def case_time_rewind(c):
    """One file holding a capture, then the same capture two days earlier
    (captures of different days concatenated): the second half's flows are
    whole flows, not one flow per packet."""
    hdr, recs = records(c.good)
    back = 2 * 86400
    shifted = []
    for _, r in recs:
        ts, us, cap, wire = REC_HDR.unpack_from(r)
        shifted.append(REC_HDR.pack(ts - back, us, cap, wire) + r[REC_HDR.size:])
    path = c.write("rewind.pcap", hdr + b"".join(r for _, r in recs) + b"".join(shifted))
    stats = os.path.join(c.tmp, "stats.json")
    rc, ev, err = c.run("--stats", stats, path)
    rc0, ev0, _ = c.run(c.write("good.pcap", c.good))
    expect(rc == 0, f"exit {rc}: {err}")
    expect(c.flows(ev) == sorted(c.flows(ev0) * 2), "each half must give the same flows")
    with open(stats) as f:
        st = json.load(f)
    expect(st["packets"]["packets.time_rewinds"] == 1, f"rewinds: {st['packets']}")


def case_output_file_and_usage(c):
    out = os.path.join(c.tmp, "eve.json")
    rc, ev, err = c.run("-o", out, c.write("good.pcap", c.good))
    expect(rc == 0 and ev == [], f"-o: exit {rc}, stdout had {len(ev)} events")
    with open(out) as f:
        flows = [l for l in f if '"event_type":"flow"' in l]
        expect(len(flows) == 5, "-o file has the events")
    rc, _, err = c.run("--flow-memcap", "lots", c.write("g.pcap", c.good))
    expect(rc == 2 and "flow-memcap" in err, f"bad size: exit {rc}: {err!r}")
    rc, _, err = c.run()
    expect(rc == 2, f"no input: exit {rc}")
    p = subprocess.run([c.hradba, "read", "--help"], capture_output=True, check=False)
    expect(p.returncode == 0 and b"usage: hradba read" in p.stdout, "--help")
    rc, _, err = c.run("-o", "/nonexistent-dir/eve.json", c.write("g.pcap", c.good))
    expect(rc == 4, f"unwritable output: exit {rc}: {err!r}")


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    hradba, root, name = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            CASES[name](Case(hradba, root, tmp))
        except AssertionError as e:
            print(f"FAIL {name}: {e}")
            return 1
    print(f"ok {name}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        print("\n".join(CASES))
        sys.exit(0)
    sys.exit(main())
