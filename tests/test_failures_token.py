"""The sign-in token: never written through a link, written whole, and a broken file means signing in again."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from production.youtube import auth

CLIENT = {"installed": {"client_id": "1234.apps.googleusercontent.com", "client_secret": "shh",
                       "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                       "token_uri": "https://oauth2.googleapis.com/token"}}


@pytest.fixture
def token(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv(auth.SECRETS_ENV, raising=False)
    path = tmp_path / "config" / "token.json"
    path.parent.mkdir()
    monkeypatch.setenv(auth.TOKEN_ENV, str(path))
    return path


def test_a_token_path_that_is_a_symlink_is_refused_and_its_target_untouched(token, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("precious")
    token.symlink_to(target)
    with pytest.raises(auth.AuthError, match=f"token file {token} is a symbolic link; remove the link"):
        auth.token_path()
    with pytest.raises(auth.AuthError, match="is a symbolic link"):
        auth.get_credentials(None)
    with pytest.raises(auth.AuthError, match="is a symbolic link"):
        auth.save_token(token, '{"token": "new"}')
    assert target.read_text() == "precious" and token.is_symlink()


def test_token_is_written_to_a_fresh_private_file_and_replaced_whole(token, tmp_path, monkeypatch):
    """A planted link at the old fixed temporary name is not followed; a failed write keeps the old token."""
    decoy = tmp_path / "decoy"
    decoy.write_text("decoy")
    (token.parent / f".{token.name}.{os.getpid()}.tmp").symlink_to(decoy)
    auth.save_token(token, '{"token": "old"}')
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        auth.save_token(token, '{"token": "new"}')
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert json.loads(token.read_text()) == {"token": "old"} and decoy.read_text() == "decoy"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600 and not token.is_symlink()
    assert sorted(p.name for p in token.parent.iterdir() if not p.is_symlink()) == ["token.json"]


@pytest.mark.parametrize("content", [
    "", "garbage{", "[1, 2]", "42", '"a string"',
    json.dumps({"refresh_token": "r", "client_id": "c", "client_secret": "s", "expiry": 5}),
])
def test_a_token_that_is_not_a_saved_sign_in_means_signing_in_again(token, content, capsys):
    token.write_text(content)
    with pytest.raises(auth.AuthError, match="no OAuth client-secrets file given"):
        auth.get_credentials(None)
    err = capsys.readouterr().err
    assert err == f"stored token {token} is unusable (not a saved sign-in); signing in again\n"


def test_client_secrets_inside_the_repository_are_warned_about(tmp_path, monkeypatch, capsys):
    repository, outside = tmp_path / "repo", tmp_path / "home"
    for folder in (repository, outside):
        folder.mkdir()
        (folder / "client_secret.json").write_text(json.dumps(CLIENT))
    monkeypatch.setattr(auth, "ROOT", repository)
    auth.client_secrets_path(str(outside / "client_secret.json"))
    assert capsys.readouterr().err == ""
    auth.client_secrets_path(str(repository / "client_secret.json"))
    err = capsys.readouterr().err
    assert err.startswith(f"warning: client-secrets file {repository / 'client_secret.json'} is inside the repository")
    assert err.count("\n") == 1
