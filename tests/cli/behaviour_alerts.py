#!/usr/bin/env python3
"""End to end: the behaviour detectors on the real C2 and tunnelling captures
of ../shared/pcaps raise exactly the expected alerts, every other shared
capture raises none, their state survives a restart (and a damaged state file
costs only the baselines), and their configuration is checked.

usage: behaviour_alerts.py HRADBA SHARED CASE | --list
"""
import json
import os
import subprocess
import sys
import tempfile

C2 = "c2_malware/"
TUN = "dns_tunnel_exfil/"
CC1 = C2 + "stratosphere-slips__dataset__test-cc__test-cc-capture-1.pcap"
CC2 = C2 + "stratosphere-slips__dataset__test-cc__test-cc-capture-2.pcap"
TINBA = C2 + "ustc-tfc2016__Malware__Tinba.pcap"
IODINE = TUN + "nDPI__tests__cfgs__default__pcap__dns-tunnel-iodine.pcap"
DNSCAT = TUN + "nDPI__tests__cfgs__default__pcap__dns_exfiltration.pcap"
FINGERPRINTS = "tls13_clienthello/cisco-mercury__test__data__top_100_fingerprints.pcap"
# The Stratosphere captures were recorded in the CTU university network.
CTU_HOME = ["--detect-set", "detect.home_net=147.32.0.0/16,10.0.0.0/8,192.168.0.0/16"]

# Which capture must raise which alerts: (signature_id, src_ip, behaviour.target).
# Signature ids: 9001000 + 100 x detector + finding (docs/detectors.md).
EXPECTED = {
    # iodine tunnels IP over DNS through pirate.sea.
    "iodine": (IODINE, [], {(9001201, "10.0.2.30", "pirate.sea")}),
    # dnscat2-style exfiltration: hex labels under made-up top-level domains.
    "dnscat": (DNSCAT, [], {(9001201, "192.168.220.56", "invalid TLDs via 192.168.203.167")}),
    # Tinba's domain generation: a burst of NXDOMAINs for random .xyz names, and
    # the few it keeps asking on a timer.
    "tinba": (TINBA, [], {
        (9001202, "10.0.2.108", "blxycnjtmygs.xyz"),
        (9001104, "10.0.2.108", "golwccfvbfcx.xyz"),
        (9001104, "10.0.2.108", "bjogguejcbme.xyz"),
        (9001104, "10.0.2.108", "utuitsgnqqbb.xyz"),
        (9001104, "10.0.2.108", "vutuftmyrmpk.xyz"),
    }),
    # A TLS C2 client whose fingerprint nobody else uses, talking to one server.
    # Its host is outside the default home networks, so only the site-wide
    # fingerprint finding can see it...
    "test-cc-1": (CC1, [], {(9001401, "147.32.80.37", "testing.com")}),
    "test-cc-2": (CC2, [], {(9001401, "147.32.80.37", "testing.com")}),
    # ...and with the site's network declared, its beaconing is seen by
    # address, by SNI and (in the second capture) by the DNS name it resolves.
    "test-cc-1-home": (CC1, CTU_HOME, {
        (9001401, "147.32.80.37", "testing.com"),
        (9001102, "147.32.80.37", "testing.com"),
        (9001101, "147.32.80.37", "141.193.213.21"),
    }),
    "test-cc-2-home": (CC2, CTU_HOME, {
        (9001401, "147.32.80.37", "testing.com"),
        (9001102, "147.32.80.37", "testing.com"),
        (9001104, "147.32.80.37", "testing.com"),
        (9001101, "147.32.80.37", "141.193.213.20"),
    }),
    # Not malware, but a script fetching the same page on a timer: a beacon
    # by every measure the detector has (kept here so a change shows).
    "fingerprint-script": (FINGERPRINTS, [], {
        (9001101, "10.0.2.15", "172.217.7.228"),
        (9001102, "10.0.2.15", "www.google.com"),
    }),
}

QUIET_SHARDS = 4  # the silent captures in four tests, so they run side by side
CASES = sorted(EXPECTED) + ["quiet-%d" % i for i in range(QUIET_SHARDS)] + ["state", "config"]


def read(hradba, pcap, args, check=True):
    p = subprocess.run([hradba, "read", "--no-progress", "--no-intel-store"] + args + [pcap],
                       capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        sys.exit("exit %d: %s" % (p.returncode, p.stderr))
    return p, [json.loads(line) for line in p.stdout.splitlines()]


def behaviour_alerts(events):
    out = []
    for e in events:
        if e["event_type"] == "alert" and e["alert"]["gid"] == 9001:
            out.append(e)
    return out


def rows(alerts):
    return {(a["alert"]["signature_id"], a["src_ip"], a["behaviour"]["target"]) for a in alerts}


def check_explained(a):
    """Every alert explains itself: score and parts, observations, ATT&CK."""
    b = a["behaviour"]
    assert 0 <= b["score"] <= 1 and b["score"] >= b["threshold"] - 1e-9, b
    assert b["score_parts"] and b["observed"] and b["explanation"], b
    assert a["alert"]["metadata"]["mitre_technique_id"], a["alert"]
    assert a["alert"]["signature"].startswith("HRADBA BEHAVIOUR "), a["alert"]
    assert a["alert"]["metadata"]["detector"] == [b["detector"]]


def case_expected(hradba, shared, name):
    pcap, args, want = EXPECTED[name]
    _, events = read(hradba, os.path.join(shared, "pcaps", pcap), args)
    alerts = behaviour_alerts(events)
    got = rows(alerts)
    if got != want:
        sys.exit("%s: missing %s, unexpected %s" % (pcap, sorted(want - got), sorted(got - want)))
    if len(alerts) != len(got):
        sys.exit("%s: %d alerts for %d findings (repeated)" % (pcap, len(alerts), len(got)))
    for a in alerts:
        check_explained(a)


def case_quiet(hradba, shared, shard):
    """Every shared capture not listed above raises no behaviour alert (this
    shard: every QUIET_SHARDS-th capture of the manifest)."""
    listed = {v[0] for v in EXPECTED.values()}
    noisy = []
    with open(os.path.join(shared, "pcaps", "MANIFEST.tsv")) as f:
        next(f)
        for n, line in enumerate(f):
            pcap = line.split("\t")[0]
            if pcap in listed or n % QUIET_SHARDS != shard:
                continue
            _, events = read(hradba, os.path.join(shared, "pcaps", pcap), [], check=False)
            alerts = behaviour_alerts(events)
            if alerts:
                noisy.append("%s: %s" % (pcap, sorted(rows(alerts))))
    if noisy:
        sys.exit("unexpected behaviour alerts:\n" + "\n".join(noisy))


def case_state(hradba, shared):
    pcap = os.path.join(shared, "pcaps", IODINE)
    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "detect.state")
        _, events = read(hradba, pcap, ["--detect-state", state])
        assert len(behaviour_alerts(events)) == 1
        with open(state, "rb") as f:
            data = f.read()
        assert data.startswith(b"HRADBA-DETECT-STATE 1\n"), data[:40]
        assert not os.path.exists(state + ".tmp")
        # Restored: the tunnel was reported minutes ago (capture time), so
        # the same finding is not repeated.
        p, events = read(hradba, pcap, ["--detect-state", state])
        assert not behaviour_alerts(events), rows(behaviour_alerts(events))
        assert "warning" not in p.stderr, p.stderr
        # A damaged state file costs the baselines, not the run: everything
        # after the first detector's frame header is garbled.
        damaged = bytearray(data)
        for i in range(40, len(damaged)):
            damaged[i] ^= 0x5a
        with open(state, "wb") as f:
            f.write(damaged)
        p, events = read(hradba, pcap, ["--detect-state", state])
        assert "starts afresh" in p.stderr or "damaged" in p.stderr, p.stderr
        assert len(behaviour_alerts(events)) == 1, rows(behaviour_alerts(events))
        # Not a state file at all: said, and the run goes on.
        with open(state, "w") as f:
            f.write("hello\n")
        p, events = read(hradba, pcap, ["--detect-state", state])
        assert "not a hradba detector state file" in p.stderr, p.stderr
        assert len(behaviour_alerts(events)) == 1


def case_config(hradba, shared):
    pcap = os.path.join(shared, "pcaps", IODINE)
    with tempfile.TemporaryDirectory() as tmp:
        # The printed defaults are a valid config file.
        p = subprocess.run([hradba, "read", "--detect-config-help"], capture_output=True,
                           text=True, check=True)
        assert "dns_tunnel.threshold = 0.6" in p.stdout, p.stdout
        conf = os.path.join(tmp, "hradba.conf")
        with open(conf, "w") as f:
            f.write(p.stdout + "\n# raise the bar past iodine's score\n"
                    "dns_tunnel.threshold = 0.95   # comment after a value\n")
        _, events = read(hradba, pcap, ["--detect-config", conf])
        assert not behaviour_alerts(events)
        # --detect-set wins over the file, whatever the order.
        _, events = read(hradba, pcap, ["--detect-set", "dns_tunnel.threshold=0.6",
                                        "--detect-config", conf])
        assert len(behaviour_alerts(events)) == 1
        _, events = read(hradba, pcap, ["--detect-set", "dns_tunnel.enabled=false"])
        assert not behaviour_alerts(events)
        _, events = read(hradba, pcap, ["--no-detectors"])
        assert not behaviour_alerts(events)
        # Mistakes are usage errors that say what is wrong and where.
        for args, words in [
            (["--detect-set", "dns_tunnel.treshold=0.5"], "unknown key 'dns_tunnel.treshold'"),
            (["--detect-set", "beacon.threshold=high"], "not a number"),
            (["--detect-set", "detect.home_net=10.0.0.0/33"], "not a network"),
            (["--detect-set", "nonsense"], "not KEY=VALUE"),
        ]:
            p, _ = read(hradba, pcap, args, check=False)
            assert p.returncode == 2 and words in p.stderr, (args, p.returncode, p.stderr)
        with open(conf, "w") as f:
            f.write("# fine\nbeacon.threshold = 0.9\nbeacon.threshold 0.8\n")
        p, _ = read(hradba, pcap, ["--detect-config", conf], check=False)
        assert p.returncode == 2 and "hradba.conf:3" in p.stderr, p.stderr


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return
    hradba, shared, case = sys.argv[1:4]
    if not os.path.isdir(os.path.join(shared, "pcaps")):
        print("skip: no shared captures at " + shared)
        sys.exit(77)
    if case in EXPECTED:
        case_expected(hradba, shared, case)
    elif case.startswith("quiet-"):
        case_quiet(hradba, shared, int(case[len("quiet-"):]))
    else:
        {"state": case_state, "config": case_config}[case](hradba, shared)


if __name__ == "__main__":
    main()
