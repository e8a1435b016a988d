"""Start-up (issue 17): what a ``qdef`` process imports and builds before it works.

Nothing here times anything (``benchmarks/startup.py`` does): the tests count
what is imported and built, and check the cached validator
(:mod:`qdef.model.corecache`) and the lazily read docstrings
(:mod:`qdef.model.docs`) against what pydantic makes itself.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import SchemaError, SchemaValidator
from ruamel.yaml import YAML

import qdef
from qdef.model import Instrument, Node, SingleChoice, TextColumn, corecache
from qdef.model.docs import document, subclasses
from qdef.model.schema import dumps, generate, published_text

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = sorted((ROOT / "tests" / "cases").rglob("*.yaml"))


def _python(code: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, corecache.ENVIRONMENT: str(cache)}
    return subprocess.run(
        [sys.executable, *args, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )


def _imported(argv: list[str], tmp_path: Path) -> list[str]:
    """The modules a whole ``qdef`` process imports (``python -X importtime -m qdef``)."""
    env = {**os.environ, corecache.ENVIRONMENT: str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qdef", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]


# ------------------------------------------------------------------------ imports


@pytest.mark.parametrize("argv", [["--help"], ["renderers"], ["--version"]])
def test_commands_that_need_no_model_import_no_pydantic(argv: list[str], tmp_path: Path) -> None:
    imported = _imported(argv, tmp_path)
    assert "qdef.cli" in imported  # the probe sees the imports
    assert [m for m in imported if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
    assert "qdef.model" not in imported


def test_validate_builds_no_core_schema_and_scans_no_plugins_with_a_cache(
    tmp_path: Path,
) -> None:
    """With the cache file written (first run), a second ``qdef validate`` generates no
    core schema in Python, completes no model class, and does not look for pydantic
    plugins (which reads the metadata of every installed distribution)."""
    probe = (
        "import io, sys\n"
        "from pydantic._internal import _generate_schema as g\n"
        "calls = []\n"
        "original = g.GenerateSchema.generate_schema\n"
        "def counted(self, obj):\n"
        "    calls.append(obj)\n"
        "    return original(self, obj)\n"
        "g.GenerateSchema.generate_schema = counted\n"
        "from qdef.cli import main\n"
        f"status = main(['validate', {str(INSTRUMENT)!r}], io.StringIO(), io.StringIO())\n"
        "from qdef.model import Node, Instrument\n"
        "from qdef.model.docs import subclasses\n"
        "import json\n"
        "print(json.dumps({'status': status, 'generated': len(calls),\n"
        "  'complete': [c.__name__ for c in subclasses(Node) if c.__pydantic_complete__],\n"
        "  'validator': type(Instrument.__dict__['__pydantic_validator__']).__name__,\n"
        "  'metadata': 'importlib.metadata' in sys.modules}))\n"
    )
    first = json.loads(_python(probe, tmp_path).stdout)
    assert first["status"] == 0
    assert first["generated"] > 0  # no cache yet: pydantic built it
    assert len(list(tmp_path.glob("instrument-core-schema-*.json"))) == 1
    second = json.loads(_python(probe, tmp_path).stdout)
    assert second == {
        "status": 0,
        "generated": 0,
        "complete": [],
        "validator": "SchemaValidator",
        "metadata": False,
    }


def test_importing_the_model_builds_nothing(tmp_path: Path) -> None:
    probe = (
        "import json\n"
        "from qdef.model import Node, Instrument\n"
        "from qdef.model.docs import subclasses\n"
        "classes = subclasses(Node)\n"
        "print(json.dumps({'classes': len(classes),\n"
        "  'complete': [c.__name__ for c in classes if c.__pydantic_complete__],\n"
        "  'described': [c.__name__ for c in classes\n"
        "                if any(f.description for f in c.__pydantic_fields__.values())],\n"
        "  'validator': type(Instrument.__dict__['__pydantic_validator__']).__name__}))\n"
    )
    found = json.loads(_python(probe, tmp_path).stdout)
    assert found["classes"] > 30
    assert found["complete"] == []
    assert found["described"] == []
    assert found["validator"] == "LazyValidator"


# ------------------------------------------------------------------------ docstrings


def test_docstrings_become_descriptions_as_pydantic_makes_them() -> None:
    document(Node)
    assert Instrument.model_fields["title"].description == "The instrument's title."
    # inherited from QuestionBase, unchanged
    assert SingleChoice.model_fields["id"].description == (
        "The stable variable name; unique in the instrument."
    )
    # declared again in the subclass, with its own docstring
    assert TextColumn.model_fields["label"].description == "The column heading."
    # a field without a docstring keeps none
    undocumented = [
        (cls.__name__, name)
        for cls in subclasses(Node)
        for name, info in cls.model_fields.items()
        if not info.description
    ]
    assert undocumented == []


def test_the_schema_of_a_fresh_process_has_every_description(tmp_path: Path) -> None:
    """In a process that read no docstring before, generating the JSON Schema reads them
    first: the result is the committed schema, byte for byte."""
    probe = (
        "import sys\n"
        "from qdef.model.schema import dumps, generate\n"
        "sys.stdout.write(dumps(generate()))\n"
    )
    assert _python(probe, tmp_path).stdout == published_text()
    assert dumps(generate()) == published_text()


# ------------------------------------------------------------------------ the cache


def _pydantic_validator() -> SchemaValidator:
    Instrument.model_rebuild(force=True)
    built = Instrument.__pydantic_validator__
    assert isinstance(built, SchemaValidator)
    return built


def _outcome(validator: SchemaValidator, data: Any) -> Any:
    try:
        return validator.validate_python(data)
    except ValidationError as error:
        return error.errors(include_url=False)


def test_the_cached_validator_judges_as_pydantics_own(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    corecache.validator(Instrument)  # writes the file
    cached = corecache.validator(Instrument)  # reads it
    own = _pydantic_validator()
    assert cached is not own
    yaml = YAML(typ="safe")
    documents = []
    for path in CASES:
        try:
            documents.append(yaml.load(path.read_text(encoding="utf-8")))
        except Exception:
            continue
    assert len(documents) > 50
    invalid = 0
    for data in documents:
        expected = _outcome(own, data)
        invalid += isinstance(expected, list)
        assert _outcome(cached, data) == expected
    assert invalid > 20


def test_the_core_schema_survives_the_round_trip() -> None:
    Instrument.model_rebuild(force=True)
    schema = Instrument.__pydantic_core_schema__
    decoded = corecache.decode(json.loads(json.dumps(corecache.encode(schema))))

    def without_metadata(node: Any) -> Any:
        if isinstance(node, dict):
            drop = isinstance(node.get("type"), str)
            return {
                k: without_metadata(v) for k, v in node.items() if not (drop and k == "metadata")
            }
        if isinstance(node, list):
            return [without_metadata(item) for item in node]
        return node

    assert decoded == without_metadata(schema)
    assert "metadata" not in json.dumps(corecache.encode(schema))


def test_the_key_changes_with_each_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydantic_core  # noqa: PLC0415

    first = corecache.key(Instrument)
    assert corecache.key(Instrument) == first
    monkeypatch.setattr(qdef, "__version__", "99.0")
    assert corecache.key(Instrument) != first
    monkeypatch.undo()
    monkeypatch.setattr(pydantic_core, "__version__", "0.0.1")
    assert corecache.key(Instrument) != first
    monkeypatch.undo()
    monkeypatch.setattr(sys, "version", sys.version + " changed")
    assert corecache.key(Instrument) != first
    monkeypatch.undo()
    assert corecache.key(Instrument) == first


def test_the_key_changes_with_the_models_source(monkeypatch: pytest.MonkeyPatch) -> None:
    first = corecache.key(Instrument)
    real = corecache._module_bytes

    def edited(name: str, imported: tuple[int, int] | None) -> bytes:
        source = real(name, imported)
        return source + (b"# edited\n" if name == "qdef.model.questions" else b"")

    monkeypatch.setattr(corecache, "_module_bytes", edited)
    assert corecache.key(Instrument) != first


def _cache_file(directory: Path) -> Path:
    return corecache.path_for(Instrument, directory, corecache.key(Instrument))


def _fresh_validator_writes(path: Path) -> None:
    """The file at ``path`` is not used: the validator is built afresh, and the file
    rewritten with the current key."""
    validator = corecache.validator(Instrument)
    assert isinstance(validator, SchemaValidator)
    kept = json.loads(path.read_text(encoding="utf-8"))
    assert kept["key"] == corecache.key(Instrument)
    assert corecache.load(path, kept["key"])[0]["type"] == "definitions"


def test_a_file_of_another_version_is_ignored_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    path = _cache_file(tmp_path)
    corecache.validator(Instrument)
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["key"] = "another"
    path.write_text(json.dumps(kept), encoding="utf-8")
    with pytest.raises(corecache.CacheError, match="another version"):
        corecache.load(path, corecache.key(Instrument))
    _fresh_validator_writes(path)


def _naming(reference: bytes) -> bytes:
    """A cache file whose schema names something by reference (``{"$qdef": [...]}``)."""
    return b'{"key": "%%s", "config": {}, "schema": {"type": "any", "f": {"$qdef": %s}}}' % (
        reference
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not json",
        b'{"key": "%s"',
        b'{"key": "%s", "config": {}, "schema": []}',
        _naming(b'["class", "os:system"]'),
        _naming(b'["function", "qdef.model.corecache:store"]'),
        _naming(b'["function", "qdef.model.base:Node"]'),
        _naming(b'["class", "qdef.model.base:_integral"]'),
        _naming(b'["eval", "1"]'),
        b'{"key": "%s", "config": {}, "schema": {"type": "no such schema"}}',
    ],
)
def test_a_corrupt_or_foreign_file_is_ignored_and_rewritten(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    path = _cache_file(tmp_path)
    path.write_bytes(content.replace(b"%s", corecache.key(Instrument).encode()))
    path.chmod(0o600)
    with pytest.raises((corecache.CacheError, SchemaError)):
        schema, config = corecache.load(path, corecache.key(Instrument))
        SchemaValidator(schema, config)
    _fresh_validator_writes(path)


def test_a_model_edited_since_import_neither_reads_nor_writes_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-running process (an editor's, an editable install) whose model module is
    edited after it imported it: the key hashes the new source, the classes in memory are
    the old ones. Such a process must not read a file made for the new source, nor keep
    its old schema under the new source's key (that file would serve every later run)."""
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    path = _cache_file(tmp_path)
    imported = corecache.stamps(Instrument)
    assert set(imported) == {cls.__module__ for cls in subclasses(Node)}
    assert corecache.LazyValidator(Instrument)._imported == imported
    assert corecache.key(Instrument, imported) == corecache.key(Instrument)
    size, mtime = imported["qdef.model.questions"]
    edited = {**imported, "qdef.model.questions": (size, mtime + 1)}
    with pytest.raises(corecache.CacheError, match="changed since it was imported"):
        corecache.key(Instrument, edited)
    # not written ...
    validator = corecache.validator(Instrument, edited)
    assert not path.exists()
    assert isinstance(_outcome(validator, {}), list)  # the real one: {} is no instrument
    # ... and not read: a file under the current key that accepts anything
    path.write_text(
        json.dumps({"key": corecache.key(Instrument), "config": {}, "schema": {"type": "any"}}),
        encoding="utf-8",
    )
    path.chmod(0o600)
    assert corecache.validator(Instrument, imported).validate_python({}) == {}
    assert isinstance(_outcome(corecache.validator(Instrument, edited), {}), list)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_or_a_device_in_place_of_the_file_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe in the file's place would block the open for ever, a device read
    for ever: neither is read (the validator is built as if there were no file)."""
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    path = _cache_file(tmp_path)
    os.mkfifo(path, 0o600)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            corecache.load(path, corecache.key(Instrument))
            outcome.append(None)
        except BaseException as error:  # what the test looks at
            outcome.append(error)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if reader.is_alive():  # blocked in open: a writer releases it
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=30)
        pytest.fail("opening a pipe in place of the cache file blocked")
    assert isinstance(outcome[0], corecache.CacheError), outcome
    assert isinstance(corecache.validator(Instrument), SchemaValidator)
    assert stat.S_ISREG(path.lstat().st_mode)  # a file written in its place
    path.unlink()
    path.symlink_to(os.devnull)
    with pytest.raises(corecache.CacheError, match="not a regular file"):
        corecache.load(path, corecache.key(Instrument))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_file_others_could_have_written_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    path = _cache_file(tmp_path)
    corecache.validator(Instrument)
    path.chmod(0o666)
    with pytest.raises(corecache.CacheError, match="someone else"):
        corecache.load(path, corecache.key(Instrument))
    _fresh_validator_writes(path)
    assert path.stat().st_mode & 0o077 == 0


def test_no_cache_and_no_error_without_a_home_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``$HOME`` and a user id the system does not know (a container's made-up user):
    ``Path.home()`` raises, and qdef validates without a cache instead."""
    for name in (corecache.ENVIRONMENT, "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert corecache.cache_dir() is None
    assert isinstance(corecache.validator(Instrument), SchemaValidator)


def test_no_cache_when_the_directory_is_set_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, "")
    assert corecache.cache_dir() is None
    assert isinstance(corecache.validator(Instrument), SchemaValidator)
    monkeypatch.delenv(corecache.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert corecache.cache_dir() == tmp_path / "qdef"


def test_an_unwritable_cache_directory_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(corecache.ENVIRONMENT, str(blocked / "cache"))
    assert isinstance(corecache.validator(Instrument), SchemaValidator)


def test_old_files_are_pruned_when_a_new_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    stale = tmp_path / "instrument-core-schema-0000000000000000.json"
    recent = tmp_path / "instrument-core-schema-1111111111111111.json"
    other = tmp_path / "unrelated.json"
    left = tmp_path / ".tmp-abcd1234.json"  # a writer killed before its rename
    for path in (stale, recent, other, left):
        path.write_text("{}", encoding="utf-8")
    os.utime(stale, (0, 0))
    os.utime(left, (0, 0))
    corecache.validator(Instrument)
    assert not stale.exists()
    assert not left.exists()
    assert recent.exists()
    assert other.exists()
    assert _cache_file(tmp_path).exists()


def test_the_lazy_validator_puts_the_real_one_in_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    lazy = corecache.LazyValidator(Instrument)
    monkeypatch.setattr(Instrument, "__pydantic_validator__", lazy)
    assert Instrument.__dict__["__pydantic_validator__"] is lazy
    data = YAML(typ="safe").load(INSTRUMENT.read_text(encoding="utf-8"))
    assert Instrument.model_validate(data).id
    assert isinstance(Instrument.__dict__["__pydantic_validator__"], SchemaValidator)


# ------------------------------------------------------------------------ the benchmark


def test_the_startup_benchmark_measures_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import startup  # noqa: PLC0415

    monkeypatch.setenv(corecache.ENVIRONMENT, str(tmp_path))
    result = startup.measure(1)
    assert set(result["seconds"]) == set(startup.COMMANDS)
    assert all(seconds > 0 for seconds in result["seconds"].values())
    assert (
        result["ratio"]
        == result["seconds"]["qdef validate"] / (result["seconds"]["import pydantic"])
    )
    assert list(tmp_path.glob("instrument-core-schema-*.json"))  # the warm-up wrote it
    assert "qdef validate / import pydantic" in startup.report(result)
