"""Bad input from users: every command's arguments and the sites file's keys. Each case gives
exit status 2 and one line naming the problem, no traceback, before any work starts (the
crawl is replaced by a tripwire here, and the real CLI runs in a few end-to-end cases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cli import main, scrapy_run
from tests.conftest import cli, run_cli
from tests.hostileserver import HostileServer
from tests.hostilesite import HealthySite, crawl

SITE = "https://news.example/"
PAGE = "{tmp}/page.html"

CLI_CASES = [
    (("crawl",), "the following arguments are required: SITE_URL"),
    (("crawl", "http://exa mple.com/"), "contains spaces"),
    (("crawl", "http://example.com:99999/"), "Port out of range"),
    (("crawl", "http:///path/only"), "no host name"),
    (("crawl", "javascript:alert(1)"), "unsupported URL scheme"),
    (("crawl", "http://[::1/"), "Invalid IPv6 URL"),
    (("crawl", "http://bad_host..example/"), "is not a valid host name"),
    (("crawl", "http://bob:hunter2@example.com:99999/"), "'http://***@example.com:99999/'"),  # never echoed
    (("crawl", SITE, "--max-articles", "ten"), "expected a whole number"),
    (("crawl", SITE, "--depth", "-1"), "expected a number >= 0"),
    (("crawl", SITE, "--progress", "-5"), "seconds >= 0"),
    (("crawl", SITE, "--progress", "nan"), "seconds >= 0"),
    (("crawl", SITE, "--since", "2999-01-01"), "is in the future"),
    (("crawl", SITE, "-o", "{tmp}/missing/out.jsonl"), "does not exist"),
    (("crawl", SITE, "-o", "{tmp}"), "is a directory"),
    (("crawl", SITE, "-o", "/proc/newscrawl-out.jsonl"), "is not writable"),
    (("crawl", SITE, "-o", "{tmp}/out.jsonl", "--stats", "{tmp}/out.jsonl"), "are the same file"),
    (("crawl", SITE, "-s", "download_delay=0"), "setting names are UPPER_CASE"),
    (("crawl", SITE, "-s", "DOWNLOAD_DELY=0"), "did you mean DOWNLOAD_DELAY?"),
    (("crawl", SITE, "-s", "NEWSCRAWL_MAX_PAGE=5"), "unknown setting 'NEWSCRAWL_MAX_PAGE'"),
    (("crawl", SITE, "-s", "DOWNLOAD_DELAY=fast"), "DOWNLOAD_DELAY must be a number"),
    (("crawl", SITE, "-s", "ROBOTSTXT_OBEY=maybe"), "must be true or false"),
    (("crawl", SITE, "-s", "CONCURRENT_REQUESTS=1.5"), "must be a whole number"),
    (("crawl", SITE, "-s", "DEFAULT_REQUEST_HEADERS={bad"), "must be a table / JSON object"),
    (("crawl", SITE, "-s", "NEWSCRAWL_SINCE=someday"), "must be like 2d"),
    (("crawl", SITE, "-s", "LOG_LEVEL=LOUD"), "must be a log level"),
    (("crawl", SITE, "-s", "=1"), "-s expects NAME=VALUE"),
    (("crawl", SITE, "-s", "NEWSCRAWL_NEARDUP_THRESHOLD=7"), "THRESHOLD must be above 0 and at most 1, got '7'"),
    (("crawl", SITE, "-s", "NEWSCRAWL_DEPTH=-1"), "NEWSCRAWL_DEPTH must be at least 0"),
    (("crawl", SITE, "-s", "NEWSCRAWL_WORKERS=2.5"), "NEWSCRAWL_WORKERS must be a whole number at least 0"),
    (("crawl", SITE, "-s", "NEWSCRAWL_WORKERS=many"), "NEWSCRAWL_WORKERS must be a number"),
    (("crawl", SITE, "-s", "NEWSCRAWL_PART_RECORDS=0"), "NEWSCRAWL_PART_RECORDS must be at least 1"),
    (("crawl", SITE, "-s", "NEWSCRAWL_REDIS_HEARTBEAT=0"), "NEWSCRAWL_REDIS_HEARTBEAT must be above 0"),
    (("crawl", SITE, "-s", "NEWSCRAWL_REDIS_POP_BATCH=-3"), "NEWSCRAWL_REDIS_POP_BATCH must be at least 1"),
    (("crawl", SITE, "-s", "NEWSCRAWL_MALLOC_MMAP_THRESHOLD=999999999"), "from 0 to 33554432"),
    (("url",), "the following arguments are required: URL"),
    (("url", "ftp://example.com/x"), "unsupported URL scheme"),
    (("url", SITE, "-o", "/proc/newscrawl-out.jsonl"), "is not writable"),
    (("url", SITE, "-s", "RETRY_TIMES=twice"), "RETRY_TIMES must be a whole number"),
    (("extract", PAGE, "--max-bytes", "0"), "expected a number >= 1"),
    (("extract", PAGE, "--url", "ftp://example.com/x"), "unsupported URL scheme"),
    (("extract", PAGE, PAGE, "--url", SITE), "several input files"),
    (("extract", PAGE, "-o", "{tmp}"), "is a directory"),
    (("run", "{tmp}/missing.toml"), "cannot read the sites file"),
    (("run", "{tmp}"), "cannot read the sites file"),
    (("run", "{tmp}/sites.toml", "--report", "{tmp}/missing/report.json"), "does not exist"),
    (("run", "{tmp}/sites.toml", "-s", "DOWNLOAD_DELY=1"), "did you mean DOWNLOAD_DELAY?"),
    (("run", "{tmp}/sites.toml", "--progress", "-1"), "seconds >= 0"),
    (("worker", "{tmp}/sites.toml", "--redis", "redis://127.0.0.1:1/0", "--wait", "-1"), "seconds >= 0"),
    (("worker", "{tmp}/sites.toml", "--redis", "redis://127.0.0.1:1/0", "--wait", "inf"), "seconds >= 0"),
    # A newcomer's typos get a suggestion, and the command they concern is named.
    (("crawll", SITE), "unknown command 'crawll' (did you mean crawl?"),
    (("crawl", SITE, "--max-articels", "3"),
     "newscrawl crawl: error: unknown option '--max-articels' (did you mean --max-articles?)"),
    (("validate", "{tmp}", "--bogus"), "newscrawl validate: error: unknown option '--bogus'"),
    (("export", "{tmp}", "{tmp}/x", "--format", "parket"), "did you mean parquet?"),
    (("url", "example.com/news"), "did you mean 'https://example.com/news'?"),
    (("crawl", "localhost:8080/"), "did you mean 'https://localhost:8080/'?"),
    (("url", "file:///srv/page.html"), "for a saved page run `newscrawl extract /srv/page.html`"),
    (("url", PAGE), "for a saved page run `newscrawl extract"),
    (("extract", PAGE, "-j", "-1"), "expected a number >= 0, got -1"),
    # A missing input is a bad argument in every command: exit status 2, one line.
    (("extract", "{tmp}/missing.html"), "no such file or directory: '{tmp}/missing.html'"),
    (("validate", "{tmp}/missing.jsonl"), "no such file or directory: '{tmp}/missing.jsonl'"),
    (("export", "{tmp}/missing", "{tmp}/dest"), "no such directory: '{tmp}/missing'"),
    (("run", "{tmp}/missing.toml"), "No such file or directory"),
    (("run", "{tmp}/sites.toml", "--report", "/nonexistent-newscrawl/r.json"),
     "--report '/nonexistent-newscrawl/r.json': directory '/nonexistent-newscrawl' does not exist"),
    (("crawl", SITE, "--since", "99999999999d"), "too far back"),
    (("crawl", SITE, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=0"), "must be at least 1"),
    (("crawl", SITE, "-s", "DOWNLOAD_DELAY=inf"), "must be a finite number"),
]

VALID_SITE = "[[site]]\nurl = 'https://a.com/'\n"
SITES_FILE_CASES = [
    ("[run]\nsettings = { DOWNLOAD_DELY = 0 }\n" + VALID_SITE, "run.settings: unknown setting 'DOWNLOA"),
    ("[run]\nsettings = { CONCURRENT_REQUESTS = 'many' }\n" + VALID_SITE, "CONCURRENT_REQUESTS must be"),
    ("[run]\nsettings = { AUTOTHROTTLE_ENABLED = 'yes' }\n" + VALID_SITE, "must be true or false"),
    ("[run]\nsettings = { lowercase = 1 }\n" + VALID_SITE, "setting names are UPPER_CASE"),
    ("[run]\nsettings = 'fast'\n" + VALID_SITE, ":2: run.settings must be a table"),
    ("[run]\nallow_private = 'yes'\n" + VALID_SITE, ":2: run.allow_private must be true or false"),
    ("[run]\nmax_pages = 1.5\n" + VALID_SITE, ":2: run.max_pages must be a whole number"),
    ("[run]\noutput = '/proc/newscrawl-out'\n" + VALID_SITE, "is not writable"),
    ("[run]\nstate = '/proc/newscrawl-state'\n" + VALID_SITE, "is not writable"),
    ("[[site]]\nurls = 'https://a.com/'\n", ":2: site #1.urls must be a list"),
    ("[[site]]\nurls = []\n", "site #1 has no url"),
    ("[[site]]\nurl = 'https://a.com/'\ndelay = 'slow'\n", ":3: site #1.delay must be a number"),
    ("[[site]]\nurl = 'https://a.com/'\nconcurrency = 1.5\n", ":3: site #1.concurrency must be a whole"),
    ("[[site]]\nurl = 'https://a.com/'\nlimit = 3\n", ":3: unknown key 'limit' in site #1"),
    ("[[site]]\nurl = 'http://exa mple.com/'\n", ":2: invalid URL"),
    ("[[site]]\nurl = 'https://a.com:99999/'\n", ":2: invalid URL"),
    ("[[site]]\nurl = 'https://bob:hunter2@a.com:99999/'\n", "***@a.com:99999"),
    ("[[site]]\nurl = 'https://a.com/'\n\n[[site]]\nurl = 'https://a.com/'\n", "is used twice"),
    ("# nothing but a comment\n", "no sites"),
    ("site = 'https://a.com/'\n", "'site' must be an array of tables"),
    ("run = 1\n" + VALID_SITE, "'run' must be a table"),
    # Numbers a run would wait on forever, and durations past what a date can hold.
    ("[[site]]\nurl = 'https://a.com/'\nconcurrency = 0\n", ":3: site #1.concurrency must be >= 1, got 0"),
    ("[[site]]\nurl = 'https://a.com/'\ndelay = inf\n", ":3: site #1.delay must be a finite number"),
    ("[[site]]\nurl = 'https://a.com/'\ndelay = nan\n", ":3: site #1.delay must be a finite number"),
    ("[[site]]\nurl = 'https://a.com/'\ndelay = 1e300\n", ":3: site #1.delay must be <= 3600"),
    ("[[site]]\nurl = 'https://a.com/'\nsince = '99999999999d'\n", ":3: site #1.since: invalid since value"),
    ("[run]\nsince = '999999999w'\n" + VALID_SITE, ":2: run.since: invalid since value '999999999w': too far"),
    ("[run]\nworkers = 100000\n" + VALID_SITE, ":2: run.workers must be <= 1024"),
    ("[run]\nsettings = { DOWNLOAD_DELAY = inf }\n" + VALID_SITE, "DOWNLOAD_DELAY must be a finite number"),
    ("[run]\nsettings = { DOWNLOAD_DELAY = 1e300 }\n" + VALID_SITE, "DOWNLOAD_DELAY must be a number of seconds"),
    ("[run]\nsettings = { CONCURRENT_REQUESTS = 0 }\n" + VALID_SITE, "CONCURRENT_REQUESTS must be at least 1"),
    ("[run]\nsettings = { DOWNLOAD_TIMEOUT = -1 }\n" + VALID_SITE, "DOWNLOAD_TIMEOUT must be a number of seconds"),
]


@pytest.fixture()
def tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case that reaches the crawl has failed: nothing may start before the input is checked."""

    def work_started(*args: object, **kwargs: object) -> str:
        raise AssertionError("the crawl started despite bad input")

    monkeypatch.setattr(scrapy_run, "run_crawl", work_started)  # every crawling command takes it from there


@pytest.fixture()
def workdir(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "page.html").write_text("<html><body><p>saved</p></body></html>", encoding="utf-8")
    sites = "[run]\noutput = 'out'\nstate = 'state'\n" + VALID_SITE
    (tmp_path / "sites.toml").write_text(sites, encoding="utf-8")
    yield tmp_path


def run_main(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def assert_one_line_error(code: int, err: str, message: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and message in lines[0], err
    assert "Traceback" not in err and "hunter2" not in err


@pytest.mark.parametrize(("args", "message"), CLI_CASES, ids=[" ".join(a)[:60] for a, _ in CLI_CASES])
@pytest.mark.usefixtures("tripwire")
def test_bad_arguments(workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                       message: str) -> None:
    before = sorted(p.name for p in workdir.rglob("*"))
    code, err = run_main(capsys, [a.replace("{tmp}", str(workdir)) for a in args])
    assert_one_line_error(code, err, message.replace("{tmp}", str(workdir)))
    assert sorted(p.name for p in workdir.rglob("*")) == before  # no output, no directory, nothing


@pytest.mark.parametrize(("content", "message"), SITES_FILE_CASES, ids=[m[:40] for _, m in SITES_FILE_CASES])
@pytest.mark.usefixtures("tripwire")
def test_bad_sites_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
                         message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(content, encoding="utf-8")
    code, err = run_main(capsys, ["run", str(path)])
    assert_one_line_error(code, err, message)
    assert [p.name for p in tmp_path.iterdir()] == ["sites.toml"]  # no output or state directory


@pytest.mark.usefixtures("tripwire")
def test_sites_file_that_is_not_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sites.toml"
    path.write_bytes(b"\xff\xfe[run]\x00\x00")
    code, err = run_main(capsys, ["run", str(path)])
    assert_one_line_error(code, err, "not a UTF-8 text file")


@pytest.mark.slow
def test_real_cli_refuses_before_fetching_anything(tmp_path: Path) -> None:
    """End to end: the installed command, a live server that must see no request."""
    with HostileServer() as server:
        site = HealthySite(server)
        sites = tmp_path / "sites.toml"
        sites.write_text(f"[run]\nsettings = {{ DOWNLOAD_DELAY = 'soon' }}\n[[site]]\nurl = '{site.base}/'\n")
        stalled = tmp_path / "stalled.toml"  # accepted, these ran forever with no output
        stalled.write_text(f"[run]\nallow_private = true\n[[site]]\nurl = '{site.base}/'\nconcurrency = 0\n")
        results = [
            run_cli("run", str(stalled), timeout=60),
            run_cli("crawl", site.base + "/", "-o", str(tmp_path / "out.jsonl"), "-s", "DOWNLOAD_DELY=0"),
            run_cli("url", site.base + "/news/a-story-here.html", "-o", "/proc/newscrawl.jsonl"),
            run_cli("run", str(sites)),
            run_cli("extract", str(tmp_path), "--max-bytes", "-5"),
        ]
        assert server.request_log == []
    for result in results:
        assert_one_line_error(result.returncode, result.stderr, "error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sites.toml", "stalled.toml"]


@pytest.mark.slow
def test_a_crawl_cut_short_leaves_no_complete_looking_output(tmp_path: Path) -> None:
    with HostileServer() as server:
        site = HealthySite(server)
        result = crawl(site, tmp_path, "-s", "CLOSESPIDER_PAGECOUNT=3")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ended early (closespider_pagecount)" in result.stderr and ".out.jsonl.part" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()  # only a crawl that finished gets the name
    assert (tmp_path / ".out.jsonl.part").exists()
    assert result.report["finish_reason"] == "closespider_pagecount"


def test_extract_output_is_complete_or_absent(tmp_path: Path) -> None:
    (tmp_path / "bad.html.gz").write_bytes(b"not gzip")
    result = cli("extract", str(tmp_path / "bad.html.gz"), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 1 and "Traceback" not in result.stderr  # documented: a line, not an abort
    assert '"error": "unreadable' in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.part"))


def test_bare_command_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_main(capsys, [])
    assert code == 2
    for command in ("run", "crawl", "url", "extract", "validate", "export", "worker"):
        assert f"\n    {command} " in err, err
