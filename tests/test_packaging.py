"""pyproject.toml: an SPDX license string (the table form stops building with setuptools
releases after 2027-02-18) and a build requirement bounded on both sides."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib

from tests.conftest import ROOT


def test_license_is_an_spdx_expression_and_the_build_backend_is_bounded() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    [setuptools] = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    bounds = re.fullmatch(r"setuptools>=(\d+),<(\d+)", setuptools.replace(" ", ""))
    assert bounds, setuptools
    lower, upper = bounds.groups()
    assert int(lower) >= 77  # the first release that reads `license = "MIT"` (PEP 639)
    assert int(upper) > int(lower)
    # The installed distribution was built from it: core metadata 2.4 carries the expression.
    metadata = importlib.metadata.metadata("newscrawl")
    assert metadata["License-Expression"] == "MIT"
