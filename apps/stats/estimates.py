"""The seed's estimate of the minutes saved a day by dispatching from posts, shown beside the
figure the statistics compute from the records (minutes_saved ÷ the days with figures).

The park post's seed (001, 西彭园区警务站's head 赵富华): "也许每天有10次这样的情况，每一次
可能也只节省10分钟，但派出所有3个警务站，加上巡逻的警力，事实上有6个点可以快速出发，一天就能
为警民节省600分钟". So 6 departure points × 10 calls × 10 minutes = 600 minutes a day for
西彭派出所, and 10 × 10 = 100 for one of its posts. It is 西彭's estimate: every other unit
(another station, its posts, a sub-bureau) shows none."""

from apps.stations.models import Station

from .models import UnitKind

CALLS_PER_DAY = 10  # "也许每天有10次这样的情况"
MINUTES_PER_CALL = 10  # "每一次可能也只节省10分钟"
DEPARTURE_POINTS = 6  # "有3个警务站，加上巡逻的警力，事实上有6个点可以快速出发"
STATION_CODE = "500107-xipeng"  # 西彭派出所

STATION_ESTIMATE = DEPARTURE_POINTS * CALLS_PER_DAY * MINUTES_PER_CALL  # 600
POST_ESTIMATE = CALLS_PER_DAY * MINUTES_PER_CALL  # 100


def minutes_saved_per_day(unit) -> int | None:
    """The seed's minutes a day for 西彭派出所 (600) or one of its posts (100), else None."""
    if unit.kind not in (UnitKind.STATION, UnitKind.POST) or unit.station_id is None:
        return None
    if not Station.objects.filter(pk=unit.station_id, code=STATION_CODE).exists():
        return None
    return STATION_ESTIMATE if unit.kind == UnitKind.STATION else POST_ESTIMATE
