"""`paramguard check-dictionary`, and the CLI's dictionary loading through the function's loader."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import boto3
import pytest
from paramguard.cli import main, read_names
from paramguard.matcher import load_default

from support.builders import log_document, put_parameter
from support.paths import DICTIONARY_FILE

DEFAULT = DICTIONARY_FILE.read_text(encoding="utf-8")
MINIMAL = "password\napi key\ntoken\nsecret\nprivate key\nconnection string\ndatabase url\n"
MINIMAL += "webhook url\ncredentials\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_default_dictionary_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check-dictionary", str(DICTIONARY_FILE)], capsys)
    assert code == 0, out + err
    assert "0 invalid lines" in out
    assert "canaries: 22 of 22 flagged (15 built in, 7 declared)" in out
    assert out.splitlines()[-1] == "the deployed function would accept it"
    assert "entry " not in out  # the full listing is behind --verbose


def test_verbose_lists_every_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.txt", "# comment\n" + MINIMAL + "!password_policy\n")
    code, out, _ = run(["check-dictionary", "--verbose", "--min-ratio", "0", good], capsys)
    assert code == 0
    assert "entry      api key    # line 3" in out
    assert "exclusion  !password_policy    # line 11" in out


def test_invalid_lines_exit_two_and_say_the_rest_would_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.txt", MINIMAL + "re:(unclosed\nre:(a+)+$\n")
    code, out, err = run(["check-dictionary", "--min-ratio", "0", bad], capsys)
    assert code == 2
    assert f"{bad}:10: invalid regular expression" in err
    assert f"{bad}:11: unsafe regular expression: nested repeat" in err
    assert "would load it without the 2 invalid line(s)" in out


def test_blinding_exclusion_is_refused_with_the_canaries_it_hides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blind = write(tmp_path, "blind.txt", DEFAULT + "!re:.+\n")
    line = len(DEFAULT.splitlines()) + 1
    code, out, _ = run(["check-dictionary", blind], capsys)
    assert code == 2
    assert "canaries: 0 of 22 flagged" in out
    assert (
        "canary '/prod/db/password' (built in) is not flagged: hidden by an exclusion: "
        f"'password' (line {DEFAULT.splitlines().index('password') + 1}) is covered by "
        f"'!re:.+' (line {line})"
    ) in out
    assert "would REFUSE this dictionary" in out
    assert "no longer flags 22 canary name(s)" in out


def test_reduced_entry_list_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = write(tmp_path, "small.txt", "api key\n")
    code, out, _ = run(["check-dictionary", small], capsys)
    assert code == 2
    assert "canary 'github_token' (built in) is not flagged: no entry matches it" in out
    assert f"has 1 entries, under 20% of the {len(load_default())} in use" in out


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty (0 bytes): it has no entries"),
        ("# only a comment\n\n", "has no entries, only comments and blank lines"),
        ("value: AKIA[0-9A-Z]{16}\n", "has only value: lines and no name entries"),
    ],
)
def test_an_empty_file_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    code, out, _ = run(["check-dictionary", write(tmp_path, "d.txt", text)], capsys)
    assert code == 2 and reason in out


def test_unreadable_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check-dictionary", str(tmp_path / "missing.txt")], capsys)
    assert code == 2 and "missing.txt: cannot read it: No such file" in err
    (tmp_path / "latin1.txt").write_bytes(b"contrase\xf1a\n")
    code, out, _ = run(["check-dictionary", str(tmp_path / "latin1.txt")], capsys)
    assert code == 2 and "is not UTF-8 text" in out


def test_names_newly_and_no_longer_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = DEFAULT + "flux capacitor\n!*_retention\n"
    new = write(tmp_path, "new.txt", edited)
    names = write(
        tmp_path,
        "names.txt",
        "/demo/flux_capacitor_setting\n/prod/db/password_retention\n/prod/db/password\n",
    )
    code, out, _ = run(["check-dictionary", new, "--names", names], capsys)
    assert code == 0, out
    lines = edited.splitlines()
    assert "names: 3; the bundled default flags 2, this dictionary 2" in out
    assert f"  + /demo/flux_capacitor_setting  by 'flux capacitor' (line {len(lines) - 1})" in out
    assert (
        "  - /prod/db/password_retention  was 'password' (line "
        f"{lines.index('password') + 1}) in the bundled default; now hidden by an exclusion: "
        f"'password' (line {lines.index('password') + 1}) is covered by '!*_retention' "
        f"(line {len(lines)})"
    ) in out


def test_labelled_names_give_recall_and_precision(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Path(__file__).parent / "data" / "labelled_parameter_names.tsv"
    code, out, _ = run(["check-dictionary", str(DICTIONARY_FILE), "--names", str(corpus)], capsys)
    assert code == 0
    assert "newly flagged: 0" in out and "no longer flagged: 0" in out
    # The same dictionary on both sides: the figures are unchanged, whatever they are.
    found = re.search(
        r"on the 680 labelled names: recall (\S+) -> (\S+), precision (\S+) -> (\S+)", out
    )
    assert found is not None, out
    assert found[1] == found[2] and found[3] == found[4]
    assert float(found[1]) >= 0.95 and float(found[3]) >= 0.95


def test_names_from_inventory_json_lines_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"parameter_name": "/a/db_password", "region": "eu-west-1"}, {"parameter_name": "/b"}]
    text = "\n".join(json.dumps(row) for row in rows) + "\n"
    assert read_names(write(tmp_path, "inv.json", text)).names == ["/a/db_password", "/b"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"/x/token\n\n/x/token\n")))
    assert read_names("-").names == ["/x/token"]
    tsv = "# comment\nname\tlabel\tsplit\n/x/pwd\t1\ttune\n/x/colour\t0\ttune\n"
    names = read_names(write(tmp_path, "n.tsv", tsv))
    assert names.names == ["/x/pwd", "/x/colour"]
    assert names.labels == {"/x/pwd": True, "/x/colour": False}


def test_bad_names_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "inv.json", '{"parameter_name": "/a"}\n{"oops": 1}\n')
    code, _, err = run(["check-dictionary", str(DICTIONARY_FILE), "--names", bad], capsys)
    assert code == 2 and f"--names {bad}:2: expected a JSON object with parameter_name" in err
    assert "Traceback" not in err


def test_s3_file_and_against(aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="dicts")
    entries = len(load_default())
    # Six times the default: the default is then well under the 20% shrink guard.
    big = DEFAULT + "".join(f"word{i}secret\n" for i in range(5 * entries))
    s3.put_object(Bucket="dicts", Key="in-use.txt", Body=big.encode())
    s3.put_object(Bucket="dicts", Key="new.txt", Body=DEFAULT.encode())

    code, out, _ = run(["check-dictionary", "s3://dicts/new.txt"], capsys)
    assert code == 0 and "the deployed function would accept it" in out

    # Against the dictionary in use (warm functions compare with it), the new one shrinks.
    code, out, _ = run(
        ["check-dictionary", "s3://dicts/new.txt", "--against", "s3://dicts/in-use.txt"], capsys
    )
    assert code == 2
    assert f"size: {entries} entries against {6 * entries} in s3://dicts/in-use.txt" in out
    assert f"has {entries} entries, under 20% of the {6 * entries} in use" in out

    code, _, err = run(["check-dictionary", "s3://dicts/missing.txt"], capsys)
    assert code == 2 and "s3://dicts/missing.txt: cannot read it" in err


def test_scan_with_a_dictionary_the_function_would_refuse_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.json"
    log.write_bytes(log_document([put_parameter("/prod/app/colour", "String")]))
    colours = write(tmp_path, "colours.txt", "colour\n")
    code, out, err = run(["scan", "--dictionary", colours, str(log)], capsys)
    assert code == 1 and "/prod/app/colour" in out
    assert "warning: the function would refuse it" in err and "canary" in err

    (tmp_path / "bad.txt").write_bytes(b"\xffcolour\n")
    code, _, err = run(["scan", "--dictionary", str(tmp_path / "bad.txt"), str(log)], capsys)
    assert code == 2 and "is not UTF-8 text" in err


def test_scan_dictionary_from_s3_goes_through_the_same_loader(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="dicts")
    s3.put_object(Bucket="dicts", Key="d.txt", Body=b"re:(a+)+$\n" + MINIMAL.encode())
    log = tmp_path / "log.json"
    log.write_bytes(log_document([put_parameter("/prod/app/token", "String")]))
    code, out, err = run(["scan", "--dictionary", "s3://dicts/d.txt", str(log)], capsys)
    assert code == 1 and "/prod/app/token" in out
    assert "s3://dicts/d.txt:1: unsafe regular expression: nested repeat" in err


def test_names_with_control_characters_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = write(tmp_path, "new.txt", DEFAULT + "flux capacitor\n")
    row = {"parameter_name": "/x/flux_capacitor\u001b[2J\rforged line"}
    names = write(tmp_path, "inv.json", json.dumps(row) + "\n")
    code, out, _ = run(["check-dictionary", new, "--names", names], capsys)
    assert code == 0
    assert "\x1b" not in out and "\r" not in out
    assert "+ /x/flux_capacitor\\x1b[2J\\rforged line  by 'flux capacitor'" in out
