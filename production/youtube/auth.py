"""OAuth for the upload: the user's own client-secrets file, a private token file, refresh when expired."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from production.config import ROOT

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
)
SECRETS_ENV = "MLE2MAP_CLIENT_SECRETS"
TOKEN_ENV = "MLE2MAP_TOKEN"
CONSOLE_REDIRECT = "http://localhost:1"


class AuthError(RuntimeError):
    """Signing in failed; the message says what to do, never what the secret is."""


def client_secrets_path(arg: str | None) -> Path:
    """The client-secrets file from --client-secrets, else from $MLE2MAP_CLIENT_SECRETS."""
    raw = arg or os.environ.get(SECRETS_ENV)
    if not raw:
        raise AuthError(
            f"no OAuth client-secrets file given: pass --client-secrets PATH or set {SECRETS_ENV} "
            "(README, 'Publishing to YouTube', explains how to download one from Google Cloud Console)"
        )
    path = Path(raw).expanduser()
    if not path.is_file():
        raise AuthError(f"client-secrets file {path} not found (from {'--client-secrets' if arg else SECRETS_ENV})")
    if path.resolve().is_relative_to(ROOT):
        print(f"warning: client-secrets file {path} is inside the repository and could be committed; "
              "move it to ~/.config/mle-to-map/", file=sys.stderr)
    return path


def check_client_secrets(path: Path) -> None:
    """The file must be a Desktop-app OAuth client: JSON with an 'installed' section holding an id and secret."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuthError(f"client-secrets file {path} is not readable JSON: {exc.__class__.__name__}") from None
    if not isinstance(data, dict) or "installed" not in data:
        kind = next(iter(data), "nothing") if isinstance(data, dict) else type(data).__name__
        raise AuthError(
            f"client-secrets file {path} is for a {kind!r} client; create an OAuth client of type 'Desktop app'"
        )
    missing = [k for k in ("client_id", "client_secret", "auth_uri", "token_uri") if k not in data["installed"]]
    if missing:
        raise AuthError(f"client-secrets file {path} lacks {', '.join(missing)}; download it again")


def token_path() -> Path:
    """Where the token lives: $MLE2MAP_TOKEN, else ~/.config/mle-to-map/token.json; never inside the repository.

    The file itself may not be a symbolic link (the token would be written wherever it points) and, when it
    exists, must be a regular file; its folders may be links.
    """
    raw = os.environ.get(TOKEN_ENV)
    if raw:
        path = Path(raw).expanduser()
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        path = base / "mle-to-map" / "token.json"
    path = path.absolute().parent.resolve() / path.name
    if path.is_relative_to(ROOT):
        raise AuthError(f"{TOKEN_ENV} points inside the repository ({path}); keep the token outside it")
    _check_token_file(path)
    return path


def _check_token_file(path: Path) -> None:
    if path.is_symlink():
        raise AuthError(f"token file {path} is a symbolic link; remove the link (or set {TOKEN_ENV} to a plain file)")
    if path.exists() and not path.is_file():
        raise AuthError(f"token path {path} exists but is not a file; remove it or set {TOKEN_ENV} elsewhere")


def save_token(path: Path, payload: str) -> None:
    """Write the token atomically: a new 0600 file (O_CREAT|O_EXCL) in the same folder (0700), then os.replace.

    A failure at any point leaves the previous token as it was; a symbolic link at ``path`` is refused.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _check_token_file(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # O_EXCL, mode 0600
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        _check_token_file(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where the file system allows it
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _load_token(path: Path):
    """The stored credentials, or None (sign in again) when there are none or the file is not a token."""
    from google.oauth2.credentials import Credentials

    if not path.is_file():
        return None
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), encoding="utf-8") as handle:
            if stat.S_IMODE(os.fstat(handle.fileno()).st_mode) & 0o077:
                os.fchmod(handle.fileno(), 0o600)
            info = json.loads(handle.read())
        if not isinstance(info, dict):
            raise ValueError("not a JSON object")
        return Credentials.from_authorized_user_info(info, list(SCOPES))
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:  # a field of the wrong shape
        reason = exc.strerror if isinstance(exc, OSError) else "not a saved sign-in"
        print(f"stored token {path} is unusable ({reason}); signing in again", file=sys.stderr)
        return None


def _console_flow(flow, ask: Callable[[str], str]):
    """Sign in without a local browser: open the printed address anywhere, paste back where it redirected."""
    flow.redirect_uri = CONSOLE_REDIRECT
    url, _ = flow.authorization_url(access_type="offline", prompt="consent")
    print(f"Open this address in any browser and allow access:\n\n    {url}\n", file=sys.stderr)
    print(
        f"The browser then tries to load {CONSOLE_REDIRECT}/?state=...&code=... and fails; that is expected.",
        file=sys.stderr,
    )
    answer = ask("Paste that whole address (or just the code) here: ").strip()
    if not answer:
        raise AuthError("no authorization response pasted")
    try:
        if answer.startswith("http"):
            flow.fetch_token(authorization_response=answer.replace("http://", "https://", 1))
        else:
            flow.fetch_token(code=answer)
    except Exception as exc:  # oauthlib raises many error classes; all mean the pasted answer was refused
        raise AuthError(f"Google refused the authorization response ({exc.__class__.__name__}); try again") from None
    return flow.credentials


def get_credentials(
    secrets_arg: str | None,
    *,
    no_browser: bool = False,
    reauth: bool = False,
    ask: Callable[[str], str] = input,
):
    """Valid credentials: the stored token (refreshed if expired) or a new sign-in with the user's client."""
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google_auth_oauthlib.flow import InstalledAppFlow

    path = token_path()
    creds = None if reauth else _load_token(path)
    if creds is not None and not creds.has_scopes(list(SCOPES)):
        creds = None
    if creds is not None and not creds.valid and creds.expired and creds.refresh_token:
        try:
            creds.refresh(Request())
        except RefreshError:
            print("stored token could not be refreshed (revoked or expired); signing in again", file=sys.stderr)
            creds = None
    if creds is None or not creds.valid:
        secrets = client_secrets_path(secrets_arg)
        check_client_secrets(secrets)
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets), scopes=list(SCOPES))
        if no_browser:
            creds = _console_flow(flow, ask)
        else:
            creds = flow.run_local_server(port=0, access_type="offline", prompt="consent")
    save_token(path, creds.to_json())
    return creds
