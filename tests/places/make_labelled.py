"""Writes tests/places/labelled.csv: place texts as callers and desk officers say them, made
from the demo's places as the tests seed them (`seed_demo` without the park year) with the
variations of real calls, each labelled with the place it means. Run again only when the
demo's places change:

    DEMO_PARK_YEAR=false DEBUG=true DATABASE_URL=sqlite:///demo.sqlite3 \
        python manage.py shell < tests/places/make_labelled.py

(LABELLED_SEED and LABELLED_OUT make another set, e.g. one held out from tuning.)

The variations: the area's prefixes said or not (西彭镇, 九龙坡区), 村 / 居委会 left out,
numbers in Chinese or in digits (三组, 3组, full-width ３组), the parts in another order (3组
迎新村), one wrong character in the name (迎兴村 for 迎新村), what happened after the place
(迎新村5组，两个老人下棋打起来了), and the words around a landmark (门口, 对面, 旁边).
"""

import csv
import os
import random
from pathlib import Path

from apps.places.gazetteer import build
from apps.registry.models import Address
from apps.stations.models import Station

OUT = Path(os.environ.get("LABELLED_OUT", "tests/places/labelled.csv"))
rng = random.Random(int(os.environ.get("LABELLED_SEED", "20261207")))
CN = "零一二三四五六七八九"
# Characters people mistype for others (same sound or look), and some at random.
CONFUSED = {
    "新": "兴",
    "彭": "鹏",
    "鞍": "安",
    "磏": "廉",
    "璧": "壁",
    "凤": "风",
    "堡": "保",
    "青": "清",
    "和": "合",
    "金": "今",
    "民": "明",
    "钟": "中",
    "龙": "隆",
    "桂": "贵",
    "森": "深",
    "真": "珍",
    "石": "时",
    "宝": "保",
    "滨": "宾",
    "联": "连",
    "黄": "皇",
    "元": "园",
    "云": "允",
    "双": "爽",
    "红": "宏",
    "白": "百",
    "长": "常",
    "泥": "尼",
    "城": "成",
    "南": "难",
    "西": "希",
    "铝": "吕",
    "台": "抬",
    "歇": "谢",
    "岗": "港",
}
AFTER = [
    "",
    "",
    "，两个老人下棋打起来了",
    "，有人打架",
    " 噪音扰民",
    "，有人晕倒了",
    "，车被刮了",
    "，邻居吵起来了",
    "，小孩走丢了",
]
AROUND = ["门口", "对面", "旁边", "附近", ""]


def cn(n: int) -> str:
    if n >= 100:  # said as digits: 一百二十号 is rare on the phone
        return str(n)
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CN[tens] + "十") + (CN[ones] if ones else "")


def numerals(text: str) -> str:
    """Digits before a unit in Chinese, or Chinese ones in digits, or full-width."""
    import re

    how = rng.choice(["cn", "digit", "wide", "keep"])

    def one(found):
        number = found[1]
        value = int(number) if number.isdigit() else "一二三四五六七八九".index(number) + 1
        if how == "cn":
            return cn(value) + found[2]
        if how == "wide":
            return "".join(chr(ord(c) + 0xFEE0) for c in str(value)) + found[2]
        return (str(value) if how == "digit" else number) + found[2]

    return re.sub(r"([0-9]+|[一二三四五六七八九])(组|号|栋|单元)", one, text)


def mistype(name: str) -> str:
    spots = [i for i, c in enumerate(name) if c in CONFUSED]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + CONFUSED[name[i]] + name[i + 1 :]


def village(name: str) -> str:
    return name.removesuffix("村").removesuffix("居委会") if rng.random() < 0.35 else name


def prefix(station) -> str:
    town = station.name.removesuffix("派出所")
    return rng.choice(["", "", "", f"{town}镇", "九龙坡区", f"九龙坡区{town}镇", "重庆市"])


rows = []
# Per station: texts per village, per road, addresses, per post, per unit, per landmark.
COUNTS = {"500107-xipeng": (2, 2, 62, 3, 2, 2), "500107-xietaizi": (2, 2, 29, 3, 2, 2)}
for code, counts in COUNTS.items():
    station = Station.objects.get(code=code)
    gazetteer = build(station)
    per_community, per_road, addresses, per_post, per_unit, per_landmark = counts
    for entry in gazetteer.entries:
        if entry.kind == "community":
            for n in range(per_community):
                name = village(entry.name)
                if n == 1 and rng.random() < 0.5:
                    name = mistype(name)
                rows.append((code, prefix(station) + name + rng.choice(AFTER), entry.name))
        elif entry.kind == "road":
            road = entry.name.removeprefix(entry.community_name)
            for n in range(per_road):
                community = village(entry.community_name)
                if n == 1 and rng.random() < 0.3:
                    community = mistype(community)
                parts = [community, numerals(road)] if road != entry.name else [numerals(road)]
                if len(parts) == 2 and rng.random() < 0.25:
                    parts.reverse()
                said = prefix(station) + "".join(parts) + rng.choice(AFTER)
                rows.append((code, said, entry.name))
        elif entry.kind in ("post", "station"):
            short = entry.name.removeprefix(station.name.removesuffix("派出所"))
            for _ in range(per_post if entry.kind == "post" else 1):
                said = rng.choice([entry.name, short or entry.name])
                rows.append((code, said + rng.choice(AROUND) + rng.choice(AFTER), entry.name))
        elif entry.kind == "unit":
            short = entry.name.removeprefix(station.name.removesuffix("派出所"))
            for _ in range(per_unit):
                said = rng.choice([entry.name, short])
                rows.append((code, said + rng.choice(AROUND) + rng.choice(AFTER), entry.name))
        elif entry.kind == "landmark":
            for _ in range(per_landmark):
                rows.append((code, numerals(village(entry.name)) + rng.choice(AFTER), entry.name))
    picked = list(
        Address.objects.filter(station=station).select_related("community").order_by("id")
    )
    for address in rng.sample(picked, min(addresses, len(picked))):
        same = (
            Address.objects.filter(
                community=address.community,
                road=address.road,
                number=address.number,
                building=address.building,
            )
            .order_by("room", "id")
            .first()
        )
        parts = [
            village(address.community.name) + numerals(address.road),
            numerals(f"{address.number}号"),
            numerals(f"{address.building}栋"),
        ]
        if rng.random() < 0.25:
            parts = [parts[0], parts[2], parts[1]]
        rows.append((code, prefix(station) + "".join(parts) + rng.choice(AFTER), same.text))

with OUT.open("w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out)
    writer.writerow(["station", "text", "place"])
    writer.writerows(rows)
print(len(rows), "texts written to", OUT)
