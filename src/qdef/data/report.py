"""Findings and the summary as text, JSON or CSV, written as they come.

A run over a million responses must not hold its findings: each writer prints a
finding when it is found, and the summary (counts per question and code, small
whatever the number of responses) at the end.

- ``text``: one line per finding, ``where: variable: CODE summary: reason`` (the
  response's id after ``where`` when it has one), then a table per question;
- ``json``: ``{"findings": [...], "summary": {...}}``, one finding per line;
- ``csv``: one row per finding (``response,where,variable,code,summary,reason``),
  quoted as CSV quotes (the summary is in the other two formats).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Protocol, TextIO

from qdef.data.checker import Summary
from qdef.data.codes import DataCode, Finding, FindingBatch

#: How much CSV text is gathered before it is written.
_BLOCK = 1 << 16
#: How many rows' ends :meth:`CsvWriter.batch` keeps (a bound: memory stays flat).
_TAILS = 65_536
#: What makes the csv module quote a field (the separator, the quote, line ends).
_SPECIAL = (",", '"', "\r", "\n")
#: The columns of the CSV format, in order.
CSV_COLUMNS = ("response", "where", "variable", "code", "summary", "reason")


class Writer(Protocol):
    def finding(self, finding: Finding) -> None: ...

    def batch(self, found: FindingBatch) -> None: ...

    def close(self, summary: Summary) -> None: ...


class TextWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def finding(self, finding: Finding) -> None:
        where = finding.where
        if finding.response != finding.where:
            where += f" ({finding.response})"
        variable = f" {finding.variable}:" if finding.variable else ""
        code = finding.code
        self.out.write(f"{where}:{variable} {code} {code.summary}: {finding.reason}\n")

    def batch(self, found: FindingBatch) -> None:
        for finding in found:
            self.finding(finding)

    def close(self, summary: Summary) -> None:
        rows = [
            (qid, c.on_path, c.answered, c.missing, c.off_path)
            for qid, c in summary.questions.items()
        ]
        if not rows:
            return
        heads = ("question", "on path", "answered", "missing", "off path")
        width = max(len(heads[0]), *(len(r[0]) for r in rows))
        self.out.write("\n" + heads[0].ljust(width))
        self.out.write("".join(f"  {h:>8}" for h in heads[1:]) + "\n")
        for qid, *counts in rows:
            self.out.write(qid.ljust(width) + "".join(f"  {n:>8}" for n in counts) + "\n")


class JsonWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.first = True

    def finding(self, finding: Finding) -> None:
        self.out.write('{\n  "findings": [\n    ' if self.first else ",\n    ")
        self.first = False
        self.out.write(json.dumps(finding.as_dict(), ensure_ascii=False))

    def batch(self, found: FindingBatch) -> None:
        for finding in found:
            self.finding(finding)

    def close(self, summary: Summary) -> None:
        self.out.write('{\n  "findings": [],\n' if self.first else "\n  ],\n")
        text = json.dumps(summary_data(summary), ensure_ascii=False, indent=2)
        self.out.write('  "summary": ' + text.replace("\n", "\n  ") + "\n}\n")


class CsvWriter:
    """Rows gathered in memory and written a block at a time (a million findings are
    a million writes otherwise); the header at once."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)
        self.tails: dict[tuple[str, DataCode, str], str] = {}
        self.flush()

    def finding(self, finding: Finding) -> None:
        code = finding.code  # the columns of CSV_COLUMNS, as Finding.as_dict has them
        self.writer.writerow(
            (
                finding.response,
                finding.where,
                finding.variable,
                code.value,
                code.summary,
                finding.reason,
            )
        )
        if self.buffer.tell() > _BLOCK:
            self.flush()

    def batch(self, found: FindingBatch) -> None:
        """A batch's rows: where no response or place needs quoting (as usual), each row
        is its response and place, then the rest of it as the csv module writes it,
        worked out once per distinct (variable, code, reason) — a batch's findings
        repeat those; else the csv module writes every row."""
        if not (_plain(found.response) and _plain(found.where)):
            summaries = [code.summary for code in found.code]
            self.writer.writerows(
                zip(
                    found.response,
                    found.where,
                    found.variable,
                    found.code,
                    summaries,
                    found.reason,
                    strict=True,
                )
            )
            self.flush()
            return
        tails, tail = self.tails, self._tail
        rows = [
            f"{response},{where},{tails.get(key) or tail(key)}"
            for response, where, key in zip(
                found.response,
                found.where,
                zip(found.variable, found.code, found.reason, strict=True),
                strict=True,
            )
        ]
        self.flush()
        if rows:
            self.out.write("\n".join(rows) + "\n")

    def _tail(self, key: tuple[str, DataCode, str]) -> str:
        """The variable, code, summary and reason of a row as the csv module writes them
        (without the line's end), kept for the next rows."""
        variable, code, reason = key
        line = io.StringIO()
        # written as the rows are, line end and all (which fields are quoted depends
        # on it), then the line end taken off
        csv.writer(line, lineterminator="\n").writerow((variable, code, code.summary, reason))
        if len(self.tails) >= _TAILS:
            self.tails.clear()
        found = self.tails[key] = line.getvalue()[:-1]
        return found

    def flush(self) -> None:
        self.out.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self, summary: Summary) -> None:
        self.flush()


def _plain(fields: list[str]) -> bool:
    """Whether the csv module writes each of ``fields`` as it is (nothing to quote)."""
    joined = "\x00".join(fields)
    return not any(special in joined for special in _SPECIAL)


def writer(fmt: str, out: TextIO) -> Writer:
    """The writer of the format ``fmt`` (text, json, csv) on ``out``."""
    if fmt == "json":
        return JsonWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    return TextWriter(out)


def summary_data(summary: Summary) -> dict[str, Any]:
    """The summary as JSON data."""
    return {
        "responses": summary.responses,
        "unreadable": summary.unreadable,
        "with_findings": summary.with_findings,
        "findings": summary.findings,
        "codes": {code: summary.codes[code] for code in sorted(summary.codes)},
        "questions": {
            qid: {
                "on_path": c.on_path,
                "answered": c.answered,
                "missing": c.missing,
                "off_path": c.off_path,
            }
            for qid, c in summary.questions.items()
        },
    }


def summary_line(summary: Summary) -> str:
    """One line for the end of a run: ``12 responses checked, 3 with findings: 5
    findings (D301 ×2, D302 ×3)``."""
    line = f"{summary.responses} response{'s' if summary.responses != 1 else ''} checked"
    if summary.unreadable:
        line += f", {summary.unreadable} unreadable"
    if not summary.findings:
        return line + ": no findings"
    counts = ", ".join(f"{code} ×{summary.codes[code]}" for code in sorted(summary.codes))
    total = summary.findings
    return (
        f"{line}, {summary.with_findings} with findings: {total} finding"
        f"{'s' if total != 1 else ''} ({counts})"
    )


__all__ = [
    "CSV_COLUMNS",
    "CsvWriter",
    "JsonWriter",
    "TextWriter",
    "Writer",
    "summary_data",
    "summary_line",
    "writer",
]
