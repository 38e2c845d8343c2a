#!/usr/bin/env python3
"""Lists the SQL outside storage/ that PostgreSQL would refuse or read differently (issue 19).

The SQL of every repository is written once, in the subset both engines run
(storage/connection.h). This finds what is still SQLite's own, by pattern, one line per
occurrence (file:line: construct), then a count per construct. It reads the C++ sources, so it
finds the SQL text, not how it runs: a line may hold two constructs, and a construct the
patterns miss is not listed (e.g. GROUP BY leniency, NULL ordering). Usage:
scripts/list-sqlite-only-sql.py [SOURCE_DIR]
"""
import collections
import pathlib
import re
import sys

# construct -> (pattern, what PostgreSQL needs instead)
CONSTRUCTS = {
    "INSERT OR IGNORE/REPLACE, UPDATE OR": (
        r"\b(INSERT|UPDATE) OR (IGNORE|REPLACE|ROLLBACK|ABORT|FAIL)\b",
        "INSERT ... ON CONFLICT DO NOTHING / DO UPDATE"),
    "json_each over text values": (
        r"json_each\([^)]*\)\s*ORDER BY key",
        "json_each here reads ids (bigint) only"),
    # PostgreSQL's schema defines group_concat(text, separator) and agora_name_key(text).
    "group_concat without a separator": (r"\bgroup_concat\([^,()]*\)", "name the separator"),
    "char(N)": (r"\bchar\(\d+\)", "chr(N)"),
    "COLLATE NOCASE": (r"COLLATE NOCASE", "lower() on both sides, or citext"),
    "printf()": (r"\bprintf\('", "format()"),
    "agora_nfc() in SQL": (r"\bagora_nfc\(", "compute it in C++ and bind it"),
    "scalar max(a, b)/min(a, b)": (r"\b(max|min)\(\s*[^()]*?,", "greatest()/least()"),
    "a IS b between values": (r"\bIS (NOT )?(\?\d*|[a-z_]+\.[a-z_]+)(?![a-z_(])",
                              "IS [NOT] DISTINCT FROM"),
    "integer used as a condition": (
        r"\b(AND|OR|WHERE|NOT) (u\.|c\.|m\.)?(active|can_write|passed|correct|new_customer|"
        r"sales_ops)\b(?!\s*(=|!=|<>|IS))",
        "compare it: active = 1"),
    "parameter used as a condition": (
        r"WHEN \?\d* THEN|\b(AND|OR|WHERE|NOT) \?\d*( |$)(?!\s*(=|!=|<>|<|>|IS))",
        "compare it: ?N = 1"),
    "?N IS NULL without its type": (
        r"(?<!CAST\()\?\d* IS (NOT )?NULL",
        "CAST(?N AS TEXT) or CAST(?N AS BIGINT) IS NULL: name the type"),
    "LIKE (case-insensitive in SQLite)": (r"\bLIKE\b", "ILIKE where case must not matter"),
    "PRAGMA / sqlite_* / rowid / typeof": (
        r"\bPRAGMA\b|\bsqlite_\w+|\browid\b|\btypeof\(|last_insert_rowid", "engine-specific code"),
    "strftime/date()/julianday": (r"\b(strftime|julianday|datetime)\(|\bdate\('", "to_char etc."),
    "LIMIT -1": (r"LIMIT -1", "LIMIT ALL"),
}


def sql_lines(source_dir):
    for path in sorted(pathlib.Path(source_dir).rglob("*")):
        if path.suffix not in (".cc", ".h") or not path.is_file():
            continue
        rel = path.relative_to(source_dir)
        if rel.parts[0] in ("build", "storage", "tests", "bench", "fuzz", "third_party", "web"):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if '"' in line:  # SQL lives in string literals
                yield rel, number, line


def main():
    source_dir = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent
    counts = collections.Counter()
    for rel, number, line in sql_lines(source_dir):
        literal = " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', line))
        for name, (pattern, _) in CONSTRUCTS.items():
            if re.search(pattern, literal):
                counts[name] += 1
                print(f"{rel}:{number}: {name}")
    print()
    for name, (_, instead) in CONSTRUCTS.items():
        print(f"{counts[name]:4d}  {name}  ->  {instead}")
    print(f"{sum(counts.values()):4d}  in all")


if __name__ == "__main__":
    main()
