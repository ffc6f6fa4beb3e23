"""What the objective references share: writing their golden JSON cases, and their command line.

Each reference (bam_, swav_, pirl_reference.py) states its objective and builds one JSON document
per case; this module writes them compactly, reports sizes, and parses `--write-fixtures DIR`.
"""

import argparse
import json
import os


def write_json(path, doc):
    """Writes one compact JSON document (one line, trailing newline); returns its size in bytes."""
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return os.path.getsize(path)


def write_cases(directory, cases, run_case, generator):
    """Runs every case with one generator (so the files are deterministic) and writes
    DIR/<name>.json for each; returns the total size in bytes."""
    os.makedirs(directory, exist_ok=True)
    total = 0
    for c in cases:
        doc = run_case(c, generator)
        path = os.path.join(directory, c["name"] + ".json")
        size = write_json(path, doc)
        total += size
        print(f"{path}: loss={doc['expected']['loss']:.10g} ({size} bytes)")
    return total


def main(argv, description, write_fixtures):
    """`--write-fixtures DIR` calls write_fixtures(DIR); no argument prints the help."""
    parser = argparse.ArgumentParser(description=description.split("\n")[0])
    parser.add_argument("--write-fixtures", metavar="DIR", help="write one JSON fixture per case into DIR")
    args = parser.parse_args(argv)
    if args.write_fixtures:
        write_fixtures(args.write_fixtures)
    else:
        parser.print_help()
