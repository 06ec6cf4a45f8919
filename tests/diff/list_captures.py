#!/usr/bin/env python3
"""Prints the capture paths listed in a shared/pcaps MANIFEST.tsv, one a line."""
import os
import sys

manifest = os.path.join(sys.argv[1], "MANIFEST.tsv")
if os.path.exists(manifest):
    with open(manifest, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            path = line.split("\t", 1)[0].strip()
            if path:
                print(path)
