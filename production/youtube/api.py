"""YouTube Data API v3 calls for the upload: resumable video insert, captions, thumbnail, with retries."""

from __future__ import annotations

import http.client
import json
import random
import socket
import ssl
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload

RETRY_STATUSES = frozenset({500, 502, 503, 504})
NETWORK_ERRORS = (httplib2.HttpLib2Error, http.client.HTTPException, ConnectionError, TimeoutError, socket.timeout,
                  ssl.SSLError)
CHUNK_UNIT = 256 * 1024  # resumable chunks must be whole multiples of 256 KiB, except the last
DEFAULT_CHUNKSIZE = 32 * CHUNK_UNIT
VIDEO_PARTS = "snippet,status"


class PublishError(RuntimeError):
    """An API call failed for good; the message explains the cause and the next step."""


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter: wait base·2^k (capped) times a random factor in [0.5, 1)."""

    max_retries: int = 8
    base: float = 1.0
    cap: float = 64.0
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    waits: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0 <= self.max_retries <= 20:
            raise ValueError(f"max_retries must be in 0..20, got {self.max_retries}")
        if not 0 < self.base <= self.cap:
            raise ValueError(f"base must be in (0, cap={self.cap}], got {self.base}")

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1)) * (0.5 + 0.5 * self.rand())


def _error_reason(exc: HttpError) -> str:
    try:
        error = json.loads(exc.content.decode("utf-8")).get("error", {})
        return (error.get("errors") or [{}])[0].get("reason") or error.get("status") or ""
    except (ValueError, AttributeError):
        return ""


def explain(exc: HttpError, what: str) -> PublishError:
    """Turn an HTTP error into a message a user can act on."""
    status, reason = exc.resp.status, _error_reason(exc)
    if status == 401:
        hint = ("YouTube did not accept the credentials (401 Unauthorized). The stored token is invalid or was "
                "revoked: run again with --reauth to sign in anew")
    elif status == 403 and reason == "quotaExceeded":
        hint = ("the Cloud project's daily YouTube API quota is used up (see IAM & Admin > Quotas); it resets at "
                "midnight Pacific time")
    elif status == 403 and what == "thumbnail":
        hint = ("YouTube refused the custom thumbnail (403); custom thumbnails need a phone-verified channel "
                "(youtube.com/verify)")
    elif status == 403:
        hint = (f"YouTube refused the request (403 {reason or 'forbidden'}); check that the signed-in account owns "
                "a channel and that the OAuth consent screen lists it as a test user")
    elif status == 400:
        hint = f"YouTube rejected the request as invalid (400 {reason or 'badRequest'}): {exc.reason}"
    else:
        hint = f"HTTP {status} {reason}: {exc.reason}"
    return PublishError(f"{what} failed: {hint}")


def call_with_retry(step: Callable[[], Any], policy: RetryPolicy, what: str) -> Any:
    """Run one request step, retrying 5xx answers and network errors with backoff up to policy.max_retries."""
    attempt = 0
    while True:
        try:
            return step()
        except HttpError as exc:
            if exc.resp.status not in RETRY_STATUSES:
                raise explain(exc, what) from None
            cause = f"HTTP {exc.resp.status}"
        except NETWORK_ERRORS as exc:
            cause = f"{exc.__class__.__name__}"
        attempt += 1
        if attempt > policy.max_retries:
            raise PublishError(f"{what} failed: still {cause} after {policy.max_retries} retries; run again later")
        wait = policy.delay(attempt)
        policy.waits.append(wait)
        print(f"{what}: {cause}, retry {attempt} of {policy.max_retries} in {wait:.1f} s", file=sys.stderr)
        policy.sleep(wait)


def offline_service():
    """A service object from the bundled discovery document whose transport refuses to send anything."""
    return build("youtube", "v3", http=_NoNetwork(), static_discovery=True, cache_discovery=False)


def service_for(credentials):
    """The real, authorised service."""
    return build("youtube", "v3", credentials=credentials, static_discovery=True, cache_discovery=False)


class _NoNetwork:
    def request(self, *args, **kwargs):
        raise RuntimeError("a dry run must not send requests")


def video_request(service, video: Path, body: dict, chunksize: int = DEFAULT_CHUNKSIZE):
    """The resumable videos.insert request (nothing is sent until next_chunk)."""
    if chunksize <= 0:
        raise ValueError(f"chunksize must be a positive number of bytes, got {chunksize}")
    media = MediaFileUpload(str(video), mimetype="video/mp4", chunksize=chunksize, resumable=True)
    return service.videos().insert(part=VIDEO_PARTS, body=body, media_body=media, notifySubscribers=False)


def caption_request(service, video_id: str, captions: Path, language: str, name: str):
    body = {"snippet": {"videoId": video_id, "language": language, "name": name, "isDraft": False}}
    media = MediaFileUpload(str(captions), mimetype="application/octet-stream", resumable=False)
    return service.captions().insert(part="snippet", body=body, media_body=media)


def thumbnail_request(service, video_id: str, thumbnail: Path, mimetype: str):
    media = MediaFileUpload(str(thumbnail), mimetype=mimetype, resumable=False)
    return service.thumbnails().set(videoId=video_id, media_body=media)


def upload_video(request, policy: RetryPolicy, progress: Callable[[int, int], None] | None = None) -> dict:
    """Drive a resumable upload chunk by chunk; each chunk (and the session start) is retried on its own."""
    response = None
    while response is None:
        status, response = call_with_retry(lambda: request.next_chunk(num_retries=0), policy, "video upload")
        if status is not None and progress is not None:
            progress(status.resumable_progress, status.total_size)
    if "id" not in response:
        raise PublishError(f"video upload finished without a video id: {response}")
    if progress is not None:
        size = request.resumable.size()
        progress(size, size)
    return response


def execute(request, policy: RetryPolicy, what: str) -> dict:
    return call_with_retry(lambda: request.execute(num_retries=0), policy, what)


def describe(request, body: dict | None, media: Path | None) -> dict:
    """What a request would send, for the dry run: method, endpoint, query parameters, JSON body, media file."""
    parts = urlsplit(request.uri)
    info: dict[str, Any] = {
        "method": request.method,
        "url": f"{parts.scheme}://{parts.netloc}{parts.path}",
        "params": dict(parse_qsl(parts.query)),
    }
    if body is not None:
        info["body"] = body
    if media is not None:
        info["media"] = {"file": str(media), "bytes": media.stat().st_size}
    return info
