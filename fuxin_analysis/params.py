"""Parameter files (YAML) for a run: which plan, which observation files, which year, which language."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from .errors import InputError
from .inputs import read_yaml_mapping, validate
from .labels import Language

DEFAULT_TITLE = "阜新市教育事业“十四五”规划分析 / Fuxin education plan 2021–2025: analysis"


class Params(BaseModel):
    """The keys of a parameter file. Paths are relative to the file's own folder."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    plan_dir: StrictStr = Field(description="plan folder (plan.yaml, indicators.csv, statements.csv, source.txt)")
    observations: list[StrictStr] = Field(default_factory=list, description="CSV files of observed values")
    as_of: Annotated[StrictInt, Field(ge=1949, le=date.today().year + 1)] | None = Field(
        default=None, description="use only observations up to this year (default: all)")
    language: Language = Field(default="both", description="labels in 'zh', 'en' or 'both'")
    title: Annotated[StrictStr, Field(min_length=1, max_length=200)] = Field(
        default=DEFAULT_TITLE, description="title of the report")


def load_params(path: str | Path) -> tuple[Params, dict[str, object]]:
    """The validated parameters and the notebook parameters they give (paths made absolute)."""
    path = Path(path)
    params = validate(Params, read_yaml_mapping(path), path)
    base = path.resolve().parent
    plan_dir = (base / params.plan_dir).resolve()
    if not plan_dir.is_dir():
        raise InputError(path, "plan folder not found", field="plan_dir", value=params.plan_dir)
    observations = []
    for i, name in enumerate(params.observations):
        obs = (base / name).resolve()
        if not obs.is_file():
            raise InputError(path, "observation file not found", field=f"observations[{i}]", value=name)
        observations.append(str(obs))
    notebook_params: dict[str, object] = {
        "plan_dir": str(plan_dir),
        "observations": observations,
        "as_of": params.as_of,
        "language": params.language,
        "title": params.title,
    }
    return params, notebook_params
