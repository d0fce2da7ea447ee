"""Safe defaults: private addresses refused (on in run mode), credentials kept to their site and
out of logs, stats and records. Real crawls of local servers."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request

from crawler.middlewares.secrets import CrossSiteSecretsMiddleware, UserinfoMiddleware, redact
from pipelines.parts import complete_parts, read_part
from tests.conftest import ROOT, json_lines, run_cli
from tests.hostileserver import HostileServer, answer
from tests.hostilesite import FAST, HealthySite, crawl, run_measured, story_path
from tests.pages import article_html

PASSWORD, TOKEN, COOKIE, SET_COOKIE, PROXY_PASSWORD = (
    "pw-7f3a9c", "tok-5d1e88", "ck-a4b2c6", "srv-9e0f1d", "px-3c7b2a")
SECRETS = (PASSWORD, TOKEN, COOKIE, SET_COOKIE, PROXY_PASSWORD)


@pytest.fixture()
def site() -> Iterator[HealthySite]:
    with HostileServer() as server:
        yield HealthySite(server)


@pytest.mark.slow
def test_private_addresses_refused_when_on(site: HealthySite, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, "-s", "NEWSCRAWL_REFUSE_PRIVATE=True")
    assert site.server.request_log == []  # not even robots.txt
    assert result.counted("failed", "private_address") == 1  # the homepage; its sitemaps count as links
    assert result.records == [] and result.returncode == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_private_hosts_named_every_way_are_refused() -> None:
    with HostileServer() as server:
        port = server.base.rsplit(":", 1)[1]
        hosts = ["localhost", "2130706433", "0x7f.1", "[::1]", "169.254.169.254", "10.1.2.3",
                 "[::ffff:127.0.0.1]"]
        urls = [f"http://{host}:{port}/news/a-story-about-the-city.html" for host in hosts]
        result = run_cli("url", *urls, "-s", "NEWSCRAWL_REFUSE_PRIVATE=true", "-s", "DOWNLOAD_TIMEOUT=3")
        assert server.request_log == []
    failed = [line for line in result.stderr.splitlines() if " FAILED " in line]
    assert len(failed) == len(hosts) and all("private_address" in line for line in failed), result.stderr
    assert result.returncode == 1


def write_sites_file(tmp_path: Path, base: str, allow_private: bool | None) -> Path:
    path = tmp_path / "sites.toml"
    allow = "" if allow_private is None else f"allow_private = {str(allow_private).lower()}\n"
    path.write_text(f'[run]\noutput = "out"\nstate = "state"\n{allow}'
                    "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_WORKERS = 0 }\n"
                    f'\n[[site]]\nurl = "{base}/"\n', encoding="utf-8")
    return path


@pytest.mark.slow
def test_run_mode_refuses_private_addresses_unless_allowed(site: HealthySite, tmp_path: Path) -> None:
    refused = run_cli("run", str(write_sites_file(tmp_path, site.base, None)))
    assert refused.returncode == 1 and site.server.request_log == []
    report = json.loads((tmp_path / "state" / "runs" / "last-run.json").read_text(encoding="utf-8"))
    assert report["sites"]["127.0.0.1"]["status"] == "failed"
    assert report["sites"]["127.0.0.1"]["failed"] == {"private_address": 1}
    allowed = run_cli("run", str(write_sites_file(tmp_path, site.base, True)))
    assert allowed.returncode == 0, allowed.stderr
    written = {r["url"] for part in complete_parts(tmp_path / "out") for r in read_part(part)}
    assert written == site.good_urls


@pytest.mark.slow
def test_credentials_stay_with_their_site_and_out_of_logs(tmp_path: Path) -> None:
    with HostileServer() as first, HostileServer(name="localhost") as second:
        landing = second.url(story_path("landing"))
        second.route(story_path("landing"), article_html("Landed on another site"))
        first.behave(story_path("moved"), answer(b"", 302, {"Location": landing,
                                                             "Set-Cookie": f"session={SET_COOKIE}; Path=/"}))
        start = first.url(story_path("moved")).replace("http://", f"http://alice:{PASSWORD}@")
        headers = json.dumps({"Authorization": f"Bearer {TOKEN}", "Cookie": f"sid={COOKIE}"})
        out = tmp_path / "out.jsonl"
        result, _ = run_measured("url", start, "-o", str(out), *FAST,
                                 "-s", f"DEFAULT_REQUEST_HEADERS={headers}",
                                 "-s", "LOG_LEVEL=DEBUG", "-s", "COOKIES_DEBUG=True")
        assert result.returncode == 0, result.stderr[-3000:]
        [record] = json_lines(out.read_text(encoding="utf-8"))
        assert record["url"] == landing
        sent = dict(first.request_log)[story_path("moved")]
        assert sent["Authorization"] == "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        assert second.request_log and all(
            "Authorization" not in h and "Cookie" not in h for _, h in second.request_log), second.request_log
    everything = result.stdout + result.stderr + out.read_text(encoding="utf-8")
    assert "Overridden settings" in everything  # the DEBUG log was there to leak from
    assert not [secret for secret in SECRETS if secret in everything]


@pytest.mark.slow
def test_proxy_credentials_never_logged(tmp_path: Path) -> None:
    with HostileServer(name="news.example") as proxy:  # answers proxy requests for the site itself
        site = HealthySite(proxy)
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
        env["http_proxy"] = f"http://scraper:{PROXY_PASSWORD}@127.0.0.1:{proxy.base.rsplit(':', 1)[1]}"
        result = crawl(site, tmp_path, "-s", "LOG_LEVEL=DEBUG", env=env)
        result.assert_nothing_lost(site)
        expected = "Basic " + base64.b64encode(f"scraper:{PROXY_PASSWORD}".encode()).decode()
        assert all(h.get("Proxy-Authorization") == expected for _, h in proxy.request_log)
    logged = result.stderr + json.dumps(result.report) + json.dumps(result.records)
    assert not [secret for secret in SECRETS if secret in logged]


def test_redaction_and_redirect_rules() -> None:
    line = ("GET http://bob:hunter2@example.com/a {'Authorization': 'Bearer abc', b'Cookie': [b'sid=1']} "
            '{"Proxy-Authorization": "Basic eHk="} Set-Cookie: id=7')
    clean = redact(line)
    for secret in ("hunter2", "Bearer abc", "sid=1", "eHk=", "id=7"):
        assert secret not in clean
    assert "http://***@example.com/a" in clean and redact(clean) == clean
    moved = UserinfoMiddleware().process_request(Request("https://u:p%40ss@news.example/a"))
    assert moved is not None and moved.url == "https://news.example/a"
    assert moved.headers[b"Authorization"] == b"Basic " + base64.b64encode(b"u:p@ss")
    downgraded = Request("http://news.example/b", headers={"Authorization": "x", "Cookie": "y"},
                         meta={"redirect_urls": ["https://news.example/a"]})
    CrossSiteSecretsMiddleware().process_request(downgraded)  # https -> http on the same site
    assert b"Authorization" not in downgraded.headers and b"Cookie" not in downgraded.headers


def test_safe_defaults_in_settings() -> None:
    from crawler.cli.checks import default_settings

    settings = default_settings()
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers.get(scheme, "on") is None for scheme in ("file", "data", "s3", "ftp"))
    assert not settings.getbool("TELNETCONSOLE_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert settings.getint("REDIRECT_MAX_TIMES") == 5
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 30 and not settings.getbool("NEWSCRAWL_REFUSE_PRIVATE")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    for replaced in ("redirect.RedirectMiddleware", "httpcompression.HttpCompressionMiddleware"):
        assert middlewares[f"scrapy.downloadermiddlewares.{replaced}"] is None  # our subclasses instead


def _run_sites_file(conf: Path, name: str, url: str, headers: dict[str, str], extra: str = "") -> Path:
    path = conf / f"{name}.toml"
    table = ", ".join(f'{k} = "{v}"' for k, v in headers.items())
    path.write_text(f'[run]\noutput = "../data/{name}/out"\nstate = "../data/{name}/state"\nallow_private = true\n'
                    f"{extra}settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_WORKERS = 0, "
                    f"DEFAULT_REQUEST_HEADERS = {{ {table} }} }}\n\n[[site]]\nurl = \"{url}\"\n", encoding="utf-8")
    return path


def _disk_text(root: Path) -> str:
    """Every file under root as text, gzip members (parts, WARC) decompressed."""
    texts = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts.append((gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("latin-1"))
    return "\n".join(texts)


@pytest.mark.slow
def test_no_credentials_written_to_disk_in_run_mode(tmp_path: Path) -> None:
    conf = tmp_path / "conf"  # the sites files hold the secrets; everything the runs write is under data/
    conf.mkdir()
    validators = {"Last_Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}  # so robots.txt and the sitemap are cached
    with HostileServer() as direct, HostileServer(name="news.example") as proxy:
        HealthySite(direct, validators=validators)
        proxied = HealthySite(proxy, validators=validators)
        basic = _run_sites_file(conf, "basic", direct.base.replace("http://", f"http://alice:{PASSWORD}@") + "/",
                                {"Cookie": f"sid={COOKIE}"}, extra='warc = "../data/basic/warc"\n')
        first = run_cli("run", str(basic))
        assert first.returncode == 0, first.stderr
        assert dict(direct.request_log)["/"]["Authorization"].startswith("Basic ")  # sent, not stored
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
        env["http_proxy"] = f"http://scraper:{PROXY_PASSWORD}@127.0.0.1:{proxy.base.rsplit(':', 1)[1]}"
        bearer = _run_sites_file(conf, "bearer", proxied.base + "/", {"Authorization": f"Bearer {TOKEN}"})
        second, _ = run_measured("run", str(bearer), env=env)
        assert second.returncode == 0, second.stderr
        assert all(h.get("Authorization") == f"Bearer {TOKEN}" and h.get("Proxy-Authorization")
                   for _, h in proxy.request_log)
    data = tmp_path / "data"
    for name in ("basic", "bearer"):
        assert list((data / name / "state" / "httpcache").rglob("request_headers")), "nothing was cached"
    assert list((data / "basic" / "warc").glob("*.warc.gz"))
    written = _disk_text(data)
    encoded = [base64.b64encode(f"{user}:{password}".encode()).decode()
               for user, password in (("alice", PASSWORD), ("scraper", PROXY_PASSWORD))]
    assert not [secret for secret in (*SECRETS, *encoded) if secret in written]


@pytest.mark.slow
def test_run_mode_keeps_default_authorization_from_other_hosts(tmp_path: Path) -> None:
    with HostileServer() as first, HostileServer(name="localhost") as second:
        site = HealthySite(first)
        landing = second.url(story_path("landing"))
        second.route(story_path("landing"), article_html("Landed on another site"))
        site.add(story_path("moved"), answer(b"", 302, {"Location": landing}), linked=True)
        path = _run_sites_file(tmp_path, "news", site.base + "/", {"Authorization": f"Bearer {TOKEN}"})
        result = run_cli("run", str(path))
        assert result.returncode == 0, result.stderr
        assert dict(first.request_log)[story_path("moved")]["Authorization"] == f"Bearer {TOKEN}"
        assert "/robots.txt" in dict(second.request_log) and dict(second.request_log).get(story_path("landing"))
        assert all("Authorization" not in h for _, h in second.request_log), second.request_log


def with_hosts_file(hosts: Path, argv: list[str]) -> list[str]:
    """argv run with its own /etc/hosts, bind-mounted in a private mount namespace (a user namespace
    too when not root): names the test controls, answered by the system's own resolver."""
    namespaces = ["--mount"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--mount"]
    return ["unshare", *namespaces, "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', str(hosts), *argv]


@pytest.mark.slow
def test_a_name_with_only_a_private_ipv6_answer_is_refused(tmp_path: Path) -> None:
    """It has no IPv4 address, so an IPv4-only check found nothing and let it through; a resolver
    that connects over IPv6 (TWISTED_DNS_RESOLVER below) then reached the private network."""
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\nfd00::7 v6only.newscrawl.test\n", encoding="utf-8")  # unique local
    url = f"http://v6only.newscrawl.test:8080{story_path('v6')}"
    argv = [sys.executable, "-m", "crawler.cli", "url", url, "-s", "NEWSCRAWL_REFUSE_PRIVATE=true",
            "-s", "DOWNLOAD_TIMEOUT=5", "-s", "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingHostnameResolver"]
    result = subprocess.run(with_hosts_file(hosts, argv), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "private_address: v6only.newscrawl.test resolves to fd00::7, a private address" in result.stderr, \
        result.stderr
