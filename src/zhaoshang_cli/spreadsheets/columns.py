"""What each sheet holds: its columns, their headers as offices write them, and their types.

One ``Kind`` per sheet. Importable kinds (units, projects, arrivals, targets, rates) also get a
template; the others (stage history, credit shares, contacts, audit) exist so that an export
names every table of the ledger and ``import ledger`` can read some of them back.
Adding a kind is a ``Kind`` here, an importer in ``importing`` and rows in ``exporting``.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from zhaoshang_cli.core.glossary import (
    BASIS,
    LEVEL,
    METRIC,
    ORIGIN,
    SOURCE,
    STAGE,
    UNIT_KIND,
    Terms,
)
from zhaoshang_cli.core.i18n import N_, is_english


@dataclass(frozen=True)
class Column:
    """type: text, amount (万, positive), signed_amount, date, bool, int, choice, month, rate,
    or raw (read as written; the importer knows what it means)."""

    key: str
    header: str
    type: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    choice: Terms | None = None  # a closed set of values, shared with the CLI
    note: str = ""
    template: bool = True  # False: written by an export, computed or kept by the ledger
    exported: bool = True  # False: only read from an office's own sheet (累计到位资金)
    required_unless: tuple[str, ...] = ()  # keys of columns that, given, waive ``required``
    zero: bool = False  # an amount of 0 is a figure (本月 0), not a mistake

    def needed(self, headers: "dict[str, str] | set[str]") -> bool:
        """Required in a sheet with these columns: an arrivals sheet of 本月/累计 figures
        needs no 到位金额 or 到位日期 column."""
        return self.required and not any(key in headers for key in self.required_unless)

    @property
    def shown(self) -> str:
        """The header in the user's language: the office's Chinese, or the English field name
        (an import reads either)."""
        return self.key if is_english() else self.header

    @property
    def named(self) -> str:
        """The column as a message names it: 项目名称, or name (项目名称) in English, since
        the sheet being read may well be headed in Chinese."""
        return f"{self.key} ({self.header})" if is_english() else self.header


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # the sheet's name
    columns: tuple[Column, ...]

    @property
    def shown(self) -> str:
        """The sheet's name in the user's language: 项目, or projects in English (an import
        finds a sheet by either)."""
        return self.name if is_english() else self.title

    @property
    def named(self) -> str:
        """The sheet as a message names it: 项目, or projects (项目) in English."""
        return f"{self.name} ({self.title})" if is_english() else self.title

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @cached_property
    def by_name(self) -> dict[str, Column]:
        """Every spelling of every column, normalised (a test keeps them unambiguous)."""
        return {
            normalise(name): column
            for column in self.columns
            for name in (column.key, column.header, *column.aliases)
        }

    def match(self, header: str) -> Column | None:
        """The column a header cell names: Chinese or English, with or without (万元), *."""
        return self.by_name.get(normalise(header))


# Columns every office sheet may carry that mean nothing to the ledger.
IGNORED_HEADERS = frozenset({"序号", "编号序号", "no", "no.", "#"})
_PARENTHESES = re.compile(r"[(（][^)）]*[)）]$")


def normalise(header: object) -> str:
    text = re.sub(r"\s+", "", str(header)).strip("*")
    return _PARENTHESES.sub("", text).lower()


AMOUNT_NOTE = N_("万元; text may carry its unit: 4.7亿, 4700万, 47000000元")
# A month's figures as an office's 台账 gives them instead of a list of arrivals: money to date
# (since the project began, or since 1 January), the month's money, and the month reported.
FIGURES = (
    Column(
        "month_amount",
        "本月实际到位资金",
        "amount",
        ("本月到位资金", "本月实际到位", "本月到位", "本月到位金额", "当月到位资金",
         "当月实际到位资金"),
        template=False,
        exported=False,
        zero=True,
    ),
    Column(
        "cumulative",
        "累计到位资金",
        "amount",
        ("累计实际到位资金", "累计到位", "累计到位金额", "项目累计到位资金", "累计完成到位资金"),
        template=False,
        exported=False,
        zero=True,
    ),
    Column(
        "year_cumulative",
        "本年累计到位资金",
        "amount",
        ("年度累计到位资金", "本年累计到位", "今年累计到位资金", "本年累计实际到位资金",
         "年初至今到位资金", "年累计到位资金"),
        template=False,
        exported=False,
        zero=True,
    ),
    Column(
        "report_month",
        "上报月份",
        "month",
        ("填报月份", "报告月份", "统计月份", "报送月份", "所属月份", "月份"),
        template=False,
        exported=False,
    ),
)  # fmt: skip
FIGURE_KEYS = ("month_amount", "cumulative", "year_cumulative")
OPERATOR = Column("operator", "录入人", template=False, aliases=("操作人", "设置人"))

UNITS = Kind(
    "units",
    "单位",
    (
        Column("name", "单位名称", required=True, aliases=("名称", "单位", "责任单位")),
        Column("kind", "类型", "choice", ("单位类型",), required=True, choice=UNIT_KIND),
        Column("parent", "上级单位", aliases=("上级",), note=N_("name, or path 全市/甲县")),
        Column("rank", "职级", aliases=("级别",), note=N_("persons only: 副科级以上, 科员")),
        Column("created_at", "录入时间", template=False),
    ),
)

PROJECTS = Kind(
    "projects",
    "项目",
    (
        Column("code", "项目编号", aliases=("编号",), note=N_("unique; blank: YEAR-NNNN is given")),
        Column("name", "项目名称", required=True, aliases=("名称", "项目", "项目全称")),
        Column(
            "units",
            "责任单位",
            aliases=("引进单位", "牵头单位", "招商单位", "承办单位", "责任主体", "签约单位"),
            required=True,
            note=N_(
                "several (joint credit) joined by 、, with shares as 甲县=70%、经开区=30% (else even)"
            ),
        ),
        Column(
            "investor",
            "投资方",
            aliases=(
                "客商",
                "投资企业",
                "投资主体",
                "投资方名称",
                "投资单位",
                "投资商",
                "客商名称",
            ),
        ),
        Column("origin", "客商来源", "choice", ("来源地", "投资方来源"), choice=ORIGIN),
        Column(
            "industry", "产业", aliases=("所属产业", "行业", "产业类别", "所属行业", "产业类型")
        ),
        Column("industrial", "工业项目", "bool", ("是否工业项目",), note=N_("yes or no")),
        Column(
            "contract",
            "合同金额(万元)",
            "amount",
            (
                "合同额",
                "协议金额",
                "合同引资额",
                "协议引资额",
                "合同及协议引资额",
                "签约金额",
                "签约额",
                "合同投资额",
                "contract_wan",
            ),
            note=AMOUNT_NOTE,
        ),
        Column(
            "total_investment",
            "总投资(万元)",
            "amount",
            ("总投资额", "计划总投资", "项目总投资", "total_investment_wan"),
            note=AMOUNT_NOTE,
        ),
        Column(
            "stage",
            "阶段",
            "choice",
            ("项目阶段", "当前阶段"),
            choice=STAGE,
            note=N_("blank: from the latest date given"),
        ),
        Column(
            "status",
            "项目状态",
            aliases=("状态", "项目状况"),
            template=False,
            exported=False,
            note=N_("a stage, or 作废 / 终止 with 原因：… (the project voided or terminated)"),
        ),
        Column("signed_on", "签约日期", "date", ("签约时间", "签约日")),
        Column("started_on", "开工日期", "date", ("开工时间",)),
        Column("completed_on", "竣工日期", "date", ("竣工时间",)),
        Column("producing_on", "投产日期", "date", ("投产时间", "达产日期")),
        Column("terminated_on", "终止日期", "date", ("终止时间",)),
        Column("termination_reason", "终止原因"),
        Column("occasion", "签约活动", aliases=("签约平台",), note=N_("e.g. 投洽会")),
        Column("leader", "包保领导", aliases=("包抓领导", "牵头领导", "包联领导", "联系领导")),
        Column("recruiter", "招商人", aliases=("引资人",)),
        Column("informant", "信息提供者", aliases=("信息提供人",)),
        Column("contact", "联系人", aliases=("客商联系人",), note=N_("private: never exported")),
        Column("note", "备注"),
        Column("created_at", "录入时间", template=False),
        Column("contract_currency", "合同币种", template=False),
        Column("contract_original", "原币合同额(万)", "amount", template=False),
        Column("voided_at", "作废时间", template=False),
        Column("void_reason", "作废原因", template=False),
        *FIGURES,
    ),
)

ARRIVALS = Kind(
    "arrivals",
    "到位资金",
    (
        Column("id", "到位编号", "int", template=False),
        Column("project", "项目编号", note=N_("the project's code (or give its name)")),
        Column("project_name", "项目名称"),
        Column(
            "units",
            "责任单位",
            aliases=("引进单位", "招商单位", "牵头单位", "县区", "县市区"),
            template=False,
            exported=False,
            note=N_("tells apart projects of one name under different units"),
        ),
        Column(
            "amount",
            "到位金额(万元)",
            "signed_amount",
            ("到位资金", "实际到位资金", "金额", "到账金额", "到位额", "amount_original_wan"),
            required=True,
            required_unless=FIGURE_KEYS,
            note=N_("万 of the currency; text may carry its unit: 4700万, 47000000元"),
        ),
        Column(
            "date",
            "到位日期",
            "date",
            ("到账日期", "到位时间", "到账时间", "资金到位时间", "日期"),
            required=True,
            required_unless=FIGURE_KEYS,
        ),
        Column("currency", "币种", note=N_("blank: CNY; others need `zs rate set`")),
        Column("source", "资金来源", "choice", ("境内外", "来源"), choice=SOURCE),
        Column("ref", "凭证号", aliases=("凭证编号", "回单号", "银行回单号")),
        Column("note", "备注", note=N_("for a reversal: its reason")),
        Column("reverses", "冲销编号", "int", ("冲销",), template=False),
        Column("cny", "折合人民币(万元)", "raw", ("cny_wan",), template=False),
        Column("warnings", "提示", template=False),
        OPERATOR,
        Column("entered_at", "录入时间", template=False),
        *FIGURES,
    ),
)

TARGETS = Kind(
    "targets",
    "目标任务",
    (
        Column(
            "unit",
            "责任单位",
            aliases=("单位", "单位名称", "名称", "县区", "县市区"),
            required=True,
        ),
        Column("year", "年度", "int", ("年份",), note=N_("blank or no column: this year")),
        Column(
            "metric",
            "指标",
            "choice",
            ("指标类型", "指标名称"),
            choice=METRIC,
            note=N_("blank or no column: funds"),
        ),
        Column("level", "层级", "choice", ("档次",), choice=LEVEL, note=N_("blank: must")),
        Column(
            "amount",
            "目标",
            "raw",
            (
                "目标任务",
                "任务",
                "目标值",
                "目标金额",
                "任务数",
                "年度目标",
                "目标任务数",
                "指标任务",
                "年度任务",
            ),
            required=True,
            note=N_("万元 for funds, 万美元 for fdi, a whole number for counts"),
        ),
        Column("effective_from", "生效日期", "date", ("执行日期",), note=N_("blank: 1 January")),
        Column("reason", "调整原因", aliases=("原因",)),
        Column("basis", "依据", "choice", choice=BASIS, template=False),
        OPERATOR,
        Column("set_at", "设置时间", template=False),
    ),
)

RATES = Kind(
    "rates",
    "汇率",
    (
        Column("currency", "币种", required=True),
        Column("month", "月份", "month", required=True, note=N_("YYYY-MM")),
        Column("rate", "汇率", "rate", required=True, note=N_("CNY per one unit, e.g. 7.10")),
        OPERATOR,
        Column("set_at", "设置时间", template=False),
    ),
)

ACTIVITIES = Kind(
    "activities",
    "招商工作量",
    (
        Column("unit", "责任单位", aliases=("单位",), required=True),
        Column("on_date", "日期", "date", ("活动日期",), required=True),
        Column("trip_days", "外出招商天数", "int", ("外出天数",), note=N_("whole days")),
        Column("visits", "拜访企业个数", "int", ("拜访企业", "拜访企业数")),
        Column("leader", "带队领导", aliases=("领导",)),
        Column("note", "备注", aliases=("说明",)),
        OPERATOR,
        Column("entered_at", "录入时间", template=False),
    ),
)

SETTINGS = Kind(
    "settings",
    "设置",
    (
        Column("key", "设置项", required=True),
        Column("value", "值", required=True),
        OPERATOR,
        Column("set_at", "设置时间", template=False),
    ),
)

STAGE_EVENTS = Kind(
    "stages",
    "阶段记录",
    (
        Column("project", "项目编号", required=True),
        Column("stage", "阶段", "choice", required=True, choice=STAGE),
        Column("previous_stage", "原阶段", "choice", choice=STAGE),
        Column("on_date", "日期", "date", required=True),
        Column("correction", "更正", "bool"),
        Column("reason", "原因"),
        OPERATOR,
        Column("entered_at", "录入时间"),
    ),
)

CHANGES = Kind(
    "changes",
    "项目变更",
    (
        Column("id", "变更编号", "int", required=True),
        Column("project", "项目编号", required=True),
        Column("field", "字段", required=True),
        Column("kind", "类别", required=True, note="edit, increase (增资) or stage"),
        Column("old", "原值", "raw", note="money in 万, dates as YYYY-MM-DD"),
        Column("new", "新值", "raw"),
        Column("effective_on", "生效日期", "date", note="blank: a correction of the record"),
        Column("credit_before", "变更前单位", note="for a change of credit: 甲县=70%、经开区=30%"),
        Column("reason", "原因"),
        OPERATOR,
        Column("entered_at", "录入时间"),
    ),
)

SHARES = Kind(
    "shares",
    "项目单位",
    (
        Column("project", "项目编号"),
        Column("unit", "责任单位"),
        Column("share", "份额(%)", "raw"),
    ),
)

CONTACTS = Kind(
    "contacts",
    "项目联系人",
    (Column("project", "项目编号", required=True), Column("contact", "联系人", required=True)),
)

AUDIT = Kind(
    "audit",
    "操作记录",
    (
        Column("id", "编号", "int"),
        Column("at", "时间(UTC)"),
        OPERATOR,
        Column("action", "操作"),
        Column("entity", "对象"),
        Column("entity_id", "对象编号", "int"),
        Column("before", "原值"),
        Column("after", "新值"),
        Column("project", "项目编号"),
    ),
)

# Importable on their own, with a template each.
IMPORT_KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (UNITS, PROJECTS, ARRIVALS, TARGETS, RATES, ACTIVITIES)
}
ALL_KINDS = (
    UNITS,
    PROJECTS,
    ARRIVALS,
    TARGETS,
    RATES,
    ACTIVITIES,
    SETTINGS,
    STAGE_EVENTS,
    CHANGES,
    SHARES,
    CONTACTS,
    AUDIT,
)
