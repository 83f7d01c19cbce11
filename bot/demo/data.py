"""A table module: the demo's people, their points history and the friends they
recommended, the advisors in the staff chats, and the fixed names the seed and the
README use. No logic here; the
seed (bot/demo/seed.py) loads these through the same services as real data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOwner:
    phone: str
    first_name: str
    last_name: str
    language: str
    market: str
    birthday: str
    dealer: str
    model: str
    delivered_days_ago: int
    mileage_km: int


DEMO_OWNERS: tuple[DemoOwner, ...] = (
    DemoOwner(
        "+66812345678", "สมชาย", "ใจดี", "th", "TH", "1984-06-12", "TH-BKK-01", "X7", 420, 18400
    ),
    DemoOwner(
        "+66891112233", "Nattaya", "Srisuk", "en", "TH", "1991-11-02", "TH-CNX-01", "E3", 75, 2100
    ),
    DemoOwner(
        "+66923334455", "伟", "陈", "zh_Hans", "TH", "1979-02-20", "TH-BKK-01", "S5", 2100, 96500
    ),
    DemoOwner(
        "+971501234567", "أحمد", "المنصوري", "ar", "AE", "1988-03-15", "AE-DXB-01", "X7", 380, 24100
    ),
    DemoOwner(
        "+971529876543", "Priya", "Nair", "en", "AE", "1993-08-30", "AE-AUH-01", "S5", 900, 41000
    ),
    DemoOwner(
        "+966501112222",
        "فهد",
        "القحطاني",
        "ar",
        "SA",
        "1985-12-01",
        "SA-RUH-01",
        "T9",
        1900,
        143000,
    ),
    DemoOwner(
        "+5511987654321", "João", "Silva", "pt_BR", "BR", "1982-09-07", "BR-SAO-01", "S5", 200, 9800
    ),
    DemoOwner(
        "+5592991234567", "Ana", "Souza", "pt_BR", "BR", "1996-01-25", "BR-MAO-01", "E3", 700, 30500
    ),
    DemoOwner(
        "+525512345678",
        "María",
        "García López",
        "es",
        "MX",
        "1987-05-19",
        "MX-CDMX-01",
        "X7",
        1200,
        52000,
    ),
    DemoOwner(
        "+528112345678",
        "Luis",
        "Hernández",
        "es",
        "MX",
        "1975-10-10",
        "MX-MTY-01",
        "T9",
        2400,
        188000,
    ),
    DemoOwner(
        "+77011234567",
        "Айгерим",
        "Нурланова",
        "ru",
        "KZ",
        "1990-04-04",
        "KZ-ALA-01",
        "X7",
        260,
        15200,
    ),
    DemoOwner(
        "+77771234567",
        "Дмитрий",
        "Ковалёв",
        "ru",
        "KZ",
        "1980-07-21",
        "KZ-AST-01",
        "S5",
        1500,
        77000,
    ),
    DemoOwner(
        "+447911123456", "Oliver", "Smith", "en", "GB", "1983-02-14", "GB-LON-01", "E3", 330, 11000
    ),
    DemoOwner(
        "+447400123456", "Emma", "Jones", "en", "GB", "1992-12-24", "GB-MAN-01", "S5", 800, 27000
    ),
    DemoOwner(
        "+6281234567890", "Budi", "Santoso", "id", "ID", "1986-08-17", "ID-JKT-01", "X7", 150, 6400
    ),
    DemoOwner(
        "+6281398765432",
        "Siti",
        "Rahmawati",
        "id",
        "ID",
        "1994-03-09",
        "ID-SUB-01",
        "S5",
        1000,
        48000,
    ),
    DemoOwner(
        "+905321234567",
        "Mehmet",
        "Yılmaz",
        "tr",
        "TR",
        "1978-11-29",
        "TR-IST-01",
        "T9",
        1700,
        121000,
    ),
    DemoOwner(
        "+905559876543", "Elif", "Demir", "tr", "TR", "1995-06-01", "TR-ANK-01", "E3", 90, 3200
    ),
    DemoOwner(
        "+4915112345678", "Lukas", "Müller", "de", "DE", "1981-01-31", "DE-BER-01", "X7", 520, 21000
    ),
    DemoOwner(
        "+4917612345678",
        "Anna",
        "Schmidt",
        "de",
        "DE",
        "1989-09-15",
        "DE-MUC-01",
        "E3",
        1300,
        44000,
    ),
    DemoOwner(
        "+60123456789", "美玲", "陈", "zh_Hans", "MY", "1990-10-08", "MY-KUL-01", "S5", 640, 25500
    ),
    DemoOwner(
        "+33612345678", "Camille", "Martin", "fr", "FR", "1987-04-18", "FR-PAR-01", "S5", 300, 14500
    ),
    DemoOwner(
        "+393471234567", "Giulia", "Rossi", "it", "IT", "1985-07-09", "IT-MIL-01", "X7", 610, 28000
    ),
    DemoOwner(
        "+48601234567", "Piotr", "Kowalski", "pl", "PL", "1982-05-23", "PL-WAW-01", "E3", 200, 9800
    ),
    DemoOwner(
        "+60197654321",
        "Nur Aisyah",
        "binti Ahmad",
        "ms",
        "MY",
        "1993-05-17",
        "MY-KUL-01",
        "E3",
        180,
        7600,
    ),
    DemoOwner(
        "+84912345678",
        "Minh Anh",
        "Nguyễn",
        "vi",
        "VN",
        "1989-07-22",
        "VN-SGN-01",
        "X7",
        300,
        14200,
    ),
    DemoOwner(
        "+77051234567",
        "Асқар",
        "Жұмабеков",
        "kk",
        "KZ",
        "1986-09-12",
        "KZ-ALA-01",
        "S5",
        540,
        31000,
    ),
    DemoOwner(
        "+998901234567",
        "Dilnoza",
        "Karimova",
        "uz",
        "UZ",
        "1992-03-21",
        "UZ-TAS-01",
        "X7",
        200,
        9800,
    ),
    DemoOwner(
        "+972528765432", "נועה", "לוי", "he", "IL", "1987-12-10", "IL-TLV-01", "E3", 410, 16500
    ),
)


# Points history per demo phone: (days ago, spendable points, status points, rule).
DEMO_POINTS: dict[str, tuple[tuple[int, int, int, str], ...]] = {
    "+66812345678": (
        (400, 900, 900, "paid_service"),
        (200, 600, 600, "paid_service"),
        (5, 450, 450, "paid_service"),
    ),
    "+66923334455": (
        (700, 1500, 1500, "paid_service"),
        (300, 2600, 2600, "paid_service"),
        (40, 300, 600, "idea_accepted"),
    ),
    "+971501234567": ((350, 2400, 2400, "paid_service"),),
    "+5511987654321": ((150, 800, 800, "paid_service"),),
    "+447911123456": ((720, 1200, 1200, "paid_service"), (100, 400, 400, "paid_service")),
    "+4915112345678": (
        (500, 3000, 3000, "paid_service"),
        (10, 150, 300, "content_accepted"),
    ),
    "+77011234567": ((240, 700, 700, "paid_service"),),
    "+905321234567": ((30, 1100, 1100, "paid_service"),),
    "+6281234567890": ((120, 650, 650, "paid_service"),),
    "+525512345678": ((1, 500, 500, "paid_service"),),
    "+33612345678": ((90, 700, 700, "paid_service"),),
    "+393471234567": ((300, 1400, 1400, "paid_service"), (20, 20, 20, "survey_answered")),
    "+48601234567": ((60, 900, 900, "paid_service"),),
    "+84912345678": ((90, 600, 600, "paid_service"),),
    "+77051234567": ((180, 650, 650, "paid_service"),),
    "+998901234567": ((60, 630, 630, "paid_service"),),
    "+972528765432": ((300, 950, 950, "paid_service"), (20, 550, 550, "paid_service")),
}


DEMO_CHANNEL = "console"
UNLINKED_DEMO_PHONES = frozenset({"+66812345678", "+447400123456"})
DEMO_USER_BASE = 700000  # demo owner n talks as console user 700000 + n
# Days since each demo owner linked their chat (welcome and tips fall due at times).
LINKED_DAYS_AGO = (
    40,
    8,
    1,
    100,
    30,
    200,
    7,
    60,
    3,
    365,
    90,
    14,
    31,
    45,
    2,
    120,
    9,
    500,
    33,
    70,
    6,
    20,
    150,
    11,
    12,
    150,
    4,
    21,
    300,
)


DEMO_ACTOR = "cli:demo"
UPCOMING_PHONE = "+4915112345678"  # Lukas in Berlin
UPCOMING_KEY = "demo-upcoming-1"
RECALL_PHONE = "+66812345678"  # สมชาย in Bangkok
RECALL_CAMPAIGN = "AUR-26-R07"
RECALL_TITLE = "Rear seat belt buckle may not latch securely"
RECALL_TITLES = {
    "th": "หัวเข็มขัดนิรภัยเบาะหลังอาจล็อกไม่แน่น",
    "zh_Hans": "后排安全带卡扣可能无法牢固锁止",
}


@dataclass(frozen=True)
class DemoReferral:
    referrer_phone: str
    friend_name: str
    friend_phone: str
    model: str | None
    dealer: str
    stages: tuple[tuple[int, str], ...]  # (days ago, stage), the recommendation first


# Friends at every stage; their rewards come through the ledger like real ones (Ahmed's
# test drive points, Lukas's delivery, Mehmet's delivery still pending).
DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "+66812345678", "Kittisak Wongsa", "+66812223333", "X7", "TH-BKK-01", ((2, "lead"),)
    ),
    DemoReferral(
        "+66812345678",
        "Pim Chaiyaporn",
        "+66891112222",
        "E3",
        "TH-BKK-01",
        ((12, "lead"), (11, "contacted"), (6, "test_drive_booked")),
    ),
    DemoReferral(
        "+971501234567",
        "خالد الحمادي",
        "+971507654321",
        "X7",
        "AE-DXB-01",
        ((35, "lead"), (33, "contacted"), (28, "test_drive_booked"), (20, "test_drive_done")),
    ),
    DemoReferral(
        "+4915112345678",
        "Jonas Becker",
        "+4915123456789",
        "E3",
        "DE-BER-01",
        (
            (110, "lead"),
            (108, "contacted"),
            (100, "test_drive_booked"),
            (95, "test_drive_done"),
            (80, "order"),
            (60, "delivered"),
        ),
    ),
    DemoReferral(
        "+5511987654321",
        "Carla Mendes",
        "+5511976543210",
        "S5",
        "BR-SAO-01",
        (
            (30, "lead"),
            (29, "contacted"),
            (20, "test_drive_booked"),
            (14, "test_drive_done"),
            (5, "order"),
        ),
    ),
    DemoReferral(
        "+5511987654321",
        "Rafael Costa",
        "+5511965432109",
        None,
        "BR-SAO-01",
        ((40, "lead"), (38, "contacted"), (25, "lost")),
    ),
    DemoReferral(
        "+905321234567",
        "Ayşe Kaya",
        "+905331234567",
        "S5",
        "TR-IST-01",
        (
            (60, "lead"),
            (58, "contacted"),
            (50, "test_drive_booked"),
            (45, "test_drive_done"),
            (30, "order"),
            (5, "delivered"),
        ),
    ),
)

# The advisor in each center's staff chat, for `ownerbot console --chat CHAT --user ID`:
# dealer code -> (console user id, the name colleagues see on cards). Ids mirror the
# chat's: the advisor of staff chat -1001000000101 is console user 900101.
DEMO_ADVISORS: dict[str, tuple[int, str]] = {
    "TH-BKK-01": (900101, "วิชัย"),
    "TH-CNX-01": (900102, "ศิริพร"),
    "AE-DXB-01": (900201, "راشد"),
    "AE-AUH-01": (900202, "Anil"),
    "SA-RUH-01": (900301, "عبدالله"),
    "SA-JED-01": (900302, "سارة"),
    "BR-SAO-01": (900401, "Camila"),
    "BR-MAO-01": (900402, "Rafael"),
    "MX-CDMX-01": (900501, "Alejandro"),
    "MX-MTY-01": (900502, "Fernanda"),
    "KZ-ALA-01": (900601, "Ерлан"),
    "KZ-AST-01": (900602, "Динара"),
    "GB-LON-01": (900701, "Sophie"),
    "GB-MAN-01": (900702, "James"),
    "ID-JKT-01": (900801, "Dewi"),
    "ID-SUB-01": (900802, "Agus"),
    "TR-IST-01": (900901, "Emre"),
    "TR-ANK-01": (900902, "Zeynep"),
    "DE-BER-01": (901001, "Jonas"),
    "DE-MUC-01": (901002, "Katharina"),
    "MY-KUL-01": (901101, "Siti"),
    "FR-PAR-01": (901501, "Julien"),
    "FR-LYS-01": (901502, "Claire"),
    "IT-MIL-01": (901601, "Marco"),
    "IT-ROM-01": (901602, "Francesca"),
    "PL-WAW-01": (901701, "Tomasz"),
    "PL-KRK-01": (901702, "Katarzyna"),
    "VN-SGN-01": (908401, "Thảo"),
    "VN-HAN-01": (908402, "Tuấn"),
    "UZ-TAS-01": (999801, "Jasur"),
    "UZ-SKD-01": (999802, "Malika"),
    "IL-TLV-01": (997201, "אבי"),
    "IL-HFA-01": (997202, "رامي"),
}
