"""environment.yml (conda-forge) lists the same dependencies as pyproject.toml."""

import re
import tomllib

import yaml

from .conftest import ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _specs(items) -> dict[str, str]:
    return {_name(s): re.sub(r"\s", "", s) for s in items}


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _specs(project["dependencies"] + project["optional-dependencies"]["test"]
                    + project["optional-dependencies"]["cluster"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        else:
            conda.append(dep)
    listed = _specs(conda + pip)
    listed.pop("python"), listed.pop("pip")
    assert listed == wanted


def test_python_version_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_jupyterlab_shows_widgets_without_a_build():
    """The explorer's widgets work in JupyterLab out of the box: the widget manager is a prebuilt extension that
    comes with ipywidgets (jupyterlab_widgets), in this environment's share/jupyter."""
    import json
    import sys
    from pathlib import Path

    manager = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    assert json.loads((manager / "package.json").read_text())["name"] == "@jupyter-widgets/jupyterlab-manager"
    import ipywidgets

    assert int(ipywidgets.__version__.split(".")[0]) >= 8


def _lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _locked_versions() -> dict[str, str]:
    """Locked version per package name (the one for this Python when a package is locked twice by marker)."""
    import sys

    from packaging.markers import Marker

    out: dict[str, str] = {}
    for package in _lock()["package"]:
        if "version" not in package:
            continue
        out.setdefault(package["name"].lower().replace("_", "-"), package["version"])
    for package in _lock()["package"]:
        for dep in package.get("dependencies", []):
            marker, version = dep.get("marker"), dep.get("version")
            if marker and version and Marker(marker).evaluate({"python_full_version": sys.version.split()[0]}):
                out[dep["name"].lower().replace("_", "-")] = version
    return out


def test_the_lock_is_up_to_date_with_pyproject():
    """uv.lock records the project's own requirements as it resolved them: when pyproject.toml changes without
    `make lock`, they differ and this fails (run `make lock` and commit uv.lock)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (root,) = [p for p in _lock()["package"] if p["name"] == project["name"]]
    locked = {(d["name"], d.get("specifier", ""), d.get("marker", "")) for d in root["metadata"]["requires-dist"]}
    wanted = {(_name(s), re.sub(r"^[A-Za-z0-9_.\-]+", "", re.sub(r"\s", "", s)), "") for s in project["dependencies"]}
    wanted |= {(_name(s), re.sub(r"^[A-Za-z0-9_.\-]+", "", re.sub(r"\s", "", s)), f"extra == '{extra}'")
               for extra in ("test", "cluster") for s in project["optional-dependencies"][extra]}
    assert locked == wanted, "uv.lock is out of date with pyproject.toml: run `make lock`"
    assert _lock()["requires-python"] == project["requires-python"]


def test_environment_yml_admits_the_locked_versions():
    """conda users get the same top-level packages: every version uv.lock holds satisfies environment.yml."""
    from packaging.specifiers import SpecifierSet

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    specs += [p for d in env["dependencies"] if isinstance(d, dict) for p in d.get("pip", [])]
    versions = _locked_versions()
    checked = 0
    for spec in specs:
        name = _name(spec)
        if name in ("python", "pip"):
            continue
        assert name in versions, f"{name} is in environment.yml but not in uv.lock"
        assert versions[name] in SpecifierSet(re.sub(r"^[A-Za-z0-9_.\-]+", "", spec)), (name, versions[name], spec)
        checked += 1
    assert checked == len(_specs(specs)) - 2  # every package but python and pip


def test_the_installed_environment_is_the_locked_one():
    """What `make` installed is exactly uv.lock's: every locked top-level package at its locked version."""
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    versions = _locked_versions()
    for spec in project["dependencies"]:
        name = _name(spec)
        assert metadata.version(name) == versions[name], name
