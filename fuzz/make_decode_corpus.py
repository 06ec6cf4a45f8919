#!/usr/bin/env python3
"""make_decode_corpus.py — seeds fuzz/corpus/decode/ from the shared captures.

Each seed is the fuzz_decode.c input format: 2 bytes choosing the link type
(an index into decode_fuzz_links[]), then frames as a 2-byte big-endian
length (bit 15: the capture cut the frame short) and the frame bytes. Frames
are picked by number from real captures (attribution: the capture's name,
see shared/pcaps/MANIFEST.tsv); fragment series go in one seed so the
fuzzer starts with live defrag state.

Usage: fuzz/make_decode_corpus.py [PCAP_ROOT] [OUT_DIR]
"""
import os
import struct
import subprocess
import sys
import tempfile

# pcap LINKTYPE -> index in decode_fuzz_links[] (fuzz_decode.c).
LINK_INDEX = {1: 0, 101: 1, 0: 2, 108: 3, 113: 4, 276: 5, 228: 6, 229: 7}

SEEDS = [
    # (seed name, capture under PCAP_ROOT, frame numbers)
    ("vlan-tcp", "vlan/arkime__tests__pcap__bt-tcp.pcap", [1]),
    ("qinq-pppoe-ipv4", "vlan/cisco-mercury__unit_tests__pcaps__pppoe_double_vlan_tagging.pcap", [1]),
    ("qinq-pppoe-lcp", "vlan/cisco-mercury__unit_tests__pcaps__pppoe_double_vlan_tagging.pcap", [2]),
    ("qinq-gtp", "vlan/nDPI__tests__cfgs__default__pcap__rtmp.pcap", [27]),
    ("vlan-gre-pptp", "vlan/zeek__testing__btest__Traces__tunnels__gre-pptp.pcap", [1]),
    ("pppoe-qinq-http", "vlan/pcapplusplus__Tests__Pcap++Test__PcapExamples__one_http_stream_rst.pcap", [4]),
    ("vlan-udp-hsrp", "vlan/kholia-my-pcaps__HSRP__wild-samples__Hsrp.pcap", [1]),
    ("gre-erspan2-vxlan-gpe", "tunnel_encap/foxio-ja4__pcap__gre-erspan-vxlan.pcap", [1]),
    ("gre-erspan2-vxlan-http", "tunnel_encap/foxio-ja4__pcap__gre-erspan-vxlan.pcap", [4]),
    ("gre-erspan1-vlan", "tunnel_encap/suricata-verify__tests__decode-erspan-typeI-02__input.pcap", [1]),
    ("gre-erspan2", "tunnel_encap/tcpdump__tests__erspan-type-ii-2.pcap", [1]),
    ("ipv4-in-ipv6", "tunnel_encap/nDPI__tests__cfgs__default__pcap__4in6tunnel.pcap", [1]),
    ("ipv6-in-ipv4", "tunnel_encap/zeek__testing__btest__Traces__tunnels__ping6-in-ipv4.pcap", [1]),
    ("esp", "tunnel_encap/arkime__tests__pcap__wireshark-esp.pcap", [1]),
    ("pppoe-http", "tunnel_encap/cisco-mercury__unit_tests__pcaps__ip_encapsulation.pcap", [1]),
    ("ipv4-frags-udp", "ip_fragments/pcapplusplus__Tests__Packet++Test__PacketExamples__IPv4Frag.pcap", [1, 2, 3]),
    ("ipv4-frags-tcp", "ip_fragments/arkime__tests__pcap__socks5-http-302-frag.pcap", [6, 7]),
    ("gre-teb-frags", "ip_fragments/zeek__testing__btest__Traces__erspan.pcap", [153, 154, 155]),
    ("ipv6-nested-frags", "ip_fragments/suricata-verify__tests__ipv6-evasion__ipv6-malformed-fragments-36__frag-36.pcap", [6, 7, 8, 9]),
    ("ipv4-frag-snapped", "ip_fragments/tcpdump__tests__vrrp-vrrp_print-oobr-2.pcap", [3]),
    ("ipv6-dhcpv6", "ipv6/foxio-ja4__pcap__dhcpv6.pcap", [1]),
    ("ipv6-tcp-ftp", "ipv6/zeek__testing__btest__Traces__ftp__ipv6-retr-samba.pcap", [1]),
    ("sll-ipv6-mdns", "ipv6/nfstream__tests__pcaps__mdns.pcap", [1]),
    ("tcp-malformed", "malformed/pcapplusplus__Tests__Packet++Test__PacketExamples__tcp-malformed.pcap", [1]),
    ("tcp-snapped", "truncated/zeek__testing__btest__Traces__tcp__retransmit-fast009.pcap", [1]),
    ("llc-stp", "truncated/tcpdump__tests__stp-heapoverflow-1.pcap", [1]),
    ("sll-tcp", "dns_tunnel_exfil/nDPI__tests__cfgs__default__pcap__dns2tcp_tunnel.pcap", [1]),
    ("raw-tcp-tfo", "tls13_clienthello/suricata-verify__tests__tcp-fastopen-10-syn-data-ignore__input.pcap", [1]),
    ("sll2-tcp", "tls13_clienthello/zeek__testing__btest__Traces__tls__openjdk-25.0.2-zeek.org.pcap", [1]),
    ("null-tcp", "tls12_clienthello/suricata-verify__tests__tls__tls-subject-zero__input.pcap", [1]),
    ("null-quic", "quic/tcpdump__tests__quic_handshake.pcap", [1]),
    ("ipv4-link-udp", "dns/pcapplusplus__Tests__Pcap++Test__PcapExamples__linktype_ipv4.pcap", [1]),
]


def read_pcap(path):
    """Yields (linktype, caplen, wirelen, bytes) from a classic pcap file."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise ValueError(f"{path}: not a classic pcap file")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, caplen, wirelen = struct.unpack(endian + "IIII", rec)
            yield linktype, caplen, wirelen, f.read(caplen)


def as_classic_pcap(path, tmp_dir):
    """pcapng (some captures are) -> classic pcap via editcap (Wireshark)."""
    with open(path, "rb") as f:
        if f.read(4) != b"\x0a\x0d\x0d\x0a":
            return path
    out = os.path.join(tmp_dir, os.path.basename(path) + ".pcap")
    subprocess.run(["editcap", "-F", "pcap", path, out], check=True)
    return out


def make_seed(path, frames):
    wanted = set(frames)
    out = bytearray()
    link = None
    for number, (linktype, caplen, wirelen, data) in enumerate(read_pcap(path), 1):
        if number not in wanted:
            continue
        link = LINK_INDEX[linktype]
        data = data[:0x7FFF]
        head = len(data) | (0x8000 if wirelen > caplen else 0)
        out += struct.pack(">H", head) + data
    if link is None:
        raise ValueError(f"{path}: frames {frames} not found")
    return struct.pack(">H", link) + bytes(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "pcaps")
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "corpus", "decode")
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory() as tmp_dir:
        for name, rel, frames in SEEDS:
            seed = make_seed(as_classic_pcap(os.path.join(root, rel), tmp_dir), frames)
            with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
                f.write(seed)
            total += len(seed)
    print(f"{len(SEEDS)} seeds, {total} bytes in {out_dir}")


if __name__ == "__main__":
    main()
