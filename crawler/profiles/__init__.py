"""Site profiles: one small declarative SiteProfile per site, grouped by country."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import bd, vn
from .base import SiteProfile

PROFILES: Mapping[str, SiteProfile] = MappingProxyType({p.name: p for p in (*vn.PROFILES, *bd.PROFILES)})


def get_profile(name: str) -> SiteProfile:
    """The profile called `name`; KeyError names the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown site profile {name!r}; known: {', '.join(sorted(PROFILES))}") from None


def profile_for_host(host: str | None) -> SiteProfile | None:
    """The profile whose domains cover `host`, if any."""
    if not host:
        return None
    return next((p for p in PROFILES.values() if p.matches(host)), None)


__all__ = ["PROFILES", "SiteProfile", "get_profile", "profile_for_host"]
