"""Names for the demo city that read like a real ledger's: projects as offices name them
(年产5万吨铝型材项目, 农产品冷链物流园项目) and investor companies by where they come from."""

import random

# Project names as offices write them, per industry: {n} is a capacity, {p} a product.
NAMES = {
    "新型化工": (
        ["年产{n}万吨{p}项目"],
        [
            "精细化工中间体",
            "聚氨酯新材料",
            "环保水性涂料",
            "电子化学品",
            "水处理剂",
            "煤焦油深加工",
        ],
    ),
    "装备制造": (
        ["{p}生产线项目", "年产{n}万台(套){p}项目", "{p}制造基地项目"],
        ["智能农机装备", "新能源汽车零部件", "数控机床", "风电装备", "工程机械配件", "输变电设备"],
    ),
    "食品": (
        ["年产{n}万吨{p}加工项目", "{p}精深加工项目"],
        ["小杂粮", "肉制品", "果蔬饮料", "乳制品", "玉米", "马铃薯"],
    ),
    "新能源新材料": (
        ["年产{n}万吨{p}项目", "{n}0兆瓦{p}项目"],
        ["铝型材", "锂电池正极材料", "光伏发电", "分散式风电", "碳纤维复合材料", "高纯硅"],
    ),
    "电子信息": (
        ["{p}产业园项目", "年产{n}00万件{p}项目"],
        ["智能终端", "电子元器件", "光通信器件", "LED显示模组", "印制电路板", "传感器"],
    ),
    "现代物流": (
        ["{p}项目", "{p}(一期)项目"],
        ["农产品冷链物流园", "电商物流分拨中心", "智慧物流港", "铁路货运专用线", "公路港"],
    ),
    "文化旅游": (
        ["{p}项目", "{p}开发建设项目"],
        ["生态旅游度假区", "文化旅游综合体", "康养小镇", "古镇保护性开发", "研学旅行基地"],
    ),
    "现代农业": (
        ["{n}万亩{p}项目", "{p}项目"],
        ["高标准设施农业示范园", "现代农业产业园", "中药材种植加工基地", "林果种植基地"],
    ),
}
INVESTOR_PLACES = {
    "outside_province": ["江苏", "浙江", "广东", "上海", "北京", "福建", "山东", "深圳"],
    "outside_city": ["省城", "邻市", "省投"],
    "foreign": ["香港", "新加坡", "台湾", "韩国"],
    "local": ["本市"],
}
INVESTOR_WORDS = ["恒泰", "中联", "鼎盛", "瑞源", "华信", "金达", "新泰", "远大", "宏图", "天成"]
INVESTOR_KINDS = {
    "新型化工": "化工",
    "装备制造": "装备",
    "食品": "食品",
    "新能源新材料": "新能源",
    "电子信息": "电子科技",
    "现代物流": "物流",
    "文化旅游": "文旅发展",
    "现代农业": "农业开发",
}


def project_name(rng: random.Random, industry: str) -> str:
    patterns, products = NAMES[industry]
    return rng.choice(patterns).format(
        n=rng.choice([1, 2, 3, 5, 6, 8, 10, 20, 30]), p=rng.choice(products)
    )


def investor_name(rng: random.Random, industry: str, origin: str) -> str:
    place = rng.choice(INVESTOR_PLACES[origin])
    return f"{place}{rng.choice(INVESTOR_WORDS)}{INVESTOR_KINDS[industry]}有限公司"
