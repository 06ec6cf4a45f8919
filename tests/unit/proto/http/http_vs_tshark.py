#!/usr/bin/env python3
"""http_vs_tshark.py — end-to-end check of hradba's HTTP events against
tshark, over every capture given.

    http_vs_tshark.py BUILD/src/cli/hradba PCAP...

For each TCP connection, the requests tshark sees (http.request) are paired
in order with hradba's http events that carry a request, and compared field
by field: method, url, user agent and host. The final responses tshark sees
(http.response, 1xx excluded) are paired in order with hradba's statuses.
Known, documented differences are normalised first (docs/protocols/http.md):
  - hostname: hradba writes Suricata's hostname (lower case, no port, no
    trailing dot, taken from an absolute-form target before Host); tshark's
    http.host is the Host header as sent;
  - CONNECT without Host: hradba names the target's authority (as libhtp);
  - a field repeated in one message: tshark lists every occurrence, hradba
    keeps the first;
  - tunnels: tshark lists outer and inner addresses; a connection matches
    when its ports match and hradba's addresses are among tshark's.
Prints one line per capture with disagreements, the disagreements, and a
total. Exit status 1 below 99.5% agreement.
"""
import ipaddress
import json
import subprocess
import sys
from urllib.parse import urlsplit

AGG = "\x1e"


def norm_ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def tshark(path, filt, fields, is_desegmented=True):
    opt = "http.desegment_body:" + ("TRUE" if is_desegmented else "FALSE")
    cmd = ["tshark", "-r", path, "-o", opt, "-Y", filt, "-T", "fields", "-E", "separator=/t",
           "-E", "aggregator=" + AGG]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                         timeout=600).stdout
    rows = []
    for line in out.split("\n"):  # not splitlines(): it splits at the aggregator
        r = line.split("\t")
        if len(r) == len(fields):
            rows.append(r)
    return rows


def last(s):
    return s.split(AGG)[-1] if s else ""


def firsts(s):
    return s.split(AGG) if s else []


def norm_host(host, uri):
    parts = urlsplit(uri) if "://" in uri[:16] else None
    if parts and parts.hostname is not None:
        h = parts.netloc.rsplit("@", 1)[-1]
    else:
        h = host
    if h.startswith("["):
        h = h[: h.find("]") + 1] if "]" in h else h
    elif ":" in h:
        h = h.split(":", 1)[0]
    return h.lower().rstrip(".")


def tshark_side(path):
    addr = ["ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport"]
    reqs, resps = {}, {}

    def key_of(r, client_first):
        src = frozenset(norm_ip(x) for x in firsts(r[0]) + firsts(r[1]))
        dst = frozenset(norm_ip(x) for x in firsts(r[3]) + firsts(r[4]))
        k = (src, last(r[2]), dst, last(r[5]))
        return k if client_first else (k[2], k[3], k[0], k[1])

    for r in tshark(path, "http.request.method && tcp", addr + ["http.request.method",
                                                          "http.request.uri", "http.host",
                                                          "http.user_agent"]):
        key = key_of(r, True)
        methods, uris = firsts(r[6]), firsts(r[7])
        hosts, uas = firsts(r[8]), firsts(r[9])
        # Several requests in one frame come as parallel lists.
        for i in range(len(methods)):
            uri = uris[i] if i < len(uris) else ""
            host = hosts[i] if len(hosts) == len(methods) else (hosts[0] if hosts else "")
            ua = uas[i] if len(uas) == len(methods) else (uas[0] if uas else "")
            if methods[i] == "CONNECT" and not host:
                host = uri
            reqs.setdefault(key, []).append(
                {"method": methods[i], "url": uri, "host": norm_host(host, uri), "ua": ua})
    # With body reassembly tshark shows a response only once its body is
    # whole (a truncated capture loses it); without, it can lose its place in
    # a keep-alive connection. Per connection, the longer list is kept.
    for is_deseg in (True, False):
        got = {}
        for r in tshark(path, "http.response.code && tcp", addr + ["http.response.code"], is_deseg):
            key = key_of(r, False)
            for code in firsts(r[6]):
                if code and not code.startswith("1"):
                    got.setdefault(key, []).append(int(code))
        for key, codes in got.items():
            if len(codes) > len(resps.get(key, [])):
                resps[key] = codes
    return reqs, resps


def match_keys(t_map, h_map):
    """Renames tshark's keys to hradba's where ports match and hradba's
    addresses are among tshark's (tunnels list several)."""
    out = {}
    for tk, v in t_map.items():
        name = ("?",) + tuple(sorted(tk[0])) + (tk[1],) + tuple(sorted(tk[2])) + (tk[3],)
        for hk in h_map:
            if hk[1] == tk[1] and hk[3] == tk[3] and hk[0] in tk[0] and hk[2] in tk[2]:
                name = hk
                break
        out.setdefault(name, []).extend(v)
    return out


def hradba_side(exe, path):
    out = subprocess.run([exe, "read", "--no-progress", path], capture_output=True,
                         text=True, errors="replace", timeout=600).stdout
    reqs, resps = {}, {}
    for line in out.splitlines():
        ev = json.loads(line)
        if ev.get("event_type") != "http":
            continue
        key = (norm_ip(ev["src_ip"]), str(ev["src_port"]), norm_ip(ev["dest_ip"]),
               str(ev["dest_port"]))
        h = ev["http"]
        if "http_method" in h:
            reqs.setdefault(key, []).append(
                {"method": h.get("http_method", ""), "url": h.get("url", ""),
                 "host": h.get("hostname", ""), "ua": h.get("http_user_agent", "")})
        if "status" in h:
            resps.setdefault(key, []).append(h["status"])
    return reqs, resps


def compare(exe, path, totals, report):
    t_req, t_res = tshark_side(path)
    h_req, h_res = hradba_side(exe, path)
    t_req, t_res = match_keys(t_req, h_req), match_keys(t_res, {**h_req, **h_res})
    bad = []
    for key in sorted(set(t_req) | set(h_req)):
        a, b = t_req.get(key, []), h_req.get(key, [])
        for i in range(max(len(a), len(b))):
            totals["requests"] += 1
            if i >= len(a) or i >= len(b):
                totals["fields"] += 4
                bad.append(f"{key} request {i}: only in {'hradba' if i >= len(a) else 'tshark'}")
                continue
            for f in ("method", "url", "host", "ua"):
                totals["fields"] += 1
                if a[i][f] == b[i][f]:
                    totals["agree"] += 1
                else:
                    bad.append(f"{key} request {i} {f}: tshark {a[i][f]!r} hradba {b[i][f]!r}")
    for key in sorted(set(t_res) | set(h_res)):
        a, b = t_res.get(key, []), h_res.get(key, [])
        for i in range(max(len(a), len(b))):
            totals["responses"] += 1
            totals["fields"] += 1
            if i < len(a) and i < len(b) and a[i] == b[i]:
                totals["agree"] += 1
            else:
                bad.append(f"{key} status {i}: tshark {a[i] if i < len(a) else None} "
                           f"hradba {b[i] if i < len(b) else None}")
    if bad:
        report.append(f"{path}: {len(bad)} disagreement(s)")
        report.extend("  " + x for x in bad[:20])


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    totals = {"requests": 0, "responses": 0, "fields": 0, "agree": 0}
    report = []
    for path in sys.argv[2:]:
        compare(exe, path, totals, report)
    print("\n".join(report))
    share = totals["agree"] / totals["fields"] if totals["fields"] else 1.0
    print(f"{totals['requests']} requests, {totals['responses']} responses, "
          f"{totals['agree']}/{totals['fields']} fields agree ({100 * share:.2f}%)")
    return 0 if share >= 0.995 else 1


if __name__ == "__main__":
    sys.exit(main())
