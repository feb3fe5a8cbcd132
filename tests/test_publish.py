"""Publishing: package checks against YouTube's limits, and the real client driven through googleapiclient mocks."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from googleapiclient.discovery import build
from googleapiclient.http import HttpMockSequence
from PIL import Image

from production.config import load_config
from production.packaging.package import MANIFEST, PackageManifest, entry_for
from production.youtube import publish as pub
from production.youtube.api import PublishError, RetryPolicy
from production.youtube.checks import PackageError, metadata_problems, parse_chapters, probe_video, tags_length

CONFIG = load_config()
CHAPTERS = "0:00 Where does + λw² come from?\n0:10 Fitting a line\n0:20 Maximum likelihood\n"
SRT = "1\n00:00:00,000 --> 00:00:02,500\nA line through the data.\n\n2\n00:00:03,000 --> 00:00:05,000\nSlope w.\n"
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nA line through the data.\n\n00:00:03.000 --> 00:00:05.000\nSlope w.\n"
UPLOAD_URL = "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=xyz"


@pytest.fixture(scope="session")
def video_file(tmp_path_factory) -> Path:
    """A 32 s, 128x72 H.264 + AAC MP4: long enough for three 10 s chapters, tiny to upload."""
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=128x72:rate=5", "-f", "lavfi",
           "-i", "sine=frequency=440:sample_rate=8000", "-t", "32", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "16k", str(path)]
    subprocess.run(cmd, check=True, timeout=60)
    return path


@pytest.fixture
def package(tmp_path, video_file) -> Path:
    """A complete, valid package laid out as media/final is."""
    directory = tmp_path / "final"
    directory.mkdir()
    shutil.copy(video_file, directory / f"{CONFIG.slug}.mp4")
    Image.new("RGB", (1280, 720), (16, 16, 24)).save(directory / "thumbnail.png")
    (directory / "description.txt").write_text("Where does the penalty in ridge regression come from?\n")
    (directory / "chapters.txt").write_text(CHAPTERS)
    (directory / "captions.srt").write_text(SRT)
    (directory / "captions.vtt").write_text(VTT)
    write_manifest(directory)
    return directory


def write_manifest(directory: Path, **changes) -> None:
    """package.json as the assembly writes it: the complete video at the configured quality and theme."""
    wanted = pub.Wanted.from_config(CONFIG)
    info = probe_video(directory / f"{CONFIG.slug}.mp4")
    files = {p.name: entry_for(p) for p in sorted(directory.iterdir()) if p.name != MANIFEST}
    fields = dict(quality=wanted.quality, width=info.width, height=info.height, fps=5, theme=wanted.theme,
                  voice=wanted.voice, chapters=list(wanted.storyboard), storyboard=list(wanted.storyboard),
                  complete=True, duration=info.duration, files=files)
    PackageManifest(**{**fields, **changes}).to_file(directory / MANIFEST)


class RecordingHttp(HttpMockSequence):
    """HttpMockSequence that reads streamed bodies when sent and can raise an exception in place of a response."""

    def request(self, uri, method="GET", body=None, headers=None, redirections=1, connection_type=None):
        if hasattr(body, "read"):
            body = body.read()
        if self._iterable and isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, redirections, connection_type)


def service(responses: list) -> tuple[object, RecordingHttp]:
    http = RecordingHttp(responses)
    return build("youtube", "v3", http=http, static_discovery=True, cache_discovery=False), http


def fake_policy(max_retries: int = 4, rand: float = 0.0) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    return RetryPolicy(max_retries=max_retries, base=1.0, cap=8.0, sleep=slept.append, rand=lambda: rand), slept


def ok(payload: dict) -> tuple[dict, str]:
    return {"status": "200"}, json.dumps(payload)


def session_start() -> tuple[dict, str]:
    return {"status": "200", "location": UPLOAD_URL}, ""


def resume(last_byte: int) -> tuple[dict, str]:
    return {"status": "308", "range": f"bytes=0-{last_byte}"}, ""


def error(status: int, reason: str) -> tuple[dict, str]:
    body = {"error": {"code": status, "message": reason, "errors": [{"reason": reason, "message": reason}]}}
    return {"status": str(status), "content-type": "application/json"}, json.dumps(body)


def content_ranges(http: RecordingHttp) -> list[str]:
    return [h.get("Content-Range", "") for _, method, _, h in http.request_sequence if method == "PUT"]


def test_tags_length_counts_commas_and_quotes_like_youtube():
    tags = ["machine learning", "MAP", "a b c", "x"]
    as_youtube_joins_them = ",".join(f'"{t}"' if " " in t else t for t in tags)
    assert tags_length(tags) == len(as_youtube_joins_them) == 32
    assert tags_length([]) == 0


@pytest.mark.parametrize(
    ("title", "description", "tags", "fragment"),
    [
        ("t" * 101, "ok", ["a"], "101 characters"),
        ("a <b> title", "ok", ["a"], "title contains"),
        ("ok", "λ" * 2501, ["a"], "5002 bytes"),
        ("ok", "x > y", ["a"], "description contains"),
        ("ok", "ok", ["ab cd"] * 60 + ["a" * 21], "501 characters"),
    ],
)
def test_metadata_over_the_limits_is_named(title, description, tags, fragment):
    problems = metadata_problems(title, description, tags)
    assert len(problems) == 1 and fragment in problems[0]


def test_metadata_at_the_limits_passes():
    tags = ["ab cd"] * 60 + ["a" * 20]
    assert tags_length(tags) == 500
    assert metadata_problems("t" * 100, "λ" * 2500, tags) == []


def test_dry_run_passes_and_prints_the_requests(package, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("MLE2MAP_CLIENT_SECRETS", raising=False)
    monkeypatch.setenv("MLE2MAP_TOKEN", str(tmp_path / "cfg" / "token.json"))
    assert pub.main(["--package", str(package), "--dry-run"]) == 0
    out = capsys.readouterr().out
    requests = json.loads(out[out.index("\n[") + 1 : out.rindex("]") + 1])
    video, captions, thumbnail = requests
    assert video["method"] == "POST" and video["url"].endswith("/upload/youtube/v3/videos")
    assert video["params"]["uploadType"] == "resumable" and video["params"]["part"] == "snippet,status"
    snippet = video["body"]["snippet"]
    assert snippet["title"] == CONFIG.title and snippet["tags"] == list(CONFIG.tags)
    assert snippet["categoryId"] == CONFIG.category_id
    assert video["body"]["status"] == {"privacyStatus": CONFIG.privacy, "selfDeclaredMadeForKids": False}
    assert all(line in snippet["description"].splitlines() for line in CHAPTERS.splitlines())
    assert captions["url"].endswith("/upload/youtube/v3/captions") and captions["body"]["snippet"]["language"] == "en"
    assert thumbnail["url"].endswith("/thumbnails/set") and thumbnail["media"]["bytes"] > 0
    assert "dry run passed" in out and not (tmp_path / "cfg").exists()


def test_chapters_already_in_the_description_are_not_repeated(package):
    (package / "description.txt").write_text("Intro text.\n\nChapters:\n" + CHAPTERS)
    description = pub.build_plan(package, CONFIG).body["snippet"]["description"]
    assert description.count("0:10 Fitting a line") == 1


def test_stale_chapter_list_in_the_description_is_rejected(package):
    (package / "description.txt").write_text("Intro.\n0:00 Old title\n0:40 Another\n")
    with pytest.raises(PackageError, match="differ from chapters.txt"):
        pub.build_plan(package, CONFIG)


@pytest.mark.parametrize(
    ("chapters", "fragment"),
    [
        ("0:05 A\n0:20 B\n0:30 C\n", "start at 0:00"),
        ("0:00 A\n0:15 B\n", "at least 3"),
        ("0:00 A\n0:05 B\n0:20 C\n", "lasts 5 s"),
        ("0:00 A\n0:10 B\n0:25 C\n", "lasts 7 s"),
        ("0:00 A\nnot a chapter\n", "line 2"),
    ],
)
def test_chapters_youtube_would_not_show_are_rejected(package, chapters, fragment):
    (package / "chapters.txt").write_text(chapters)
    with pytest.raises(PackageError, match=fragment):
        pub.build_plan(package, CONFIG)


def test_parse_chapters_reads_hours():
    assert [m.seconds for m in parse_chapters("0:00 a\n1:02:03 b\n")] == [0, 3723]


def test_broken_files_are_each_reported(package):
    Image.new("RGB", (320, 180)).save(package / "thumbnail.png")
    (package / "captions.srt").write_text("1\n00:00:00,000 --> garbage\nhello\n")
    (package / f"{CONFIG.slug}.mp4").write_bytes(b"not a video at all")
    (package / "captions.vtt").unlink()
    with pytest.raises(PackageError) as caught:
        pub.build_plan(package, CONFIG)
    text = str(caught.value)
    assert "320 px wide" in text and "ffprobe cannot read" in text and "captions.vtt" in text
    assert len(caught.value.problems) == 3


def test_oversized_or_foreign_thumbnail_is_rejected(package):
    noise = np.random.default_rng(0).integers(0, 256, (900, 1600, 3), dtype=np.uint8)
    Image.fromarray(noise).save(package / "thumbnail.png")
    assert (package / "thumbnail.png").stat().st_size > 2_000_000
    with pytest.raises(PackageError, match="thumbnail is .* bytes, the limit is 2000000"):
        pub.build_plan(package, CONFIG)
    Image.new("RGB", (1280, 720)).save(package / "thumbnail.png", format="GIF")
    with pytest.raises(PackageError, match="GIF"):
        pub.build_plan(package, CONFIG)


def test_captions_past_the_end_of_the_video_are_rejected(package):
    (package / "captions.srt").write_text("1\n00:01:00,000 --> 00:01:02,000\nlate\n")
    with pytest.raises(PackageError, match="past the video"):
        pub.build_plan(package, CONFIG)


def test_resumable_upload_in_chunks_then_captions_and_thumbnail(package):
    plan = pub.build_plan(package, CONFIG)
    data = plan.package.video.read_bytes()
    size, chunk = len(data), 40_000
    starts = list(range(0, size, chunk))
    assert len(starts) >= 4
    responses = [session_start(), *(resume(s + chunk - 1) for s in starts[:-1]), ok({"id": "vid123"}),
                 ok({"id": "cap1"}), ok({"items": []})]
    youtube, http = service(responses)
    policy, slept = fake_policy()
    seen: list[tuple[int, int]] = []
    video_id = pub.publish(plan, youtube, policy, chunksize=chunk, progress=lambda d, t: seen.append((d, t)))
    assert video_id == "vid123" and slept == [] and http._iterable == []
    uri, method, body, headers = http.request_sequence[0]
    assert method == "POST" and "uploadType=resumable" in uri and "part=snippet%2Cstatus" in uri
    assert json.loads(body) == plan.body and headers["X-Upload-Content-Length"] == str(size)
    puts = [(u, b) for u, m, b, _ in http.request_sequence if m == "PUT"]
    assert all(u == UPLOAD_URL for u, _ in puts) and b"".join(b for _, b in puts) == data
    assert content_ranges(http) == [f"bytes {s}-{min(s + chunk, size) - 1}/{size}" for s in starts]
    assert [d for d, _ in seen] == [s + chunk for s in starts[:-1]] + [size] and {t for _, t in seen} == {size}
    cap_uri, _, cap_body, _ = http.request_sequence[-2]
    assert "/upload/youtube/v3/captions" in cap_uri and "uploadType=multipart" in cap_uri
    metadata = json.loads(re.search(rb"\{.*\}", cap_body).group())
    assert metadata["snippet"]["videoId"] == "vid123" and metadata["snippet"]["language"] == CONFIG.language
    assert SRT.encode() in cap_body
    thumb_uri, _, thumb_body, _ = http.request_sequence[-1]
    assert "/thumbnails/set" in thumb_uri and "videoId=vid123" in thumb_uri
    assert thumb_body == plan.package.thumbnail.read_bytes()


def test_503_mid_upload_is_retried_after_a_status_query(package):
    plan = pub.build_plan(package, CONFIG)
    size, chunk = plan.package.video.stat().st_size, 65_536
    responses = [error(503, "backendError"), session_start(), resume(chunk - 1), error(503, "backendError"),
                 resume(chunk - 1)]
    starts = list(range(chunk, size, chunk))
    responses += [resume(s + chunk - 1) for s in starts[:-1]] + [ok({"id": "vid503"})]
    youtube, http = service(responses)
    policy, slept = fake_policy(rand=0.0)
    video_id = pub.publish(plan, youtube, policy, chunksize=chunk, captions=False, thumbnail=False)
    assert video_id == "vid503" and slept == [0.5, 0.5]
    ranges = content_ranges(http)
    assert ranges[:4] == [f"bytes 0-{chunk - 1}/{size}", f"bytes {chunk}-{2 * chunk - 1}/{size}",
                          f"bytes */{size}", f"bytes {chunk}-{2 * chunk - 1}/{size}"]


def test_network_errors_back_off_exponentially_until_the_retry_limit(package):
    plan = pub.build_plan(package, CONFIG)
    youtube, http = service([ConnectionResetError("reset")] * 5)
    policy, slept = fake_policy(max_retries=4, rand=0.0)
    with pytest.raises(PublishError, match="after 4 retries"):
        pub.publish(plan, youtube, policy, chunksize=1 << 20)
    assert slept == [0.5, 1.0, 2.0, 4.0] and len(http.request_sequence) == 5
    capped, _ = fake_policy(rand=0.999)
    assert [round(capped.delay(k), 2) for k in (1, 5, 9)] == [1.0, 8.0, 8.0]


def test_401_fails_at_once_with_a_clear_message(package):
    plan = pub.build_plan(package, CONFIG)
    youtube, http = service([error(401, "authError")])
    policy, slept = fake_policy()
    with pytest.raises(PublishError, match=r"401 Unauthorized.*--reauth"):
        pub.publish(plan, youtube, policy)
    assert slept == [] and len(http.request_sequence) == 1


def test_thumbnail_refusal_names_the_uploaded_video(package):
    plan = pub.build_plan(package, CONFIG)
    youtube, http = service([ok({"id": "cap"}), error(403, "forbidden")])
    with pytest.raises(PublishError, match=r"phone-verified(.|\n)*--video-id existing1"):
        pub.publish(plan, youtube, fake_policy()[0], video_id="existing1")
    assert all("existing1" in u or "captions" in u for u, *_ in http.request_sequence)


def test_metadata_over_the_limits_sends_no_request(package, tmp_path, capsys):
    toml = Path(pub.CONFIG_PATH).read_text().replace(f'title = "{CONFIG.title}"', f'title = "{"T" * 101}"')
    (tmp_path / "video.toml").write_text(toml)
    youtube, http = service([ok({"id": "never"})])
    code = pub.main(["--package", str(package), "--config", str(tmp_path / "video.toml")],
                    service_factory=lambda args: youtube)
    assert code == 1 and http.request_sequence == []
    assert "title has 101 characters" in capsys.readouterr().err


def test_upload_through_main_with_an_injected_service(package, capsys):
    youtube, http = service([session_start(), ok({"id": "viaMain"}), ok({}), ok({})])
    assert pub.main(["--package", str(package), "--privacy", "unlisted"], service_factory=lambda a: youtube) == 0
    assert json.loads(http.request_sequence[0][2])["status"]["privacyStatus"] == "unlisted"
    captured = capsys.readouterr()
    assert "viaMain" in captured.out and "100.0%" in captured.err


def test_progress_printer_logs_each_tenth_once():
    class Log(list):
        def write(self, text):
            self.append(text)

        def flush(self):
            pass

        def isatty(self):
            return False

    log = Log()
    printer = pub.ProgressPrinter(log)
    for done in range(0, 1001, 25):
        printer(done, 1000)
    assert len(log) == 11 and log[-1].startswith("video upload: 100.0%")


def test_bad_privacy_is_a_clear_error(package):
    with pytest.raises(ValueError, match="privacy must be one of private, unlisted, public"):
        pub.build_plan(package, dataclasses.replace(CONFIG, privacy="secret"))


@pytest.mark.parametrize(
    ("status", "reason", "what", "fragment"),
    [
        (403, "quotaExceeded", "video upload", "quota is used up"),
        (400, "invalidTitle", "video upload", "400 invalidTitle"),
        (404, "videoNotFound", "captions", "captions failed: HTTP 404 videoNotFound"),
    ],
)
def test_other_refusals_are_explained_without_retrying(package, status, reason, what, fragment):
    plan = pub.build_plan(package, CONFIG)
    youtube, http = service([error(status, reason)])
    policy, slept = fake_policy()
    with pytest.raises(PublishError, match=fragment):
        pub.publish(plan, youtube, policy, video_id="v1" if what == "captions" else None)
    assert slept == [] and len(http.request_sequence) == 1


def test_publish_takes_the_package_of_the_story_it_is_told(package, monkeypatch, capsys):
    """``make publish STORY=...`` looks in media/final/<quality>-<theme>-<story-slug>/ and takes only a package of
    that story; the shipped story's publish refuses another story's package, naming it and the command to run."""
    from production.rendering.renderer import STORY_ENV

    example = "examples/hours-studied/story.toml"
    write_manifest(package, story=example, story_name="hours studied")
    monkeypatch.delenv(STORY_ENV, raising=False)
    with pytest.raises(pub.WrongPackage) as caught:
        pub.build_plan(package, CONFIG)
    assert "publish needs the complete video at hd" in str(caught.value)
    monkeypatch.setenv(STORY_ENV, example)
    wanted = pub.Wanted.from_config(CONFIG)
    assert wanted.folder.name == "hd-dark-hours-studied" and wanted.story_file == example
    assert pub.build_plan(package, CONFIG).body["snippet"]["title"] == CONFIG.title
    write_manifest(package, story="stories/house-prices/story.toml", story_name="house prices")
    with pytest.raises(pub.WrongPackage, match=f"of the story {example}: run `make video STORY={example}`"):
        pub.build_plan(package, CONFIG)
    monkeypatch.delenv(STORY_ENV)
    assert pub.main(["--package", str(package), "--dry-run", "--story", example]) == 2
    assert f"STORY={example}" in capsys.readouterr().err
    assert pub.main(["--package", str(package), "--dry-run"]) == 0  # the shipped story's own package
