"""The taxonomy's corrections for the bureaus that already hold a taxonomy (taxonomy_seed loads only what is
missing, so the seed's new shape would not reach them on its own):

- noise (0501 广场舞噪声, 0502 社会生活噪声) moves, with its incidents, under the new major
  44 妨害社会管理 as 4401 and 4402 (治安管理处罚法 puts noise among the acts that obstruct
  social administration);
- fights have one code: 0201 打架斗殴, a public-security matter by default; 4103 殴打他人
  (轻微) is retired (inactive, its past incidents keep it); fights in a family are 1201;
- 34 非正常死亡 is no longer criminal by default;
- 45 警务投诉, complaints against the police, with its three minors and their procedures.

The categories' names and steps an admin edited are kept.
"""

from django.db import migrations

NOISE = {"0501": "4401", "0502": "4402"}
COMPLAINTS = [
    (
        "4501",
        "执法态度投诉",
        [
            "登记投诉人身份、联系方式及投诉内容",
            "告知投诉受理情况及办理时限",
            "报督察部门核查，被投诉民警回避",
            "向投诉人反馈核查结果",
            "在系统中登记处置结果",
        ],
    ),
    (
        "4502",
        "执法行为投诉",
        [
            "登记投诉人身份、联系方式及投诉内容",
            "调取执法记录仪视频及案卷",
            "报督察部门核查，被投诉民警回避",
            "向投诉人反馈核查结果",
            "在系统中登记处置结果",
        ],
    ),
    (
        "4503",
        "民警违纪违法举报",
        [
            "登记举报内容并保密",
            "报所领导及分局督察、纪检部门",
            "被举报民警回避",
            "在系统中登记处置结果",
        ],
    ),
]


def forward(apps, schema_editor):
    Bureau = apps.get_model("stations", "Bureau")
    Category = apps.get_model("cases", "IncidentCategory")
    Step = apps.get_model("cases", "ProcedureStep")
    for bureau in Bureau.objects.filter(pk__in=Category.objects.values("bureau_id")):
        mine = Category.objects.filter(bureau=bureau)
        social, _ = Category.objects.get_or_create(
            bureau=bureau,
            code="44",
            defaults={"name": "妨害社会管理", "kind": "public_order", "default_priority": 2},
        )
        for old, new in NOISE.items():
            if not mine.filter(code=new).exists():
                mine.filter(code=old).update(code=new, parent=social)
        mine.filter(code="4103").update(is_active=False)
        mine.filter(code="0201").update(kind="public_order")
        mine.filter(code="34").update(kind="other")
        mine.filter(parent__code="34", kind="criminal").update(kind="other")
        complaints, _ = Category.objects.get_or_create(
            bureau=bureau,
            code="45", defaults={"name": "警务投诉", "kind": "other", "default_priority": 2}
        )
        for code, name, steps in COMPLAINTS:
            if mine.filter(code=code).exists():
                continue
            minor = Category.objects.create(
                bureau=bureau,
                parent=complaints,
                code=code,
                name=name,
                kind="other",
                default_priority=2,
            )
            Step.objects.bulk_create(
                Step(category=minor, order=i, text=text) for i, text in enumerate(steps, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_time_limits_by_law"),
        ("stations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
