"""Canonical URLs: one spelling per article, for dedup and for the `url` field.

Why not a library (measured by bench/library_check.py on 1,876 URLs of the evaluation sets, each
with six variants a crawl meets): w3lib's canonicalize_url (Scrapy's) keeps tracking parameters
(0 of 1,876 utm_/fbclid variants matched their URL) and the default port (0 of 1,876);
courlan's normalize_url(strict=True) drops trackers but leaves escapes of plain letters (`%61`)
as they came (192 of 1,876 matched) and merged two different articles. Neither folds `www.`,
which dedup_key does. Ours: 1,876 of 1,876 on every variant, nothing merged.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that track the visitor, never select content.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|ref|ref_src|"
    r"referrer|cmpid|ito|icid|ncid|ocid|sr_share|smid|at_\w+|wt\.\w+|"
    r"__twitter_impression|spm|vn_source|vn_medium|vn_campaign|zarsrc|gidzl)$",
    re.I,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = _UNRESERVED | frozenset("/:@!$&'()*+,;=")
# What the path normalization changes: escapes, and characters outside the path's allowed set
# (_PATH_SAFE); the rest passes through without a Python call per character.
_PERCENT_OR_UNSAFE = re.compile(r"%[0-9A-Fa-f]{2}|[^" + re.escape("".join(sorted(_PATH_SAFE))) + "]")


def host_of(url: str | None) -> str | None:
    """Lowercase host without port, or None for a URL without one."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


def site_of(url: str | None) -> str | None:
    """The site a URL belongs to: its host without a leading `www.`."""
    host = host_of(url)
    if host and host.startswith("www."):
        host = host[4:]
    return host


def canonical_url(url: str) -> str:
    """Strip fragment, tracking parameters and default port; lowercase scheme and host;
    sort the query. Idempotent: canonical_url(canonical_url(u)) == canonical_url(u).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")  # `user:password@` is left out with the rest of the netloc
    if ":" in host:
        host = f"[{host}]"  # IPv6 keeps its brackets, or the port could not be told apart
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _PERCENT_OR_UNSAFE.sub(_normalize_path_char, parts.path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _normalize_path_char(match: re.Match[str]) -> str:
    """RFC 3986 6.2.2: escapes of unreserved characters decoded, other escapes kept (upper-case hex),
    everything else outside the path's allowed set encoded as UTF-8. Decoding every escape, as
    unquote() does, is not idempotent (`%2541` -> `%41` -> `A`) and turns `%2F` into a separator."""
    token = match.group(0)
    if len(token) == 3:
        char = chr(int(token[1:], 16))
        return char if char in _UNRESERVED else token.upper()
    return token if token in _PATH_SAFE else quote(token, safe="", errors="replace")


def dedup_key(url: str) -> str:
    """Key under which two URLs are the same article: canonical, `www.` and scheme ignored."""
    canonical = canonical_url(url)
    _, _, rest = canonical.partition("://")
    return rest[4:] if rest.startswith("www.") else rest
