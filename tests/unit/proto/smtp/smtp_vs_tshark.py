#!/usr/bin/env python3
"""smtp_vs_tshark.py — compares hradba's smtp events with tshark on captures.

For every TCP stream: the MAIL FROM paths, the RCPT TO paths and the
top-level Subject seen by tshark (smtp.req.*, imf.subject) against those in
hradba's smtp events (smtp.mail_from, smtp.rcpt_to[], email.subject). tshark
parameters are normalised the way hradba logs them: "FROM:" / "TO:" and ESMTP
parameters dropped. Prints one line per difference and "N records, N agree".

Usage: smtp_vs_tshark.py HRADBA PCAP...   (not a test: needs tshark)
"""
import json
import re
import subprocess
import sys


def tshark(pcap):
    recs = {}
    out = subprocess.run(["tshark", "-r", pcap, "-Y", "smtp.req.command", "-T", "fields",
                          "-E", "occurrence=a", "-E", "aggregator=\x01",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "ip.src", "-e", "ipv6.src",
                          "-e", "smtp.req.command", "-e", "smtp.req.parameter"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6:
            continue
        key = (f[2] or f[3], int(f[0]))
        for cmd, par in zip(f[4].split("\x01"), f[5].split("\x01")):
            m = re.match(r"(?i)(FROM|TO):\s*(<[^>]*>|\S+)", par)
            if cmd.upper() == "MAIL" and m:
                recs.setdefault(key, {"mail_from": [], "rcpt_to": [], "subject": []})["mail_from"].append(m.group(2))
            if cmd.upper() == "RCPT" and m:
                recs.setdefault(key, {"mail_from": [], "rcpt_to": [], "subject": []})["rcpt_to"].append(m.group(2))
    out = subprocess.run(["tshark", "-r", pcap, "-Y", "imf", "-T", "fields", "-E", "occurrence=f",
                          "-e", "tcp.srcport", "-e", "ip.src", "-e", "ipv6.src", "-e", "imf.subject"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) >= 4 and f[3]:
            key = (f[1] or f[2], int(f[0]))
            recs.setdefault(key, {"mail_from": [], "rcpt_to": [], "subject": []})["subject"].append(f[3])
    return recs


def hradba(exe, pcap):
    recs = {}
    out = subprocess.run([exe, "read", "--no-progress", pcap], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        ev = json.loads(line)
        if ev.get("event_type") != "smtp":
            continue
        r = recs.setdefault((ev["src_ip"], ev["src_port"]),
                            {"mail_from": [], "rcpt_to": [], "subject": []})
        s = ev.get("smtp", {})
        if "mail_from" in s:
            r["mail_from"].append(s["mail_from"])
        r["rcpt_to"] += s.get("rcpt_to", [])
        if "subject" in ev.get("email", {}):
            r["subject"].append(ev["email"]["subject"])
    return recs


def main():
    exe = sys.argv[1]
    total = agree = 0
    for pcap in sys.argv[2:]:
        t, h = tshark(pcap), hradba(exe, pcap)
        for key in sorted(set(t) | set(h), key=str):
            for field in ("mail_from", "rcpt_to", "subject"):
                tv = t.get(key, {}).get(field, [])
                hv = h.get(key, {}).get(field, [])
                n = max(len(tv), len(hv))
                for i in range(n):
                    total += 1
                    a = tv[i] if i < len(tv) else None
                    b = hv[i] if i < len(hv) else None
                    if a == b:
                        agree += 1
                    else:
                        print("%s %s %s[%d]: tshark %r hradba %r" % (pcap.rsplit("/", 1)[-1], key, field, i, a, b))
    print("%d records, %d agree" % (total, agree))


if __name__ == "__main__":
    main()
