"""Find infrastructure files under paths, read them, and apply the verdict."""

from __future__ import annotations

import codecs
import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import cloudformation, terraform
from .documents import DocumentError, load_json
from .model import Parameter, Problem
from .verdict import Result, evaluate

TFVARS_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")
TFVARS_NAMES = ("terraform.tfvars", "terraform.tfvars.json")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Directories that hold copies of other people's code or tool state, not this repository's.
SKIPPED_DIRECTORIES = frozenset({".git", ".terraform", "node_modules", ".venv", "__pycache__"})
# A file that mentions neither resource type cannot declare one, so it is not parsed: the
# parsers run only where a parameter can be (and on the variables/locals of its module).
# JSON may spell any character as \u escape, so a JSON file with one is parsed too.
_NEEDLES = (b"aws_ssm_parameter", b"AWS::SSM::Parameter")
MAX_FILE_BYTES = 64 * 1024 * 1024  # a plan of a large estate is tens of MB
# In a module that can declare a parameter, a .tf file that holds none of these words has no
# resource, variable, local or module call the scan needs (outputs.tf, versions.tf).
_MODULE_WORDS = (b"aws_ssm_parameter", b"variable", b"locals", b"module")
_MODULES_PER_WORKER = 8  # fewer modules than this per process: not worth starting one


@dataclass
class Scan:
    """What one run found."""

    files_seen: int = 0  # infrastructure files found (by suffix)
    files_read: int = 0  # files parsed
    parameters: list[Parameter] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def findings(self) -> list[Result]:
        """Results not covered by a reviewed suppression."""
        return [r for r in self.results if not r.suppressed]

    @property
    def suppressed(self) -> list[Result]:
        """Results covered by a suppression with a reason."""
        return [r for r in self.results if r.suppressed]


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".tf.json"):
        return "tf-json"
    if name.endswith(".tf"):
        return "tf"
    if name in TFVARS_NAMES or name.endswith(TFVARS_SUFFIXES):
        return "tfvars"
    if name.endswith(TEMPLATE_SUFFIXES):
        return "template"
    return None


def excluded(path: Path, patterns: Sequence[str]) -> bool:
    """Whether a --exclude glob matches the path (as given) or any one of its parts."""
    if not patterns:
        return False
    text = path.as_posix()
    return any(
        fnmatch.fnmatchcase(text, pattern)
        or any(fnmatch.fnmatchcase(p, pattern) for p in path.parts)
        for pattern in patterns
    )


def discover(
    paths: Sequence[Path], exclude: Sequence[str] = ()
) -> tuple[list[Path], list[Problem]]:
    """Every infrastructure file under paths (sorted), and paths that do not exist."""
    found: dict[Path, None] = {}
    problems: list[Problem] = []
    for path in paths:
        if path.is_file():
            if not excluded(path, exclude):
                found[path] = None  # named explicitly: read whatever its suffix
        elif path.is_dir():
            for root, directories, files in os.walk(path):
                directories[:] = sorted(
                    d
                    for d in directories
                    if d not in SKIPPED_DIRECTORIES and not excluded(Path(root) / d, exclude)
                )
                for name in sorted(files):
                    candidate = Path(root) / name
                    if _kind(candidate) is not None and not excluded(candidate, exclude):
                        found[candidate] = None
        elif path.exists():
            problems.append(Problem(str(path), "not a regular file or a directory; not read"))
        else:
            problems.append(Problem(str(path), "no such file or directory"))
    return list(found), problems


def _module_context(files: Sequence[Path]) -> list[Path]:
    """The other Terraform files of the modules of explicitly named .tf files.

    pre-commit passes only the files that changed; their variables and locals are often in a
    sibling variables.tf, so those are read for resolution (their resources are not reported).
    """
    named = set(files)
    context: dict[Path, None] = {}
    for directory in sorted({f.parent for f in files if _kind(f) in ("tf", "tf-json")}):
        try:
            siblings = sorted(directory.iterdir())
        except OSError:
            continue
        for sibling in siblings:
            if sibling not in named and _kind(sibling) in ("tf", "tf-json", "tfvars"):
                if sibling.is_file():
                    context[sibling] = None
    return list(context)


def _read(path: Path, shown: str) -> tuple[bytes, Problem | None]:
    """The file's bytes; b"" and a problem when it cannot be read.

    A file over MAX_FILE_BYTES is a problem only if it mentions a resource type (a large data
    file elsewhere in the repository is no business of this scan); it is searched in chunks.
    """
    try:
        # Opened without blocking and checked before reading: a FIFO named main.tf would
        # otherwise wait for a writer forever, and a device never ends.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return b"", Problem(shown, f"cannot read: {exc.strerror or exc}")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return _read_open(handle, shown)
        except OSError as exc:
            return b"", Problem(shown, f"cannot read: {exc.strerror or exc}")


def _read_open(handle: BinaryIO, shown: str) -> tuple[bytes, Problem | None]:
    status = os.fstat(handle.fileno())
    if not stat.S_ISREG(status.st_mode):
        return b"", Problem(shown, "not a regular file; not read")
    if status.st_size <= MAX_FILE_BYTES:
        return _as_utf8(handle.read(), shown)
    tail = b""
    while chunk := handle.read(1024 * 1024):
        if any(n in tail + chunk for n in _NEEDLES):
            return b"", Problem(shown, f"larger than {MAX_FILE_BYTES:,} bytes; not read")
        tail = chunk[-32:]
    return b"", None


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _as_utf8(data: bytes, shown: str) -> tuple[bytes, Problem | None]:
    """UTF-16/32 text (with its byte order mark) as UTF-8; other bytes as they are.

    Windows PowerShell 5 writes `terraform show -json plan > plan.json` as UTF-16, where no
    resource type is found byte for byte: read as it is, the plan would be skipped unread.
    """
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).encode("utf-8"), None
            except UnicodeDecodeError as exc:
                return b"", Problem(shown, f"not {encoding.upper()} text ({exc.reason})")
    return data, None


def _decode(data: bytes, shown: str) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Problem(shown, f"not UTF-8 text ({exc.reason} at byte {exc.start})")


def _relevant(data: bytes, is_json: bool) -> bool:
    return any(n in data for n in _NEEDLES) or (is_json and b"\\u" in data)


def available_cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def scan_paths(
    paths: Sequence[Path],
    dictionary: Any,
    base: Path | None = None,
    inspect_values: bool = True,
    jobs: int | None = None,
    exclude: Sequence[str] = (),
) -> Scan:
    """Scan files and directories; never raises for a bad file (it becomes a Problem).

    Terraform modules are parsed in up to `jobs` processes (default: the available cores)
    when there are enough of them to pay for starting the processes.
    """
    files, problems = discover(paths, exclude)
    scan = Scan(problems=problems)
    scan.files_seen = len(files)
    modules: dict[Path, list[tuple[Path, str, str, bool]]] = {}
    for path in files:
        kind = _kind(path) or "template"
        if kind in ("tf", "tf-json", "tfvars"):
            modules.setdefault(path.parent, []).append((path, _shown(path, base), kind, True))
        else:
            shown = _shown(path, base)
            try:
                _scan_template(path, shown, scan)
            except Exception as exc:  # noqa: BLE001 - one file's bug must not end the scan
                scan.problems.append(_internal_error(shown, exc))
    for path in _module_context(files):
        modules.setdefault(path.parent, []).append(
            (path, _shown(path, base), _kind(path) or "", False)
        )
    batches = [modules[directory] for directory in sorted(modules)]
    workers = min(jobs or available_cores(), len(batches) // _MODULES_PER_WORKER)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunks = max(1, len(batches) // (workers * 4))
            results = list(pool.map(_module_job, batches, chunksize=chunks))
    else:
        results = [_module_job(batch) for batch in batches]
    _combine(results, modules, scan)
    for parameter in scan.parameters:
        result = evaluate(parameter, dictionary, inspect_values)
        if result is not None:
            scan.results.append(result)
    scan.results.sort(key=lambda r: (r.parameter.file, r.parameter.line, r.parameter.address))
    scan.problems.sort(key=lambda p: (p.file, p.line or 0))
    return scan


def _context(problem: Problem) -> Problem:
    return Problem(
        problem.file,
        f"{problem.message} (read for the variables and locals of a file named on the "
        "command line)",
        problem.line,
        problem.column,
    )


Entries = list[tuple[Path, str, str, bool]]  # (path, shown, kind, named on the command line)


@dataclass
class _ModuleScan:
    """What one directory of Terraform gave, on its own (a worker's answer)."""

    key: str  # the directory, resolved, as a posix path (what ModuleCall.child names)
    parameters: list[Parameter]
    problems: list[Problem]
    files_read: int
    calls: list[terraform.ModuleCall]
    reported: frozenset[str]


def _internal_error(shown: str, exc: BaseException) -> Problem:
    """A bug met on one file: named with the kind of error only (its text may quote a value)."""
    return Problem(
        shown,
        f"not scanned: paramguard failed on it ({type(exc).__name__}); please report this",
    )


def _module_job(entries: Entries) -> _ModuleScan:
    """One module, scanned alone (in a worker process when there are many)."""
    directory = entries[0][0].parent
    key = directory.resolve().as_posix()
    try:
        return _scan_module(entries, key)
    except Exception as exc:  # noqa: BLE001 - one module's bug must not end the scan
        named = [shown for _, shown, _, report in entries if report]
        problems = [_internal_error(shown, exc) for shown in named]
        return _ModuleScan(key, [], problems, 0, [], frozenset(named))


def _scan_module(entries: Entries, key: str) -> _ModuleScan:
    directory = entries[0][0].parent
    module, problems, read, reported = _read_module(entries)
    if module is None:
        return _ModuleScan(key, [], problems, read, [], reported)
    every = terraform.module_parameters(module, problems=problems)
    problem = terraform.too_many(every)
    if problem is not None:
        problems.append(problem)
    parameters = [p for p in every if p.file in reported]
    calls = terraform.module_calls(module, directory)
    return _ModuleScan(key, parameters, problems, read, calls, reported)


_MAX_MODULE_DEPTH = 8
_MAX_MODULE_INSTANCES = 5_000  # module instances expanded per scan
_MAX_EXPANDED_PARAMETERS = 50_000  # parameters from module instances per scan


def _combine(results: list[_ModuleScan], modules: dict[Path, Entries], scan: Scan) -> None:
    """Add each module's parameters; a module called by another is read with its inputs.

    A module some scanned module calls (source "./..." or "../...") is reported once per
    call, with the variables the call passes; a module nobody calls, with its defaults.
    """
    by_key = {r.key: r for r in results}
    entries_by_key = {d.resolve().as_posix(): e for d, e in modules.items()}
    called = {c.child for r in results for c in r.calls if c.child in by_key}
    for result in results:
        scan.problems.extend(result.problems)
        scan.files_read += result.files_read
        if result.key not in called:
            scan.parameters.extend(result.parameters)
    parsed: dict[str, terraform.Module | None] = {}
    reached: set[str] = set()
    budget = [_MAX_MODULE_INSTANCES, _MAX_EXPANDED_PARAMETERS]
    stopped: list[terraform.ModuleCall] = []

    def expand(call: terraform.ModuleCall, chain: tuple[str, ...]) -> None:
        try:
            expand_call(call, chain)
        except Exception as exc:  # noqa: BLE001 - one call's bug must not end the scan
            scan.problems.append(_internal_error(call.file, exc))

    def expand_call(call: terraform.ModuleCall, chain: tuple[str, ...]) -> None:
        if call.child not in by_key or call.child in chain or len(chain) > _MAX_MODULE_DEPTH:
            return
        # Nested for_each calls multiply (100 keys, four levels deep: 100 million
        # instances); past the budget the scan stops expanding, and says so.
        budget[0] -= 1
        if budget[0] < 0 or budget[1] < 0:
            if not stopped:
                stopped.append(call)
                message = (
                    f"module calls expand to more than {_MAX_MODULE_INSTANCES:,} module "
                    f"instances or {_MAX_EXPANDED_PARAMETERS:,} parameters; the instances "
                    "past that are not checked"
                )
                scan.problems.append(Problem(call.file, message, call.line or None))
            return
        if call.child not in parsed:
            parsed[call.child] = _read_module(entries_by_key[call.child])[0]
        child = parsed[call.child]
        if child is None:
            return
        reached.add(call.child)
        via = f"inputs from {call.address} ({call.file}:{call.line})"
        prefix = call.address + "."
        reported = by_key[call.child].reported
        every = terraform.module_parameters(child, prefix, call.inputs, via, scan.problems)
        problem = terraform.too_many(every)
        if problem is not None:
            scan.problems.append(problem)
        found = [p for p in every if p.file in reported]
        budget[1] -= len(found)
        scan.parameters.extend(found)
        for inner in terraform.module_calls(child, Path(call.child), call.inputs, prefix):
            expand(inner, (*chain, call.child))

    for result in results:
        if result.key not in called:
            for call in result.calls:
                expand(call, (result.key,))
    for key in sorted(called - reached):  # called only in a cycle: read with its defaults
        scan.parameters.extend(by_key[key].parameters)


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _scan_template(path: Path, shown: str, scan: Scan) -> None:
    data, problem = _read(path, shown)
    if problem:
        scan.problems.append(problem)
        return
    is_json = path.name.lower().endswith(".json")
    if data.startswith(b"PK\x03\x04") and b"tfplan" in data:
        # Compressed, it shows no resource type: skipped, it would pass as clean.
        message = "a saved Terraform plan (binary): scan the output of `terraform show -json` of it"
        scan.problems.append(Problem(shown, message))
        return
    if not _relevant(data, is_json):
        return
    text, problem = _decode(data, shown)
    if problem or text is None:
        scan.problems.append(problem or Problem(shown, "unreadable"))
        return
    scan.files_read += 1
    if is_json or text.lstrip().startswith("{"):
        try:
            document = load_json(text)
        except DocumentError as exc:
            if _is_log_stream(text):
                message = (
                    "a `terraform plan -json` log, not a plan: scan the output of "
                    "`terraform show -json` of the saved plan"
                )
                scan.problems.append(Problem(shown, message))
                return
            if is_json:
                if any(n in data for n in _NEEDLES):
                    problem = Problem(shown, f"not valid JSON: {exc}", exc.line, exc.column)
                    scan.problems.append(problem)
                # else: read only because it has \u escapes; mentioning neither resource type
                # and not being JSON, it cannot declare a parameter (not a problem to report).
                return
            document = None  # YAML flow style that is not JSON: read as YAML below
        if document is not None:
            if terraform.is_plan(document):
                scan.parameters.extend(terraform.plan_parameters(document, shown))
            else:
                for template, serverless in cloudformation.templates_in(document):
                    scan.parameters.extend(
                        cloudformation.template_parameters(
                            template, shown, [], [], serverless, scan.problems
                        )
                    )
            return
    parameters, problems = cloudformation.read_template(text, shown, is_json=False)
    scan.parameters.extend(parameters)
    scan.problems.extend(problems)


def _is_log_stream(text: str) -> bool:
    """Whether text is Terraform's machine-readable UI log (one JSON message a line)."""
    first = text.lstrip().split("\n", 1)[0]
    try:
        message = load_json(first)
    except DocumentError:
        return False
    return isinstance(message, dict) and "@message" in message and "@level" in message


def _read_module(
    entries: Entries,
) -> tuple[terraform.Module | None, list[Problem], int, frozenset[str]]:
    """Parse a directory's Terraform files (None when none of them can matter)."""
    problems: list[Problem] = []
    read = 0
    loaded: list[tuple[Path, str, str, bytes]] = []
    reported: set[str] = set()
    for path, shown, kind, report in entries:
        data, problem = _read(path, shown)
        if problem:
            problems.append(problem if report else _context(problem))
            continue
        loaded.append((path, shown, kind, data))
        if report:
            reported.add(shown)
    # A module is parsed only when one of its named files can declare a parameter or call a
    # module in a local directory (which may declare one with the inputs given here).
    if not any(
        _relevant(data, kind != "tf") or _calls_local_module(data)
        for _, shown, kind, data in loaded
        if kind != "tfvars" and shown in reported
    ):
        return None, problems, read, frozenset(reported)
    module = terraform.Module()
    tfvars: list[tuple[str, str, bool]] = []
    for path, shown, kind, data in loaded:
        if kind == "tf" and not any(word in data for word in _MODULE_WORDS):
            read += shown in reported  # looked at, and nothing in it can matter
            continue
        text, problem = _decode(data, shown)
        if problem or text is None:
            problem = problem or Problem(shown, "unreadable")
            problems.append(problem if shown in reported else _context(problem))
            continue
        read += shown in reported
        if kind == "tf":
            terraform.read_hcl(path, shown, module, text)
        elif kind == "tf-json":
            terraform.read_tf_json(shown, module, text)
        else:
            tfvars.append((shown, text, path.name.lower().endswith(".json")))
    # Terraform applies terraform.tfvars, then *.auto.tfvars in lexical order, over defaults.
    tfvars.sort(key=lambda t: (not t[0].rsplit("/", 1)[-1].startswith("terraform.tfvars"), t[0]))
    for shown, text, is_json in tfvars:
        terraform.read_tfvars(shown, module, text, is_json)
    # A broken sibling read only for its variables and locals is still reported: names it
    # would have resolved may be missed, and Terraform would refuse the module anyway.
    problems.extend(p if p.file in reported else _context(p) for p in module.problems)
    return module, problems, read, frozenset(reported)


def _calls_local_module(data: bytes) -> bool:
    # A module's source must be a literal string; a local one starts with ./ or ../
    return b"module" in data and (b'"./' in data or b'"../' in data)
