#!/usr/bin/env python3
"""Differential test: hradba's protocol fields against tshark's, for one capture.

hradba and tshark read the same capture; each side's output becomes records
(one DNS message, one TLS handshake, one HTTP transaction, one SMTP mail),
matched by a key built from what both sides see, and compared field by field:

  dns   key: direction 5-tuple, query/response, DNS id, n-th such message.
        fields: rrname, rrtype (all questions of a query; the first of a
        response), rcode, answers, authorities (owner, type, TTL, rdata).
  tls   key: client -> server 5-tuple, n-th ClientHello on it.
        fields: sni, version (negotiated), ja3, ja3s, subject, issuerdn,
        serial (of the server's first certificate).
  http  key: client -> server 5-tuple, n-th request on it.
        fields: hostname, url, http_method, http_user_agent, status.
  smtp  key: client -> server 5-tuple, n-th MAIL FROM on it.
        fields: mail_from, rcpt_to, subject.

tshark runs once per capture (-2, every field of every protocol at once);
hradba once. A record only one side has is one disagreement of field
"record". The normalisations applied before comparing are written beside
each protocol below; nothing else is forgiven.

A disagreement fails the test unless a row of tests/diff/proto_exceptions.tsv
(proto, capture glob, field glob, key glob, reason) explains it. A row that
explains nothing in a capture its glob matches is stale and fails too.
A row with key "not-implemented" (field "*") marks a protocol whose parser
has not landed: its comparison is skipped, and the row turns stale (fails)
as soon as hradba writes that protocol's events, so it gets removed.

Output: one line per unexplained disagreement,
  proto<TAB>capture<TAB>key<TAB>field<TAB>hradba<TAB>tshark
(with -v also explained ones, a seventh column giving the reason), then
"# " lines with the counts per protocol.

usage: proto_fields.py HRADBA CAPTURE_ROOT RELPATH [--exceptions FILE]
                       [--cache-dir DIR] [-v]
exit: 0 agree (or every disagreement explained), 1 unexplained
      disagreements or stale exceptions, 77 skipped (tshark or the capture
      missing), 2 harness error.
"""
import argparse
import difflib
import fnmatch
import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flow_counts import last, norm_ip  # noqa: E402  (same directory)

PROTOS = ("dns", "tls", "http", "smtp")
HRADBA_EVENT = {"dns": "dns", "tls": "tls", "http": "http", "smtp": "smtp"}
FIELDS = {
    "dns": ("rrname", "rrtype", "rcode", "answers", "authorities"),
    "tls": ("sni", "version", "ja3", "ja3s", "subject", "issuerdn", "serial"),
    "http": ("hostname", "url", "http_method", "http_user_agent", "status"),
    "smtp": ("mail_from", "rcpt_to", "subject"),
}
ABSENT = "(absent)"
# Aggregator between several occurrences of a field in one frame: a byte no
# printed name, URI or header holds (tshark escapes control octets), unlike ",".
AGG = "\x1f"

TSHARK_FIELDS = [
    "frame.number", "frame.protocols",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.stream",
    # dns
    "dns.id", "dns.flags.response", "dns.flags.opcode", "dns.flags.rcode",
    "dns.count.queries", "dns.count.zones", "dns.count.answers",
    "dns.count.prerequisites", "dns.count.auth_rr", "dns.count.updates",
    "dns.count.add_rr",
    "dns.qry.name", "dns.qry.type",
    "dns.resp.name", "dns.resp.type", "dns.resp.ttl", "dns.resp.len",
    "dns.a", "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name",
    "dns.mx.mail_exchange", "dns.txt", "dns.txt.length",
    "dns.soa.mname", "dns.soa.rname", "dns.soa.serial_number",
    "dns.soa.refresh_interval", "dns.soa.retry_interval",
    "dns.soa.expire_limit", "dns.soa.minimum_ttl",
    "dns.srv.priority", "dns.srv.weight", "dns.srv.port", "dns.srv.target",
    "dns.srv.service", "dns.srv.proto", "dns.srv.name",
    "dns.nsec.next_domain_name", "dns.nsec3.salt_length", "dns.nsec3.hash_length",
    # tls
    "tls.handshake.type", "tls.handshake.extensions_server_name",
    "tls.handshake.ja3", "tls.handshake.ja3_full",
    "tls.handshake.ja3s", "tls.handshake.ja3s_full",
    "tls.handshake.version", "tls.handshake.extensions.supported_version",
    "tls.handshake.certificate", "x509af.serialNumber",
    # http
    "http.request.method", "http.request.uri", "http.request.version",
    "http.host", "http.user_agent", "http.response.code",
    # smtp
    "smtp.req.command", "smtp.req.parameter", "imf.subject",
]


def tshark_version():
    out = subprocess.run(["tshark", "-v"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else "?"


def run_tshark(path):
    """One tshark pass; returns ([frame dict of field -> [values]], stderr)."""
    cmd = ["tshark", "-2", "-n", "-r", path,
           "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE",
           "-o", "tls.desegment_ssl_records:TRUE",
           "-o", "tls.desegment_ssl_application_data:TRUE",
           "-o", "http.desegment_headers:TRUE",
           "-o", "http.desegment_body:FALSE",
           "-o", "smtp.desegment_lines:TRUE",
           "-o", "smtp.desegment_data:TRUE",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=" + AGG]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, check=False)
    stdout = out.stdout.decode("utf-8", "surrogateescape")
    stderr = out.stderr.decode("utf-8", "replace")
    stderr = "\n".join(l for l in stderr.splitlines() if "dangerous" not in l)
    if out.returncode != 0 and not stdout:
        # A capture tshark rejects outright: nothing to compare against.
        return None, stderr.strip()
    frames = []
    for line in stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        frames.append({k: (v.split(AGG) if v else []) for k, v in zip(TSHARK_FIELDS, cols)})
    return frames, stderr.strip()


def run_hradba(hradba, path):
    out = subprocess.run([hradba, "read", "-q", "--no-progress", path],
                         capture_output=True, check=False)
    if out.returncode not in (0, 3):
        raise RuntimeError(f"hradba read exited {out.returncode}: "
                           f"{out.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    events = []
    for line in out.stdout.decode("utf-8", "surrogateescape").splitlines():
        events.append(json.loads(line))
    return events, out.returncode


# ---------------------------------------------------------------- frames


def frame_tuple(f):
    """(transport, src, sport, dst, dport) of the innermost TCP/UDP header,
    or None. Frames that are ICMP errors quoting a datagram carry no message
    of their own (tshark dissects the quoted DNS; hradba, like Suricata,
    does not), so they give None too."""
    layers = f["frame.protocols"][0].split(":") if f["frame.protocols"] else []
    if "icmp" in layers or "icmpv6" in layers:
        return None
    transport = ip_layer = None
    for layer in layers:
        if layer in ("ip", "ipv6"):
            ip_layer, transport = layer, None
        elif layer in ("tcp", "udp") and ip_layer:
            transport = layer
    if not transport:
        return None
    src, dst = f[ip_layer + ".src"], f[ip_layer + ".dst"]
    sport, dport = f[transport + ".srcport"], f[transport + ".dstport"]
    if not (src and dst and sport and dport):
        return None
    return (transport.upper(), norm_ip(src[-1]), int(sport[-1]),
            norm_ip(dst[-1]), int(dport[-1]))


def event_tuple(ev):
    return (ev.get("proto", ""), norm_ip(ev["src_ip"]), int(ev.get("src_port", 0)),
            norm_ip(ev["dest_ip"]), int(ev.get("dest_port", 0)))


def fmt_tuple(t):
    proto, a, pa, b, pb = t
    if ":" in a:
        a = f"[{a}]"
    if ":" in b:
        b = f"[{b}]"
    return f"{proto} {a}:{pa} > {b}:{pb}"


def reverse(t):
    return (t[0], t[3], t[4], t[1], t[2])


class Side:
    """Records of one side in capture order, grouped by base key (the
    5-tuple and what identifies the record on it)."""

    def __init__(self):
        self.groups = {}

    def add(self, base, rec):
        self.groups.setdefault(base, []).append(rec)
        return rec


def signature(rec):
    return json.dumps(rec, sort_keys=True, default=str)


def pair_records(ours, theirs):
    """[(key, hradba record or None, tshark record or None)]. Records of one
    base key pair in order; when the counts differ, the two sequences are
    aligned on content (difflib) so that one message missing on one side is
    one absent record, not a shift of every later one. Keys number the
    records of a base key from #1 in tshark's order; a record only hradba
    has is numbered #+n in hradba's order."""
    out = []
    for base in list(theirs.groups) + [b for b in ours.groups if b not in theirs.groups]:
        o, t = ours.groups.get(base, []), theirs.groups.get(base, [])
        if len(o) == len(t):
            out += [(f"{base} #{i + 1}", o[i], t[i]) for i in range(len(t))]
            continue
        sm = difflib.SequenceMatcher(None, [signature(r) for r in o],
                                     [signature(r) for r in t], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag in ("equal", "replace"):
                n = min(i2 - i1, j2 - j1)
                out += [(f"{base} #{j1 + k + 1}", o[i1 + k], t[j1 + k]) for k in range(n)]
                i1, j1 = i1 + n, j1 + n
            out += [(f"{base} #{j + 1}", None, t[j]) for j in range(j1, j2)]
            out += [(f"{base} #+{i + 1}", o[i], None) for i in range(i1, i2)]
    return out


# ---------------------------------------------------------------- DNS
#
# Normalisation (both sides):
# - rrtype: tshark prints the number; it becomes the IANA mnemonic below
#   (Suricata's spelling NSAPPTR for 23), unknown types stay numbers, as
#   hradba writes them.
# - rcode: the 4-bit header rcode, as Suricata's names; others the number.
# - names: compared byte for byte (case kept: 0x20 randomisation must come
#   through); tshark's "<Root>" is the empty name hradba writes.
# - AAAA: both through ipaddress, so hradba's uncompressed Suricata form and
#   tshark's RFC 5952 form compare equal.
# - rdata is compared for A AAAA CNAME NS PTR MX (exchange only, as in
#   Suricata) TXT (strings concatenated) SOA (7 values) SRV (4 values);
#   other types compare owner, type and TTL only (hradba writes hex, tshark
#   per-type fields).
# - caps documented in docs/protocols/dns.md: a query's questions are
#   compared up to 4, answers up to 32, authorities up to 8.
# - UPDATE messages: tshark calls the sections zones/prerequisites/updates;
#   they are the question/answer/authority sections hradba writes.

DNS_TYPES = {
    1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG",
    9: "MR", 10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO",
    15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN",
    21: "RT", 22: "NSAP", 23: "NSAPPTR", 24: "SIG", 25: "KEY", 26: "PX",
    27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 33: "SRV", 34: "ATMA",
    35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME", 41: "OPT",
    42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG",
    47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM",
    52: "TLSA", 53: "SMIMEA", 55: "HIP", 59: "CDS", 60: "CDNSKEY",
    61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS",
    99: "SPF", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR",
    253: "MAILB", 254: "MAILA", 255: "ANY", 256: "URI", 257: "CAA",
    32768: "TA", 32769: "DLV",
}
DNS_RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
              "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
DNS_CAP_QUESTIONS, DNS_CAP_ANSWERS, DNS_CAP_AUTHORITIES = 4, 32, 8
DNS_RDATA_TYPES = {"A", "AAAA", "CNAME", "NS", "PTR", "MX", "TXT", "SOA", "SRV"}


def dns_type(n):
    return DNS_TYPES.get(int(n), str(int(n)))


def dns_rcode(n):
    n = int(n)
    return DNS_RCODES[n] if n < len(DNS_RCODES) else str(n)


def dns_name(s):
    return "" if s == "<Root>" else s


HIGH_OCTAL = re.compile(r"(?:\\[23][0-7]{2})+")


def dns_hradba_text(s):
    """hradba escapes every octet 0x80-0xff as \\ooo; tshark's text output
    passes valid UTF-8 through and prints U+FFFD for each invalid octet. So
    hradba's escaped high octets are turned back into bytes and decoded the
    way tshark does before comparing (tshark's text is lossy, not hradba's;
    see dns_message_record for the replacement characters)."""
    def decode(m):
        raw = bytes(int(m.group(0)[i + 1:i + 4], 8) for i in range(0, len(m.group(0)), 4))
        return raw.decode("utf-8", "replace")
    return HIGH_OCTAL.sub(decode, s)


def dns_addr(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def dns_rr_text(name, rtype, ttl, rdata):
    return f"{name} {rtype} {ttl} {rdata}".rstrip()


def dns_message_record(tup, is_response, dns_id, questions, rcode, answers, auths):
    if is_response:
        # A response event names only its first question.
        rec = {"rrname": questions[0][0] if questions else ABSENT,
               "rrtype": questions[0][1] if questions else ABSENT,
               "rcode": rcode,
               "answers": " | ".join(answers[:DNS_CAP_ANSWERS]) or ABSENT,
               "authorities": " | ".join(auths[:DNS_CAP_AUTHORITIES]) or ABSENT}
    else:
        qs = questions[:DNS_CAP_QUESTIONS]
        rec = {"rrname": ";".join(q[0] for q in qs) if qs else ABSENT,
               "rrtype": ";".join(q[1] for q in qs) if qs else ABSENT}
    # Runs of U+FFFD collapse to one: tshark and Python disagree on how many
    # replacement characters an invalid UTF-8 sequence is worth.
    rec = {k: re.sub("\ufffd+", "\ufffd", v) for k, v in rec.items()}
    kind = "response" if is_response else "query"
    return f"{fmt_tuple(tup)} {kind} id={dns_id}", rec


class Cursor:
    """Walks one aggregated tshark field in order across a frame's PDUs."""

    def __init__(self, values):
        self.values, self.i = values, 0

    def take(self, n=1):
        got = self.values[self.i:self.i + n]
        self.i += n
        return got

    def next(self, default=""):
        got = self.take(1)
        return got[0] if got else default


def dns_tshark(frames):
    side = Side()
    for f in frames:
        if not f["dns.id"]:
            continue
        tup = frame_tuple(f)
        if not tup:
            continue
        c = {k: Cursor(f[k]) for k in TSHARK_FIELDS if k.startswith("dns.")}
        # Section counts, per PDU in the frame (DNS over TCP may carry several);
        # UPDATE renames them (zones, prerequisites, updates).
        qd = f["dns.count.queries"] or f["dns.count.zones"]
        an = f["dns.count.answers"] or f["dns.count.prerequisites"]
        ns = f["dns.count.auth_rr"] or f["dns.count.updates"]
        ar = f["dns.count.add_rr"]
        for i, raw_id in enumerate(f["dns.id"]):
            dns_id = int(raw_id, 16)
            is_resp = c["dns.flags.response"].next("0") in ("1", "True")
            rcode = dns_rcode(c["dns.flags.rcode"].next("0")) if is_resp else ""
            n_qd = int(qd[i]) if i < len(qd) else 0
            names = c["dns.qry.name"].take(n_qd)
            types = c["dns.qry.type"].take(n_qd)
            questions = [(dns_name(n), dns_type(t)) for n, t in zip(names, types)]
            n_an = int(an[i]) if i < len(an) else 0
            n_ns = int(ns[i]) if i < len(ns) else 0
            n_ar = int(ar[i]) if i < len(ar) else 0
            rrs = []
            for _ in range(n_an + n_ns + n_ar):
                raw_type = c["dns.resp.type"].next(None)
                if raw_type is None:
                    break  # tshark stopped at a malformed RR
                rtype = dns_type(raw_type)
                if rtype == "SRV":
                    # tshark files an SRV owner as service, proto and name.
                    name = ".".join(x for x in (c["dns.srv.service"].next(),
                                                c["dns.srv.proto"].next(),
                                                c["dns.srv.name"].next()) if x)
                else:
                    name = c["dns.resp.name"].next()
                # OPT carries no TTL field in tshark (it shows the EDNS bits).
                ttl = "" if rtype == "OPT" else c["dns.resp.ttl"].next("")
                rdlen = int(c["dns.resp.len"].next("0") or 0)
                rdata = dns_tshark_rdata(c, rtype, rdlen)
                rrs.append(dns_rr_text(dns_name(name), rtype, ttl, rdata))
            base, rec = dns_message_record(tup, is_resp, dns_id, questions, rcode,
                                           rrs[:n_an], rrs[n_an:n_an + n_ns])
            side.add(base, rec)
    return side


def dns_unescaped_len(name):
    """Octets of a name in wire form, from tshark's escaped text."""
    if not name:
        return 1
    raw = re.sub(r"\\[0-7]{3}|\\.", "x", name)
    return len(raw) + 2


def dns_bitmap_len(types):
    """Octets of an NSEC-style type bitmap (RFC 4034 4.1.2) holding types."""
    windows = {}
    for t in types:
        windows[t >> 8] = max(windows.get(t >> 8, 0), (t & 0xff) // 8 + 1)
    return sum(2 + n for n in windows.values())


def dns_skip_bitmap(c, fixed_len, rdlen):
    """tshark adds each type of an NSEC/NSEC3/CSYNC bitmap as one more
    dns.resp.type: skip them. How many is not printed; it is the longest
    ascending run of the following types whose bitmap fills the rdata
    (rdlen - fixed_len octets)."""
    want = rdlen - fixed_len
    cur = c["dns.resp.type"]
    rest = [int(v) for v in cur.values[cur.i:cur.i + 512] if v.isdigit()]
    best, run = 0, []
    for t in rest:
        if run and t <= run[-1]:
            break
        run.append(t)
        if dns_bitmap_len(run) == want:
            best = len(run)
        elif dns_bitmap_len(run) > want:
            break
    cur.take(best)


def dns_tshark_rdata(c, rtype, rdlen):
    if rdlen == 0:
        return ""  # an UPDATE deletion or prerequisite: tshark prints no rdata
    if rtype == "NSEC":
        dns_skip_bitmap(c, dns_unescaped_len(dns_name(c["dns.nsec.next_domain_name"].next())),
                        rdlen)
        return ""
    if rtype == "NSEC3":
        salt, hsh = c["dns.nsec3.salt_length"].next("0"), c["dns.nsec3.hash_length"].next("0")
        dns_skip_bitmap(c, 6 + int(salt or 0) + int(hsh or 0), rdlen)
        return ""
    if rtype == "CSYNC":
        dns_skip_bitmap(c, 6, rdlen)
        return ""
    if rtype == "A":
        return c["dns.a"].next()
    if rtype == "AAAA":
        return dns_addr(c["dns.aaaa"].next())
    if rtype == "CNAME":
        return dns_name(c["dns.cname"].next())
    if rtype == "NS":
        return dns_name(c["dns.ns"].next())
    if rtype == "PTR":
        return dns_name(c["dns.ptr.domain_name"].next())
    if rtype == "MX":
        return dns_name(c["dns.mx.mail_exchange"].next())
    if rtype == "TXT":
        # One dns.txt per character-string; the RR's strings fill its rdata.
        text, used = "", 0
        while used < rdlen:
            ln = c["dns.txt.length"].next(None)
            if ln is None:
                break
            used += int(ln) + 1
            text += c["dns.txt"].next()
        return text
    if rtype == "SOA":
        return " ".join([dns_name(c["dns.soa.mname"].next()), dns_name(c["dns.soa.rname"].next()),
                         c["dns.soa.serial_number"].next(), c["dns.soa.refresh_interval"].next(),
                         c["dns.soa.retry_interval"].next(), c["dns.soa.expire_limit"].next(),
                         c["dns.soa.minimum_ttl"].next()])
    if rtype == "SRV":
        return " ".join([c["dns.srv.priority"].next(), c["dns.srv.weight"].next(),
                         c["dns.srv.port"].next(), dns_name(c["dns.srv.target"].next())])
    return ""


def dns_hradba_rr(rr):
    rtype = rr.get("rrtype", "")
    rdata = ""
    ttl = "" if rtype == "OPT" else rr.get("ttl", "")  # tshark: EDNS fields, no TTL
    if rtype in DNS_RDATA_TYPES:
        if rtype == "SOA" and "soa" in rr:
            s = rr["soa"]
            rdata = " ".join(str(s.get(k, "")) for k in
                             ("mname", "rname", "serial", "refresh", "retry", "expire", "minimum"))
        elif rtype == "SRV" and "srv" in rr:
            s = rr["srv"]
            rdata = " ".join(str(s.get(k, "")) for k in ("priority", "weight", "port", "name"))
        elif rtype == "AAAA":
            rdata = dns_addr(rr.get("rdata", ""))
        else:
            rdata = rr.get("rdata", "")
    return dns_hradba_text(dns_rr_text(rr.get("rrname", ""), rtype, ttl, rdata))


def dns_hradba(events):
    side = Side()
    pending = None  # the query message being assembled from per-question events

    def flush():
        if pending:
            base, rec = dns_message_record(pending["tup"], False, pending["id"],
                                           pending["qs"], "", [], [])
            side.add(base, rec)

    for ev in events:
        if ev.get("event_type") != "dns":
            continue
        d = ev["dns"]
        tup = event_tuple(ev)
        if d.get("type") == "query":
            # Suricata writes one event per question; the events of one
            # message are consecutive and share the flow and the tx_id.
            mark = (ev.get("flow_id"), d.get("tx_id"), tup, d.get("id"))
            q = (dns_hradba_text(d["rrname"]), d.get("rrtype", "")) if "rrname" in d else None
            if pending and pending["mark"] == mark:
                if q:
                    pending["qs"].append(q)
                continue
            flush()
            pending = {"mark": mark, "tup": tup, "id": d.get("id"), "qs": [q] if q else []}
            continue
        flush()
        pending = None
        qs = [(dns_hradba_text(d["rrname"]), d.get("rrtype", ""))] if "rrname" in d else []
        base, rec = dns_message_record(
            tup, True, d.get("id"), qs, d.get("rcode", ""),
            [dns_hradba_rr(rr) for rr in d.get("answers", [])],
            [dns_hradba_rr(rr) for rr in d.get("authorities", [])])
        side.add(base, rec)
    flush()
    return side


# ---------------------------------------------------------------- TLS
#
# tshark: the ClientHello gives sni and ja3 (tshark's JA3 leaves GREASE out,
# as the JA3 reference does); the ServerHello ja3s and the version
# (supported_versions when present, else its legacy version); the first
# certificate of the Certificate message the subject, issuer and serial.
# tshark prints a DN only as display text (id-at-commonName=...), truncated
# in long names, so the DN is rendered here from the certificate bytes
# tshark extracted, in Suricata's form ("C=US, O=Org, CN=name": RDNs in
# certificate order joined by ", ", multi-valued RDNs by " + "); the serial
# is tshark's own x509af.serialNumber.
# Normalisation: hashes and serials compared in lowercase hex without
# separators; version as the 16-bit number (hradba's "TLS 1.2" -> 0x0303);
# only TLS over TCP (QUIC's handshake is the quic event).

TLS_VERSIONS = {"SSLv2": 0x0200, "SSLv3": 0x0300, "TLSv1": 0x0301, "TLS 1.0": 0x0301,
                "TLSv1.0": 0x0301, "TLS 1.1": 0x0302, "TLSv1.1": 0x0302,
                "TLS 1.2": 0x0303, "TLSv1.2": 0x0303, "TLS 1.3": 0x0304,
                "TLSv1.3": 0x0304}

DN_NAMES = {
    "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
    "2.5.4.9": "street", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "serialNumber",
    "2.5.4.4": "SN", "2.5.4.42": "GN", "2.5.4.12": "title", "2.5.4.17": "postalCode",
    "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym", "2.5.4.43": "initials",
    "2.5.4.15": "businessCategory", "2.5.4.97": "organizationIdentifier",
    "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress", "1.2.840.113549.1.9.2": "unstructuredName",
    "2.5.29.17": "subjectAltName",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
}


def der_tlv(b, i):
    """(tag, value start, value end) of the DER element at b[i]."""
    tag = b[i]
    ln = b[i + 1]
    i += 2
    if ln & 0x80:
        n = ln & 0x7f
        if n == 0 or n > 4:
            raise ValueError("DER length")
        ln = int.from_bytes(b[i:i + n], "big")
        i += n
    if i + ln > len(b):
        raise ValueError("DER overrun")
    return tag, i, i + ln


def der_children(b, start, end):
    out = []
    while start < end:
        tag, vs, ve = der_tlv(b, start)
        out.append((tag, vs, ve))
        start = ve
    return out


def der_oid(v):
    first = v[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    n = 0
    for byte in v[1:]:
        n = (n << 7) | (byte & 0x7f)
        if not byte & 0x80:
            parts.append(n)
            n = 0
    return ".".join(map(str, parts))


def der_string(tag, v):
    """A DN value as text: string types decoded to Unicode, control
    characters (below 0x20, and 0x7f) as \\HH in uppercase hex, the form
    hradba writes (OpenSSL's ASN1_STRFLGS_ESC_CTRL); other types as #hex
    of the DER value, as OpenSSL prints them."""
    codecs = {12: "utf-8", 19: "latin-1", 22: "latin-1", 20: "latin-1", 18: "latin-1",
              26: "latin-1", 30: "utf-16-be", 28: "utf-32-be"}
    if tag not in codecs:
        return "#" + bytes([tag, len(v)]).hex() + v.hex() if len(v) < 128 else "#" + v.hex()
    text = v.decode(codecs[tag], "replace")
    return "".join(f"\\{ord(ch):02X}" if ord(ch) < 0x20 or ord(ch) == 0x7f else ch
                   for ch in text)


def der_name(b, start, end):
    rdns = []
    for _, ss, se in der_children(b, start, end):  # SET OF
        atvs = []
        for _, as_, ae in der_children(b, ss, se):  # SEQUENCE {type, value}
            kids = der_children(b, as_, ae)
            oid = der_oid(b[kids[0][1]:kids[0][2]])
            tag, vs, ve = kids[1]
            atvs.append(f"{DN_NAMES.get(oid, oid)}={der_string(tag, b[vs:ve])}")
        rdns.append(" + ".join(atvs))
    return ", ".join(rdns)


def x509_fields(der):
    """(subject, issuer, serial hex) of one DER certificate."""
    _, cs, ce = der_tlv(der, 0)
    _, ts, te = der_children(der, cs, ce)[0]
    kids = der_children(der, ts, te)
    if kids[0][0] == 0xa0:  # [0] version
        kids = kids[1:]
    serial = der[kids[0][1]:kids[0][2]].hex()
    issuer = der_name(der, kids[2][1], kids[2][2])
    subject = der_name(der, kids[4][1], kids[4][2])
    return subject, issuer, serial


def norm_hex(s):
    return re.sub(r"[^0-9a-f]", "", s.lower())


def tls_version_text(n):
    names = {0x0200: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
             0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
    return names.get(n, f"0x{n:04x}")


def tls_version_number(v):
    """hradba's version text as the 16-bit number: Suricata's names, and
    TLS 1.3 drafts as "TLS 1.3 draft-28" (0x7f1c) or Facebook's
    "TLS 1.3 draft-fb26" (0xfb1a)."""
    if v in TLS_VERSIONS:
        return TLS_VERSIONS[v]
    m = re.fullmatch(r"TLS 1\.3 draft-(fb)?(\d+)", v)
    if m:
        return (0xfb00 if m.group(1) else 0x7f00) + int(m.group(2))
    m = re.fullmatch(r"0x([0-9a-fA-F]{1,4})", v)
    return int(m.group(1), 16) if m else None


def tls_tshark(frames):
    side = Side()
    latest = {}  # client -> server tuple: (tcp.stream, its record)
    for f in frames:
        types = f["tls.handshake.type"]
        if not types:
            continue
        tup = frame_tuple(f)
        if not tup or tup[0] != "TCP":
            continue
        stream = f["tcp.stream"][-1] if f["tcp.stream"] else ""
        if "1" in types:
            if tup in latest and latest[tup][0] == stream:
                # A second ClientHello on one connection answers a
                # HelloRetryRequest (RFC 8446 4.1.4): still one handshake,
                # described by the first ClientHello (as hradba does).
                continue
            rec = {"sni": last(",".join(f["tls.handshake.extensions_server_name"])) or ABSENT,
                   "ja3": ABSENT, "ja3s": ABSENT, "version": ABSENT,
                   "subject": ABSENT, "issuerdn": ABSENT, "serial": ABSENT}
            if f["tls.handshake.ja3"]:
                rec["ja3"] = (f["tls.handshake.ja3"][0].lower(),
                              f["tls.handshake.ja3_full"][0] if f["tls.handshake.ja3_full"] else "")
            latest[tup] = (stream, side.add(fmt_tuple(tup), rec))
            continue
        ctup = reverse(tup)
        if ctup in latest:
            rec = latest[ctup][1]
        elif tup in latest:
            continue  # the client's own Certificate (client authentication)
        elif "2" in types:
            # The capture began after the ClientHello: the ServerHello
            # tells the server.
            rec = {k: ABSENT for k in FIELDS["tls"]}
            latest[ctup] = (stream, side.add(fmt_tuple(ctup), rec))
        else:
            continue
        if "2" in types and rec["ja3s"] == ABSENT:
            if f["tls.handshake.ja3s"]:
                rec["ja3s"] = (f["tls.handshake.ja3s"][0].lower(),
                               f["tls.handshake.ja3s_full"][0]
                               if f["tls.handshake.ja3s_full"] else "")
            sv = f["tls.handshake.extensions.supported_version"]
            ver = sv[-1] if sv else (f["tls.handshake.version"][-1]
                                     if f["tls.handshake.version"] else "")
            if ver:
                rec["version"] = tls_version_text(int(ver, 16))
        if "11" in types and rec["subject"] == ABSENT and f["tls.handshake.certificate"]:
            der = bytes.fromhex(norm_hex(f["tls.handshake.certificate"][0]))
            try:
                subject, issuer, _ = x509_fields(der)
                rec["subject"], rec["issuerdn"] = subject, issuer
            except (ValueError, IndexError):
                pass
            if f["x509af.serialNumber"]:
                rec["serial"] = norm_hex(f["x509af.serialNumber"][0])
    return side


def tls_hradba(events):
    side = Side()
    for ev in events:
        if ev.get("event_type") != "tls":
            continue
        t = ev["tls"]
        rec = {k: ABSENT for k in FIELDS["tls"]}
        if t.get("sni"):
            rec["sni"] = t["sni"]
        for k in ("ja3", "ja3s"):
            if isinstance(t.get(k), dict) and t[k].get("hash"):
                rec[k] = (t[k]["hash"].lower(), t[k].get("string", ""))
        v = t.get("version")
        if v and v != "UNDETERMINED":
            n = tls_version_number(v)
            rec["version"] = tls_version_text(n) if n is not None else v
        for k in ("subject", "issuerdn"):
            if t.get(k):
                rec[k] = t[k]
        if t.get("serial"):
            rec["serial"] = norm_hex(t["serial"])
        side.add(fmt_tuple(event_tuple(ev)), rec)
    return side


# ---------------------------------------------------------------- HTTP
#
# HTTP/1.x over TCP (tshark also decodes SSDP over UDP as http: left out).
# tshark files each request and response in the frame that completes it;
# responses pair with the flow's requests in order (HTTP/1.1 answers in
# order). Normalisation: hostname is what Suricata (libhtp) calls it: the
# host of an absolute-form or CONNECT authority-form request target when
# there is one, else the Host header, without its ":port" either way
# (Suricata writes the port apart, as http_port). Method, URI and
# User-Agent are compared as sent, the status as its number.


def http_hostname(uri, host):
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)", uri or "")
    if m:
        host = m.group(1).rsplit("@", 1)[-1]
    elif uri and not uri.startswith("/") and uri != "*":
        host = uri  # CONNECT host:port
    if not host or host == ABSENT:
        return ABSENT
    if host.startswith("["):
        return host[:host.index("]") + 1] if "]" in host else host
    return re.sub(r":\d*$", "", host)


def http_tshark(frames):
    side = Side()
    waiting = {}  # client -> server tuple: records without a response yet
    for f in frames:
        methods, codes = f["http.request.method"], f["http.response.code"]
        if not methods and not codes:
            continue
        tup = frame_tuple(f)
        if not tup or tup[0] != "TCP":
            continue
        uris, hosts, agents = f["http.request.uri"], f["http.host"], f["http.user_agent"]
        for i, m in enumerate(methods):
            # Host and User-Agent are per request; several requests in one
            # frame line up only when every request has them.
            one = len(methods) == 1
            uri = uris[i] if i < len(uris) else ABSENT
            host = (hosts[i] if (one or len(hosts) == len(methods)) and i < len(hosts)
                    else ABSENT)
            rec = {"http_method": m,
                   "url": uri,
                   "hostname": http_hostname(uri, host),
                   "http_user_agent": (agents[i] if (one or len(agents) == len(methods))
                                       and i < len(agents) else ABSENT),
                   "status": ABSENT}
            side.add(fmt_tuple(tup), rec)
            waiting.setdefault(tup, []).append(rec)
        for code in codes:
            ctup = reverse(tup)
            queue = waiting.get(ctup)
            if queue:
                queue.pop(0)["status"] = code
            else:
                rec = {k: ABSENT for k in FIELDS["http"]}
                rec["status"] = code
                side.add(fmt_tuple(ctup), rec)
    return side


def http_hradba(events):
    side = Side()
    for ev in events:
        if ev.get("event_type") != "http":
            continue
        h = ev["http"]
        rec = {k: (str(h[k]) if h.get(k) not in (None, "") else ABSENT) for k in FIELDS["http"]}
        side.add(fmt_tuple(event_tuple(ev)), rec)
    return side


# ---------------------------------------------------------------- SMTP
#
# A transaction starts at MAIL FROM; RCPT TO adds recipients; the Subject
# header of the DATA that follows (tshark's IMF dissector) is its subject.
# Normalisation: addresses without the angle brackets and the ESMTP
# parameters that follow them (SIZE=, BODY=); recipients in order, joined
# by ", "; the subject as sent (no MIME word decoding either side).

SMTP_ADDR = re.compile(r"^\s*(?:FROM|TO)\s*:\s*(<[^>]*>|\S*)", re.I)


def smtp_addr(s):
    s = s.strip()
    m = SMTP_ADDR.match(s)
    if m:
        s = m.group(1)
    elif s.startswith("<") and ">" in s:
        s = s[:s.index(">") + 1]
    return s.strip().strip("<>")


def smtp_tshark(frames):
    side = Side()
    current = {}
    for f in frames:
        params, subjects = f["smtp.req.parameter"], f["imf.subject"]
        if not params and not subjects:
            continue
        tup = frame_tuple(f)
        if not tup or tup[0] != "TCP":
            continue
        for p in params:
            head = p.lstrip().upper()
            if head.startswith("FROM:") or head.startswith("FROM :"):
                rec = {"mail_from": smtp_addr(p), "rcpt_to": [], "subject": ABSENT}
                current[tup] = side.add(fmt_tuple(tup), rec)
            elif (head.startswith("TO:") or head.startswith("TO :")) and tup in current:
                current[tup]["rcpt_to"].append(smtp_addr(p))
        for s in subjects:
            if tup in current and current[tup]["subject"] == ABSENT:
                current[tup]["subject"] = s
    for recs in side.groups.values():
        for rec in recs:
            rec["rcpt_to"] = ", ".join(rec["rcpt_to"]) or ABSENT
    return side


def smtp_hradba(events):
    side = Side()
    for ev in events:
        if ev.get("event_type") != "smtp":
            continue
        s, e = ev.get("smtp", {}), ev.get("email", {})
        rec = {"mail_from": smtp_addr(s["mail_from"]) if s.get("mail_from") else ABSENT,
               "rcpt_to": ", ".join(smtp_addr(r) for r in s.get("rcpt_to", [])) or ABSENT,
               "subject": e.get("subject") or ABSENT}
        side.add(fmt_tuple(event_tuple(ev)), rec)
    return side


EXTRACT = {
    "dns": (dns_tshark, dns_hradba),
    "tls": (tls_tshark, tls_hradba),
    "http": (http_tshark, http_hradba),
    "smtp": (smtp_tshark, smtp_hradba),
}

# ---------------------------------------------------------------- compare


def cmp_value(v):
    return v[0] if isinstance(v, tuple) else v


def show_value(v):
    if isinstance(v, tuple):
        v = f"{v[0]} ({v[1]})" if v[1] else v[0]
    v = str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return v if len(v) <= 400 else v[:400] + "..."


def compare(proto, ours, theirs):
    """Tallies and disagreements [(key, field, hradba, tshark)]."""
    fields = FIELDS[proto]
    tally = {"records": 0, "records_agree": 0, "fields": 0, "fields_agree": 0}
    diffs = []
    # A record with none of the compared fields (an SMTP session that never
    # got to MAIL FROM) says nothing either way: left out on both sides.
    for side in (ours, theirs):
        for base in side.groups:
            side.groups[base] = [r for r in side.groups[base]
                                 if any(cmp_value(r.get(k, ABSENT)) != ABSENT for k in fields)]
    pairs = pair_records(ours, theirs)
    tally["hradba_records"] = sum(1 for _, o, _ in pairs if o is not None)
    tally["tshark_records"] = sum(1 for _, _, t in pairs if t is not None)
    for key, o, t in pairs:
        tally["records"] += 1
        if o is None or t is None:
            have = t if o is None else o
            n = sum(1 for k in fields if k in have and cmp_value(have[k]) != ABSENT)
            tally["fields"] += max(n, 1)
            summary = "; ".join(f"{k}={show_value(have[k])}" for k in fields
                                if k in have and cmp_value(have[k]) != ABSENT)
            diffs.append((key, "record", ABSENT if o is None else summary,
                          ABSENT if t is None else summary))
            continue
        agree = True
        for k in fields:
            if k not in o and k not in t:
                continue
            ov, tv = o.get(k, ABSENT), t.get(k, ABSENT)
            if cmp_value(ov) == ABSENT and cmp_value(tv) == ABSENT:
                continue
            tally["fields"] += 1
            if cmp_value(ov) == cmp_value(tv):
                tally["fields_agree"] += 1
            else:
                agree = False
                diffs.append((key, k, show_value(ov), show_value(tv)))
        if agree:
            tally["records_agree"] += 1
    return tally, diffs


def key_match(text, pattern):
    """Glob with * and ? only: keys hold IPv6 addresses in [brackets], which
    fnmatch would read as character classes."""
    rx = re.escape(pattern).replace("\\*", ".*").replace("\\?", ".")
    return re.fullmatch(rx, text, re.S) is not None


def load_exceptions(path, relpath):
    rules = []
    if not path or not os.path.exists(path):
        return rules
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5 or cols[0] not in PROTOS or not cols[4].strip():
                raise RuntimeError(f"{path}:{n}: want proto<TAB>capture glob<TAB>field"
                                   f"<TAB>key glob<TAB>reason (proto one of {PROTOS})")
            if fnmatch.fnmatchcase(relpath, cols[1]):
                rules.append({"line": n, "proto": cols[0], "field": cols[2], "key": cols[3],
                              "reason": cols[4], "used": 0})
    return rules


def check_capture(hradba, root, relpath, exceptions):
    """Everything about one capture, as a JSON-able dict."""
    path = os.path.join(root, relpath)
    frames, tshark_err = run_tshark(path)
    events, hradba_rc = run_hradba(hradba, path)
    rules = load_exceptions(exceptions, relpath)
    result = {"capture": relpath, "hradba_exit": hradba_rc, "tshark_error": tshark_err[-300:],
              "protos": {}, "stale": [], "unexplained": 0}
    for proto in PROTOS:
        flags = [r for r in rules if r["proto"] == proto and r["key"] == "not-implemented"]
        has_events = any(ev.get("event_type") == HRADBA_EVENT[proto] for ev in events)
        if flags:
            for r in flags:
                if has_events:
                    result["stale"].append(
                        f"line {r['line']}: {proto} marked not-implemented, but hradba "
                        f"writes {proto} events now: remove the row")
                else:
                    r["used"] += 1
            result["protos"][proto] = {"not_implemented": True}
            continue
        if frames is None:
            # tshark refused the capture: there is nothing to compare against.
            result["protos"][proto] = {"tshark_refused": True}
            continue
        ours = EXTRACT[proto][1](events)
        theirs = EXTRACT[proto][0](frames)
        tally, diffs = compare(proto, ours, theirs)
        lines = []
        for key, field, hv, tv in diffs:
            rule = next((r for r in rules
                         if r["proto"] == proto and r["key"] != "not-implemented"
                         and key_match(field, r["field"])
                         and key_match(key, r["key"])), None)
            if rule:
                rule["used"] += 1
            else:
                result["unexplained"] += 1
            lines.append({"key": key, "field": field, "hradba": hv, "tshark": tv,
                          "reason": rule["reason"] if rule else None})
        tally["diffs"] = lines
        result["protos"][proto] = tally
    for r in rules:
        if not r["used"] and r["key"] != "not-implemented":
            result["stale"].append(f"line {r['line']} ({r['proto']} {r['field']} {r['key']}): "
                                   f"explains no disagreement in this capture")
    return result


def stamp(hradba, root, relpath, exceptions):
    """What a cached result depends on: changes to any of these redo it."""
    parts = []
    for p in (hradba, os.path.join(root, relpath), exceptions, os.path.abspath(__file__),
              shutil.which("tshark")):
        try:
            st = os.stat(p)
            parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
        except (OSError, TypeError):
            parts.append(f"{p}:-")
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def cache_path(cache_dir, relpath):
    return os.path.join(cache_dir, relpath.replace("/", "__") + ".json")


def cached_check(hradba, root, relpath, exceptions, cache_dir):
    """check_capture, reusing a result the per-capture test stored in the
    build directory when nothing it depends on changed."""
    want = stamp(hradba, root, relpath, exceptions)
    if cache_dir:
        try:
            with open(cache_path(cache_dir, relpath), encoding="utf-8") as f:
                got = json.load(f)
            if got.get("stamp") == want:
                return got
        except (OSError, ValueError):
            pass
    result = check_capture(hradba, root, relpath, exceptions)
    result["stamp"] = want
    if cache_dir:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = cache_path(cache_dir, relpath) + f".{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f)
        os.replace(tmp, cache_path(cache_dir, relpath))
    return result


def report(result, verbose):
    """Prints one capture's result; returns the exit status."""
    rel = result["capture"]
    for proto in PROTOS:
        t = result["protos"].get(proto, {})
        for d in t.get("diffs", []):
            if d["reason"] is None:
                print("\t".join([proto, rel, d["key"], d["field"], d["hradba"], d["tshark"]]))
            elif verbose:
                print("\t".join([proto, rel, d["key"], d["field"], d["hradba"], d["tshark"],
                                 "explained: " + d["reason"]]))
    for s in result["stale"]:
        print(f"# STALE exception {s}")
    for proto in PROTOS:
        t = result["protos"].get(proto, {})
        if t.get("not_implemented"):
            print(f"# {proto}: not implemented (skipped by proto_exceptions.tsv)")
        elif t.get("tshark_refused"):
            print(f"# {proto}: tshark refused the capture: {result['tshark_error'][:200]}")
        elif t.get("records"):
            n_bad = sum(1 for d in t["diffs"] if d["reason"] is None)
            print(f"# {proto}: {t['records']} records ({t['hradba_records']} hradba, "
                  f"{t['tshark_records']} tshark), {t['records_agree']} agree; "
                  f"{t['fields']} fields, {t['fields_agree']} agree; "
                  f"{n_bad} unexplained, {len(t['diffs']) - n_bad} explained disagreements")
    if result["hradba_exit"] == 3:
        print("# hradba: exit 3 (input error: the capture was read in part)")
    return 1 if result["unexplained"] or result["stale"] else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hradba")
    ap.add_argument("root")
    ap.add_argument("relpath")
    ap.add_argument("--exceptions")
    ap.add_argument("--cache-dir", help="store the result here for proto_summary.py")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    if not os.path.exists(os.path.join(a.root, a.relpath)):
        print(f"{a.relpath}: not found: skipped")
        return 77
    result = cached_check(a.hradba, a.root, a.relpath, a.exceptions, a.cache_dir)
    return report(result, a.v)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, json.JSONDecodeError) as e:
        print(f"harness error: {e}")
        sys.exit(2)
