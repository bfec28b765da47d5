"""Where the office's Chinese terms map to identifiers in this code.

招商引资        investment promotion (bringing in outside capital)
台账            the ledger (``Ledger``)
责任单位        a responsible unit (``Unit``); kinds below
  市 / 县区 / 开发区 / 市直部门 / 招商组团 / 乡镇 / 科室 / 人
                city / county / zone / department / group / town / office / person
项目            a project (``Project``); 投资方/客商 investor; 产业 industry; 工业项目 industrial
共同引进        joint credit: ``ProjectUnit.share_bp`` (basis points of credit per unit)
包保领导        leader in charge (``Project.leader``); 招商人 recruiter; 信息提供者 informant
合同及协议引资额 contract amount (``Project.contract_fen``)
阶段            stage: 线索 lead, 在谈 negotiating, 签约 signed, 开工 started, 竣工 completed,
                投产 producing, 终止 terminated (``Stage``)
资金到位        a capital arrival (``Arrival``, ``record_arrival``); 凭证号 voucher ref
冲销/红冲       reversal (``reverse_arrival``): a linked entry that cancels an arrival
境内 / 境外      domestic / foreign source of funds (``Arrival.source``)
实际使用外资     foreign capital actually used (metric ``fdi``, 万美元)
汇率            exchange rate, CNY per unit of currency, per month (``ExchangeRate``)
目标任务        a target (``Target``); 确保 must, 力争 strive (``Target.level``)
分解            allocation of a parent's target to its children (``allocate_target``)
时序进度        time progress: months elapsed / 12 (``time_progress``)
完成%           completion: arrived / target
同比            year-on-year growth against the same months of the previous year
位次            rank within a group
审计/操作记录    the audit trail (``AuditEntry``)

Every closed set of values (stages, unit kinds, origins, sources, metrics, levels) is a
``Terms`` here: stored as the English code, shown as the Chinese label, and typed as either
(or as a spelling offices also use). Every parser — options, arguments, spreadsheet cells —
goes through ``Terms.parse``, so 开工 works wherever ``started`` does.
"""

from dataclasses import dataclass, field

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _, is_english

UNIT_KINDS: dict[str, str] = {
    "city": "市",
    "county": "县区",
    "zone": "开发区",
    "department": "市直部门",
    "group": "招商组团",
    "town": "乡镇街道",
    "office": "科室",
    "person": "人",
}

STAGES: dict[str, str] = {
    "lead": "线索",
    "negotiating": "在谈",
    "signed": "签约",
    "started": "开工",
    "completed": "竣工",
    "producing": "投产",
    "terminated": "终止",
}

ORIGINS: dict[str, str] = {
    "outside_province": "省外",
    "outside_city": "市外省内",
    "local": "市内",
    "foreign": "境外",
}

SOURCES: dict[str, str] = {"domestic": "境内", "foreign": "境外"}

METRIC_NAMES: dict[str, str] = {
    "funds": "招商引资到位资金",
    "fdi": "实际使用外资",
    "projects": "新签约项目个数",
    "major": "亿元以上项目个数",
    "leads": "有价值招商信息条数",
}

LEVELS: dict[str, str] = {"must": "确保", "strive": "力争"}


@dataclass(frozen=True)
class Terms:
    """A closed set of values: stored as the English code, shown as the Chinese label,
    read as either, or as one of the other spellings offices use. ``short`` is the Chinese
    word help texts suggest typing, where the label is long."""

    what: str  # an English msgid: "stage", "unit kind" …
    labels: dict[str, str]
    spellings: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)

    def find(self, text: str) -> str | None:
        """The code for any accepted spelling, else None."""
        raw = text.strip()
        if raw.lower() in self.labels:
            return raw.lower()
        for code, label in self.labels.items():
            if raw in (label, self.short.get(code)):
                return code
        return self.spellings.get(raw)

    def parse(self, text: str) -> str:
        """The code for any accepted spelling; else an error listing them."""
        code = self.find(text)
        if code is None:
            raise Invalid(
                _("Unknown {what} {value!r}; use one of: {choices}.").format(
                    what=_(self.what), value=text, choices=self.choices()
                )
            )
        return code

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def shown(self, code: str) -> str:
        """The value as a person reads it: the Chinese label, or the code in English."""
        return code if is_english() else self.label(code)

    def pairs(self) -> list[tuple[str, str]]:
        return [(code, self.short.get(code, label)) for code, label in self.labels.items()]

    def both(self) -> str:
        """Both spellings of every value, for help texts: lead/线索, negotiating/在谈 …"""
        return ", ".join(f"{code}/{chinese}" for code, chinese in self.pairs())

    def complete(self, incomplete: str) -> list[str]:
        """Shell completion: the codes and Chinese words that start as typed."""
        words = [word for pair in self.pairs() for word in pair]
        return [word for word in words if word.startswith(incomplete)]

    def choices(self) -> str:
        """Both spellings, the user's language first, for error messages."""
        if is_english():
            return self.both()
        return "、".join(f"{chinese}/{code}" for code, chinese in self.pairs())


UNIT_KIND = Terms(
    N_("unit kind"),
    UNIT_KINDS,
    {
        "县": "county",
        "区": "county",
        "县级市": "county",
        "园区": "zone",
        "工业园区": "zone",
        "高新区": "zone",
        "部门": "department",
        "组团": "group",
        "乡镇": "town",
        "街道": "town",
        "部": "office",
        "室": "office",
        "个人": "person",
    },
    short={"group": "组团", "town": "乡镇"},
)
STAGE = Terms(
    N_("stage"),
    STAGES,
    {
        "洽谈": "negotiating",
        "已签约": "signed",
        "已开工": "started",
        "在建": "started",
        "已竣工": "completed",
        "已投产": "producing",
        "达产": "producing",
        "已终止": "terminated",
    },
)
ORIGIN = Terms(
    N_("investor origin"),
    ORIGINS,
    {"外省": "outside_province", "省内市外": "outside_city", "本市": "local", "国外": "foreign"},
)
SOURCE = Terms(N_("source"), SOURCES)
METRIC = Terms(
    N_("metric"),
    METRIC_NAMES,
    {
        "到位资金": "funds",
        "外资": "fdi",
        "项目": "projects",
        "项目个数": "projects",
        "签约项目": "projects",
        "亿元以上": "major",
        "亿元以上项目": "major",
        "信息": "leads",
        "招商信息": "leads",
    },
    short={
        "funds": "到位资金",
        "fdi": "外资",
        "projects": "项目",
        "major": "亿元以上",
        "leads": "信息",
    },
)
LEVEL = Terms(N_("level"), LEVELS)
BASIS = Terms(
    N_("allocation method"),
    {
        "set": "直接下达",
        "split": "按金额分解",
        "equal": "平均分解",
        "weights": "按权重分解",
        "rank": "按职级分解",
    },
    {
        "下达": "set",
        "按金额": "split",
        "金额": "split",
        "平均": "equal",
        "按权重": "weights",
        "权重": "weights",
        "按职级": "rank",
        "职级": "rank",
    },
)
# How a unit's children's targets compare with its own (``target list``); shown, not typed.
TARGET_STATUS = Terms(
    N_("allocation status"),
    {
        "balanced": "已分解平衡",
        "under": "分解不足",
        "over": "超额分解",
        "not allocated": "未分解",
        "no own target": "无本级目标",
    },
)
# How a re-imported 台账's new contract amount is taken (``zs import projects --amount-change``).
AMOUNT_CHANGE = Terms(
    N_("amount change"),
    {"correction": "更正", "increase": "增资"},
    {"修正": "correction", "更正金额": "correction"},
)
# What a login of a shared ledger may do (``zs user``): 录入 below its unit, read, or hold it all.
USER_ROLE = Terms(
    N_("user role"),
    {"clerk": "录入员", "viewer": "查看员", "admin": "管理员"},
    {"录入": "clerk", "查看": "viewer", "只读": "viewer", "管理": "admin"},
)
