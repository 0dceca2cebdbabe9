"""How `newsflow search` shows its hits on a terminal: where each is, and about two lines of it
around the best match, with the matched words highlighted, sized to the terminal's width.

CSV and JSON (for scripts) print the full text instead; they do not come here.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.text import Text

INDENT = 4  # under the path, past the hit number ("10. ")
SNIPPET_LINES = 2
# Word wrap loses up to a word's width per line; this keeps a snippet within its two lines.
WRAP_SLACK = 12
MATCH_STYLE = "bold yellow"
# Piped output is not wrapped (flows/cli.py); a snippet still reads as two lines of at most this.
SNIPPET_MAX_WIDTH = 100


def snippet_window(text: str, spans: Sequence[tuple[int, int]], budget: int) -> tuple[int, int]:
    """The (start, end) of at most `budget` characters of `text` that hold the most matched spans,
    cut at spaces, the best match a little in from the left so its context shows."""
    if len(text) <= budget:
        return 0, len(text)
    best_start, best_count = 0, -1
    for first, _ in spans or [(0, 0)]:
        start = max(0, min(first - budget // 4, len(text) - budget))
        count = sum(1 for s, e in spans if s >= start and e <= start + budget)
        if count > best_count:
            best_start, best_count = start, count
    end = min(len(text), best_start + budget)
    if best_start > 0 and (space := text.find(" ", best_start, best_start + 20)) != -1:
        best_start = space + 1
    if end < len(text) and (space := text.rfind(" ", end - 20, end)) != -1:
        end = space
    return best_start, end


def snippet(text: str, spans: Sequence[tuple[int, int]], width: int) -> Text:
    """About SNIPPET_LINES lines of `text` at `width` around its matches, the matches highlighted."""
    budget = max(20, SNIPPET_LINES * (width - INDENT) - WRAP_SLACK)
    flat = text.replace("\n", " ")
    start, end = snippet_window(flat, spans, budget)
    shown = Text(("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else ""))
    shift = 1 if start else 0
    for s, e in spans:
        if s >= start and e <= end:
            shown.stylize(MATCH_STYLE, s - start + shift, e - start + shift)
    return shown


def render_hits(hits: Sequence[dict], console: Console) -> Group:
    """Each hit: its number, path, paragraph position, language, score and near copies; then its
    snippet, wrapped and indented to the console's width (no trailing spaces, for a pipe)."""
    width = min(console.width, SNIPPET_MAX_WIDTH)
    parts: list = []
    for number, hit in enumerate(hits, start=1):
        copies = hit["near_copies"]
        head = Text.assemble(
            (f"{number:>2}. ", "dim"),
            (hit["source_path"], "bold"),
            f" ¶{hit['position']}",
            (f"  {hit['language']}  score {hit['score']:.2f}", "dim"),
            (f"  +{copies} near cop{'ies' if copies != 1 else 'y'}" if copies else "", "cyan"),
        )
        lines = snippet(hit["text"], hit["spans"], width).wrap(console, width - INDENT)
        for line in lines:
            line.rstrip()
        parts += [head, *(Text.assemble(" " * INDENT, line) for line in lines), Text()]
    count = len(hits)
    parts.append(
        Text(f"{count} hit{'s' * (count != 1)}, best first; --format json or csv prints the full text", style="dim")
        if count
        else Text("no paragraph matches; try fewer words, or another --lang", style="yellow")
    )
    return Group(*parts)
