"""Sign-in for publishing: client-secrets checks, the private token file, refresh and the console fallback."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow

from production.config import ROOT
from production.youtube import auth

CLIENT = {"installed": {"client_id": "1234.apps.googleusercontent.com", "client_secret": "shh-client-secret",
                       "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                       "token_uri": "https://oauth2.googleapis.com/token", "redirect_uris": ["http://localhost"]}}


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """Token under tmp_path, no secrets from the environment."""
    monkeypatch.delenv(auth.SECRETS_ENV, raising=False)
    token = tmp_path / "config" / "token.json"
    monkeypatch.setenv(auth.TOKEN_ENV, str(token))
    return token


def write_secrets(tmp_path: Path, data: dict = CLIENT) -> Path:
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps(data))
    return path


def stored_credentials(expiry: dt.datetime) -> Credentials:
    info = CLIENT["installed"]
    return Credentials(token="secret-access-token", refresh_token="secret-refresh-token", token_uri=info["token_uri"],
                       client_id=info["client_id"], client_secret=info["client_secret"], scopes=list(auth.SCOPES),
                       expiry=expiry)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_client_secrets_says_where_to_put_them(env, tmp_path):
    with pytest.raises(auth.AuthError, match=r"--client-secrets PATH or set MLE2MAP_CLIENT_SECRETS"):
        auth.get_credentials(None)
    with pytest.raises(auth.AuthError, match=r"nowhere\.json not found \(from --client-secrets\)"):
        auth.get_credentials(str(tmp_path / "nowhere.json"))
    assert not env.exists()


def test_upload_without_secrets_exits_with_the_message(env, tmp_path, capsys, monkeypatch):
    from production.youtube import publish as pub
    monkeypatch.setattr(pub, "build_plan", lambda *a: SimpleNamespace(warnings=[]))
    monkeypatch.setattr(pub, "publish", lambda plan, service, *a, **k: pytest.fail("publish must not run"))
    assert pub.main(["--package", str(tmp_path)]) == 1
    assert "no OAuth client-secrets file given" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"web": CLIENT["installed"]}, "'web' client; create an OAuth client of type 'Desktop app'"),
        ({"installed": {"client_id": "x"}}, "lacks client_secret, auth_uri, token_uri"),
    ],
)
def test_wrong_kind_of_client_is_explained(tmp_path, data, fragment):
    with pytest.raises(auth.AuthError, match=fragment):
        auth.check_client_secrets(write_secrets(tmp_path, data))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(auth.AuthError, match="not readable JSON"):
        auth.check_client_secrets(tmp_path / "bad.json")


def test_token_path_default_and_repository_guard(monkeypatch, tmp_path):
    monkeypatch.delenv(auth.TOKEN_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert auth.token_path() == (tmp_path / "mle-to-map" / "token.json").resolve()
    monkeypatch.setenv(auth.TOKEN_ENV, str(ROOT / "token.json"))
    with pytest.raises(auth.AuthError, match="inside the repository"):
        auth.token_path()


def test_token_file_is_private_and_written_whole(tmp_path):
    path = tmp_path / "deep" / "token.json"
    auth.save_token(path, '{"a": 1}')
    auth.save_token(path, '{"a": 2}')
    assert json.loads(path.read_text()) == {"a": 2}
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["token.json"]


def test_valid_stored_token_is_used_without_signing_in(env, monkeypatch, capsys):
    future = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    env.parent.mkdir()
    env.write_text(stored_credentials(future).to_json())
    env.chmod(0o644)
    monkeypatch.setattr(InstalledAppFlow, "from_client_secrets_file", lambda *a, **k: pytest.fail("no sign-in"))
    creds = auth.get_credentials(None)
    assert creds.token == "secret-access-token" and mode(env) == 0o600
    captured = capsys.readouterr()
    assert "secret" not in captured.out + captured.err


def test_expired_token_is_refreshed_and_saved(env, monkeypatch, capsys):
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)
    env.parent.mkdir()
    env.write_text(stored_credentials(past).to_json())
    refreshed = []

    def fake_refresh(self, request):
        refreshed.append(type(request).__name__)
        self.token = "secret-new-token"
        self.expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)

    monkeypatch.setattr(Credentials, "refresh", fake_refresh)
    creds = auth.get_credentials(None)
    assert refreshed == ["Request"] and creds.valid
    assert json.loads(env.read_text())["token"] == "secret-new-token" and mode(env) == 0o600
    captured = capsys.readouterr()
    assert "secret" not in captured.out + captured.err


def test_console_fallback_exchanges_the_pasted_address(env, tmp_path, monkeypatch, capsys):
    exchanged = {}

    def fake_fetch(self, **kwargs):
        exchanged.update(kwargs)
        self.oauth2session.token = {"access_token": "secret-at", "refresh_token": "secret-rt",
                                    "token_type": "Bearer", "expires_in": 3600,
                                    "expires_at": dt.datetime.now(dt.UTC).timestamp() + 3600}

    monkeypatch.setattr(InstalledAppFlow, "fetch_token", fake_fetch)
    monkeypatch.setattr(InstalledAppFlow, "run_local_server", lambda *a, **k: pytest.fail("no local server"))
    pasted = "http://localhost:1/?state=s&code=4/abc&scope=x"
    creds = auth.get_credentials(str(write_secrets(tmp_path)), no_browser=True, ask=lambda prompt: pasted)
    assert exchanged == {"authorization_response": pasted.replace("http://", "https://")}
    assert creds.refresh_token == "secret-rt" and json.loads(env.read_text())["refresh_token"] == "secret-rt"
    shown = capsys.readouterr().err
    assert "accounts.google.com" in shown and "redirect_uri=http%3A%2F%2Flocalhost%3A1" in shown
    assert all(s.split("/")[-1] in shown for s in auth.SCOPES) and "secret" not in shown
