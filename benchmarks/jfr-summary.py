#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples as text (the files in benchmarks/profiles/).

    python3 benchmarks/jfr-summary.py server.jfr [--match io.conductorvx] [--top 40]

Prints, over every jdk.ExecutionSample: the share of samples by library of the leaf frame, the
leaf methods, and the inclusive share of methods whose name starts with --match (each method
counted once per sample). Reads `jfr print --json`, so it needs the JDK's `jfr` on the PATH.
"""
import argparse
import collections
import json
import re
import subprocess

LIBRARIES = [
    ("com.fasterxml.jackson", "jackson"), ("io.netty", "netty"), ("io.vertx.ext.web", "vertx-web"),
    ("io.vertx.core.eventbus", "eventbus"), ("io.vertx.core.http", "vertx-http"), ("io.vertx", "vertx-other"),
    ("io.micrometer", "micrometer"), ("org.HdrHistogram", "micrometer"), ("sun.nio", "nio"),
    ("java.util.regex", "regex"), ("io.conductorvx", "ours"), ("java.", "jdk"), ("jdk.", "jdk"), ("sun.", "jdk"),
]


def library(method):
    for prefix, name in LIBRARIES:
        if method.startswith(prefix):
            return name
    return "other"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("recording")
    p.add_argument("--match", default="io.conductorvx")
    p.add_argument("--top", type=int, default=40)
    a = p.parse_args()
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "512", "--events", "jdk.ExecutionSample", a.recording],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    leaf_lib, leaf, inclusive, ours_lib = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    for e in events:
        frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in e["values"]["stackTrace"]["frames"]]
        frames = [re.sub(r"\$\$Lambda\$\d+\+0x[0-9a-f]+/\d+", "$$Lambda", f) for f in frames]
        if not frames:
            continue
        leaf[frames[0]] += 1
        leaf_lib[library(frames[0])] += 1
        # the leaf charged to the first frame of ours below it, when there is one: who asked for the work
        first_ours = next((f for f in frames if f.startswith(a.match)), None)
        ours_lib[first_ours.rsplit(".", 1)[0] if first_ours else "(none of ours)"] += 1
        for m in set(frames):
            if m.startswith(a.match):
                inclusive[m] += 1
    n = len(events)
    print(f"samples {n}\n\n# by library of the leaf frame")
    for k, v in leaf_lib.most_common():
        print(f"{100 * v / n:5.1f}% {k}")
    print("\n# by the innermost class of ours on the stack")
    for k, v in ours_lib.most_common(a.top):
        print(f"{100 * v / n:5.1f}% {k}")
    print("\n# leaf methods")
    for k, v in leaf.most_common(a.top):
        print(f"{100 * v / n:5.1f}% {k}")
    print(f"\n# inclusive, {a.match}")
    for k, v in inclusive.most_common(a.top):
        print(f"{100 * v / n:5.1f}% {k}")


if __name__ == "__main__":
    main()
