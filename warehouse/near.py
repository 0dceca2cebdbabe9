"""The near-duplicate index in the warehouse: signatures, band keys, verified pairs and clusters
(m007), and every statement the near-duplicate stages run (tasks/near_dedup.py decides; this writes).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import polars as pl

from warehouse.connection import registered
from warehouse.sql_script import run_script

STORED_CONFIG = "SELECT value FROM core.warehouse_meta WHERE key = 'near_duplicate_config'"
RECORD_CONFIG = "INSERT OR REPLACE INTO core.warehouse_meta VALUES ('near_duplicate_config', ?)"
# A new signature config makes every stored band key and verified pair meaningless: start again.
FORGET_INDEX = (
    "DELETE FROM core.near_clusters",  # and the similarities measured on the old skeleton
    "DELETE FROM core.near_bands",
    "DELETE FROM core.near_prefixes",
    "DELETE FROM core.near_signatures",
    "DELETE FROM core.near_pairs",
)
UNSIGNED = """
SELECT paragraph_id, text FROM core.paragraphs
WHERE paragraph_id NOT IN (SELECT paragraph_id FROM core.near_signatures)
  AND paragraph_id NOT IN (SELECT paragraph_id FROM staging.near_signatures)
"""
# Each batch's signatures are numbered after those staged before (staged_key); its keys take their number.
STAGED_SIGNATURES = "SELECT coalesce(max(staged_key), 0) FROM staging.near_signatures"
STAGE_SIGNATURES = "INSERT INTO staging.near_signatures BY NAME SELECT * FROM new_signatures"
STAGE_BANDS = "INSERT INTO staging.near_bands BY NAME SELECT staged_key, band_key FROM new_bands"
STAGE_PREFIXES = "INSERT INTO staging.near_prefixes BY NAME SELECT staged_key, prefix_key FROM new_prefixes"
LAST_KEY = "SELECT coalesce(max(signature_key), 0) FROM core.near_signatures"
# The paragraphs new to the warehouse, each in the first batch that staged it, keyed after the last key;
# then their signatures and keys go into the index.
NEW_KEYS = """
CREATE OR REPLACE TEMP TABLE near_new_keys AS
SELECT staged_key, $last_key + row_number() OVER (ORDER BY paragraph_id) AS signature_key
FROM (
    SELECT paragraph_id, min(staged_key) AS staged_key
    FROM staging.near_signatures
    WHERE paragraph_id IN (SELECT paragraph_id FROM core.paragraphs)
      AND paragraph_id NOT IN (SELECT paragraph_id FROM core.near_signatures)
    GROUP BY paragraph_id
)
"""
ADD_SIGNATURES = """
INSERT INTO core.near_signatures
SELECT s.paragraph_id, k.signature_key, s.words, s.numbers, $run_id, s.chars, s.sentence_sketch
FROM staging.near_signatures AS s JOIN near_new_keys AS k USING (staged_key)
"""
ADD_BANDS = """
INSERT INTO core.near_bands
SELECT b.band_key, k.signature_key FROM staging.near_bands AS b JOIN near_new_keys AS k USING (staged_key)
"""
ADD_PREFIXES = """
INSERT INTO core.near_prefixes
SELECT p.prefix_key, k.signature_key FROM staging.near_prefixes AS p JOIN near_new_keys AS k USING (staged_key)
"""
DROP_NEW_KEYS = "DROP TABLE near_new_keys"
# Find: each new paragraph against every paragraph signed before it (old ones, and new ones with a
# smaller key) where they share a band key, and against every paragraph it is a cut copy of, or that
# is a cut copy of it (a whole-text key meets a prefix key; `cut_only` when that is all they share).
# Each pair once, numbered for the chunks.
FIND_CANDIDATES = """
CREATE OR REPLACE TEMP TABLE near_candidates AS
SELECT row_number() OVER (ORDER BY low_key, high_key) AS candidate, low_key, high_key, cut_only
FROM (
    SELECT least(new_key, old_key) AS low_key, greatest(new_key, old_key) AS high_key, bool_and(cut) AS cut_only
    FROM (
        SELECT n.signature_key AS new_key, o.signature_key AS old_key, false AS cut
        FROM core.near_bands AS n
        JOIN core.near_bands AS o ON o.band_key = n.band_key AND o.signature_key < n.signature_key
        WHERE n.signature_key > $last_key
        UNION ALL
        SELECT n.signature_key, o.signature_key, true
        FROM core.near_bands AS n
        JOIN core.near_prefixes AS o ON o.prefix_key = n.band_key AND o.signature_key <> n.signature_key
        WHERE n.signature_key > $last_key
        UNION ALL
        SELECT n.signature_key, o.signature_key, true
        FROM core.near_prefixes AS n
        JOIN core.near_bands AS o ON o.band_key = n.prefix_key AND o.signature_key <> n.signature_key
        WHERE n.signature_key > $last_key
    )
    GROUP BY ALL
)
"""
CANDIDATE_COUNT = "SELECT count(*) FROM near_candidates"
# One chunk of candidates, then the signatures of their paragraphs, what verify screens them by
# without their texts (tasks/near_dedup.py pairs them up). The keys come in as a registered frame of
# known size, so the signatures are scanned once per chunk against a small hash table of keys: joining
# the candidates to the signatures in SQL, DuckDB built its hash tables on the signatures' lists
# instead (it cannot see how few candidates a chunk holds) and ran out of NEWSFLOW_MEMORY_LIMIT
# (1 GB) at 1 GB of articles.
CHUNK_CANDIDATES = "SELECT low_key, high_key, cut_only FROM near_candidates WHERE candidate BETWEEN ? AND ?"
CHUNK_SIGNATURES = """
SELECT signature_key, paragraph_id, numbers, chars, sentence_sketch
FROM core.near_signatures
WHERE signature_key IN (SELECT signature_key FROM chunk_keys)
"""
# The texts of the paragraphs of the pairs that screening left to compare: one read per chunk.
PARAGRAPH_TEXTS = "SELECT paragraph_id AS id, text FROM core.paragraphs WHERE paragraph_id IN (SELECT id FROM wanted)"
RECORD_PAIRS = """
INSERT INTO core.near_pairs (left_id, right_id, similarity, found_run, shingles_measured)
SELECT left_id, right_id, similarity, $run_id, $measured FROM verified_pairs
"""
# Grow the touched parts (warehouse/sql/near_touched.sql) by the current pairs of the last paragraphs
# added, until no pair leads out of them; each step answers how many it added.
GROW_TOUCHED = (
    """
    CREATE OR REPLACE TEMP TABLE near_frontier AS
    SELECT DISTINCT other AS paragraph_id
    FROM (
        SELECT p.right_id AS other FROM current_pairs AS p JOIN near_frontier AS f ON p.left_id = f.paragraph_id
        UNION ALL
        SELECT p.left_id FROM current_pairs AS p JOIN near_frontier AS f ON p.right_id = f.paragraph_id
    )
    WHERE other NOT IN (SELECT paragraph_id FROM near_touched)
    """,
    "INSERT INTO near_touched SELECT paragraph_id FROM near_frontier",
)
TOUCHED_COUNT = "SELECT count(*) FROM near_touched"
# Cluster: the current pairs of the touched parts, and their paragraphs' words and numbers.
TOUCHED_PAIRS = """
SELECT left_id, right_id, similarity FROM current_pairs
WHERE left_id IN (SELECT paragraph_id FROM near_touched)
"""
PAIRED_NUMBERS = """
SELECT paragraph_id, words, numbers FROM core.near_signatures
WHERE paragraph_id IN (SELECT paragraph_id FROM near_touched)
  AND paragraph_id IN (SELECT left_id FROM current_pairs UNION ALL SELECT right_id FROM current_pairs)
"""
# A clustered paragraph verified on its texts against its cluster's canonical paragraph takes that
# pair's similarity (m015); the rest (paired through other members, or cut copies) are measured.
SIMILARITY_OF_PAIRS = """
UPDATE core.near_clusters AS c SET similarity = p.similarity
FROM core.near_pairs AS p
WHERE c.similarity IS NULL AND p.shingles_measured
  AND p.left_id = least(c.paragraph_id, c.cluster_id) AND p.right_id = greatest(c.paragraph_id, c.cluster_id)
"""
# Each clustered paragraph not yet measured against its cluster's canonical paragraph, with both texts.
MEMBERS = """
SELECT c.paragraph_id AS left_id, c.cluster_id AS right_id, p.text AS left_text, k.text AS right_text
FROM core.near_clusters AS c
JOIN core.paragraphs AS p USING (paragraph_id)
JOIN core.paragraphs AS k ON k.paragraph_id = c.cluster_id
WHERE c.similarity IS NULL
"""
LARGEST_CLUSTER = "SELECT coalesce(max(paragraphs), 1) FROM near_duplicate_clusters"
RECORD_SIMILARITY = """
UPDATE core.near_clusters AS c SET similarity = s.similarity
FROM member_similarity AS s WHERE c.paragraph_id = s.left_id
"""


def streamed(con: duckdb.DuckDBPyConnection, query: str, rows: int) -> Iterator[pl.DataFrame]:
    """The result of `query`, `rows` at a time, as DuckDB produces it."""
    for batch in con.execute(query).fetch_record_batch(rows):
        yield pl.from_arrow(batch)


def detached(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` copied into buffers of its own. A column of a frame read from DuckDB shares the Arrow batch
    it came in and keeps all of it alive, its other columns included: the ids of the members measured, kept
    until the end of the stage, kept every batch of their texts (0.5 GB at 1 GB, bench/README.md)."""
    return pl.DataFrame({name: column.to_list() for name, column in frame.to_dict().items()}, schema=frame.schema)


def forget_if_config_changed(con: duckdb.DuckDBPyConnection, config: str) -> bool:
    """Drop the index built with another signature config (it is rebuilt from the stored texts)."""
    stored = con.execute(STORED_CONFIG).fetchone()
    if stored is not None and stored[0] == config:
        return False
    for statement in FORGET_INDEX:
        con.execute(statement)
    con.execute(RECORD_CONFIG, [config])
    return stored is not None


def unsigned_paragraphs(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[pl.DataFrame]:
    """Paragraphs of the warehouse with no signature yet (it predates m007, or the config changed),
    `rows` at a time, read in one pass on a cursor of their own while `con` stages their signatures."""
    with con.cursor() as reader:
        yield from streamed(reader, UNSIGNED, rows)


def stage_signatures(
    con: duckdb.DuckDBPyConnection, signatures: pl.DataFrame, bands: pl.DataFrame, prefixes: pl.DataFrame
) -> None:
    offset = con.execute(STAGED_SIGNATURES).fetchone()[0]
    signatures = signatures.with_row_index("staged_key", offset + 1)
    numbered = signatures.select("paragraph_id", "staged_key")
    bands, prefixes = (keys.join(numbered, on="paragraph_id") for keys in (bands, prefixes))
    with registered(con, new_signatures=signatures, new_bands=bands, new_prefixes=prefixes):
        for statement in (STAGE_SIGNATURES, STAGE_BANDS, STAGE_PREFIXES):
            con.execute(statement)


def add_staged_signatures(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Move the staged signatures of new paragraphs into the index; returns the last key before them."""
    last_key = con.execute(LAST_KEY).fetchone()[0]
    con.execute(NEW_KEYS, {"last_key": last_key})
    con.execute(ADD_SIGNATURES, {"run_id": run_id})
    con.execute(ADD_BANDS)
    con.execute(ADD_PREFIXES)
    con.execute(DROP_NEW_KEYS)
    return last_key


def find_candidates(con: duckdb.DuckDBPyConnection, last_key: int) -> int:
    """Number the pairs to compare (near_candidates); returns how many there are."""
    con.execute(FIND_CANDIDATES, {"last_key": last_key})
    return con.execute(CANDIDATE_COUNT).fetchone()[0]


def candidate_chunk(con: duckdb.DuckDBPyConnection, first: int, last: int) -> pl.DataFrame:
    """Candidates `first` to `last` with each side's id, signature key, numbers, chars and sentence sketch
    (left_id, left_key, left_numbers, ..., right_sketch, cut_only), the smaller paragraph_id on the left."""
    pairs = con.execute(CHUNK_CANDIDATES, [first, last]).pl()
    keys = pl.concat([pairs["low_key"], pairs["high_key"]]).unique().to_frame("signature_key")
    with registered(con, chunk_keys=keys):
        signatures = con.execute(CHUNK_SIGNATURES).pl()
    sides = {
        "paragraph_id": "id",
        "signature_key": "key",
        "numbers": "numbers",
        "chars": "chars",
        "sentence_sketch": "sketch",
    }
    # Not coalesced: each side keeps its signature_key column, picked like the others below.
    low, high = (signatures.rename(lambda column, end=end: f"{end}_{column}") for end in ("low", "high"))
    joined = pairs.join(low, left_on="low_key", right_on="low_signature_key", coalesce=False).join(
        high, left_on="high_key", right_on="high_signature_key", coalesce=False
    )
    swap = pl.col("high_paragraph_id") < pl.col("low_paragraph_id")
    return joined.select(
        *(
            pl.when(swap).then(pl.col(f"{one}_{column}")).otherwise(pl.col(f"{other}_{column}")).alias(f"{side}_{name}")
            for column, name in sides.items()
            for side, one, other in (("left", "high", "low"), ("right", "low", "high"))
        ),
        "cut_only",
    )


def with_texts(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs with left_text and right_text."""
    wanted = pl.concat([pairs["left_id"], pairs["right_id"]]).unique().to_frame("id")
    with registered(con, wanted=wanted):
        texts = con.execute(PARAGRAPH_TEXTS).pl()
    return pairs.join(texts.rename({"id": "left_id", "text": "left_text"}), on="left_id").join(
        texts.rename({"id": "right_id", "text": "right_text"}), on="right_id"
    )


def record_pairs(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame, run_id: int, measured: bool) -> None:
    """Keep the near copies (left_id, right_id, similarity); `measured`: compared on their shingles."""
    with registered(con, verified_pairs=pairs):
        con.execute(RECORD_PAIRS, {"run_id": run_id, "measured": measured})


def touched_pairs(con: duckdb.DuckDBPyConnection, run_id: int) -> tuple[int, pl.DataFrame, pl.DataFrame]:
    """The paragraphs of the parts of the pair graph this run touched (near_touched) and how many there
    are, those parts' current pairs, and their paired paragraphs' words and numbers."""
    run_script(con, "near_touched", run_id=run_id)
    grow, add = GROW_TOUCHED
    while True:
        con.execute(grow)
        if not con.execute(add).fetchone()[0]:
            break
    touched = con.execute(TOUCHED_COUNT).fetchone()[0]
    return touched, con.execute(TOUCHED_PAIRS).pl(), con.execute(PAIRED_NUMBERS).pl()


def flag_clusters(con: duckdb.DuckDBPyConnection, groups: pl.DataFrame, run_id: int) -> None:
    """Name each group by its canonical paragraph, and decide every occurrence of its members."""
    with registered(con, near_groups=groups):
        run_script(con, "near_flag", run_id=run_id)


def similarity_from_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """Give each unmeasured member verified on its texts against its canonical paragraph that pair's similarity."""
    con.execute(SIMILARITY_OF_PAIRS)


def cluster_members(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[pl.DataFrame]:
    """The members whose similarity to their canonical paragraph is still to be measured, with texts,
    `rows` at a time; `con` runs nothing else until the last is read."""
    return streamed(con, MEMBERS, rows)


def largest_cluster(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(LARGEST_CLUSTER).fetchone()[0]


def record_similarity(con: duckdb.DuckDBPyConnection, similarity: pl.DataFrame) -> None:
    with registered(con, member_similarity=similarity):
        con.execute(RECORD_SIMILARITY)


# A warehouse of paragraphs alone, one document each, for measuring the stages (tasks/near_dedup.py).
STANDALONE_PARAGRAPHS = (
    "INSERT INTO core.paragraphs SELECT paragraph_id, text, language, length(text), 1 FROM standalone",
    """
    INSERT INTO core.documents (document_id, source_root, source_path, content_hash, encoding, language,
                                paragraphs_raw, paragraphs_unique, is_current, loaded_run)
    SELECT paragraph_id, '', paragraph_id, paragraph_id, 'utf-8', language, 1, 1, true, 1 FROM standalone
    """,
    """
    INSERT INTO core.document_paragraphs (document_id, position, paragraph_id, is_repeat_in_document,
                                          is_duplicate_of_earlier_document, kept_document_id, kept_position)
    SELECT paragraph_id, 1, paragraph_id, false, false, paragraph_id, 1 FROM standalone
    """,
)
PARAGRAPH_CLUSTERS = """
SELECT p.paragraph_id, coalesce(c.cluster_id, p.paragraph_id) AS cluster_id
FROM core.paragraphs AS p LEFT JOIN core.near_clusters AS c USING (paragraph_id)
ORDER BY p.paragraph_id
"""


def load_standalone_paragraphs(con: duckdb.DuckDBPyConnection, paragraphs: pl.DataFrame) -> None:
    with registered(con, standalone=paragraphs):
        for statement in STANDALONE_PARAGRAPHS:
            con.execute(statement)


def paragraph_clusters(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.execute(PARAGRAPH_CLUSTERS).pl()
