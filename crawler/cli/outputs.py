"""Output files of the commands: written under a temporary name, given their own name only once
complete, so that an interrupted run never leaves a file that looks finished."""

from __future__ import annotations

from pathlib import Path


def partial_path(output: Path) -> Path:
    """Where a feed is written until the crawl ends; renamed to `output` only then."""
    return output.with_name(f".{output.name}.part")


def finish_output(output: Path | None, reason: str) -> str:
    """Give the output file its name only if the crawl finished; a crawl cut short (Ctrl-C,
    CLOSESPIDER_*, a crash) leaves its records under the temporary name, which does not
    look complete. Returns a note for the user, empty when the file was moved."""
    if output is None:
        return ""
    partial = partial_path(output)
    if reason == "finished":
        if partial.exists():
            partial.replace(output)
        return ""
    return f"; the records written so far are in {str(partial)!r}" if partial.exists() else ""
