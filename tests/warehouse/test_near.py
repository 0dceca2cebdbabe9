"""Frames read from DuckDB by the near-duplicate stages (warehouse/near.py)."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.near import detached

BATCH = "SELECT md5(i::VARCHAR) AS id, i / 7 AS similarity, repeat('text ', 200) AS text FROM range(300) AS t(i)"


def buffers(frame: pl.DataFrame) -> set[int]:
    return {
        buffer.address
        for column in frame.to_arrow().columns
        for chunk in column.chunks
        for buffer in chunk.buffers()
        if buffer is not None
    }


def test_a_detached_frame_shares_no_buffer_with_the_batch_it_was_read_in() -> None:
    """The ids kept from a batch of texts must not keep the texts alive."""
    batch = next(iter(duckdb.connect().execute(BATCH).fetch_record_batch(300)))
    ids = pl.from_arrow(batch).select("id", "similarity")
    assert buffers(ids) & buffers(pl.from_arrow(batch))  # the frame as read does share: what detaching is for

    kept = detached(ids)

    assert kept.equals(ids)
    assert kept.schema == ids.schema
    assert not buffers(kept) & buffers(pl.from_arrow(batch))
