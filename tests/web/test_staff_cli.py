"""``suitability staff``: accounts with argon2id passwords typed twice on a terminal (or given on
standard input to scripts), API tokens shown once and kept as digests, removal that ends
sessions and revokes tokens, and an audit log that never holds a password or a secret."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type

from suitability.cli import main
from suitability.web import passwords
from suitability.web.store import Store

from .records_support import all_bytes, fast_hasher

__all__ = ["fast_hasher"]  # a fixture, used by name

PASSWORD = "correct horse battery"

Run = Callable[..., tuple[int, str, str]]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def run(
    fast_hasher: PasswordHasher,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Run:
    """``run(*args, stdin=..., typed=[...])``: the command on the test database; ``typed``
    are the passwords typed at getpass prompts (standard input then looks like a terminal)."""
    db = tmp_path / "records.db"

    def go(*args: str, stdin: str = "", typed: list[str] | None = None) -> tuple[int, str, str]:
        prompts: list[str] = []
        if typed is not None:
            answers = list(typed)

            def getpass(prompt: str = "") -> str:
                prompts.append(prompt)
                return answers.pop(0)

            monkeypatch.setattr("getpass.getpass", getpass)
            monkeypatch.setattr("sys.stdin", _Terminal(""))
        else:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main([*args, "--db", str(db)])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def store_of(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "records.db", create=False)


def test_production_hasher_is_argon2id_at_the_library_defaults() -> None:
    default = PasswordHasher()
    assert passwords.hasher.type is Type.ID
    assert (passwords.hasher.time_cost, passwords.hasher.memory_cost) == (
        default.time_cost,
        default.memory_cost,
    )


def test_add__from_standard_input__argon2id_hash_kept_never_the_password(
    run: Run, tmp_path: Path
) -> None:
    code, out, err = run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert out == f"Staff member ann added to {tmp_path / 'records.db'}.\n"
    with store_of(tmp_path) as s:
        stored = s.staff_hash("ann")
        assert stored is not None and stored.startswith("$argon2id$")
        assert passwords.verify(stored, PASSWORD) and not passwords.verify(stored, PASSWORD + "x")
        [entry] = s.audit_entries()
        assert entry.action == "staff member added: ann" and entry.actor.endswith("(command line)")
    assert PASSWORD.encode() not in all_bytes(tmp_path / "records.db")
    assert oct((tmp_path / "records.db").stat().st_mode & 0o777) == "0o600"


def test_add__typed_twice_on_the_terminal(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("staff", "add", "ann", typed=[PASSWORD, PASSWORD])
    assert (code, err) == (0, "")
    with store_of(tmp_path) as s:
        assert passwords.verify(s.staff_hash("ann"), PASSWORD)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ([PASSWORD, PASSWORD + "!"], "error: the two passwords differ; nothing was changed\n"),
        (
            ["tiny9", "tiny9"],
            "error: the password is too short: it needs at least 10 characters; nothing was "
            "changed\n",
        ),
    ],
)
def test_add__passwords_that_differ_or_are_short_add_nobody(
    run: Run, tmp_path: Path, typed: list[str], message: str
) -> None:
    code, _out, err = run("staff", "add", "ann", typed=typed)
    assert (code, err) == (1, message)
    assert typed[0] not in err
    with store_of(tmp_path) as s:
        assert s.staff_names() == []


def test_add__without_a_terminal_or_password_stdin_is_a_usage_error(run: Run) -> None:
    code, _out, err = run("staff", "add", "ann", stdin=PASSWORD + "\n")
    assert code == 2
    assert err == (
        "error: the password is typed on a terminal; from a script, give it on standard input "
        "with --password-stdin\n"
    )


def test_add__a_taken_name_or_a_bad_name_is_refused(run: Run, tmp_path: Path) -> None:
    run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    code, _out, err = run("staff", "add", "ann", "--password-stdin", stdin="another password")
    assert (code, err) == (1, "error: staff name 'ann': there is such a member already\n")
    code, _out, err = run("staff", "add", "a b", "--password-stdin", stdin=PASSWORD)
    assert code == 1 and err.startswith("error: staff name 'a b': use 1 to 64 letters")
    with store_of(tmp_path) as s:
        assert s.staff_names() == ["ann"]
        assert passwords.verify(s.staff_hash("ann"), PASSWORD)


def test_passwd__replaces_the_hash_and_ends_their_sessions(run: Run, tmp_path: Path) -> None:
    run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    with store_of(tmp_path) as s:
        token, _session = s.new_session("staff", staff="ann")
    code, out, _err = run("staff", "passwd", "ann", "--password-stdin", stdin="a new passphrase")
    assert (code, out) == (0, "Password of ann changed; their sessions were ended.\n")
    with store_of(tmp_path) as s:
        assert passwords.verify(s.staff_hash("ann"), "a new passphrase")
        assert not passwords.verify(s.staff_hash("ann"), PASSWORD)
        assert s.session(token) is None
    code, _out, err = run("staff", "passwd", "bob", "--password-stdin", stdin=PASSWORD)
    assert (code, err) == (1, "error: staff name 'bob': there is no such member\n")


def test_token__secret_shown_once_kept_as_a_digest_listed_and_revoked(
    run: Run, tmp_path: Path
) -> None:
    run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    code, out, _err = run("staff", "token", "ann", "--label", "booking")
    assert code == 0
    token_id = re.search(r"API token (\w+) for ann", out)
    secret = re.search(r"^    (\S+)$", out, re.M)
    assert token_id is not None and secret is not None
    token_id_text, secret_text = token_id[1], secret[1]
    assert out.count(secret_text) == 1
    with store_of(tmp_path) as s:
        assert s.token_staff(secret_text) == "ann"
    assert secret_text.encode() not in all_bytes(tmp_path / "records.db")

    code, out, _err = run("staff", "list")
    assert code == 0 and secret_text not in out
    assert out.startswith(f"ann\n    API token {token_id_text} (booking), made ")
    assert out.endswith("1 staff member.\n")

    code, out, _err = run("staff", "revoke", token_id_text)
    assert (code, out) == (0, f"API token {token_id_text} revoked.\n")
    code, _out, err = run("staff", "revoke", token_id_text)
    assert code == 1 and "revoked already" in err
    with store_of(tmp_path) as s:
        assert s.token_staff(secret_text) is None
        actions = [e.action for e in s.audit_entries()]
    assert f"API token {token_id_text} made for ann" in actions
    assert f"API token {token_id_text} revoked" in actions
    assert not any(secret_text in a or PASSWORD in a for a in actions)


def test_token__for_an_unknown_member_is_refused(run: Run) -> None:
    run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    code, _out, err = run("staff", "token", "bob")
    assert (code, err) == (1, "error: staff name 'bob': there is no such member\n")


def test_remove__ends_sessions_and_revokes_tokens(run: Run, tmp_path: Path) -> None:
    run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    _code, out, _err = run("staff", "token", "ann")
    secret = re.search(r"^    (\S+)$", out, re.M)
    assert secret is not None
    with store_of(tmp_path) as s:
        session, _ = s.new_session("staff", staff="ann")
    code, out, _err = run("staff", "remove", "ann")
    assert code == 0
    assert out == (
        "Staff member ann removed; their sessions were ended and their API tokens revoked.\n"
    )
    with store_of(tmp_path) as s:
        assert s.staff_names() == [] and s.session(session) is None
        assert s.token_staff(secret[1]) is None
    code, out, _err = run("staff", "list")
    assert code == 0 and out.startswith("No staff members in ")
    code, _out, err = run("staff", "remove", "ann")
    assert (code, err) == (1, "error: staff name 'ann': there is no such member\n")


def test_commands_on_a_missing_or_foreign_database_exit_74_with_its_name(
    run: Run, tmp_path: Path
) -> None:
    code, _out, err = run("staff", "list")
    db = tmp_path / "records.db"
    assert (code, err) == (74, f"error: the records database {db}: there is no such file\n")
    assert not db.exists()
    db.write_bytes(b"not a database at all" * 100)
    code, _out, err = run("staff", "add", "ann", "--password-stdin", stdin=PASSWORD)
    assert (code, err) == (
        74,
        f"error: the records database {db}: the file is not a records database\n",
    )


def test_verify__an_unknown_name_costs_one_hash_like_a_known_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Any:
            calls.append("verify")
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "hasher", Counting(time_cost=1, memory_cost=8, parallelism=1))
    stored = passwords.hash_password(PASSWORD)
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, "wrong password")
    assert calls == ["verify", "verify"]
    assert not passwords.verify(None, PASSWORD)  # no such account: still one verification
    assert not passwords.verify(None, "a password of no account")
    assert calls == ["verify"] * 4
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash("not a hash")
