"""The approval item catalog: items → sub-items → situations (情形), read from ``workflow/catalog/*.toml``.

One TOML file per item. An item names its flows (ordered steps with the acting permission, level and time
limit), the smart-guide questions that narrow the candidate situations, and its sub-items; a sub-item holds
the form fields, materials, templates, certificate validity and post-approval supervision rule shared by
its situations, which may add fields and materials of their own. ``load_catalog`` validates everything on
load (unique codes, known permissions and templates, flows that end in completion, every situation
reachable from the guide) and refuses a broken file with a message naming the file and the problem.
See docs/approvals.md for the format.
"""
from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field as PydanticField, ValidationError, model_validator

from security.rbac import PERMISSIONS

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"

# Templates that workflow/documents.py renders (DOCX + PDF).
TEMPLATES = {
    "decision_approve": "准予行政许可决定书",
    "decision_reject": "不予行政许可决定书",
    "certificate_plant_quarantine": "植物检疫证书（省内）",
    "certificate_ad": "户外广告设置许可证",
    "certificate_seed_license": "林木草种子生产经营许可证",
    "fee_notice": "森林植被恢复费缴纳通知书",
    "land_consent": "使用林地审核同意书",
    "composite_license": "行业综合许可证",
}
APPLICANT_TYPES = {"enterprise": "企业法人", "institution": "事业单位/社会组织", "individual": "个人/个体工商户",
                   "agent": "代理机构（代为申请）"}
KINDS = {"new": "新办", "renewal": "延续", "change": "变更", "cancel": "注销"}
STEP_KINDS = {"receipt": "收件", "acceptance": "受理", "review": "审查/审核/审批", "expert_review": "专家评审",
              "fee_assessment": "费用核定", "payment_confirmation": "缴费确认", "parallel": "并联审批",
              "completion": "办结"}
FIELD_TYPES = ("text", "number", "date", "select", "area", "phone", "idcode", "table")
PREFILL = re.compile(r"^(applicant\.(name|credit_code|phone)|parent\.[a-z][a-z0-9_]*)$")
CODE = r"^[a-z][a-z0-9_]*$"


class CatalogError(ValueError):
    """A catalog file is invalid; the message names the file and what is wrong."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Model):
    """One form field: type, whether required, its checks and where a value may be prefilled from."""

    code: str = PydanticField(pattern=CODE)
    label: str
    type: Literal["text", "number", "date", "select", "area", "phone", "idcode", "table"] = "text"
    required: bool = True
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""
    prefill: str | None = None
    help: str = ""
    columns: tuple["FormField", ...] = ()  # for type "table": one row per entry (e.g. 小班)

    @model_validator(mode="after")
    def _consistent(self) -> "FormField":
        if self.type == "select" and not self.choices:
            raise ValueError(f"字段 {self.code}：下拉字段须列出 choices")
        if self.type == "table" and not self.columns:
            raise ValueError(f"字段 {self.code}：表格字段须列出 columns")
        if self.type != "table" and self.columns:
            raise ValueError(f"字段 {self.code}：只有表格字段可以有 columns")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"字段 {self.code}：pattern 不是有效的正则表达式（{exc}）") from None
        if self.prefill is not None and not PREFILL.match(self.prefill):
            raise ValueError(f"字段 {self.code}：未知的预填来源 {self.prefill}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"字段 {self.code}：min 大于 max")
        return self


class Material(_Model):
    """One required (or optional) material: allowed file types and size limit."""

    code: str = PydanticField(pattern=CODE)
    label: str
    required: bool = True
    types: tuple[str, ...] = ("pdf", "jpg", "png")
    max_mb: int = PydanticField(default=10, ge=1, le=100)

    @model_validator(mode="after")
    def _types(self) -> "Material":
        unknown = set(self.types) - {"pdf", "jpg", "jpeg", "png", "docx", "xlsx"}
        if unknown or not self.types:
            raise ValueError(f"材料 {self.code}：不支持的文件类型 {sorted(unknown)}")
        return self


class Step(_Model):
    """One step of a flow: who acts (permission and level) and the time limit in working days."""

    code: str = PydanticField(pattern=CODE)
    label: str
    kind: Literal["receipt", "acceptance", "review", "expert_review", "fee_assessment", "payment_confirmation",
                  "parallel", "completion"]
    permission: str
    level: Literal["city", "district"] = "city"
    days: int = PydanticField(default=1, ge=0, le=60)


class Flow(_Model):
    """A named, ordered list of steps; it ends with the completion step."""

    code: str = PydanticField(pattern=CODE)
    steps: tuple[Step, ...]


class Option(_Model):
    """One answer of a guide question: the situations it keeps."""

    label: str
    situations: tuple[str, ...]


class Question(_Model):
    """A smart-guide question; each answer narrows the candidate situations."""

    code: str = PydanticField(pattern=CODE)
    text: str
    options: tuple[Option, ...]


class Supervision(_Model):
    """Post-approval supervision started at completion: who supervises and how often."""

    district: Literal["case"] = "case"  # the district of the case (site, enterprise)
    frequency: Literal["monthly", "quarterly", "half_yearly", "yearly"] = "quarterly"
    note: str = ""


class Situation(_Model):
    """A situation (情形): applicant types, kind, flow, time limit, and fields/materials of its own."""

    code: str = PydanticField(pattern=CODE)
    name: str
    kind: Literal["new", "renewal", "change", "cancel"] = "new"
    applicant_types: tuple[str, ...] = ("enterprise",)
    flow: str
    time_limit: int = PydanticField(ge=1, le=120)  # legal or promised limit, working days from acceptance
    fields: tuple[FormField, ...] = ()
    materials: tuple[Material, ...] = ()
    issues_certificate: bool | None = None  # default: every kind but cancel
    components: tuple[str, ...] = ()  # composite situations: "sub_item.situation" approved in parallel
    guidance: str = ""


class SubItem(_Model):
    """A sub-item (子项): shared fields, materials, documents, validity and supervision rule."""

    code: str = PydanticField(pattern=CODE)
    name: str
    decision_template: str
    certificate_template: str | None = None
    certificate_prefix: str = ""
    validity_years: int = PydanticField(default=0, ge=0, le=30)
    validity_days: int = PydanticField(default=0, ge=0, le=3650)
    extra_documents: tuple[str, ...] = ()
    supervision: Supervision | None = None
    component_only: bool = False  # only reachable as a component of a composite situation
    fields: tuple[FormField, ...] = ()
    materials: tuple[Material, ...] = ()
    situations: tuple[Situation, ...]


class Item(_Model):
    """An item (事项) of the catalog: flows, guide and sub-items."""

    code: str = PydanticField(pattern=CODE)
    name: str
    department: str
    legal_basis: str = ""
    guidance: str = ""
    modules: tuple[int, ...] = ()
    composite: bool = False
    flows: tuple[Flow, ...]
    questions: tuple[Question, ...] = ()
    sub_items: tuple[SubItem, ...]

    # ------------------------------------------------------------ lookups
    def flow(self, code: str) -> Flow:
        """The flow called ``code``."""
        return next(f for f in self.flows if f.code == code)

    def situations(self) -> list[tuple[SubItem, Situation]]:
        """Every (sub-item, situation) pair in file order."""
        return [(sub, sit) for sub in self.sub_items for sit in sub.situations]

    def find(self, situation: str) -> tuple[SubItem, Situation]:
        """The sub-item and situation of a situation code; KeyError if unknown."""
        for sub, sit in self.situations():
            if sit.code == situation:
                return sub, sit
        raise KeyError(situation)

    def steps(self, situation: str) -> tuple[Step, ...]:
        """The steps a case of ``situation`` goes through."""
        return self.flow(self.find(situation)[1].flow).steps

    def fields(self, situation: str) -> list[FormField]:
        """Form fields of a situation: the sub-item's, its own, and (composite) its components'."""
        sub, sit = self.find(situation)
        parts = [sub.fields, sit.fields] + [self.fields(c.split(".")[1]) for c in sit.components]
        return _unique(chain.from_iterable(parts))

    def materials(self, situation: str) -> list[Material]:
        """Materials of a situation: the sub-item's, its own, and (composite) its components'."""
        sub, sit = self.find(situation)
        parts = [sub.materials, sit.materials] + [self.materials(c.split(".")[1]) for c in sit.components]
        return _unique(chain.from_iterable(parts))

    def issues_certificate(self, situation: str) -> bool:
        """True when completing a case of ``situation`` issues a certificate."""
        sub, sit = self.find(situation)
        if sub.certificate_template is None:
            return False
        return sit.kind != "cancel" if sit.issues_certificate is None else sit.issues_certificate

    # ------------------------------------------------------------ smart guide
    def candidates(self, applicant_type: str) -> list[str]:
        """Situations open to an applicant type (component-only sub-items excluded)."""
        return [sit.code for sub, sit in self.situations()
                if not sub.component_only and applicant_type in sit.applicant_types]

    def guide(self, applicant_type: str, answers: dict[str, int]) -> tuple[Question | None, list[Option], list[str]]:
        """(next question or None, its visible options, remaining candidate situations).

        Questions are taken in order; a question is asked only while more than one situation remains
        and at least two of its options keep some of them. ``answers`` maps question code → index into
        the *visible* options of that question.
        """
        remaining = self.candidates(applicant_type)
        for q in self.questions:
            if len(remaining) <= 1:
                break
            visible = [o for o in q.options if set(o.situations) & set(remaining)]
            if len(visible) < 2:
                continue
            if q.code not in answers:
                return q, visible, remaining
            index = answers[q.code]
            if not 0 <= index < len(visible):
                raise KeyError(q.code)
            keep = set(visible[index].situations)
            remaining = [s for s in remaining if s in keep]
        return None, [], remaining


def _unique(fields) -> list:
    seen: dict[str, object] = {}
    for f in fields:
        seen.setdefault(f.code, f)
    return list(seen.values())


def _duplicates(codes) -> list[str]:
    seen, dup = set(), []
    for c in codes:
        if c in seen:
            dup.append(c)
        seen.add(c)
    return dup


def _reachable(item: Item) -> set[str]:
    """Situations the guide can single out, over every applicant type and every answer path."""
    found: set[str] = set()
    for applicant_type in APPLICANT_TYPES:
        pending: list[dict[str, int]] = [{}]
        while pending:
            answers = pending.pop()
            question, options, remaining = item.guide(applicant_type, answers)
            if question is None:
                if len(remaining) == 1:
                    found.add(remaining[0])
                continue
            pending.extend({**answers, question.code: i} for i in range(len(options)))
    return found


def check_item(item: Item) -> list[str]:
    """Every problem of one item beyond its field types (empty when it is valid)."""
    problems: list[str] = []
    situation_codes = [sit.code for _, sit in item.situations()]
    for label, codes in (("流程", [f.code for f in item.flows]), ("子项", [s.code for s in item.sub_items]),
                         ("情形", situation_codes), ("引导问题", [q.code for q in item.questions])):
        problems += [f"{label}编码重复：{c}" for c in _duplicates(codes)]
    flow_codes = {f.code for f in item.flows}
    for flow in item.flows:
        problems += [f"流程 {flow.code} 的环节编码重复：{c}" for c in _duplicates(s.code for s in flow.steps)]
        for step in flow.steps:
            if step.permission not in PERMISSIONS:
                problems.append(f"流程 {flow.code} 环节 {step.code}：未知权限 {step.permission}")
        if not flow.steps or flow.steps[-1].kind != "completion":
            problems.append(f"流程 {flow.code} 须以办结环节（kind = \"completion\"）结束")
        if sum(s.kind == "completion" for s in flow.steps) > 1:
            problems.append(f"流程 {flow.code} 只能有一个办结环节")
    for sub in item.sub_items:
        for template in filter(None, (sub.decision_template, sub.certificate_template, *sub.extra_documents)):
            if template not in TEMPLATES:
                problems.append(f"子项 {sub.code}：未知模板 {template}")
        if sub.certificate_template and not sub.certificate_prefix:
            problems.append(f"子项 {sub.code}：发证子项须填写 certificate_prefix（证书编号前缀）")
        if sub.certificate_template and not (sub.validity_years or sub.validity_days):
            problems.append(f"子项 {sub.code}：发证子项须填写有效期（validity_years 或 validity_days）")
        for sit in sub.situations:
            where = f"情形 {sit.code}"
            if sit.flow not in flow_codes:
                problems.append(f"{where}：未知流程 {sit.flow}")
                continue
            unknown = [t for t in sit.applicant_types if t not in APPLICANT_TYPES]
            if unknown or not sit.applicant_types:
                problems.append(f"{where}：未知申请人类型 {unknown}")
            fields = list(chain(sub.fields, sit.fields))
            problems += [f"{where}：字段编码重复：{c}" for c in _duplicates(f.code for f in fields)]
            problems += [f"{where}：材料编码重复：{c}" for c in _duplicates(m.code for m in chain(sub.materials,
                                                                                              sit.materials))]
            has_parallel = any(s.kind == "parallel" for s in item.flow(sit.flow).steps)
            if sit.components and not has_parallel:
                problems.append(f"{where}：组合情形的流程须包含并联审批环节（kind = \"parallel\"）")
            if has_parallel and not sit.components:
                problems.append(f"{where}：并联审批流程须列出 components")
            for comp in sit.components:
                sub_code, _, sit_code = comp.partition(".")
                target = next((s for s in item.sub_items if s.code == sub_code), None)
                if target is None or sit_code not in {s.code for s in target.situations}:
                    problems.append(f"{where}：未知组成事项 {comp}")
                elif target.situations and any(s.components for s in target.situations):
                    problems.append(f"{where}：组成事项 {comp} 不能再是组合事项")
    known = set(situation_codes)
    for q in item.questions:
        for o in q.options:
            unknown = [s for s in o.situations if s not in known]
            if unknown:
                problems.append(f"引导问题 {q.code} 选项“{o.label}”：未知情形 {unknown}")
    if not problems:
        guided = {sit.code for sub, sit in item.situations() if not sub.component_only}
        unreachable = sorted(guided - _reachable(item))
        if unreachable:
            problems.append(f"情形无法通过智能引导选中：{'、'.join(unreachable)}")
    return problems


def parse_item(text: str, source: str = "<string>") -> Item:
    """Parse and validate one item's TOML text; CatalogError naming ``source`` when invalid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{source}：TOML 语法错误：{exc}") from None
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in err['loc'])}：{err['msg']}" for err in exc.errors()]
        raise CatalogError(f"{source}：" + "；".join(lines)) from None
    problems = check_item(item)
    if problems:
        raise CatalogError(f"{source}：" + "；".join(problems))
    return item


def load_catalog(directory: Path | None = None) -> dict[str, Item]:
    """Every item of the catalog directory, by code; CatalogError on the first invalid file."""
    items: dict[str, Item] = {}
    for path in sorted((directory or CATALOG_DIR).glob("*.toml")):
        item = parse_item(path.read_text(encoding="utf-8"), path.name)
        if item.code in items:
            raise CatalogError(f"{path.name}：事项编码 {item.code} 与其他文件重复")
        items[item.code] = item
    return items


@lru_cache(maxsize=1)
def catalog() -> dict[str, Item]:
    """The shipped catalog, loaded and validated once per process."""
    return load_catalog()


def item(code: str) -> Item:
    """One item of the shipped catalog; KeyError if unknown."""
    return catalog()[code]


# ---------------------------------------------------------------- form validation
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_idcode(value: str) -> bool:
    """True for a unified social credit code (GB 32100-2015) or a resident ID number (GB 11643-1999)."""
    v = value.strip().upper()
    if len(v) != 18:
        return False
    if all(c in _USCC_CHARS for c in v):
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(v[:17], _USCC_WEIGHTS))
        if _USCC_CHARS[(31 - total % 31) % 31] == v[17]:
            return True
    if v[:17].isdigit() and (v[17].isdigit() or v[17] == "X"):
        return "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS)) % 11] == v[17]
    return False


def _number(f: FormField, text: str) -> str | None:
    try:
        value = float(text)
    except ValueError:
        return f"{f.label}须为数字"
    if value != value or value in (float("inf"), float("-inf")):
        return f"{f.label}须为数字"
    unit = f.unit or ""
    if f.min is not None and value < f.min:
        return f"{f.label}不得小于 {f.min:g}{unit}"
    if f.max is not None and value > f.max:
        return f"{f.label}不得大于 {f.max:g}{unit}"
    return None


def field_error(f: FormField, value) -> str | None:
    """The Chinese error of one value of field ``f`` (None when acceptable; tables checked row by row)."""
    if value is None or (isinstance(value, (str, list)) and not value):
        return f"{f.label}不能为空" if f.required else None
    if f.type == "table":
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            return f"{f.label}格式不正确"
        for i, row in enumerate(value, start=1):
            for col in f.columns:
                err = field_error(col, row.get(col.code))
                if err:
                    return f"{f.label}第 {i} 行：{err}"
        return None
    if not isinstance(value, str):
        value = str(value)
    text = value.strip()
    if f.type in ("number", "area"):
        err = _number(f, text)
        if err:
            return err
    elif f.type == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{f.label}须为有效日期（如 2026-03-01）"
    elif f.type == "select" and text not in f.choices:
        return f"{f.label}须从“{'、'.join(f.choices)}”中选择"
    elif f.type == "phone" and not (_MOBILE.match(text) or _LANDLINE.match(text)):
        return f"{f.label}须为有效的手机号码或固定电话"
    elif f.type == "idcode" and not valid_idcode(text):
        return f"{f.label}须为有效的统一社会信用代码或身份证号码"
    elif f.type == "text" and len(text) > 500:
        return f"{f.label}不得超过 500 字"
    if f.pattern and not re.fullmatch(f.pattern, text):
        return f"{f.label}格式不正确"
    return None


def field_errors(fields: list[FormField], form: dict) -> dict[str, str]:
    """Errors of a whole form (field code → Chinese message); empty when every field is acceptable."""
    errors = {}
    for f in fields:
        err = field_error(f, form.get(f.code))
        if err:
            errors[f.code] = err
    return errors
