"""What a complaint against the police (警务投诉) is, for every figure that counts them (the
statistics store, apps.stats.compute): an incident of the major category 警务投诉 of the
bureau's taxonomy (code 45, apps/cases/taxonomy_data.py: 执法态度投诉, 执法行为投诉,
民警违纪违法举报), whoever took it in. The app keeps no other record of such complaints: they
are taken in as incidents and referred to the supervision unit (督察). 双凤派出所's "连续八年
零投诉" (重庆法制报, 2019-09-25) is this count at zero."""

from django.db.models import Q

POLICE_COMPLAINT_CODE = "45"

POLICE_COMPLAINT = Q(category__code=POLICE_COMPLAINT_CODE) | Q(
    category__parent__code=POLICE_COMPLAINT_CODE
)
