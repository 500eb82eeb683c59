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
    wanted = _specs(project["dependencies"] + project["optional-dependencies"]["test"])
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
