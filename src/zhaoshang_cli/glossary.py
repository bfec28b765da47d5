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
"""

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
