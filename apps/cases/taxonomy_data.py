"""The standard incident taxonomy (职责细分) that `taxonomy_seed` loads into a bureau.

Each entry: (major code, major name, kind, default priority, minors); each minor:
(code, name, ordered handling procedure). Admins edit the loaded copy per bureau; this
file is only the starting point, so wording follows common 110 handling practice rather
than any one station's rules.
"""

# Steps shared by many categories, named once so a wording fix lands everywhere.
ARRIVE = "到场后表明身份，开启执法记录仪"
SAFE = "控制现场，排除危险，必要时呼叫增援或120"
WITNESS = "询问报警人、当事人及证人，制作笔录"
EVIDENCE = "固定现场证据（照片、视频、监控）"
FEEDBACK = "向报警人反馈处置结果"
RECORD = "在系统中登记处置结果"
MEDIATE = "告知当事人调解权利，可调解的移交人民调解"
REFER = "告知当事人向主管部门反映，并通报相关部门"

# A minor whose kind differs from its major's: a fight is a public-security matter until an
# injury grade of 轻伤 or worse makes it a crime (services.case_injury_grade). Fights within
# a family are 1201 家庭暴力, not a second fight code.
MINOR_KINDS = {"0201": "public_order"}

# 可防性案件: the crimes that patrols, visible police and prevention talks can forestall —
# theft of every kind (入室盗窃, 电动车盗窃, 扒窃, 车内财物盗窃), robbery and snatching (两抢)
# and fraud, telecom fraud first (电信网络诈骗). A major code stands for all its minors.
# The statistics count incidents in these categories as "preventable incidents" (张坪警务站:
# −28 % year on year after the post opened); the one list every reader takes.
PREVENTABLE_CODES = frozenset({"01", "0101", "0102", "0103", "0104", "03", "0301", "0302", "04"})

TAXONOMY = [
    # --- criminal (刑事) -----------------------------------------------------------------
    (
        "01",
        "盗窃",
        "criminal",
        1,
        [
            (
                "0101",
                "入室盗窃",
                [
                    ARRIVE,
                    "保护现场，禁止无关人员进入",
                    "通知技术人员勘查现场",
                    WITNESS,
                    "清点被盗财物并登记",
                    "调取周边监控",
                    RECORD,
                ],
            ),
            (
                "0102",
                "电动车盗窃",
                [
                    ARRIVE,
                    WITNESS,
                    "登记车辆品牌、颜色、车架号",
                    "调取停放点周边监控",
                    "录入被盗车辆信息",
                    RECORD,
                ],
            ),
            (
                "0103",
                "扒窃",
                [ARRIVE, WITNESS, "询问嫌疑人体貌特征及去向", "组织周边查缉", EVIDENCE, RECORD],
            ),
            (
                "0104",
                "车内财物盗窃",
                [ARRIVE, "保护车辆现场", WITNESS, "通知技术人员提取痕迹", "调取周边监控", RECORD],
            ),
        ],
    ),
    (
        "02",
        "斗殴伤害",
        "criminal",
        1,
        [
            (
                "0201",
                "打架斗殴",
                [
                    ARRIVE,
                    SAFE,
                    "制止违法行为，控制双方当事人",
                    "查看伤情，需要时送医并委托伤情鉴定（轻微伤按治安案件，轻伤以上按刑事案件）",
                    WITNESS,
                    EVIDENCE,
                    "将当事人带回所内调查或现场调解",
                    RECORD,
                ],
            ),
            (
                "0202",
                "故意伤害",
                [
                    ARRIVE,
                    SAFE,
                    "控制嫌疑人",
                    "伤者送医并了解伤情",
                    WITNESS,
                    EVIDENCE,
                    "开具伤情鉴定委托",
                    RECORD,
                ],
            ),
            (
                "0203",
                "持械伤人",
                [
                    ARRIVE,
                    SAFE,
                    "依法使用警械控制嫌疑人，收缴凶器",
                    "伤者送医",
                    EVIDENCE,
                    WITNESS,
                    "报告值班所领导",
                    RECORD,
                ],
            ),
        ],
    ),
    (
        "03",
        "抢劫抢夺",
        "criminal",
        1,
        [
            (
                "0301",
                "抢劫",
                [
                    ARRIVE,
                    SAFE,
                    "询问嫌疑人体貌特征、逃跑方向并通报指挥中心",
                    "组织堵截查缉",
                    WITNESS,
                    EVIDENCE,
                    RECORD,
                ],
            ),
            (
                "0302",
                "飞车抢夺",
                [
                    ARRIVE,
                    "询问车辆特征与逃跑方向并通报",
                    "调取沿途监控",
                    WITNESS,
                    "查看被害人伤情",
                    RECORD,
                ],
            ),
        ],
    ),
    (
        "04",
        "诈骗",
        "criminal",
        2,
        [
            (
                "0401",
                "电信网络诈骗",
                [
                    ARRIVE,
                    "立即指导报警人止付、冻结涉案账户",
                    "登记转账时间、账号、金额",
                    "收集聊天记录、转账截图",
                    "推送反诈中心",
                    "开展防骗宣传",
                    RECORD,
                ],
            ),
            (
                "0402",
                "接触式诈骗",
                [ARRIVE, WITNESS, "询问嫌疑人体貌特征", "调取现场监控", EVIDENCE, RECORD],
            ),
            (
                "0403",
                "冒充公检法诈骗",
                [ARRIVE, "劝阻正在转账的受害人", "协助止付、冻结", WITNESS, "推送反诈中心", RECORD],
            ),
        ],
    ),
    (
        "05",
        "扰乱公共秩序",
        "public_order",
        2,
        [
            (
                "0503",
                "聚众闹事",
                [
                    ARRIVE,
                    SAFE,
                    "报告所领导并视情增援",
                    "劝离围观人员",
                    "控制首要分子",
                    EVIDENCE,
                    RECORD,
                ],
            ),
            (
                "0504",
                "醉酒滋事",
                [ARRIVE, SAFE, "约束醉酒人员至酒醒，必要时送医", "通知家属", WITNESS, RECORD],
            ),
        ],
    ),
    (
        "06",
        "赌博",
        "public_order",
        2,
        [
            (
                "0601",
                "聚众赌博",
                [ARRIVE, "控制现场人员", "收缴赌资赌具", EVIDENCE, "带回所内调查", RECORD],
            ),
            ("0602", "网络赌博线索", ["登记线索来源及账号", "收集截图等证据", "上报研判", RECORD]),
        ],
    ),
    (
        "07",
        "涉黄",
        "public_order",
        2,
        [
            ("0701", "卖淫嫖娼", [ARRIVE, "控制现场人员", EVIDENCE, "带回所内调查", RECORD]),
            ("0702", "传播淫秽物品", ["登记线索", "收集固定证据", "上报研判", RECORD]),
        ],
    ),
    (
        "08",
        "毒品",
        "criminal",
        1,
        [
            (
                "0801",
                "吸毒",
                [ARRIVE, "控制涉毒人员", "进行毒品检测", "收缴毒品及吸毒工具", EVIDENCE, RECORD],
            ),
            ("0802", "贩毒线索", ["登记线索并严格保密", "报告所领导", "移交禁毒部门", RECORD]),
        ],
    ),
    (
        "09",
        "交通事故",
        "traffic",
        1,
        [
            (
                "0901",
                "伤人交通事故",
                [
                    ARRIVE,
                    "设置警示标志，保护现场",
                    "救助伤者，呼叫120",
                    "通知交巡警",
                    "控制肇事车辆及驾驶人",
                    EVIDENCE,
                    RECORD,
                ],
            ),
            (
                "0902",
                "财产损失事故",
                [ARRIVE, "设置警示标志", "指导当事人快速处理或通知交巡警", "疏导交通", RECORD],
            ),
            (
                "0903",
                "交通肇事逃逸",
                [
                    ARRIVE,
                    "询问逃逸车辆特征并通报",
                    "救助伤者",
                    "保护现场及遗留物",
                    "通知交巡警",
                    RECORD,
                ],
            ),
        ],
    ),
    (
        "10",
        "交通秩序",
        "traffic",
        3,
        [
            (
                "1001",
                "车辆堵塞通道",
                [ARRIVE, "联系车主挪车", "联系不上的通知交巡警", FEEDBACK, RECORD],
            ),
            ("1002", "道路拥堵", [ARRIVE, "疏导交通", "查明拥堵原因并报告", RECORD]),
            ("1003", "酒驾线索", [ARRIVE, "拦停车辆并检测酒精含量", "移交交巡警", RECORD]),
        ],
    ),
    (
        "11",
        "邻里纠纷",
        "dispute",
        2,
        [
            (
                "1101",
                "邻里纠纷",
                [ARRIVE, "隔离双方，稳定情绪", WITNESS, MEDIATE, "登记调解意向", FEEDBACK, RECORD],
            ),
            ("1102", "漏水纠纷", [ARRIVE, "查看漏水情况并拍照", "联系物业到场", MEDIATE, RECORD]),
            (
                "1103",
                "占道堆物纠纷",
                [ARRIVE, "查看堆放物品及占用情况", "联系物业或社区", MEDIATE, RECORD],
            ),
        ],
    ),
    (
        "12",
        "家庭纠纷",
        "dispute",
        2,
        [
            (
                "1201",
                "家庭暴力",
                [
                    ARRIVE,
                    SAFE,
                    "制止暴力，查看受害人伤情",
                    "告知受害人权利",
                    "出具家庭暴力告诫书",
                    "通知妇联或社区",
                    RECORD,
                ],
            ),
            ("1202", "婚恋纠纷", [ARRIVE, "隔离双方，稳定情绪", WITNESS, MEDIATE, RECORD]),
            ("1203", "赡养抚养纠纷", [ARRIVE, WITNESS, MEDIATE, "通知社区跟进", RECORD]),
        ],
    ),
    (
        "13",
        "经济纠纷",
        "dispute",
        3,
        [
            (
                "1301",
                "劳资纠纷",
                [ARRIVE, "了解欠薪人数及金额", "防止过激行为", REFER, "通知人社部门", RECORD],
            ),
            ("1302", "消费纠纷", [ARRIVE, WITNESS, "引导协商，告知向市场监管部门投诉", RECORD]),
            ("1303", "租赁纠纷", [ARRIVE, "查看租赁合同", WITNESS, MEDIATE, RECORD]),
            (
                "1304",
                "债务纠纷",
                [ARRIVE, "告知属民事纠纷，可向法院起诉", "防止非法拘禁等违法行为", MEDIATE, RECORD],
            ),
        ],
    ),
    (
        "14",
        "物业及其他纠纷",
        "dispute",
        3,
        [
            ("1401", "物业纠纷", [ARRIVE, "联系物业负责人到场", WITNESS, MEDIATE, RECORD]),
            ("1402", "停车纠纷", [ARRIVE, "联系车主或物业", MEDIATE, RECORD]),
            ("1403", "交通事故赔偿纠纷", [ARRIVE, "告知通过交巡警或诉讼解决", MEDIATE, RECORD]),
        ],
    ),
    (
        "15",
        "求助",
        "help",
        2,
        [
            (
                "1501",
                "人员走失",
                [
                    ARRIVE,
                    "登记走失人员体貌特征、衣着及最后出现地点",
                    "通报指挥中心及周边警务站",
                    "调取监控查找",
                    "找到后通知家属并核实身份",
                    RECORD,
                ],
            ),
            (
                "1502",
                "儿童走失",
                [
                    ARRIVE,
                    "立即通报指挥中心并组织查找",
                    "调取监控",
                    "联系学校、商场广播",
                    "找到后交还监护人并核实",
                    RECORD,
                ],
            ),
            (
                "1503",
                "老人迷路",
                [
                    ARRIVE,
                    "安抚老人，了解住址或家属",
                    "通过人口信息查询身份",
                    "护送回家或通知家属",
                    RECORD,
                ],
            ),
            ("1504", "醉酒人员求助", [ARRIVE, "查看身体状况，必要时送医", "联系家属接回", RECORD]),
        ],
    ),
    (
        "16",
        "生活求助",
        "help",
        3,
        [
            (
                "1601",
                "钥匙锁门内",
                [ARRIVE, "核实报警人居住身份", "推荐正规开锁公司并登记", RECORD],
            ),
            ("1602", "困难群众求助", [ARRIVE, "了解困难情况", "联系社区、民政部门", RECORD]),
            (
                "1603",
                "物品遗失",
                ["登记遗失物品及时间地点", "调取监控协助查找", "告知补办证件途径", RECORD],
            ),
            (
                "1604",
                "拾金不昧",
                ["登记拾得物品并拍照", "查找失主并通知认领", "失主领取时核对身份并签收", RECORD],
            ),
        ],
    ),
    (
        "17",
        "紧急救助",
        "help",
        1,
        [
            (
                "1701",
                "轻生",
                [
                    ARRIVE,
                    "稳定当事人情绪，专人劝说",
                    "通知家属、心理专家",
                    "联系消防布设救生气垫",
                    "控制危险区域",
                    RECORD,
                ],
            ),
            ("1702", "突发疾病", [ARRIVE, "呼叫120并协助急救", "联系家属", RECORD]),
            ("1703", "被困人员", [ARRIVE, "通知消防救援", "疏散周边人员", "协助救援", RECORD]),
        ],
    ),
    (
        "18",
        "火灾",
        "fire",
        1,
        [
            (
                "1801",
                "居民住宅火灾",
                [
                    ARRIVE,
                    "确认已通知119",
                    "疏散群众，抢救被困人员",
                    "维护现场秩序",
                    "协助消防调查起火原因",
                    RECORD,
                ],
            ),
            (
                "1802",
                "商铺火灾",
                [ARRIVE, "确认已通知119", "疏散群众，设置警戒", "维护现场秩序", RECORD],
            ),
            ("1803", "车辆火灾", [ARRIVE, "确认已通知119", "设置警戒，疏导交通", RECORD]),
        ],
    ),
    (
        "19",
        "灾害事故",
        "fire",
        1,
        [
            (
                "1901",
                "燃气泄漏",
                [ARRIVE, "疏散人员，禁止明火和开关电器", "通知燃气公司", "设置警戒", RECORD],
            ),
            (
                "1902",
                "房屋垮塌",
                [ARRIVE, "设置警戒，疏散人员", "通知消防、住建部门", "协助搜救", RECORD],
            ),
            (
                "1903",
                "山体滑坡与水淹",
                [ARRIVE, "疏散危险区域人员", "通知应急管理部门", "设置警戒", RECORD],
            ),
        ],
    ),
    (
        "20",
        "举报线索",
        "report",
        2,
        [
            (
                "2001",
                "违法犯罪线索",
                ["登记举报人信息并严格保密", "记录线索内容", "报告所领导", RECORD],
            ),
            ("2002", "可疑人员", [ARRIVE, "盘查可疑人员，核实身份", "需要时带回所内", RECORD]),
            ("2003", "可疑物品", [ARRIVE, "设置警戒，禁止触碰", "通知排爆或相关专业人员", RECORD]),
        ],
    ),
    (
        "21",
        "治安隐患",
        "safety",
        3,
        [
            ("2101", "井盖缺失", [ARRIVE, "设置警示", "通知市政部门", RECORD]),
            ("2102", "高空抛物", [ARRIVE, "确认抛物楼层及物品", EVIDENCE, "走访住户", RECORD]),
            ("2103", "危险犬只", [ARRIVE, "疏散围观人员", "联系犬主或捕犬队", RECORD]),
        ],
    ),
    (
        "22",
        "无效报警",
        "invalid",
        3,
        [
            (
                "2201",
                "骚扰电话",
                [
                    "核实来电号码",
                    "查询该号码近期报警记录",
                    "警告报警人不得骚扰",
                    "标记为无效报警",
                    RECORD,
                ],
            ),
            ("2202", "误拨电话", ["核实来电是否需要帮助", "标记为无效报警", RECORD]),
            ("2203", "谎报警情", [ARRIVE, "核实警情不实", "调查谎报原因，依法处理", RECORD]),
        ],
    ),
    (
        "23",
        "咨询",
        "consultation",
        3,
        [
            ("2301", "户政业务咨询", ["解答咨询事项", "告知办理地点和所需材料", RECORD]),
            ("2302", "出入境业务咨询", ["解答咨询事项", "告知办理途径", RECORD]),
            ("2303", "法律咨询", ["解答咨询事项", "引导至法律援助机构", RECORD]),
        ],
    ),
    (
        "24",
        "社会联动",
        "social",
        3,
        [
            ("2401", "水电气故障", ["记录故障情况", "告知或转接相关服务热线", RECORD]),
            ("2402", "环境污染", ["记录污染情况", REFER, RECORD]),
            ("2403", "违章建筑", ["记录情况", REFER, RECORD]),
        ],
    ),
    (
        "25",
        "侵害财产",
        "criminal",
        2,
        [
            ("2501", "故意损毁财物", [ARRIVE, "查看损毁情况并估算价值", WITNESS, EVIDENCE, RECORD]),
            ("2502", "敲诈勒索", [ARRIVE, WITNESS, "收集聊天记录、转账记录", "报告所领导", RECORD]),
            ("2503", "侵占", [ARRIVE, WITNESS, "告知可能属于自诉案件", RECORD]),
        ],
    ),
    (
        "26",
        "侵犯人身权利",
        "criminal",
        1,
        [
            ("2601", "非法拘禁", [ARRIVE, SAFE, "解救被拘禁人员", "控制嫌疑人", WITNESS, RECORD]),
            (
                "2602",
                "猥亵",
                [ARRIVE, "保护受害人隐私，由女警询问", EVIDENCE, "控制嫌疑人", RECORD],
            ),
            ("2603", "拐卖线索", ["立即报告所领导及指挥中心", "登记线索", "组织查找", RECORD]),
        ],
    ),
    (
        "27",
        "威胁恐吓",
        "public_order",
        2,
        [
            ("2701", "言语威胁", [ARRIVE, WITNESS, "收集短信、录音等证据", "警告行为人", RECORD]),
            ("2702", "跟踪骚扰", [ARRIVE, WITNESS, "调取监控", "告诫行为人", RECORD]),
        ],
    ),
    (
        "28",
        "寻衅滋事",
        "public_order",
        1,
        [
            (
                "2801",
                "随意殴打他人",
                [ARRIVE, SAFE, "控制嫌疑人", "伤者送医", WITNESS, EVIDENCE, RECORD],
            ),
            ("2802", "强拿硬要", [ARRIVE, "控制嫌疑人", WITNESS, EVIDENCE, RECORD]),
        ],
    ),
    (
        "29",
        "校园及周边",
        "public_order",
        1,
        [
            ("2901", "校园欺凌", [ARRIVE, "保护受害学生", "通知学校和家长", WITNESS, RECORD]),
            ("2902", "校园周边可疑人员", [ARRIVE, "盘查可疑人员", "加强上下学时段巡逻", RECORD]),
        ],
    ),
    (
        "30",
        "特种行业与场所",
        "public_order",
        3,
        [
            ("3001", "旅馆未登记住宿", [ARRIVE, "核查住宿登记", "责令改正并依法处理", RECORD]),
            ("3002", "娱乐场所违规", [ARRIVE, "检查场所经营情况", EVIDENCE, RECORD]),
            ("3003", "废旧物品收购违规", [ARRIVE, "核查收购登记", "查验可疑物品来源", RECORD]),
        ],
    ),
    (
        "31",
        "危险物品",
        "safety",
        1,
        [
            ("3101", "非法持有管制刀具", [ARRIVE, "控制人员，收缴刀具", "带回所内调查", RECORD]),
            (
                "3102",
                "非法储存烟花爆竹",
                [ARRIVE, "设置警戒", "收缴危险物品", "通知应急管理部门", RECORD],
            ),
            ("3103", "非法燃放烟花爆竹", [ARRIVE, "制止燃放", "教育或依法处罚", RECORD]),
        ],
    ),
    (
        "32",
        "网络违法",
        "report",
        2,
        [
            ("3201", "网络谣言", ["登记线索及链接", "截图固定证据", "推送网安部门", RECORD]),
            (
                "3202",
                "个人信息泄露",
                ["登记报警人信息及泄露情况", "收集证据", "推送网安部门", RECORD],
            ),
        ],
    ),
    (
        "33",
        "群体性事件",
        "public_order",
        1,
        [
            (
                "3301",
                "聚集上访",
                [ARRIVE, "报告所领导及指挥中心", "了解诉求，劝导依法反映", "维护现场秩序", RECORD],
            ),
            ("3302", "堵路堵门", [ARRIVE, "报告所领导", "疏导交通，劝离人员", EVIDENCE, RECORD]),
        ],
    ),
    (
        "34",
        "非正常死亡",
        "other",
        1,
        [
            (
                "3401",
                "发现尸体",
                [
                    ARRIVE,
                    "保护现场，设置警戒",
                    "通知刑侦及法医",
                    "初步判断死因，有犯罪嫌疑的报刑侦部门立案侦查",
                    "核实死者身份",
                    "通知家属",
                    RECORD,
                ],
            ),
            ("3402", "溺水", [ARRIVE, "组织施救，呼叫120", "设置警戒", "通知家属", RECORD]),
        ],
    ),
    (
        "35",
        "精神障碍患者肇事",
        "safety",
        1,
        [
            (
                "3501",
                "肇事肇祸",
                [ARRIVE, SAFE, "依法约束，防止伤害", "通知监护人和社区", "送医治疗", RECORD],
            ),
            ("3502", "走失或滋扰", [ARRIVE, "安抚情绪", "联系监护人", RECORD]),
        ],
    ),
    (
        "36",
        "动物相关",
        "help",
        3,
        [
            ("3601", "动物伤人", [ARRIVE, "伤者就医，接种疫苗", "联系饲养人", MEDIATE, RECORD]),
            ("3602", "野生动物出没", [ARRIVE, "疏散人员", "通知林业部门", RECORD]),
        ],
    ),
    (
        "37",
        "流动人口与出租屋",
        "report",
        3,
        [
            ("3701", "出租屋未登记", [ARRIVE, "核查承租人身份", "督促房东登记", RECORD]),
            ("3702", "群租隐患", [ARRIVE, "检查居住人数及消防条件", "通知社区和房东整改", RECORD]),
        ],
    ),
    (
        "38",
        "消防安全",
        "safety",
        2,
        [
            ("3801", "堵塞消防通道", [ARRIVE, "联系车主或责任人清理", "通知消防部门", RECORD]),
            ("3802", "电动车违规充电", [ARRIVE, "制止违规充电", "通知物业或社区整改", RECORD]),
        ],
    ),
    (
        "39",
        "食品药品",
        "social",
        2,
        [
            (
                "3901",
                "食物中毒",
                [ARRIVE, "呼叫120救治", "封存可疑食品", "通知市场监管部门", RECORD],
            ),
            ("3902", "假冒伪劣", ["登记线索", REFER, RECORD]),
        ],
    ),
    (
        "40",
        "公共设施",
        "safety",
        3,
        [
            (
                "4001",
                "电梯困人",
                [ARRIVE, "安抚被困人员", "通知物业及电梯维保单位", "必要时通知消防", RECORD],
            ),
            ("4002", "路灯及设施损坏", ["记录损坏位置", "通知市政部门", RECORD]),
        ],
    ),
    (
        "41",
        "违反治安管理",
        "public_order",
        2,
        [
            ("4101", "偷窥偷拍", [ARRIVE, "控制嫌疑人", "查验拍摄设备", EVIDENCE, RECORD]),
            ("4102", "阻碍执行职务", [ARRIVE, SAFE, "依法控制行为人", EVIDENCE, RECORD]),
        ],
    ),
    (
        "42",
        "警务协作",
        "other",
        3,
        [
            ("4201", "协助其他单位", ["登记协作请求", "按要求协助", RECORD]),
            ("4202", "在逃人员线索", ["登记线索并保密", "报告所领导", "组织抓捕", RECORD]),
        ],
    ),
    (
        "43",
        "其他警情",
        "other",
        3,
        [
            ("4301", "其他求助", [ARRIVE, "了解情况并处置", FEEDBACK, RECORD]),
            ("4302", "其他违法行为", [ARRIVE, WITNESS, EVIDENCE, RECORD]),
        ],
    ),
    (
        # 治安管理处罚法 places noise among the acts that obstruct social administration
        # (妨害社会管理的行为), not among those that disturb public order.
        "44",
        "妨害社会管理",
        "public_order",
        2,
        [
            (
                "4401",
                "广场舞噪声",
                [
                    ARRIVE,
                    "测量或记录噪声情况及时段",
                    "劝导组织者降低音量、调整时段",
                    "听取附近居民意见",
                    MEDIATE,
                    "警告屡劝不改的组织者",
                    FEEDBACK,
                    RECORD,
                ],
            ),
            (
                "4402",
                "社会生活噪声",
                [
                    ARRIVE,
                    "确认噪声来源",
                    "劝导制造噪声者停止",
                    "屡劝不改的依法警告",
                    FEEDBACK,
                    RECORD,
                ],
            ),
        ],
    ),
    (
        # Complaints against the police go to the supervision unit (督察), never to the
        # officer complained of.
        "45",
        "警务投诉",
        "other",
        2,
        [
            (
                "4501",
                "执法态度投诉",
                [
                    "登记投诉人身份、联系方式及投诉内容",
                    "告知投诉受理情况及办理时限",
                    "报督察部门核查，被投诉民警回避",
                    "向投诉人反馈核查结果",
                    RECORD,
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
                    RECORD,
                ],
            ),
            (
                "4503",
                "民警违纪违法举报",
                [
                    "登记举报内容并保密",
                    "报所领导及分局督察、纪检部门",
                    "被举报民警回避",
                    RECORD,
                ],
            ),
        ],
    ),
]
