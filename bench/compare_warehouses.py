"""Compare two warehouses relation by relation: are a build before a change and one after it the same?

    .venv/bin/python bench/compare_warehouses.py BEFORE.duckdb AFTER.duckdb

Every public view and every table, rows sorted; timestamps (`*_at`), the flow run's id and the steps'
`milliseconds` left out, since they differ from run to run. Prints each relation that differs, with
up to 40 rows only one side has, and how many relations are identical.
"""

from __future__ import annotations

import sys

import duckdb

RELATIONS = """
SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal
UNION ALL SELECT schema_name, table_name FROM duckdb_tables()
"""
VOLATILE = {"flow_run_id", "seconds"}
SHOWN = 40


def dump(path: str) -> dict[str, list[str]]:
    """Every relation of the warehouse at `path`: its rows, as sorted text, volatile columns left out."""
    con = duckdb.connect(path, read_only=True)
    try:
        relations = {}
        for schema, name in con.execute(RELATIONS).fetchall():
            cursor = con.execute(f'SELECT * FROM "{schema}"."{name}"')
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor.fetchall():
                record = dict(zip(columns, row, strict=True))
                if record.get("counter") == "milliseconds":
                    continue
                kept = {c: v for c, v in record.items() if c not in VOLATILE and not c.endswith("_at")}
                rows.append(repr(tuple(kept.items())))
            relations[f"{schema}.{name}"] = sorted(rows)
        return relations
    finally:
        con.close()


def main() -> None:
    before, after = dump(sys.argv[1]), dump(sys.argv[2])
    names = sorted(set(before) | set(after))
    for name in names:
        old, new = before.get(name, []), after.get(name, [])
        if old == new:
            continue
        gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        print(f"DIFF {name}: {len(old)} vs {len(new)} rows; only before {len(gone)}, only after {len(added)}")
        for row in gone[:SHOWN]:
            print("   -", row)
        for row in added[:SHOWN]:
            print("   +", row)
    same = sum(before.get(name) == after.get(name) for name in names)
    print(f"{same} of {len(names)} relations identical")


if __name__ == "__main__":
    main()
