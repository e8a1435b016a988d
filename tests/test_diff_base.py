"""``qdef diff --base``: instruments gone or moved since the base commit (issue 15,
item 2), directories that stand for every instrument now or then, and the size
bound on old versions read from git (issue 23, item 9)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qdef.source.loader import DEFAULT_LIMITS, load_file
from tests.test_diff import ORIGINAL, RECODE, edited, git, run

SECOND = ORIGINAL.replace("id: investitionspakt-im\n", "id: zweites\n", 1)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two instruments (and a hidden file) in ``instruments/``."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "instruments").mkdir(parents=True)
    (root / "instruments" / "investitionspakt.yaml").write_text(ORIGINAL, encoding="utf-8")
    (root / "instruments" / "zweites.yaml").write_text(SECOND, encoding="utf-8")
    (root / "instruments" / ".qdef-accept.yaml").write_text("[]\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "two instruments")
    return root


def test_an_instrument_deleted_since_the_base_is_breaking_with_its_path(repo: Path) -> None:
    (repo / "instruments" / "zweites.yaml").unlink()
    status, out, err = run("diff", "--base", "HEAD", "instruments", cwd=repo)
    assert status == 1
    (line,) = out.splitlines()
    assert line.startswith(
        "breaking QD713: instruments/zweites.yaml: the instrument 'zweites' is gone: it is "
        "in HEAD, and no longer in the working tree;"
    )
    assert line.endswith(" [old: HEAD:instruments/zweites.yaml:1:1]")
    assert err == (
        "1 breaking, 0 check, 0 routing, 0 additive, 0 wording in 2 files; "
        "fails (--fail-on breaking)\n"
    )
    status, out, _ = run("diff", "--base", "HEAD", "--format", "json", "instruments", cwd=repo)
    files = json.loads(out)["files"]
    assert [(f["old"], f["new"]) for f in files] == [
        ("HEAD:instruments/investitionspakt.yaml", "instruments/investitionspakt.yaml"),
        ("HEAD:instruments/zweites.yaml", None),
    ]
    assert files[1]["changes"][0]["old"] == "instruments/zweites.yaml"


def test_a_deleted_file_named_explicitly_is_breaking_too(repo: Path) -> None:
    git(repo, "rm", "-q", "instruments/zweites.yaml")
    status, out, _ = run("diff", "--base", "HEAD", "instruments/zweites.yaml", cwd=repo)
    assert status == 1
    assert out.startswith("breaking QD713: instruments/zweites.yaml: the instrument 'zweites'")


def test_a_renamed_instrument_is_breaking_and_compared_with_its_old_version(repo: Path) -> None:
    git(repo, "mv", "instruments/zweites.yaml", "instruments/zweites-2024.yaml")
    moved = repo / "instruments" / "zweites-2024.yaml"
    moved.write_text(edited(RECODE).replace("id: investitionspakt-im\n", "id: zweites\n"), "utf-8")
    status, out, _ = run("diff", "--base", "HEAD", "instruments/", cwd=repo)
    assert status == 1
    first, second = out.splitlines()
    assert first.startswith(
        "instruments/zweites-2024.yaml:3:5: breaking QD713: the instrument 'zweites' moved "
        "from instruments/zweites.yaml to instruments/zweites-2024.yaml;"
    )
    assert " breaking QD712: " in second  # the changes since, not every question as new
    assert "QD740" not in out


def test_a_directory_stands_for_every_instrument_now_or_then(repo: Path) -> None:
    """New files are additive, hidden files and other suffixes are left out, as
    ``qdef validate DIRECTORY`` leaves them out; a directory gone entirely still
    names what it held."""
    (repo / "instruments" / "neu.yml").write_text(SECOND.replace("zweites", "neu"), "utf-8")
    (repo / "instruments" / "notes.txt").write_text("not an instrument", encoding="utf-8")
    status, out, err = run("diff", "--base", "HEAD", "--format", "json", "instruments", cwd=repo)
    assert status == 0, out + err
    files = json.loads(out)["files"]
    assert [(f["old"], f["new"]) for f in files] == [
        ("HEAD:instruments/investitionspakt.yaml", "instruments/investitionspakt.yaml"),
        (None, "instruments/neu.yml"),
        ("HEAD:instruments/zweites.yaml", "instruments/zweites.yaml"),
    ]
    for file in (repo / "instruments").iterdir():
        file.unlink()
    (repo / "instruments").rmdir()
    status, out, _ = run("diff", "--base", "HEAD", "-q", "instruments", cwd=repo)
    assert status == 1
    assert [line.split(": ")[1] for line in out.splitlines()] == [
        "instruments/investitionspakt.yaml",
        "instruments/zweites.yaml",
    ]
    status, out, err = run("diff", "--base", "HEAD", ".", cwd=repo)
    assert status == 1 and out.count("QD713") == 2


def test_a_directory_without_instruments_now_or_then_is_a_usage_error(repo: Path) -> None:
    (repo / "empty").mkdir()
    status, out, err = run("diff", "--base", "HEAD", "empty", cwd=repo)
    assert (status, out) == (2, "")
    assert "empty holds no instrument files (*.yaml, *.yml), neither now nor in HEAD" in err
    status, _, err = run("diff", "--base", "HEAD", "instruments/nowhere.yaml", cwd=repo)
    assert status == 2
    assert "no such file, neither in the working tree nor in HEAD" in err


# --------------------------------------------------------------------------- size bound


def test_an_old_version_over_the_size_bound_is_refused_like_a_file(repo: Path) -> None:
    """The old version is a blob of 16 MiB + 1 byte (a YAML comment): it is refused
    with the loader's QD103, not read and parsed."""
    file = repo / "instruments" / "investitionspakt.yaml"
    huge = b"#" * (DEFAULT_LIMITS.max_bytes + 1)
    file.write_bytes(huge)
    _, as_a_file = load_file(file)
    git(repo, "commit", "-q", "-am", "huge")
    file.write_text(ORIGINAL, encoding="utf-8")
    status, out, err = run("diff", "--base", "HEAD", "instruments/investitionspakt.yaml", cwd=repo)
    assert status == 1
    (problem,) = as_a_file
    assert problem.code == "QD103"
    assert out == (f"HEAD:instruments/investitionspakt.yaml:1:1: error QD103: {problem.message}\n")
    assert "only valid instruments can be compared" in err


def test_a_blob_is_read_up_to_the_bound_only(repo: Path) -> None:
    from qdef.diff.git import read_blob  # noqa: PLC0415

    oid = subprocess.run(
        ["git", "rev-parse", "HEAD:instruments/zweites.yaml"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    size = len(SECOND.encode("utf-8"))
    assert read_blob(repo, oid, limit=size) == SECOND.encode("utf-8")
    assert read_blob(repo, oid, limit=size - 1) is None


def test_an_instrument_linked_into_the_directory_is_compared_with_its_old_version(
    repo: Path,
) -> None:
    """A folder may hold an instrument through a symbolic link to a file elsewhere in
    the repository; its old version is the linked file's in the base commit (it was
    once reported as new, so every change to it passed)."""
    shared = repo / "shared"
    shared.mkdir()
    (repo / "instruments" / "zweites.yaml").rename(shared / "zweites.yaml")
    (repo / "instruments" / "zweites.yaml").symlink_to(Path("..") / "shared" / "zweites.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the second instrument lives in shared/")
    (shared / "zweites.yaml").write_text(
        edited(RECODE).replace("id: investitionspakt-im\n", "id: zweites\n"), "utf-8"
    )
    status, out, _ = run("diff", "--base", "HEAD", "instruments", cwd=repo)
    assert status == 1
    assert " breaking QD712: " in out
    assert "QD740" not in out  # not "the instrument is new"
