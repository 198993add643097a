"""Small pages written for these tests (original text), served by a loopback publisher.

Each page is one case real feeds bring: a Japanese and a Thai article, a page that is only
a table, and pages whose dates are placeholders (0001-01-01), in the future (2099) or
missing, with and without a date in the feed.
"""

from __future__ import annotations

from pathlib import Path

JA_SENTENCES = [
    "港町市は三日、市の中心部と東の島を結ぶ新しい橋が開通したと発表した。",
    "橋の長さは約八百メートルで、建設には四年かかった。",
    "市によると、一日に約一万二千台の車が通行する見込みだ。",
    "開通式には住民およそ三百人が集まり、最初の車列を見送った。",
    "市長は「島の暮らしが大きく変わる」と述べた。",
    "これまで島の住民は、一時間に一本のフェリーに頼っていた。",
    "フェリーは来年三月まで運航を続け、その後は観光船として使われる予定だ。",
    "橋には歩道と自転車道も設けられ、通学する生徒も利用できる。",
    "通行料は無料で、夜間も通ることができる。",
    "島の商店主は、本土からの買い物客が増えることを期待している。",
    "一方で、交通量の増加を心配する住民もいる。",
    "市は島の道路を広げる工事を来年から始める計画だ。",
    "救急車が島に着くまでの時間は、これまでの半分ほどになるという。",
    "市は開通から一年後に、橋の利用状況をまとめて公表する。",
]
TH_PHRASES = [
    "ตลาดนัดกลางคืนริมแม่น้ำเปิดให้บริการอีกครั้งเมื่อวันเสาร์หลังปิดปรับปรุงนานหกเดือน",
    "เทศบาลใช้งบประมาณสิบสองล้านบาทในการปรับปรุงทางเดินและระบบไฟฟ้า",
    "ร้านค้ากว่าสองร้อยร้านกลับมาขายอาหารและงานฝีมือ",
    "ผู้จัดการตลาดกล่าวว่ามีผู้มาเที่ยวมากกว่าห้าพันคนในคืนแรก",
    "พ่อค้าหลายคนบอกว่ายอดขายดีกว่าที่คาดไว้",
    "ตลาดจะเปิดทุกวันศุกร์และวันเสาร์ตั้งแต่หกโมงเย็นถึงเที่ยงคืน",
    "เทศบาลขอให้ผู้มาเที่ยวใช้รถโดยสารประจำทางเพราะที่จอดรถมีจำกัด",
    "รถโดยสารสายพิเศษจะวิ่งจากสถานีรถไฟไปยังตลาดทุกสิบห้านาที",
    "ตำรวจท้องที่จะจัดเจ้าหน้าที่ดูแลความปลอดภัยตลอดคืน",
    "ร้านค้าทุกร้านต้องแยกขยะและงดใช้ถุงพลาสติก",
    "ผู้ค้ารายใหม่สามารถยื่นใบสมัครได้ที่สำนักงานเทศบาลจนถึงสิ้นเดือนนี้",
    "เทศบาลหวังว่าตลาดจะดึงดูดนักท่องเที่ยวจากจังหวัดใกล้เคียงได้มากขึ้น",
    "ชาวบ้านในชุมชนริมแม่น้ำส่วนใหญ่เห็นด้วยกับการเปิดตลาดอีกครั้ง",
    "แต่บางคนกังวลเรื่องเสียงดังในช่วงดึก",
]

ENGLISH = {
    "library": (
        "Millbrook library opens on Sundays",
        [
            "Millbrook's central library will open on Sundays from next month, the town council "
            "said on Tuesday.",
            "The library has been closed on Sundays since the budget cuts of 2019.",
            "Councillors agreed to fund two extra librarians for a trial lasting twelve months.",
            "Parents had collected more than 1,400 signatures asking for weekend opening.",
            "The children's reading room will host story sessions every Sunday morning.",
            "Sunday opening hours will run from eleven in the morning until four in the "
            "afternoon.",
            "The computer room and the local history archive will stay closed on Sundays for "
            "now.",
            "The council will decide next spring whether to keep the Sunday opening for good.",
            "Library staff said they would count visitors every week of the trial.",
            "Volunteers from the Friends of Millbrook Library will help staff at the front desk.",
            "The trial will cost the council about £38,000, taken from its reserves.",
            "Other libraries in the county already open on Saturdays but not on Sundays.",
            "A survey last year found that most people who never used the library worked weekdays.",
            "The library's café, run by a local charity, will open at the same hours.",
            "Bus services to the town centre run every half hour on Sundays.",
            "The council said it would publish the visitor numbers every three months.",
            "Staff who work on Sundays will be paid at the usual weekend rate.",
        ],
    ),
    "ferry": (
        "Island ferry fares rise by a fifth",
        [
            "Fares on the Kestrel Island ferry will rise by twenty per cent in April, its "
            "operator announced.",
            "A single adult ticket will cost £6.00, up from £5.00.",
            "The operator blamed the rising price of fuel and new safety rules for its boats.",
            "Islanders with a resident's card will keep paying the old fare until next year.",
            "The ferry carries about 300,000 passengers a year between the island and Portwell.",
            "The last rise in fares was three years ago, when tickets went up by fifty pence.",
            "The island's school asked for pupils to travel free, and the operator said no.",
            "A petition against the rise has been signed by about 800 people on the island.",
            "The operator will meet islanders at the village hall next Wednesday evening.",
            "The operator said it had tried to keep the rise as small as it could.",
            "Fuel now makes up nearly a third of the cost of running each crossing.",
            "New safety rules require a second crew member on every evening sailing.",
            "Car fares will rise by the same share as passenger fares.",
            "Season tickets bought before April will be honoured at the old price.",
            "The island council said it would ask the county for help with the cost for pupils.",
            "Ferries run every ninety minutes in winter and every hour in summer.",
            "The crossing between the island and Portwell takes about forty minutes.",
        ],
    ),
    "garden": (
        "Allotment group wins national prize",
        [
            "The Hollins Lane allotment group has won a national prize for community gardening.",
            "Judges praised the group for turning a disused car park into forty vegetable plots.",
            "The group grows food for the town's food bank every summer.",
            "Its chair, Maria Okafor, said the award belonged to all of its ninety volunteers.",
            "The prize of £2,000 will pay for a new greenhouse and a rainwater tank.",
            "The plots were laid out in 2021 on land lent by a local builder.",
            "Each plot is shared by two or three families who had been on a waiting list.",
            "The group also runs cooking classes for children in the school holidays.",
            "A waiting list for new plots now has more than sixty names on it.",
            "The group began with six members who met in a church hall.",
            "It now has a waiting list of people who want to volunteer as well as plots.",
            "Last summer the plots produced more than two tonnes of vegetables for the food bank.",
            "The builder who lent the land has agreed to extend the lease for ten years.",
            "Volunteers built raised beds so that older members can garden without kneeling.",
            "The judges visited the site in August and spent a morning with the volunteers.",
            "The group plans to plant a small orchard along the old car park wall.",
            "It will hold an open day in the spring for anyone who wants to see the plots.",
        ],
    ),
    "lanes": (
        "Council approves cycle lanes on Mill Road",
        [
            "Councillors in Ashby approved plans for protected cycle lanes on Mill Road on "
            "Thursday.",
            "The lanes will run for two kilometres between the station and the hospital.",
            "Work is due to start in September and take about five months.",
            "Shopkeepers on the road had asked for loading bays to be kept, and the plans keep "
            "six of them.",
            "The scheme will cost £1.8 million, most of it from a national transport fund.",
            "About 2,500 cyclists use the road on a typical weekday, according to council counts.",
            "Two cyclists were badly hurt in crashes on the road last year.",
            "A bus lane on the same stretch will be shortened to make room for the cycle lanes.",
            "The council will hold drop-in sessions for residents at the town hall in July.",
            "The lanes will be separated from traffic by a low kerb and planters.",
            "Cyclists will get their own signals at the two busiest junctions.",
            "The road will stay open to cars while the work is done, with temporary lights.",
            "Some councillors voted against the plans, saying the road was too narrow.",
            "The hospital said the lanes would help staff who cycle to early shifts.",
            "A survey by the council found most residents on the road supported the scheme.",
            "The council will count cyclists again a year after the lanes open.",
            "Parking on the road will be removed except for the six loading bays.",
        ],
    ),
}


def article_html(title: str, paragraphs: list[str], *, lang: str = "en", date: str = "") -> str:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"{meta}</head><body><header><nav><a href='/'>Home</a></nav></header>"
        f"<main><article><h1>{title}</h1>\n{body}\n</article></main>"
        "<footer><p>The Test Gazette</p></footer></body></html>"
    )


TABLE_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>League table after week twelve</title>"
    '<meta property="article:published_time" content="2025-04-20T10:00:00Z"></head><body>'
    "<main><article><h1>League table after week twelve</h1><table>"
    "<tr><th>Team</th><th>Played</th><th>Won</th><th>Drawn</th><th>Lost</th><th>Points</th></tr>"
    + "".join(
        f"<tr><td>{team}</td><td>12</td><td>{w}</td><td>{d}</td><td>{12 - w - d}</td>"
        f"<td>{3 * w + d}</td></tr>"
        for team, w, d in [
            ("Harbour Rovers", 9, 2), ("Millbrook Town", 8, 1), ("Ashby United", 6, 4),
            ("Portwell Athletic", 5, 3), ("Kestrel Wanderers", 4, 2), ("Hollins Lane", 2, 3),
            ("Seaton Harriers", 7, 1), ("Brackley Vale", 6, 2), ("Oakham Rangers", 5, 5),
            ("Fernside Albion", 4, 4), ("Dunmore Celtic", 3, 6), ("Wexcombe Rovers", 3, 3),
            ("Lowther Park", 2, 5), ("Castlegate Town", 1, 4), ("Pennick Athletic", 1, 2),
            ("Ridgeway Swifts", 0, 3),
        ]
    )
    + "</table><ul><li>Top scorer: Dan Reyes, 14</li><li>Next round: Saturday</li></ul>"
    "</article></main></body></html>"
)


def rss(base: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS feed of (path, title, pubDate or "") items."""
    out = []
    for path, title, date in items:
        pub = f"<pubDate>{date}</pubDate>" if date else ""
        out.append(f"<item><title>{title}</title><link>{base}/{path}</link>{pub}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>The Test Gazette</title><link>{base}/</link><description>Tests</description>"
        + "".join(out)
        + "</channel></rss>"
    )


def write_site(root: Path) -> None:
    """The publisher's files under root/site (`__BASE__` becomes the server's address)."""
    site = root / "site"
    site.mkdir(parents=True, exist_ok=True)

    def put(name: str, text: str) -> None:
        (site / name).write_text(text, encoding="utf-8")

    put("ja.html", article_html("港町に新しい橋が開通", [
        "".join(JA_SENTENCES[:3]), "".join(JA_SENTENCES[3:5]), "".join(JA_SENTENCES[5:])
    ], lang="ja", date="2025-04-02T09:00:00+09:00"))  # fmt: skip
    put("th.html", article_html("ตลาดนัดกลางคืนริมแม่น้ำเปิดอีกครั้ง", [
        " ".join(TH_PHRASES[:5]), " ".join(TH_PHRASES[5:10]), " ".join(TH_PHRASES[10:])
    ], lang="th", date="2025-04-03T19:00:00+07:00"))  # fmt: skip
    put("table.html", TABLE_PAGE)
    title, paras = ENGLISH["library"]
    put("library.html", article_html(title, paras, date="0001-01-01T00:00:00Z"))
    title, paras = ENGLISH["ferry"]
    put("ferry.html", article_html(title, paras, date="2099-06-01T08:00:00Z"))
    title, paras = ENGLISH["garden"]
    put("garden.html", article_html(title, paras))
    title, paras = ENGLISH["lanes"]
    put("lanes.html", article_html(title, paras, date="2025-05-05T12:00:00Z"))
    put(
        "feed.xml",
        rss(
            "__BASE__",
            [
                ("ja.html", "港町に新しい橋が開通", ""),
                ("th.html", "ตลาดนัดกลางคืน", ""),
                ("table.html", "League table after week twelve", ""),
                ("library.html", ENGLISH["library"][0], ""),  # no date anywhere: first seen
                ("ferry.html", ENGLISH["ferry"][0], "Tue, 04 Mar 2025 10:00:00 GMT"),
                ("garden.html", ENGLISH["garden"][0], "Sat, 01 Feb 2025 10:00:00 GMT"),
                ("lanes.html", ENGLISH["lanes"][0], "Mon, 05 May 2025 12:00:00 GMT"),
            ],
        ),
    )
    # Three plain English stories: what test_each_stage.py walks through one stage at a time.
    put(
        "english.xml",
        rss(
            "__BASE__",
            [
                ("garden.html", ENGLISH["garden"][0], "Sat, 01 Feb 2025 10:00:00 GMT"),
                ("lanes.html", ENGLISH["lanes"][0], "Mon, 05 May 2025 12:00:00 GMT"),
                ("ferry.html", ENGLISH["ferry"][0], "Tue, 04 Mar 2025 10:00:00 GMT"),
            ],
        ),
    )
