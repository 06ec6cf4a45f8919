#!/usr/bin/env python3
"""End to end: indicators whose values occur in real captures give exactly the
expected EVE alerts; expired, revoked, absent and multi-observation ones give
none.

The bundle is written by this test: indicators for values seen in three real
captures (the bundled tests/data/malware.pcap and two from ../shared/pcaps),
related to ATT&CK's APT31 intrusion set, copied from the shared ATT&CK bundle
so the alert can name it. usage: intel_alerts.py HRADBA SOURCE_ROOT SHARED CASE
"""
import json
import os
import subprocess
import sys
import tempfile

SMTP_PCAP = "smtp/cisco-mercury__unit_tests__pcaps__smtp.pcap"
HTTP_PCAP = "http/cisco-mercury__unit_tests__pcaps__http_auth.pcap"
ATTACK = "intel/stix-bundles/attack-G0128-zirconium-apt31.json"
ZIRCONIUM = "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b"
AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
IDENTITY = "identity--5b2a7a51-1b3f-4a52-9d7e-0c4d3e6b9a10"


def ind_id(n):
    return "indicator--00000000-0000-4000-8000-%012d" % n


def indicator(n, pattern, name, **extra):
    o = {
        "type": "indicator", "spec_version": "2.1", "id": ind_id(n),
        "created": "2024-01-10T00:00:00.000Z", "modified": "2024-01-10T00:00:00.000Z",
        "created_by_ref": IDENTITY, "name": name, "pattern": pattern,
        "pattern_type": "stix", "valid_from": "2024-01-10T00:00:00Z",
        "indicator_types": ["malicious-activity"], "confidence": 85,
        "object_marking_refs": [AMBER],
    }
    o.update(extra)
    return o


# (number, pattern, name, extra properties); numbers name the indicators below.
INDICATORS = [
    (1, "[domain-name:value = 'internetbadguys.com']", "C2 domain", {}),
    (2, "[ipv4-addr:value = '67.215.92.210']", "C2 address",
     {"object_marking_refs": [GREEN], "confidence": 30}),
    (3, "[x-tls-fingerprint:ja3 = 'B20B44B18B853EF29AB773E921B03422']", "implant JA3", {}),
    (4, "[x509-certificate:hashes.'SHA-1' = '21b4cf84133a21a4b00263763984eaed27ee517c']",
     "C2 certificate", {}),
    (5, "[email-addr:value = 'malware@malware.com']", "phishing sender", {}),
    (6, "[file:hashes.'SHA-256' = "
        "'3892774ddc93f2d347dae5ab6d177164b5b1dc5d8d26500c47cc08da378cff10']", "dropper", {}),
    # None of these may alert:
    (7, "[ipv4-addr:value = '1.1.1.1']", "expired", {"valid_until": "2024-02-01T00:00:00Z"}),
    (8, "[ipv4-addr:value = '192.168.7.7']", "revoked", {"revoked": True}),
    (9, "[domain-name:value = 'never-seen.example']", "absent", {}),
    (10, "[domain-name:value = 'internetbadguys.com'] FOLLOWEDBY "
         "[ipv4-addr:value = '67.215.92.210']", "sequence", {}),
    (11, "[file:hashes.MD5 = '5033fefef9c8cb2b9f73b733931657c4']", "one digit off", {}),
    # Evaluated on every flow (no indexable value): plain-text mail submission.
    (12, "[network-traffic:dst_port = 25 AND network-traffic:protocols[*] = 'tcp']",
     "SMTP to anywhere", {}),
    # A network-traffic side: only when 67.215.92.210 is the server.
    (13, "[network-traffic:src_ref.value = '67.215.92.210']", "C2 as client", {}),
]

# What each capture must give: (indicator number, matched field, matched value, event
# the alert is about). Every row was checked against the capture with tshark.
EXPECTED = sorted([
    # malware.pcap: a DNS lookup of www.internetbadguys.com (query and answer), then HTTP
    # and TLS connections to 67.215.92.210, the TLS client's JA3 and the server's
    # certificate.
    (1, "dns.rrname", "www.internetbadguys.com", "dns"),
    (1, "dns.rrname", "www.internetbadguys.com", "dns"),
    (1, "http.hostname", "www.internetbadguys.com", "http"),
    (1, "tls.sni", "www.internetbadguys.com", "tls"),
    (2, "dns.answers.rdata", "67.215.92.210", "dns"),
    (2, "dest_ip", "67.215.92.210", "flow"),
    (2, "dest_ip", "67.215.92.210", "flow"),
    (3, "tls.ja3.hash", "b20b44b18b853ef29ab773e921b03422", "tls"),
    (4, "tls.fingerprint", "21b4cf84133a21a4b00263763984eaed27ee517c", "tls"),
    # smtp.pcap: MAIL FROM:<malware@malware.com> to port 25.
    (5, "smtp.mail_from", "malware@malware.com", "smtp"),
    (12, "event", None, "flow"),
    # http_auth.pcap: the 40-byte /admin page.
    (6, "fileinfo.sha256", "3892774ddc93f2d347dae5ab6d177164b5b1dc5d8d26500c47cc08da378cff10",
     "fileinfo"),
], key=repr)


def bundle(shared):
    with open(os.path.join(shared, ATTACK)) as f:
        attack = json.load(f)["objects"]
    zirconium = next(o for o in attack if o["id"] == ZIRCONIUM)
    objects = [
        {"type": "identity", "spec_version": "2.1", "id": IDENTITY,
         "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
         "name": "Example CERT", "identity_class": "organization"},
        zirconium,
    ]
    for n, pattern, name, extra in INDICATORS:
        objects.append(indicator(n, pattern, name, **extra))
        objects.append({
            "type": "relationship", "spec_version": "2.1",
            "id": "relationship--00000000-0000-4000-8000-%012d" % n,
            "created": "2024-01-10T00:00:00.000Z", "modified": "2024-01-10T00:00:00.000Z",
            "relationship_type": "indicates", "source_ref": ind_id(n),
            "target_ref": ZIRCONIUM})
    return {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
            "objects": objects}


def run_read(hradba, args):
    # Intelligence alone: the behaviour detectors have their own test.
    p = subprocess.run([hradba, "read", "--no-progress", "--no-detectors"] + args,
                       capture_output=True,
                       text=True, timeout=300)
    events = [json.loads(line) for line in p.stdout.splitlines()]
    return p, events


def alert_rows(events):
    """(indicator number, field, value, event) per alert; the event kind is the
    nested protocol object's name, or "flow" for a flow-start alert."""
    rows = []
    for e in events:
        if e["event_type"] != "alert":
            continue
        n = int(e["intel"]["indicator_id"][-12:])
        m = e["intel"]["matched"]
        kind = next((k for k in ("dns", "tls", "http", "fileinfo", "smtp") if k in e), "flow")
        if kind == "http" and "fileinfo" in e:
            kind = "fileinfo"
        rows.append((n, m["field"], m.get("value"), kind))
    return sorted(rows, key=repr)


def captures(root, shared):
    return [os.path.join(root, "tests", "data", "malware.pcap"),
            os.path.join(shared, "pcaps", SMTP_PCAP), os.path.join(shared, "pcaps", HTTP_PCAP)]


def check_alerts(events, expected):
    got = alert_rows(events)
    if got != expected:
        print("alerts differ\n  got:      %s\n  expected: %s" % (got, expected))
        return False
    return True


def check_details(events):
    """The alert about the TLS handshake carries the indicator's provenance,
    the intrusion set, the TLS object; its flow says alerted."""
    tls = [e for e in events if e["event_type"] == "alert" and "tls" in e
           and e["intel"]["matched"]["field"] == "tls.sni"]
    assert len(tls) == 1, tls
    a = tls[0]
    assert a["alert"]["gid"] == 9000
    assert a["alert"]["severity"] == 1
    assert a["alert"]["category"] == "Threat intelligence match"
    assert "ZIRCONIUM" in a["alert"]["signature"] and "G0128" in a["alert"]["signature"], a
    assert a["alert"]["metadata"]["tlp"] == ["amber"]
    assert a["alert"]["metadata"]["source"] == ["Example CERT"]
    intel = a["intel"]
    assert intel["tlp"] == "amber" and intel["confidence"] == 85
    assert intel["source"] == "Example CERT"
    assert intel["indicator_types"] == ["malicious-activity"]
    rel = [r for r in intel["related"] if r["type"] == "intrusion-set"]
    assert rel and rel[0]["external_id"] == "G0128", intel["related"]
    assert "APT31" in rel[0]["aliases"], rel
    assert a["tls"]["sni"] == "www.internetbadguys.com"
    assert a["app_proto"] == "tls"
    green = [e for e in events if e["event_type"] == "alert" and e["intel"]["tlp"] == "green"]
    assert green and all(e["alert"]["severity"] == 3 for e in green)
    alerted = {e["flow_id"] for e in events if e["event_type"] == "alert"}
    for e in events:
        if e["event_type"] == "flow":
            assert e["flow"]["alerted"] == (e["flow_id"] in alerted), e
    return True


def case_file(hradba, root, shared, tmp):
    path = os.path.join(tmp, "intel.json")
    with open(path, "w") as f:
        json.dump(bundle(shared), f)
    p, events = run_read(hradba, ["--no-intel-store", "--intel", path, "--stats",
                                  os.path.join(tmp, "stats.json")] + captures(root, shared))
    if p.returncode != 0:
        print("exit %d: %s" % (p.returncode, p.stderr))
        return False
    ok = check_alerts(events, EXPECTED) and check_details(events)
    with open(os.path.join(tmp, "stats.json")) as f:
        stats = json.load(f)
    print(p.stderr.strip())
    return ok and stats is not None


def case_none(hradba, root, shared, tmp):
    """Without intelligence there is no alert and every flow says alerted false."""
    p, events = run_read(hradba, ["--no-intel-store"] + captures(root, shared))
    assert p.returncode == 0, p.stderr
    assert not [e for e in events if e["event_type"] == "alert"]
    assert all(not e["flow"]["alerted"] for e in events if e["event_type"] == "flow")
    return True


def intel(hradba, args):
    return subprocess.run([hradba, "intel"] + args, capture_output=True, text=True, timeout=300)


def case_store(hradba, root, shared, tmp):
    """The same bundle imported into the store gives the same alerts from the
    data directory; a newer version that revokes the domain indicator takes
    its alerts away, and a re-import changes nothing."""
    data = os.path.join(tmp, "data")
    path = os.path.join(tmp, "intel.json")
    b = bundle(shared)
    with open(path, "w") as f:
        json.dump(b, f)
    p = intel(hradba, ["import", "--data-dir", data, path])
    assert p.returncode == 0, p.stderr
    p, events = run_read(hradba, ["--data-dir", data] + captures(root, shared))
    assert p.returncode == 0, p.stderr
    if not check_alerts(events, EXPECTED):
        return False
    for o in b["objects"]:
        if o.get("id") == ind_id(1):
            o["revoked"] = True
            o["modified"] = "2024-03-01T00:00:00.000Z"
    with open(path, "w") as f:
        json.dump(b, f)
    p = intel(hradba, ["import", "--data-dir", data, path])
    assert p.returncode == 0, p.stderr
    assert "1 updated" in p.stderr, p.stderr
    p, events = run_read(hradba, ["--data-dir", data] + captures(root, shared))
    assert p.returncode == 0, p.stderr
    return check_alerts(events, [r for r in EXPECTED if r[0] != 1])


CASES = {"file": case_file, "none": case_none, "store": case_store}


def main():
    if sys.argv[1:2] == ["--list"]:
        print("\n".join(CASES))
        return 0
    hradba, root, shared, name = sys.argv[1:5]
    if not os.path.isdir(os.path.join(shared, "pcaps")):
        print("shared data not found at %s" % shared)
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        return 0 if CASES[name](hradba, root, shared, tmp) else 1


if __name__ == "__main__":
    sys.exit(main())
