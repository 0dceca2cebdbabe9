"""Peer benchmark: HuggingFace datatrove 0.10.1's exact paragraph deduplication of a folder of plain-text articles.

What it measures: wall time (total and per stage), documents, paragraphs, removed paragraphs and peak RSS of
datatrove deduplicating every `.txt` file below SOURCE (UTF-8, nested folders, one paragraph per non-blank line),
the job that `newsflow run` does as one of its steps (bench/pipeline.py sets the two side by side).

How datatrove is set up, and why:
  * Its sentence-dedup steps, which are its exact (hash-equality) dedup of text spans, in three executor runs:
    SentenceDedupSignature (read + hash every paragraph) -> SentenceFindDedups (merge the sorted hashes, list every
    repeat after the first) -> SentenceDedupFilter (read again, drop the listed paragraphs, write JSONL).
  * A "sentence" is one paragraph: `split_sentences=False` splits the text on newlines and `n_sentences=1` hashes
    each line alone instead of C4's three-sentence spans; that makes it exact paragraph dedup.
  * `min_doc_words=0` and `min_num_sentences=0`: datatrove's defaults (50 words, 3 sentences) would also drop
    short documents that lost a paragraph, which is filtering, not dedup. A document whose paragraphs were all
    repeats is still dropped (datatrove never keeps an empty document).
  * Paragraphs are compared after datatrove's default TextNormConfig (lowercase, digits -> 0, punctuation and
    whitespace folded, diacritics stripped: ö -> o, й -> и), as datatrove ships it.
  * `TxtReader` below (datatrove has no plain-text reader) yields one Document per file, blank lines removed so that
    datatrove's line index is the paragraph index. datatrove shards the files over tasks, sorted by path.
  * Signature and filter stages run `tasks` tasks on `workers` processes. The find stage is one task (one hash
    bucket), which datatrove runs in the calling process: splitting it into hash buckets on a process pool
    (`finder_workers`) was slower here up to 100 MB, as starting the pool takes longer than the merge saves
    (2 buckets on 2 processes against 1 in process: 0.85 s vs 0.1 s at 10 MB, 1.5 s vs 0.8 s at 100 MB).
  * The filter stage writes uncompressed JSONL (`compression=None`): JsonlWriter's default gzip would charge the
    peer for compression newsflow does not do.

peak_rss_mb is the largest single process of the run: the largest ru_maxrss that `PeakRss`, the last step of every
stage, reads inside the process that ran a task. getrusage(RUSAGE_CHILDREN) cannot see those processes: the local
executor starts its workers from a fork server, so they are not children of this process. The find stage (and
every stage when workers == 1) runs in the calling process itself; run_datatrove() therefore measures in a fresh
interpreter (this file's CLI), so that its caller's own memory does not count.

Run (datatrove is in the `bench` dependency group: `uv sync --group bench`):
    .venv/bin/python bench/peer_datatrove.py SOURCE [--tasks 2] [--workers 2] [--workdir DIR]
It prints the result as JSON on stdout; datatrove's logs go to stderr and to WORKDIR/logs/. From Python,
run_datatrove(source, workdir, tasks, workers) runs that command and returns the dict (stderr: WORKDIR/datatrove.log).
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import datatrove.pipeline
from datatrove.data import DocumentsPipeline
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.pipeline.writers.jsonl import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WhitespaceTokenizer

# datatrove/pipeline/dedup/__init__.py imports every dedup step, and its exact-substring one needs `tokenizers`, which
# datatrove does not depend on. Registering the package without running that __init__ lets the sentence-dedup module
# import alone. The executor's fork server imports this file before it starts workers, so they get the same package.
_DEDUP = "datatrove.pipeline.dedup"
if _DEDUP not in sys.modules:
    sys.modules[_DEDUP] = types.ModuleType(_DEDUP)
    sys.modules[_DEDUP].__path__ = [str(Path(datatrove.pipeline.__file__).parent / "dedup")]
from datatrove.pipeline.dedup.sentence_dedup import (  # noqa: E402
    SentDedupConfig,
    SentenceDedupFilter,
    SentenceDedupSignature,
    SentenceFindDedups,
)

# hash_fc="sha1": datatrove's default xxhash hashes `str`, which xxhash 4 (newsflow's lock) rejects with "Strings must
# be encoded before hashing". sha1 is datatrove's other choice and costs ~0.07 s more CPU per 10 MB (about 1% of the
# signature stage, which is dominated by datatrove's text normalization).
CONFIG = SentDedupConfig(
    n_sentences=1,
    split_sentences=False,
    min_doc_words=0,
    min_num_sentences=0,
    hash_config=HashConfig(hash_fc="sha1"),
)
# The dedup steps load a word tokenizer for their language even when the settings above never call it; English's
# needs spaCy, which the bench group does not install. datatrove's own dependency-free fallback avoids that.
TOKENIZER = WhitespaceTokenizer()


class TxtReader(BaseDiskReader):
    """One Document per UTF-8 `.txt` file: its non-blank lines, one paragraph each, joined by newlines."""

    name = "txt"

    def read_file(self, filepath: str) -> DocumentsPipeline:
        with self.data_folder.open(filepath, "rb") as f:
            raw = f.read()
        with self.track_time():
            text = "\n".join(line for line in raw.decode("utf-8").splitlines() if line.strip())
            document = self.get_document_from_dict({"text": text, "id": filepath}, filepath, 0)
        if document:  # datatrove skips (and warns about) documents without text
            yield document


class PeakRss(PipelineStep):
    """Last step of a stage: passes documents through, then records the peak RSS of the process that ran the task."""

    type = "📏 - PROBE"
    name = "peak RSS"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        # datatrove merges the tasks' stats keeping the max, which is the largest process of the stage
        self.stat_update("peak_rss_kb", value=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, unit="task")


def _count_paragraphs(source: Path) -> int:
    return sum(
        sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        for path in source.rglob("*.txt")
    )


def measure(source: Path, workdir: Path, tasks: int = 2, workers: int = 2) -> dict:
    """Run the three stages from this process (a fresh one, for peak_rss_mb: see the module docstring)."""
    source, workdir = source.resolve(), workdir.resolve()
    sigs, dups, output, logs = (workdir / name for name in ("sigs", "dups", "output", "logs"))
    # Stale signatures or "completed" markers from an earlier run would be merged in or make datatrove skip tasks.
    for folder in (sigs, dups, output, logs):
        shutil.rmtree(folder, ignore_errors=True)

    def reader() -> TxtReader:
        # The filter stage must see the same documents in the same order per task as the signature stage:
        # duplicates are addressed by (task, document index, paragraph index).
        return TxtReader(str(source), glob_pattern="**/*.txt")

    # stage -> (pipeline, tasks, workers)
    stages = {
        "signature": ([reader(), SentenceDedupSignature(str(sigs), config=CONFIG, language=TOKENIZER)], tasks, workers),
        "find": ([SentenceFindDedups(str(sigs), str(dups), config=CONFIG)], 1, 1),
        "filter": (
            [
                reader(),
                SentenceDedupFilter(str(dups), config=CONFIG, language=TOKENIZER),
                JsonlWriter(str(output), compression=None),
            ],
            tasks,
            workers,
        ),
    }
    stage_seconds, stats = {}, {}
    start = time.perf_counter()
    for stage, (pipeline, stage_tasks, stage_workers) in stages.items():
        executor = LocalPipelineExecutor(
            [*pipeline, PeakRss()], tasks=stage_tasks, workers=stage_workers, logging_dir=str(logs / stage)
        )
        stage_start = time.perf_counter()
        stats[stage] = executor.run()
        stage_seconds[stage] = round(time.perf_counter() - stage_start, 2)
    seconds = round(time.perf_counter() - start, 2)

    # Merged per-step stats, in pipeline order: signature = [reader, signature, probe],
    # filter = [reader, filter, writer, probe].
    reader_stats = stats["signature"].stats[0].stats
    filter_stats, writer_stats = (step.stats for step in stats["filter"].stats[1:3])
    peak_kb = max(stage_stats.stats[-1].stats["peak_rss_kb"].max for stage_stats in stats.values())
    return {
        "source": str(source),
        "tasks": tasks,
        "workers": workers,
        "seconds": seconds,
        "stage_seconds": stage_seconds,
        "documents": int(reader_stats["documents"].total),
        # documents left with no paragraph at all, which datatrove drops instead of writing
        "documents_dropped": int(filter_stats["total"].total - writer_stats["total"].total),
        # datatrove only counts the paragraphs of documents that lost one, so count them all here, untimed
        "paragraphs": _count_paragraphs(source),
        "paragraphs_removed": int(filter_stats["removed_sentences"].total),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def run_datatrove(source: Path, workdir: Path, tasks: int = 2, workers: int = 2) -> dict:
    """Measure datatrove on `source` in a fresh interpreter; intermediate files and output go under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "datatrove.log"
    command = [sys.executable, __file__, str(source), "--workdir", str(workdir)]
    command += ["--tasks", str(tasks), "--workers", str(workers)]
    # datatrove logs a line per input file; keep them out of the caller's console
    with log.open("w") as stderr:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
    if completed.returncode:
        raise RuntimeError(f"datatrove run failed (exit {completed.returncode}), see {log}")
    return json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description="datatrove exact paragraph dedup of a folder of .txt files")
    parser.add_argument("source", type=Path, help="folder searched recursively for .txt files")
    parser.add_argument("--tasks", type=int, default=2, help="datatrove tasks (file shards) per stage")
    parser.add_argument("--workers", type=int, default=2, help="processes running those tasks")
    parser.add_argument("--workdir", type=Path, help="signatures, logs and JSONL output (default: a temporary folder)")
    args = parser.parse_args()
    if args.workdir:
        result = measure(args.source, args.workdir, args.tasks, args.workers)
    else:
        with tempfile.TemporaryDirectory(prefix="peer-datatrove-") as scratch:
            result = measure(args.source, Path(scratch), args.tasks, args.workers)
    print(json.dumps(result, indent=2))


# The local executor starts worker processes, which import this file again: nothing may run on import.
if __name__ == "__main__":
    main()
