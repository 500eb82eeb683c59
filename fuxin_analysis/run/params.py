"""Parameter files (YAML) for a run: which plan, which observation files, which year, which language,
which hypothetical pace scenarios. Read with the safe loader and validated before anything runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from ..data.inputs import file_kind, read_yaml_mapping, resolve, validate
from ..errors import InputError, nearest
from ..present.labels import Language

if TYPE_CHECKING:
    from ..data.plan import Plan
    from ..present.explore import PlanChoice

#: The project's folder (``params/``, ``data/plans/``), for :func:`discover_plans`.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TITLE = "阜新市教育事业“十四五”规划分析 / Fuxin education plan 2021–2025: analysis"
Year = Annotated[StrictInt, Field(ge=1949, le=date.today().year + 1)]
#: Every number in a parameter file is finite (``.inf`` and ``.nan`` are refused): an integer or a decimal.
PositiveNumber = Annotated[StrictFloat, Field(allow_inf_nan=False, gt=0, le=100)]
#: A yearly change far beyond any quantity of an education plan (values are in base units: yuan, persons…);
#: larger paces would overflow the hypothetical values.
MAX_PACE = 1e15
Pace = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-MAX_PACE, le=MAX_PACE)]


class Params(BaseModel):
    """The keys of a parameter file (README, “Parameter files”). Paths are relative to the file's folder."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    plan_dir: StrictStr = Field(description="plan folder (plan.yaml, indicators.csv, statements.csv, source.txt)")
    observations: list[StrictStr] = Field(default_factory=list,
                                          description="observation files: CSV, or Excel workbooks (.xlsx)")
    as_of: Year | None = Field(default=None, description="use only observations up to this year (default: all)")
    language: Language = Field(default="both", description="labels in 'zh', 'en' or 'both'")
    title: Annotated[StrictStr, Field(min_length=1, max_length=200)] = Field(
        default=DEFAULT_TITLE, description="title of the report")
    scenario_multipliers: Annotated[list[PositiveNumber], Field(min_length=1, max_length=10)] = Field(
        default_factory=lambda: [0.5, 1.0, 1.5],
        description="hypothetical paces, as multiples of the pace each target needs from its latest value")
    scenario_through_year: Year | None = Field(
        default=None, description="last year of the hypothetical values (default: the plan's third year)")
    scenario_indicators: list[StrictStr] = Field(
        default_factory=list, description="indicators the scenarios cover (default: every open target)")
    scenario_paces: dict[StrictStr, Pace] = Field(
        default_factory=dict, description="a custom scenario: indicator id → assumed change a year (its unit)")

    def check_against(self, plan: Plan, path: str | Path) -> None:
        """The rules that need the plan: years within its span, indicator ids that it defines, paces its kinds allow."""
        from ..data.plan import (
            FLOW_KINDS,  # imported by the caller already (it loaded the plan)
        )

        base, end = plan.meta.baseline_year, plan.meta.period_end
        if self.as_of is not None and self.as_of < base:
            raise InputError(path, f"before the plan's baseline year {base}", field="as_of", value=self.as_of)
        if self.scenario_through_year is not None and not base < self.scenario_through_year <= end:
            raise InputError(path, f"must be within the plan period {base + 1}–{end}", field="scenario_through_year",
                             value=self.scenario_through_year)
        kinds = plan.indicators.set_index("indicator_id")["kind"]
        for key, ids in (("scenario_indicators", self.scenario_indicators), ("scenario_paces", self.scenario_paces)):
            for indicator in ids:
                if indicator not in kinds.index:
                    guess = nearest(indicator, kinds.index)
                    raise InputError(path, f"unknown indicator (not in plan {plan.id})", field=key, value=indicator,
                                     hint=f"did you mean '{guess}'?" if guess else None)
        for indicator, pace in self.scenario_paces.items():
            if kinds[indicator] in FLOW_KINDS and pace < 0:
                raise InputError(path, f"{indicator} is a total over a period: its yearly amount cannot be negative",
                                 field=f"scenario_paces.{indicator}", value=pace)

    def through_year(self, plan: Plan) -> int:
        """The last year of hypothetical values: as set, or the plan's third year (mid-term)."""
        return self.scenario_through_year or min(plan.meta.period_start + 2, plan.meta.period_end)


#: The keys that hold paths: relative to the folder of the file that gave them.
PATH_KEYS = ("plan_dir", "observations")


@dataclass(frozen=True)
class ParamSet:
    """One run's parameters: validated, with the notebook parameters they give (paths absolute), the parameter files
    they were read from (a run's file; a batch's file and its base) and, in a batch, the set's name."""

    params: Params
    notebook: dict[str, object]
    files: tuple[Path, ...]
    name: str | None = None

    @property
    def label(self) -> str:
        """How messages name these parameters: the file, and the set of a batch."""
        return str(self.files[0]) + (f", set '{self.name}'" if self.name is not None else "")


def load_params(path: str | Path) -> tuple[Params, dict[str, object]]:
    """The validated parameters and the notebook parameters they give (paths made absolute)."""
    loaded = load_param_set(path)
    return loaded.params, loaded.notebook


def load_param_set(path: str | Path) -> ParamSet:
    """A parameter file, validated: a :class:`ParamSet`."""
    path = Path(path)
    data = read_yaml_mapping(path)
    params, notebook = params_from_mapping(data, path, resolve(path).parent)
    return ParamSet(params, notebook, (path,))


def params_from_mapping(data: dict[str, object], label: str | Path, base: Path,
                        bases: dict[str, Path] | None = None) -> tuple[Params, dict[str, object]]:
    """Validate a mapping of parameters; paths are resolved against ``bases[key]`` where given (a batch's base file
    and its sets live in different folders), else ``base``. Errors name ``label``."""
    params = validate(Params, data, label)
    bases = bases or {}
    plan_base = bases.get("plan_dir", base)
    plan_dir = resolve(plan_base / params.plan_dir, label, "plan_dir", params.plan_dir)
    if file_kind(plan_dir) != "folder":
        raise InputError(label, "plan folder not found", field="plan_dir", value=params.plan_dir)
    observations = []
    obs_base = bases.get("observations", base)
    for i, name in enumerate(params.observations):
        field = f"observations[{i}]"
        obs = resolve(obs_base / name, label, field, name)
        kind = file_kind(obs)
        if kind == "folder":
            raise InputError(label, "is a folder, not a CSV file", field=field, value=name)
        if kind is None:
            raise InputError(label, "observation file not found", field=field, value=name)
        if obs.suffix.lower() == ".xls":
            raise InputError(label, "an old-format Excel workbook (.xls)", field=field, value=name,
                             hint="open it in Excel and save it as .xlsx")
        if obs.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError(label, "an observation file must be a .csv file or an Excel workbook (.xlsx)",
                             field=field, value=name)
        observations.append(str(obs))
    notebook_params: dict[str, object] = {
        "plan_dir": str(plan_dir),
        "observations": observations,
        "as_of": params.as_of,
        "language": params.language,
        "title": params.title,
        "scenario_multipliers": [float(m) for m in params.scenario_multipliers],
        "scenario_through_year": params.scenario_through_year,
        "scenario_indicators": params.scenario_indicators,
        "scenario_paces": {k: float(v) for k, v in params.scenario_paces.items()},
    }
    return params, notebook_params


def discover_plans(root: Path = PROJECT_ROOT) -> dict[str, "PlanChoice"]:
    """Every plan folder under ``root/data/plans`` (keyed by plan id), with the observation files its parameter files
    in ``root/params`` list (none for a plan no parameter file names); the plan of ``params/default.yaml`` first. A plan
    without any target is not offered (the explorer shows one target at a time)."""
    import warnings

    from ..data.plan import load_plan
    from ..present.explore import PlanChoice

    found: dict[Path, list[Path]] = {}
    files = sorted((root / "params").glob("*.yaml"), key=lambda p: (p.name != "default.yaml", p.name))
    for params_file in files:  # the shipped analysis's plan first
        try:
            _, nb = load_params(params_file)
        except InputError as exc:  # a broken parameter file: its plan is still offered, without those observations
            warnings.warn(f"explorer: {exc}", stacklevel=2)
            continue
        files = found.setdefault(Path(nb["plan_dir"]).resolve(), [])
        files += [Path(p) for p in nb["observations"] if Path(p) not in files]
    for folder in sorted((root / "data" / "plans").iterdir()):
        if (folder / "plan.yaml").is_file():
            found.setdefault(folder.resolve(), [])
    out = {}
    for folder, files in found.items():
        plan = load_plan(folder)
        if not plan.targets().empty:  # the explorer shows one target at a time: a plan of baselines only has none
            out[plan.meta.id] = PlanChoice(folder, tuple(files))
    return out
