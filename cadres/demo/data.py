"""What the demo cadres are made of: names with their frequencies, ethnic groups by
locality, and per kind of post the ages, schooling and Party membership to expect."""

import bisect
import itertools
import random
import unicodedata
from dataclasses import dataclass, field

from units.demo import POLICE, PROVINCE_EQUIVALENT

from ..models import (
    CadreStatus,
    Education,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Religion,
    StateManagement,
)


class Weighted:
    """A weighted choice, cheap to draw from a million times."""

    def __init__(self, weights: dict):
        self.values = [_nfc_value(value) for value in weights]
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def _nfc_value(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, tuple):
        return tuple(_nfc_value(item) for item in value)
    return value


def _nfc_all(*texts: str) -> list[str]:
    return [unicodedata.normalize("NFC", text) for text in texts]


def _nfc_list(text: str) -> list[str]:
    """A comma-separated list of names."""
    return _nfc_all(*text.split(","))


# Kinh names. Family names follow their national frequencies, with the central coast's
# Huỳnh and Võ where the north has Hoàng and Vũ.
FAMILY_NAMES = Weighted(
    {
        "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 6.5, "Huỳnh": 3.5, "Hoàng": 1.5, "Phan": 4.5,
        "Võ": 3, "Vũ": 1, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1,
        "Lý": 0.5, "Trương": 1.2, "Đinh": 0.8, "Đoàn": 0.8, "Đào": 0.6, "Lâm": 0.5, "Mai": 0.5,
        "Cao": 0.5, "Châu": 0.5, "Lương": 0.4, "Hà": 0.4, "Tô": 0.3, "Thái": 0.3, "Lưu": 0.3,
        "Tạ": 0.2, "Từ": 0.2, "Kiều": 0.1, "Quách": 0.1,
    }
)  # fmt: skip
MIDDLE_NAMES = {
    Gender.MALE: Weighted(
        {
            "Văn": 28, "Minh": 9, "Đức": 7, "Quốc": 6, "Hữu": 6, "Quang": 6, "Công": 5, "Thành": 5,
            "Tấn": 5, "Ngọc": 4, "Hoàng": 4, "Thanh": 4, "Đình": 4, "Xuân": 3, "Trọng": 3, "Duy": 3,
            "Anh": 2, "Nhật": 2, "Gia": 2, "Bảo": 2, "Văn Minh": 1, "Hoàng Minh": 1,
        }
    ),
    Gender.FEMALE: Weighted(
        {
            "Thị": 38, "Ngọc": 8, "Thu": 6, "Thanh": 5, "Kim": 4, "Mỹ": 4, "Hoài": 3, "Bảo": 3,
            "Phương": 3, "Minh": 3, "Hồng": 3, "Thùy": 3, "Khánh": 2, "Diễm": 2, "Quỳnh": 2,
            "Thị Thu": 3, "Thị Kim": 2, "Thị Ngọc": 2, "Thị Mỹ": 2, "Thị Thanh": 2, "Hải": 1,
        }
    ),
}  # fmt: skip
GIVEN_NAMES = {
    Gender.MALE: _nfc_list(
        "Minh,Hùng,Dũng,Tuấn,Nam,Long,Phong,Hải,Sơn,Khoa,Huy,Bảo,Quân,Hiếu,Trung,Thắng,Tài,Lộc,"
        "Phúc,Khánh,Vinh,Đạt,Nhân,Tín,Trí,Thịnh,Hoàng,Thành,Nghĩa,Tâm,Toàn,Kiên,Cường,Hưng,Duy,"
        "Tú,Việt,Lâm,Quý,Thông,Hậu,Sang,Tùng,Vũ,Hiển,Phát,Nhật,Tiến,Linh,An"
    ),
    Gender.FEMALE: _nfc_list(
        "Lan,Hương,Hà,Trang,Linh,Thảo,Ngân,Hằng,Nhung,Vy,Mai,Yến,Phương,Thủy,Hạnh,Trâm,Nhi,"
        "Quyên,Diễm,Hiền,Loan,Oanh,Uyên,Tuyết,Nga,Duyên,Giang,Thư,Ly,Xuân,Ngọc,Huyền,Châu,Tiên,"
        "My,Anh,Vân,Hồng,Thanh,Dung,Liên,Nguyệt,Hoa,Thơm,Trinh,Phượng,Hân,Tâm,Lệ,Bích"
    ),
}

# Central Highlands names. Gia Rai clan names come first ("Rơ Mah H'Hen", "Ksor Y Phăng");
# Ê Đê put the clan last ("H'Hen Niê"); Ba Na, Chăm H'roi and Hrê of Gia Lai and Bình Định
# mostly carry Đinh with Kinh middle names ("Đinh Văn Blứ").
GIA_RAI_CLANS = Weighted(
    {"Rơ Mah": 20, "Ksor": 20, "Siu": 15, "Rơ Lan": 10, "Nay": 10, "Kpă": 8, "Rơ Châm": 6, "Puih": 5,
     "Rah Lan": 3, "Kpuih": 3}
)  # fmt: skip
EDE_CLANS = Weighted({"Niê": 30, "Êban": 15, "Mlô": 15, "Ksơr": 10, "Byă": 10, "Adrơng": 10, "Hmok": 10})
HIGHLAND_FAMILY = Weighted({"Đinh": 75, "Phạm": 7, "Lê": 7, "Nguyễn": 6, "Trương": 5})
NORTHERN_MINORITY_FAMILY = Weighted({"Nông": 30, "Hoàng": 20, "Lương": 10, "Bùi": 25, "Đinh": 15})
HIGHLAND_ETHNICITIES = {"Gia Rai", "Ê Đê", "Ba Na", "Chăm", "Hrê"}
HIGHLAND_GIVEN = {
    Gender.MALE: _nfc_list(
        "Phăng,Blưm,Hlơi,Đoan,Thuih,Hyuh,Khoan,Chương,Hin,Vơn,Krứ,Tuyn,Blin,Yơn,Mlơ,Brơm,Sim,"
        "Nhít,Blứ,Nhơn,Hyưn,Gơh,Byơ,Yuh,Hrel,Klơ,Rin,Tơ,Thuận,Hiếu"
    ),
    Gender.FEMALE: _nfc_list(
        "Hen,Hlinh,Blơn,Hnhin,Bliu,Krang,Nhi,Phiơ,Mai,Jen,Lơi,Bưk,Yơn,Byă,Hoan,Nguyên,Thuyên,"
        "Plưi,Hnim,Blin,Đá,Rin,Huê,Luyn"
    ),
}
ETHNIC_MIXES = {
    "highland": Weighted({"Gia Rai": 72, "Ba Na": 14, "Ê Đê": 5, "Tày": 4, "Mường": 3, "Nùng": 2}),
    "ayun": Weighted({"Gia Rai": 80, "Ê Đê": 20}),
    "bana": Weighted({"Ba Na": 85, "Gia Rai": 15}),
    "coast": Weighted({"Ba Na": 35, "Chăm": 30, "Hrê": 25, "Tày": 5, "Mường": 5}),
}
# Share of ethnic-minority cadres by base unit (their chi đoàn follow them) and the mix.
MINORITY_SHARES = {
    "Đoàn phường Pleiku": (0.05, "highland"),
    "Đoàn phường Hội Phú": (0.06, "highland"),
    "Đoàn phường Thống Nhất": (0.08, "highland"),
    "Đoàn phường Diên Hồng": (0.05, "highland"),
    "Đoàn phường An Khê": (0.06, "bana"),
    "Đoàn phường Ayun Pa": (0.26, "ayun"),
    "Đoàn xã Vân Canh": (0.26, "coast"),
    "Đoàn xã Ia Grai": (0.29, "highland"),
    "Đoàn xã Chư Sê": (0.22, "highland"),
    "Đoàn xã Kbang": (0.26, "bana"),
    "Đoàn xã Đak Pơ": (0.22, "bana"),
    "Đoàn xã Krông Pa": (0.32, "ayun"),
    "Đoàn xã Ia Pa": (0.32, "ayun"),
    "Đoàn trường THPT Pleiku": (0.06, "highland"),
    "Đoàn cơ sở Công ty TNHH MTV Cao su Chư Păh": (0.19, "highland"),
    "Đoàn Thanh niên Tổng Công ty Điện lực miền Trung – Điện lực Gia Lai": (0.05, "highland"),
    "Tỉnh đoàn Gia Lai": (0.05, "highland"),
    POLICE: (0.04, "highland"),
    PROVINCE_EQUIVALENT: (0.04, "highland"),
}
DEFAULT_MINORITY_SHARE = (0.015, "coast")
# Units of the former Gia Lai province (CCCD code 064); the rest were Bình Định (052).
FORMER_GIA_LAI = {
    "Đoàn phường Pleiku", "Đoàn phường Hội Phú", "Đoàn phường Thống Nhất", "Đoàn phường Diên Hồng",
    "Đoàn phường An Khê", "Đoàn phường Ayun Pa", "Đoàn xã Ia Grai", "Đoàn xã Chư Sê", "Đoàn xã Kbang",
    "Đoàn xã Đak Pơ", "Đoàn xã Krông Pa", "Đoàn xã Ia Pa", "Đoàn trường THPT Pleiku",
    "Đoàn cơ sở Công ty TNHH MTV Cao su Chư Păh",
    "Đoàn Thanh niên Tổng Công ty Điện lực miền Trung – Điện lực Gia Lai",
}  # fmt: skip
# Birth provinces outside Gia Lai: CCCD code, name. Many highland families came from the north.
OTHER_PROVINCES = Weighted(
    {
        ("051", "tỉnh Quảng Ngãi"): 3, ("066", "tỉnh Đắk Lắk"): 3, ("048", "thành phố Đà Nẵng"): 2,
        ("040", "tỉnh Nghệ An"): 3, ("042", "tỉnh Hà Tĩnh"): 2, ("038", "tỉnh Thanh Hóa"): 2,
        ("033", "tỉnh Hưng Yên"): 1, ("079", "Thành phố Hồ Chí Minh"): 1, ("001", "Thành phố Hà Nội"): 1,
    }
)  # fmt: skip
VILLAGES = _nfc_list(
    "Plei Ốp,Plei Breng,Plei Thơ Ga,Làng Kép,Plei Pông,Plei Ring,Làng Đê Kjiêng,Plei Kông Hađăk"
)
RELIGIONS = {
    False: Weighted(
        {
            Religion.NONE: 84,
            Religion.BUDDHISM: 9,
            Religion.CATHOLIC: 5,
            Religion.PROTESTANT: 1,
            Religion.CAO_DAI: 1,
        }
    ),
    True: Weighted({Religion.NONE: 45, Religion.PROTESTANT: 38, Religion.CATHOLIC: 17}),
}
MAJORS = _nfc_list(
    "Luật,Kinh tế,Quản trị kinh doanh,Kế toán,Công tác xã hội,Chính trị học,"
    "Xây dựng Đảng và chính quyền nhà nước,Quản lý nhà nước,Công nghệ thông tin,Ngôn ngữ Anh,"
    "Nông học,Quản lý đất đai,Hành chính học,Văn hóa học,Tài chính – Ngân hàng,Quản trị dịch vụ du lịch"
)
TEACHER_MAJORS = _nfc_list(
    "Sư phạm Ngữ văn,Sư phạm Toán học,Sư phạm Lịch sử,Giáo dục chính trị,Sư phạm Tiếng Anh"
)

# Commendations: form, issuer ("{unit}": the cadre's own base unit), decision suffix.
COMMENDATIONS = Weighted(
    {
        ("Bằng khen", "Ban Chấp hành Trung ương Đoàn TNCS Hồ Chí Minh", "QĐ/TWĐTN"): 5,
        ("Bằng khen", "Ban Chấp hành Tỉnh đoàn Gia Lai", "QĐ/TĐTN"): 40,
        ("Giấy khen", "Ban Thường vụ Tỉnh đoàn Gia Lai", "QĐ/TĐTN"): 20,
        ("Giấy khen", "Ban Chấp hành {unit}", "QĐ/ĐTN"): 25,
        ("Bằng khen", "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai", "QĐ-UBND"): 6,
        ("Huy hiệu Tuổi trẻ sáng tạo", "Ban Chấp hành Trung ương Đoàn TNCS Hồ Chí Minh", "QĐ/TWĐTN"): 2,
    }
)
COMMENDATION_REASONS = _nfc_all(
    "Đã có thành tích xuất sắc trong công tác Đoàn và phong trào thanh thiếu nhi năm {year}",
    "Đã có thành tích xuất sắc trong Chiến dịch Thanh niên tình nguyện hè năm {year}",
    "Đã có thành tích xuất sắc trong phong trào “Tuổi trẻ sáng tạo” năm {year}",
    "Đã có thành tích tiêu biểu trong phong trào “Bình dân học vụ số” năm {year}",
)
DISCIPLINES = [
    _nfc_all("Khiển trách", "Chưa hoàn thành nhiệm vụ được giao, chậm triển khai các chỉ tiêu năm {year}."),
    _nfc_all("Khiển trách", "Vi phạm chế độ thông tin, báo cáo của tổ chức Đoàn năm {year}."),
    _nfc_all("Cảnh cáo", "Vi phạm quy định về quản lý tài chính, tài sản của tổ chức Đoàn."),
]
LEAVING = {
    CadreStatus.TRANSFERRED: _nfc_all(
        "Chuyển công tác sang Ủy ban nhân dân {commune}",
        "Được điều động sang Ủy ban Mặt trận Tổ quốc Việt Nam {commune}",
        "Chuyển công tác về Văn phòng Đảng ủy {commune}",
    ),
    CadreStatus.RESIGNED: _nfc_all(
        "Nghỉ việc theo nguyện vọng cá nhân",
        "Nghỉ việc theo Nghị định 178/2024/NĐ-CP khi sắp xếp tổ chức bộ máy",
    ),
    CadreStatus.MATURED: _nfc_all("Trưởng thành Đoàn, hết tuổi đảm nhiệm theo quy định"),
}
LEAVING_STATUSES = Weighted({CadreStatus.TRANSFERRED: 45, CadreStatus.RESIGNED: 20, CadreStatus.MATURED: 35})

# The demo users are on the roster too.
TINHDOAN = ("Nguyễn Thị Thu Hà", Gender.FEMALE)
XA = ("Trần Văn Minh", Gender.MALE)
LANHDAO = ("Lê Hoàng Nam", Gender.MALE)


@dataclass(frozen=True)
class Profile:
    """What cadres of one kind of post look like: ages, schooling, Party share…"""

    ages: tuple[int, int]
    education: Weighted
    theory: Weighted
    party: float
    female: float = 0.44
    commended: float = 0.3
    school_staff: bool = False
    student: bool = False
    state: Weighted = field(default_factory=lambda: Weighted({StateManagement.NONE: 1}))


E, T, S = Education, PoliticalTheory, StateManagement
PROFILES = {
    "p_head": Profile(
        ages=(35, 40),
        education=Weighted({E.BACHELOR: 55, E.MASTER: 45}),
        theory=Weighted({T.ADVANCED: 70, T.BACHELOR: 10, T.INTERMEDIATE: 20}),
        party=1,
        female=0.3,
        commended=0.9,
        state=Weighted({S.OFFICER: 40, S.PRINCIPAL: 60}),
    ),
    "p_deputy": Profile(
        ages=(31, 37),
        education=Weighted({E.BACHELOR: 65, E.MASTER: 35}),
        theory=Weighted({T.ADVANCED: 45, T.INTERMEDIATE: 55}),
        party=1,
        female=0.4,
        commended=0.8,
        state=Weighted({S.OFFICER: 70, S.PRINCIPAL: 30}),
    ),
    "p_standing": Profile(
        ages=(29, 36),
        education=Weighted({E.BACHELOR: 75, E.MASTER: 25}),
        theory=Weighted({T.ADVANCED: 20, T.INTERMEDIATE: 70, T.ELEMENTARY: 10}),
        party=1,
        commended=0.6,
        state=Weighted({S.NONE: 20, S.OFFICER: 80}),
    ),
    "p_staff": Profile(
        ages=(23, 34),
        education=Weighted({E.BACHELOR: 80, E.MASTER: 12, E.COLLEGE: 8}),
        theory=Weighted({T.INTERMEDIATE: 20, T.ELEMENTARY: 55, T.NONE: 25}),
        party=0.6,
        state=Weighted({S.NONE: 40, S.OFFICER: 60}),
    ),
    # Bí thư of a province-level unit: the province standard (LLCT cao cấp) is often not met yet.
    "q_head": Profile(
        ages=(30, 38),
        education=Weighted({E.BACHELOR: 70, E.MASTER: 30}),
        theory=Weighted({T.ADVANCED: 30, T.INTERMEDIATE: 70}),
        party=1,
        female=0.4,
        commended=0.7,
        state=Weighted({S.NONE: 30, S.OFFICER: 70}),
    ),
    "b_head": Profile(
        ages=(26, 34),
        education=Weighted({E.BACHELOR: 70, E.MASTER: 4, E.COLLEGE: 12, E.INTERMEDIATE: 10, E.NONE: 4}),
        theory=Weighted({T.INTERMEDIATE: 50, T.ELEMENTARY: 45, T.NONE: 5}),
        party=0.9,
        female=0.35,
        commended=0.6,
        state=Weighted({S.NONE: 60, S.OFFICER: 40}),
    ),
    "b_deputy": Profile(
        ages=(24, 34),
        education=Weighted({E.BACHELOR: 60, E.COLLEGE: 15, E.INTERMEDIATE: 15, E.NONE: 10}),
        theory=Weighted({T.INTERMEDIATE: 25, T.ELEMENTARY: 60, T.NONE: 15}),
        party=0.7,
        female=0.45,
        commended=0.45,
    ),
    "b_standing": Profile(
        ages=(23, 33),
        education=Weighted({E.BACHELOR: 50, E.COLLEGE: 15, E.INTERMEDIATE: 20, E.NONE: 15}),
        theory=Weighted({T.INTERMEDIATE: 10, T.ELEMENTARY: 60, T.NONE: 30}),
        party=0.6,
    ),
    "b_member": Profile(
        ages=(20, 32),
        education=Weighted({E.BACHELOR: 40, E.COLLEGE: 15, E.INTERMEDIATE: 20, E.ELEMENTARY: 5, E.NONE: 20}),
        theory=Weighted({T.INTERMEDIATE: 3, T.ELEMENTARY: 47, T.NONE: 50}),
        party=0.42,
    ),
    "c_head": Profile(
        ages=(20, 32),
        education=Weighted({E.BACHELOR: 35, E.COLLEGE: 15, E.INTERMEDIATE: 20, E.ELEMENTARY: 5, E.NONE: 25}),
        theory=Weighted({T.ELEMENTARY: 40, T.NONE: 60}),
        party=0.5,
    ),
    "c_member": Profile(
        ages=(19, 30),
        education=Weighted({E.BACHELOR: 30, E.COLLEGE: 15, E.INTERMEDIATE: 20, E.ELEMENTARY: 5, E.NONE: 30}),
        theory=Weighted({T.ELEMENTARY: 25, T.NONE: 75}),
        party=0.33,
        female=0.46,
        commended=0.2,
    ),
    # Teachers and staff acting as school Youth Union cadres: a standard of their own.
    "teacher": Profile(
        ages=(25, 36),
        education=Weighted({E.BACHELOR: 80, E.MASTER: 12, E.COLLEGE: 8}),
        theory=Weighted({T.ELEMENTARY: 50, T.INTERMEDIATE: 15, T.NONE: 35}),
        party=0.7,
        female=0.5,
        commended=0.5,
        school_staff=True,
    ),
    "student": Profile(
        ages=(19, 23),
        education=Weighted({E.NONE: 1}),
        theory=Weighted({T.NONE: 85, T.ELEMENTARY: 15}),
        party=0.08,
        female=0.5,
        commended=0.15,
        student=True,
    ),
}
del E, T, S
# Profile of an extra, ordinary member of the same unit (cadres beyond the staffing plan).
MEMBER_PROFILES = {"p_head": "p_staff", "p_deputy": "p_staff", "p_standing": "p_staff", "q_head": "b_member"}
CATEGORIES = Weighted({"normal": 90, "near": 7, "over": 3})  # against the holding age limit
PREVIOUS_POSTS = Weighted({0: 35, 1: 40, 2: 25})  # earlier, closed appointments
IT_LEVELS = Weighted({ItLevel.NONE: 15, ItLevel.BASIC: 70, ItLevel.ADVANCED: 15})
ENGLISH_LEVELS = Weighted(
    {LanguageLevel.A2: 30, LanguageLevel.B1: 50, LanguageLevel.B2: 15, LanguageLevel.C1: 5}
)
COMMENDATION_COUNTS = Weighted({1: 60, 2: 30, 3: 10})
