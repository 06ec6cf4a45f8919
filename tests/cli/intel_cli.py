#!/usr/bin/env python3
"""End-to-end tests of `hradba intel` (import, list, show, stats, expire).

Each case runs hradba against its own temporary data directory, mostly with
the MVT STIX bundles from the shared test data (or copies of them changed in
one place), and checks exit status, the messages on stderr and what the store
then holds. usage: intel_cli.py HRADBA SHARED_DIR CASE (exit 77: no shared data)
"""
import datetime
import json
import os
import stat
import subprocess
import sys
import tempfile
import time

BUNDLES = {"eaglemsgspy.stix2": 51, "operation_triangulation.stix2": 112, "coruna.stix2": 216}


class Skip(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


class Case:
    def __init__(self, hradba, shared, tmp):
        self.hradba, self.shared, self.tmp = hradba, shared, tmp
        self.data = os.path.join(tmp, "data")
        self.mvt = os.path.join(shared, "intel", "stix-bundles", "mvt-indicators")

    def bundle(self, name):
        path = os.path.join(self.mvt, name)
        if not os.path.isfile(path):
            raise Skip(f"no shared data at {path}")
        return path

    def run(self, *args, env=None, data_dir=True):
        cmd = [self.hradba, "intel", *args]
        if data_dir and len(args) > 0 and not args[-1].startswith("--help"):
            cmd[3:3] = ["--data-dir", self.data]
        e = dict(os.environ)
        e.pop("HRADBA_DATA_DIR", None)
        e.update(env or {})
        p = subprocess.run(cmd, capture_output=True, timeout=100, check=False, env=e)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def write(self, name, text, mode="w"):
        path = os.path.join(self.tmp, name)
        with open(path, mode) as f:
            f.write(text)
        return path

    def load(self, name):
        with open(self.bundle(name)) as f:
            return json.load(f)

    def write_bundle(self, name, bundle):
        return self.write(name, json.dumps(bundle, indent=4))

    def stats(self):
        rc, out, err = self.run("stats", "--json")
        expect(rc == 0, f"stats: exit {rc}: {err}")
        return json.loads(out)

    def listing(self, *args):
        rc, out, err = self.run("list", "--json", *args)
        expect(rc == 0, f"list: exit {rc}: {err}")
        return [json.loads(line) for line in out.splitlines()]

    def show(self, ident):
        rc, out, err = self.run("show", "--json", ident)
        return rc, (json.loads(out) if rc == 0 else None), err


def indicators(bundle):
    return [o for o in bundle["objects"] if o["type"] == "indicator"]


def summary(n, new=0, updated=0, unchanged=0, older=0, errors=0):
    return (f"{n} indicator{'' if n == 1 else 's'} ({new} new, {updated} updated, {unchanged} unchanged, "
            f"{older} older), {errors} error{'' if errors == 1 else 's'}")


def case_import_bundles(c):
    paths = [c.bundle(n) for n in BUNDLES]
    rc, _, err = c.run("import", *paths)
    expect(rc == 0, f"exit {rc}: {err}")
    for name, n in BUNDLES.items():
        line = f"{c.bundle(name)}: {summary(n, new=n)}"
        expect(line in err, f"missing summary {line!r} in {err!r}")
    s = c.stats()
    total = sum(BUNDLES.values())
    expect(s["indicators"] == total and s["active"] == total, f"stats: {s}")
    expect(s["tlp"]["amber"] == total, f"unmarked objects get the default TLP amber: {s['tlp']}")
    expect(s["version"] >= 1 and s["last_import"], f"stats: {s}")
    expect(stat.S_IMODE(os.stat(c.data).st_mode) == 0o700, "data dir is created with mode 0700")
    rows = c.listing()
    expect(len(rows) == total, f"list: {len(rows)} rows")
    rc, out, err = c.run("list")
    expect(rc == 0 and len(out.splitlines()) == total, f"text list: exit {rc}, {err}")
    first = out.splitlines()[0].split("\t")
    expect(len(first) == 5 and first[0].startswith("indicator--") and first[1] == "amber",
           f"text list columns: {first}")
    eagle = indicators(c.load("eaglemsgspy.stix2"))[0]
    rc, shown, err = c.show(eagle["id"])
    expect(rc == 0, f"show: exit {rc}: {err}")
    expect(shown["pattern"] == eagle["pattern"], f"show pattern: {shown['pattern']}")
    expect(json.loads(json.dumps(shown["object"]))["id"] == eagle["id"], "show keeps the object")
    expect(any(r["type"] == "malware" for r in shown["related"]),
           f"related malware kept: {shown['related']}")
    rc, out, err = c.run("show", eagle["id"])
    expect(rc == 0 and "related:" in out and eagle["pattern"] in out, f"text show: {out}")
    only = c.listing("--contains", eagle["pattern"][5:25])
    expect(eagle["id"] in [r["id"] for r in only], "--contains finds the pattern")
    expect(len(c.listing("--limit", "7")) == 7, "--limit")
    expect(c.listing("--source", "no such source") == [], "--source filters")


def case_reimport_unchanged(c):
    path = c.bundle("coruna.stix2")
    rc, _, err = c.run("import", path)
    expect(rc == 0, f"exit {rc}: {err}")
    before = c.stats()
    rc, _, err = c.run("import", path)
    expect(rc == 0, f"exit {rc}: {err}")
    expect(summary(216, unchanged=216) in err, f"second import: {err!r}")
    after = c.stats()
    expect(after["version"] == before["version"], f"version moved: {before} -> {after}")
    expect(after["indicators"] == 216, f"{after}")


def case_newer_and_older(c):
    rc, _, err = c.run("import", c.bundle("coruna.stix2"))
    expect(rc == 0, f"exit {rc}: {err}")
    version = c.stats()["version"]
    b = c.load("coruna.stix2")
    target = indicators(b)[100]
    target["modified"] = "2026-06-01T00:00:00.000Z"
    target["pattern"] = "[domain-name:value = 'newer.example']"
    rc, _, err = c.run("import", c.write_bundle("newer.json", b))
    expect(rc == 0, f"exit {rc}: {err}")
    expect(summary(216, updated=1, unchanged=215) in err, f"newer: {err!r}")
    rc, shown, err = c.show(target["id"])
    expect(rc == 0 and shown["pattern"] == target["pattern"], f"show after update: {shown}")
    expect(shown["modified"].startswith("2026-06-01T00:00:00"), f"modified: {shown['modified']}")
    expect(shown["versions"] == 2, f"versions: {shown['versions']}")
    expect(c.stats()["version"] == version + 1, "store version moves once per changing commit")
    # the original file is older now
    rc, _, err = c.run("import", c.bundle("coruna.stix2"))
    expect(rc == 0 and summary(216, unchanged=215, older=1) in err, f"older: {err!r}")
    rc, shown, _ = c.show(target["id"])
    expect(shown["pattern"] == target["pattern"], "an older version does not replace a newer")


def case_revoked_and_expire(c):
    rc, _, err = c.run("import", c.bundle("eaglemsgspy.stix2"))
    expect(rc == 0, f"exit {rc}: {err}")
    b = c.load("eaglemsgspy.stix2")
    ind = indicators(b)
    revoked, expired = ind[3], ind[7]
    revoked["modified"] = "2026-07-01T00:00:00Z"
    revoked["revoked"] = True
    expired["modified"] = "2026-07-01T00:00:00Z"
    expired["valid_until"] = "2026-08-01T00:00:00Z"
    path = c.write_bundle("revoked.json", b)
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(51, updated=2, unchanged=49) in err, f"exit {rc}: {err!r}")
    active = [r["id"] for r in c.listing()]
    every = {r["id"]: r for r in c.listing("--all")}
    expect(revoked["id"] not in active and expired["id"] not in active, "inactive ones listed")
    expect(len(active) == 49 and len(every) == 51, f"{len(active)} active, {len(every)} all")
    expect(every[revoked["id"]]["revoked"] and not every[revoked["id"]]["active"], "revoked flag")
    rc, out, _ = c.run("list", "--all")
    states = {line.split("\t")[0]: line.split("\t")[3] for line in out.splitlines()}
    expect(states[revoked["id"]] == "revoked", f"state: {states[revoked['id']]}")
    expect(states[expired["id"]].startswith("expired 2026-08-01"), f"{states[expired['id']]}")
    s = c.stats()
    expect(s["revoked"] == 1 and s["expired"] == 1 and s["active"] == 49, f"stats: {s}")
    # kept with --older-than more days than it has been expired, removed with the default 0
    ago = (datetime.datetime.now(datetime.timezone.utc)
           - datetime.datetime(2026, 8, 1, tzinfo=datetime.timezone.utc)).days
    rc, _, err = c.run("expire", "--older-than", str(ago + 30))
    expect(rc == 0 and "removed 0 indicators" in err, f"expire {ago + 30}: exit {rc}: {err!r}")
    rc, _, err = c.run("expire")
    expect(rc == 0 and "removed 1 indicator " in err, f"expire: exit {rc}: {err!r}")
    rc, _, err = c.run("expire", "--revoked")
    expect(rc == 0 and "removed 1 indicator " in err, f"expire --revoked: exit {rc}: {err!r}")
    expect(len(c.listing("--all")) == 49, "both removed")
    rc, _, err = c.show(revoked["id"])
    expect(rc == 3 and "no indicator" in err, f"show removed: exit {rc}: {err!r}")
    version = c.stats()["version"]
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(51, unchanged=51) in err, f"removed stay removed: {err!r}")
    expect(c.stats()["version"] == version, "nothing changed")


def bundle_text_with_bad_object(c, breaker):
    """coruna with indicator 50 broken by breaker(text of that object) -> (path, first, last)."""
    b = c.load("coruna.stix2")
    ind = indicators(b)[50]
    text = json.dumps(b, indent=4)
    marker = f'"id": "{ind["id"]}"'
    at = text.index(marker)
    start = text.rindex("{", 0, at)
    end = text.index("\n        }", at) + len("\n        }")
    text = text[:start] + breaker(text[start:end]) + text[end:]
    first = text[:start].count("\n") + 1
    last = first + text[start:end].count("\n") + 2
    return c.write("broken.json", text), ind["id"], first, last


def check_one_bad(c, path, first, last, what):
    rc, _, err = c.run("import", path)
    expect(rc == 3, f"{what}: exit {rc}, want 3: {err!r}")
    expect(summary(215, new=215, errors=1) in err, f"{what}: summary: {err!r}")
    lines = [l for l in err.splitlines() if l.startswith(path + ":") and "indicators (" not in l]
    expect(len(lines) == 1, f"{what}: one error line naming the file: {err!r}")
    num = lines[0][len(path) + 1:].split(":", 1)[0]
    expect(num.isdigit() and first <= int(num) <= last,
           f"{what}: line {num} not within the object's lines {first}-{last}: {lines[0]!r}")
    expect(c.stats()["indicators"] == 215, f"{what}: the others are imported")


def case_malformed_json_object(c):
    path, _, first, last = bundle_text_with_bad_object(
        c, lambda t: t.replace('"pattern_type": "stix",', '"pattern_type": "stix",,', 1))
    check_one_bad(c, path, first, last, "bad JSON")


def case_bad_pattern(c):
    path, ident, first, last = bundle_text_with_bad_object(
        c, lambda t: t.replace("[domain-name:value", "[domain-name:value ===", 1))
    check_one_bad(c, path, first, last, "bad pattern")
    rc, _, err = c.run("show", ident)
    expect(rc == 3, "the bad object is not stored")


def case_not_intel(c):
    junk = c.write("photo.bin", bytes(range(256)) * 64, mode="wb")
    rc, _, err = c.run("import", junk)
    expect(rc == 3, f"binary: exit {rc}, want 3: {err!r}")
    expect("photo.bin" in err, f"the file is named: {err!r}")
    expect("no indicator could be read" in err, f"a hint about the format: {err!r}")
    rc, _, err = c.run("import", os.path.join(c.tmp, "missing.json"))
    expect(rc == 3 and "missing.json" in err, f"missing file: exit {rc}: {err!r}")
    # messages quote the input: what could drive a terminal is escaped
    odd = c.write("odd.txt", b"evil.example\n\x1b[31mred\x01\n\xff\xfe\n", mode="wb")
    rc, _, err = c.run("import", odd)
    expect(rc == 3 and summary(1, new=1, errors=2) in err, f"odd: exit {rc}: {err!r}")
    expect("\x1b" not in err and "\\x1b[31mred\\x01" in err and "\\xff\\xfe" in err,
           f"escapes: {err!r}")
    # a good file next to a bad one is still imported
    rc, _, err = c.run("import", junk, c.bundle("eaglemsgspy.stix2"))
    expect(rc == 3 and summary(51, new=51) in err, f"good after bad: exit {rc}: {err!r}")


def case_garbage_store(c):
    os.makedirs(c.data)
    db = os.path.join(c.data, "intel.db")
    junk = b"not a database, just some bytes\n" * 300
    with open(db, "wb") as f:
        f.write(junk)
    for args in (["import", c.bundle("eaglemsgspy.stix2")], ["list"], ["stats"],
                 ["show", "indicator--x"], ["expire"]):
        rc, _, err = c.run(*args)
        expect(rc == 1, f"{args[0]}: exit {rc}, want 1: {err!r}")
        expect("intel.db" in err and "not an SQLite database" in err, f"{args[0]}: {err!r}")
    with open(db, "rb") as f:
        expect(f.read() == junk, "the garbage file was changed")
    expect(sorted(os.listdir(c.data)) == ["intel.db"], f"files left: {os.listdir(c.data)}")


def case_large_list(c):
    """More than one batch: two commits, the progress line when forced."""
    n = 150000
    path = c.write("ips.txt", "".join(f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}\n"
                                      for i in range(n)))
    t0 = time.monotonic()
    rc, _, err = c.run("import", "--progress", "--csv-type", "ip", "--source", "bulk", path)
    took = time.monotonic() - t0
    expect(rc == 0 and summary(n, new=n) in err, f"exit {rc}: {err[-300:]!r}")
    if took > 2.0:
        expect("\rhradba intel: " in err, f"no progress line in {took:.1f} s")
    s = c.stats()
    expect(s["indicators"] == n and s["version"] == 2 and s["sources"] == 1, f"stats: {s}")
    rc, _, err = c.run("import", "--csv-type", "ip", "--source", "bulk", path)
    expect(rc == 0 and summary(n, unchanged=n) in err and "\r" not in err,
           f"re-import: exit {rc}: {err[-300:]!r}")
    expect(c.stats()["version"] == 2, "unchanged")
    rows = c.listing("--source", "bulk", "--contains", "'10.1.73.", "--limit", "300")
    expect(len(rows) == 256 and all(r["tlp"] == "amber" for r in rows), f"{len(rows)} rows")


def case_list_versions(c):
    """A plain list is dated by its file: unchanged file, unchanged rows."""
    path = c.write("list.txt", "evil.example\n192.0.2.7\nhttp://bad.example/x\n")
    os.utime(path, (1780000000, 1780000000))
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(3, new=3) in err, f"exit {rc}: {err!r}")
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(3, unchanged=3) in err, f"again: exit {rc}: {err!r}")
    os.utime(path, (1780000600, 1780000600))
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(3, updated=3) in err, f"edited: exit {rc}: {err!r}")
    os.utime(path, (1770000000, 1770000000))
    rc, _, err = c.run("import", path)
    expect(rc == 0 and summary(3, older=3) in err, f"older copy: exit {rc}: {err!r}")
    row = c.listing()[0]
    expect(row["modified"] == "2026-05-28T20:36:40Z", f"dated by the file: {row['modified']}")


def case_no_store_yet(c):
    rc, out, err = c.run("list")
    expect(rc == 0 and out == "", f"list: exit {rc}: {out!r} {err!r}")
    rc, out, err = c.run("stats", "--json")
    expect(rc == 0 and json.loads(out)["indicators"] == 0, f"stats: exit {rc}: {err!r}")
    rc, _, err = c.run("show", "indicator--none")
    expect(rc == 3 and "no indicator" in err, f"show: exit {rc}: {err!r}")
    expect(not os.path.exists(c.data), "reading commands create nothing")


def case_data_dir_env(c):
    path = c.bundle("eaglemsgspy.stix2")
    env_dir = os.path.join(c.tmp, "env", "deep")
    rc, _, err = c.run("import", path, env={"HRADBA_DATA_DIR": env_dir}, data_dir=False)
    expect(rc == 0 and os.path.isfile(os.path.join(env_dir, "intel.db")), f"HRADBA_DATA_DIR: {err}")
    xdg = os.path.join(c.tmp, "xdg")
    rc, _, err = c.run("import", path, env={"XDG_DATA_HOME": xdg}, data_dir=False)
    expect(rc == 0 and os.path.isfile(os.path.join(xdg, "hradba", "intel.db")), f"XDG: {err}")
    home = os.path.join(c.tmp, "home")
    rc, _, err = c.run("import", path, env={"HOME": home, "XDG_DATA_HOME": ""}, data_dir=False)
    expect(rc == 0, f"HOME: exit {rc}: {err}")
    expect(os.path.isfile(os.path.join(home, ".local", "share", "hradba", "intel.db")), "HOME")
    for d in (os.path.join(home, ".local"), os.path.join(home, ".local", "share", "hradba")):
        expect(stat.S_IMODE(os.stat(d).st_mode) == 0o700, f"{d} has mode 0700")
    rc, out, _ = c.run("stats", "--json", env={"HRADBA_DATA_DIR": env_dir}, data_dir=False)
    expect(rc == 0 and json.loads(out)["indicators"] == 51, "the same store is read back")


def case_help_and_usage(c):
    for sub in ([], ["import"], ["list"], ["show"], ["stats"], ["expire"]):
        rc, out, err = c.run(*sub, "--help", data_dir=False)
        want = "usage: hradba intel" + (f" {sub[0]}" if sub else "")
        expect(rc == 0 and out.startswith(want), f"{sub} --help: exit {rc}: {out[:80]!r}")
    rc, out, err = c.run("frobnicate", data_dir=False)
    expect(rc == 2 and "not an intel command" in err and "usage:" in err and out == "",
           f"unknown: exit {rc}: {err!r}")
    rc, _, err = c.run(data_dir=False)
    expect(rc == 2 and "usage:" in err, f"no subcommand: exit {rc}")
    for args in (["import"], ["import", "--tlp", "purple", "x"], ["import", "--confidence", "101",
                 "x"], ["import", "--format", "xml", "x"], ["list", "--limit", "many"],
                 ["show"], ["expire", "--older-than", "-3"], ["list", "--bogus"]):
        rc, _, err = c.run(*args)
        expect(rc == 2, f"{args}: exit {rc}, want 2: {err!r}")
    expect(not os.path.exists(c.data), "usage errors create nothing")


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    hradba, shared, name = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            CASES[name](Case(hradba, shared, tmp))
        except Skip as e:
            print(f"skip {name}: {e}")
            return 77
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
