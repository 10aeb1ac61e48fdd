"""Demo data of the reports app (``seed_demo`` calls ``seed`` last, after the units, the accounts,
the cadres, the succession plans, the courses and the field work): the demo province's yearly
cadre-work plans (Kế hoạch công tác cán bộ, DOMAIN.md §9), counted from the demo's day
(``cadres.demo.demo_anchor``), so that a re-run months later finds the same plans:

- this year's plan of the province (Tỉnh đoàn Gia Lai), issued in January, with its full text
  (basis, sections I, III and IV in the plan markup of ``reports.markup``), eleven targets over
  the metric catalogue (``reports.metrics``) of which the demo data meet some and miss others,
  a steering group of the province office's leaders and a deadline for the units below;
- last year's plan, shorter, with five targets and its year-end report written: what "copy from
  last year" starts from;
- the plans of three wards directly below the province answering this year's plan, their targets
  copied from the province's (``Target.source``): the demo commune's (``xa``) drafted and not yet
  sent (``xa`` sends it), the next ward's sent on time, the third's late.

Everything is made with a handful of queries whatever the size of the roster: the cadres named
(the steering group, the signers) come from short, ordered, limited queries. A plan found again
by unit and year is left alone, and so are its targets and steering group once it has them: a
re-run adds what is missing (a steering group when the first run had no cadres yet) and never
duplicates or overwrites what a user changed in the demo.
"""

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from cadres.demo import demo_anchor
from cadres.models import Appointment, AppointmentKind, Cadre, Unit
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR
from common.models import change_reason
from common.pdf import document_place, issuer_name
from common.text import normalize_text_fields
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.models import UnitKind
from units.scope import subtree_condition

from .models import AnnualPlan, Comparison, PlanStatus, SteeringMember, SteeringRole, Target

PLAN_NUMBER = "08-KH/TĐTN-TCKT"
LAST_PLAN_NUMBER = "05-KH/TĐTN-TCKT"
LAST_REPORT_NUMBER = "286-BC/TĐTN-TCKT"
ISSUED = (1, 12)  # month, day: this year's plan
LAST_ISSUED = (1, 14)  # last year's
LAST_REPORTED = (12, 15)  # last year's year-end report
DEADLINE = (2, 10)  # the units below send their plans by this day
SUBJECT = "Công tác cán bộ Đoàn – Hội – Đội năm {year}"
NEW_PLAN = "Tạo kế hoạch mới"  # the history reason of reports.services.plan_create
CONGRESS_TERMS = "nhiệm kỳ 2022 – 2027 và nhiệm kỳ 2027 – 2032"

# --- The province's plan --------------------------------------------------------------------------

BASIS = (
    "Căn cứ Quy chế cán bộ Đoàn TNCS Hồ Chí Minh ban hành kèm theo Quyết định số 289-QĐ/TW ngày "
    "08/02/2010 của Ban Bí thư Trung ương Đảng; Hướng dẫn số 03-HD/TWĐTN-BTC ngày 21/3/2018 của Ban "
    "Bí thư Trung ương Đoàn về thực hiện chế độ “1+2” đối với cán bộ Đoàn chuyên trách; căn cứ Chương "
    "trình công tác Đoàn và phong trào thanh thiếu nhi tỉnh Gia Lai năm {year}, Ban Thường vụ Tỉnh đoàn "
    "xây dựng Kế hoạch công tác cán bộ Đoàn – Hội – Đội năm {year} với những nội dung cụ thể sau:"
)

PURPOSE = """\
1. Mục đích:

- Cụ thể hóa nhiệm vụ công tác cán bộ năm {year}, tiếp tục xây dựng đội ngũ cán bộ Đoàn – Hội – Đội \
toàn tỉnh có bản lĩnh chính trị vững vàng, phẩm chất đạo đức trong sáng, năng lực thực tiễn tốt, đáp \
ứng yêu cầu nhiệm vụ sau khi sắp xếp tổ chức bộ máy và đơn vị hành chính các cấp.

- Làm căn cứ để các cơ sở Đoàn trực thuộc xây dựng kế hoạch công tác cán bộ của đơn vị; gắn quy hoạch \
với đào tạo, bồi dưỡng, luân chuyển, bố trí và đánh giá cán bộ, chuẩn bị nguồn nhân sự cho đại hội Đoàn \
các cấp {next_term}.

2. Yêu cầu:

- Bám sát chủ trương của cấp ủy và hướng dẫn của Trung ương Đoàn; triển khai đồng bộ, thống nhất từ \
tỉnh đến cơ sở, phù hợp với đặc điểm của từng khu vực, địa bàn.

- Mỗi chỉ tiêu phải cụ thể, đo đếm được; kết quả được theo dõi, đánh giá từ dữ liệu cán bộ cập nhật \
thường xuyên, đầy đủ, chính xác trên phần mềm quản lý cán bộ Đoàn.

- Chủ động tham mưu cấp ủy, chính quyền cùng cấp tạo điều kiện về cơ chế, chính sách; phát huy tinh \
thần tự học, tự rèn luyện của mỗi cán bộ Đoàn."""

TARGETS_INTRO = "Phấn đấu đến ngày 31/12/{year}, toàn tỉnh đạt các chỉ tiêu sau:"

CONTENT = """\
1. Công tác quy hoạch và tạo nguồn cán bộ:

1.1. Cấp tỉnh:

- Rà soát, bổ sung quy hoạch Ban Chấp hành, Ban Thường vụ và các chức danh chủ chốt Tỉnh đoàn \
{terms}; bảo đảm mỗi chức danh chủ chốt có ít nhất 02 cán bộ trong quy hoạch, ưu tiên cán bộ nữ, \
cán bộ trẻ và cán bộ người dân tộc thiểu số.

- Theo dõi, phát hiện nguồn cán bộ từ đội ngũ Bí thư Đoàn xã, phường có thành tích nổi bật, cán bộ \
Đoàn trường học và sinh viên tiêu biểu sắp tốt nghiệp (*có nguyện vọng gắn bó lâu dài với công tác \
Đoàn*) để giới thiệu làm cộng tác viên các ban Tỉnh đoàn.

- Kịp thời kiện toàn nhân sự Ban Chấp hành, Ban Thường vụ, Ủy ban Kiểm tra Tỉnh đoàn khi khuyết; tham \
mưu Ban Thường vụ Tỉnh ủy về việc bố trí, sử dụng cán bộ Đoàn trưởng thành.

1.2. Cấp cơ sở:

- 100% Đoàn xã, phường xây dựng kế hoạch công tác cán bộ năm {year} của đơn vị, gửi Ban Thường vụ \
Tỉnh đoàn đúng thời hạn.

- Rà soát, bổ sung quy hoạch Bí thư, Phó Bí thư Đoàn cơ sở; chú trọng tạo nguồn từ cán bộ chi đoàn \
thôn, tổ dân phố, chỉ huy Đội trưởng thành và cán bộ Đoàn các trường trung học phổ thông.

- Các cơ sở Đoàn khu vực trường học, doanh nghiệp, lực lượng vũ trang có giải pháp riêng về tạo nguồn \
và giới thiệu cán bộ Đoàn trưởng thành về sinh hoạt tại địa bàn dân cư.

2. Công tác đào tạo, bồi dưỡng cán bộ:

2.1. Cấp tỉnh:

- Tổ chức học tập, quán triệt nghị quyết đại hội Đảng các cấp, Nghị quyết Đại hội Đoàn toàn quốc và \
chuyên đề năm {year} cho cán bộ Đoàn các cấp, kết hợp hội nghị trực tuyến đến các điểm cầu xã, phường.

- Phối hợp Trường Chính trị tỉnh mở lớp trung cấp lý luận chính trị – hành chính cho cán bộ Đoàn trong \
quy hoạch; cử cán bộ tham gia các lớp đào tạo, bồi dưỡng của Học viện Thanh thiếu niên Việt Nam.

- Mở các lớp bồi dưỡng theo chức danh:

+ Bí thư, Phó Bí thư Đoàn xã, phường mới nhận nhiệm vụ;

+ Tổng phụ trách Đội, giáo viên làm công tác Đoàn trong trường học;

+ Cán bộ làm công tác tổ chức, kiểm tra của Đoàn cơ sở.

- Mở lớp tiếng Anh bậc 3 (B1) và tập huấn kỹ năng số, chuyển đổi số; **khuyến khích** cán bộ tự học, \
dự thi lấy chứng chỉ ngoại ngữ, tin học.

- Duy trì nền nếp chế độ “1+2”: mỗi cán bộ cơ quan chuyên trách Tỉnh đoàn đi cơ sở ít nhất 60 ngày \
trong năm.

2.2. Cấp cơ sở:

- Rà soát nhu cầu đào tạo; ưu tiên giới thiệu cán bộ trong quy hoạch tham gia lớp sơ cấp, trung cấp \
lý luận chính trị, trung cấp thanh niên.

- Tổ chức cho cán bộ Đoàn tại đơn vị học tập nghị quyết, chuyên đề năm {year}; mỗi cán bộ viết bài \
thu hoạch.

- Tổ chức hội thi “Bí thư Chi đoàn giỏi” cấp cơ sở, chọn thí sinh tiêu biểu dự hội thi cấp tỉnh.

3. Công tác nhận xét, đánh giá, luân chuyển, bố trí và đề bạt cán bộ:

3.1. Cấp tỉnh:

- Đánh giá, xếp loại cán bộ cơ quan chuyên trách Tỉnh đoàn năm {year} theo bộ tiêu chí đã ban hành; \
**kết quả đi cơ sở theo chế độ “1+2”** là một tiêu chí đánh giá.

- Cử cán bộ trẻ của cơ quan Tỉnh đoàn tăng cường về cơ sở từ 03 tháng trở lên, ưu tiên các xã khó \
khăn, biên giới; luân chuyển cán bộ giữa các ban để rèn luyện toàn diện.

- Bố trí, đề bạt cán bộ đúng quy trình, tiêu chuẩn; cán bộ mới được bầu, bổ nhiệm được bồi dưỡng \
theo chức danh ngay trong năm.

3.2. Cấp cơ sở:

- Chủ động tham mưu cấp ủy bố trí cán bộ Đoàn đủ tiêu chuẩn; giới thiệu cán bộ Đoàn trưởng thành \
sang công tác tại chính quyền, Mặt trận và các đoàn thể.

- Nhận xét, đánh giá cán bộ Đoàn cuối năm gắn với kết quả thực hiện nhiệm vụ và các chỉ tiêu của kế \
hoạch này.

- Đoàn các trường trung học phổ thông theo dõi, giới thiệu cán bộ Đoàn, chỉ huy Đội tiêu biểu khi vào \
đại học, cao đẳng (*qua phiếu giới thiệu cán bộ Đoàn*)."""

STEERING_DUTIES = (
    "Chỉ đạo, kiểm tra việc triển khai kế hoạch; cụ thể hóa các nội dung thành giải pháp theo từng "
    "quý; định kỳ 6 tháng đánh giá tiến độ thực hiện các chỉ tiêu, đề xuất Ban Thường vụ Tỉnh đoàn "
    "điều chỉnh khi cần thiết."
)

ORGANISATION = """\
1. Ban Tổ chức – Kiểm tra Tỉnh đoàn:

- Là cơ quan thường trực của Ban Chỉ đạo; tham mưu triển khai, theo dõi, đôn đốc thực hiện kế hoạch; \
hướng dẫn các cơ sở Đoàn xây dựng kế hoạch của đơn vị.

- Cập nhật dữ liệu cán bộ trên phần mềm quản lý cán bộ Đoàn; tổng hợp kết quả thực hiện các chỉ tiêu, \
báo cáo Ban Thường vụ Tỉnh đoàn trước ngày 15/12/{year}.

2. Các ban, đơn vị trực thuộc Tỉnh đoàn:

- Căn cứ chức năng, nhiệm vụ, phối hợp triển khai các nội dung liên quan; đăng ký lịch đi cơ sở của \
cán bộ theo chế độ “1+2” hằng tháng.

3. Các cơ sở Đoàn trực thuộc Tỉnh đoàn:

- Xây dựng kế hoạch công tác cán bộ năm {year} từ hệ thống chỉ tiêu của kế hoạch này, phù hợp đặc \
điểm của đơn vị, gửi trên phần mềm quản lý cán bộ Đoàn.

- Báo cáo kết quả thực hiện lồng ghép trong báo cáo tổng kết công tác Đoàn và phong trào thanh thiếu \
nhi năm {year}.

Trên đây là Kế hoạch công tác cán bộ Đoàn – Hội – Đội năm {year} của Ban Thường vụ Tỉnh đoàn; đề nghị \
các ban, đơn vị trực thuộc và các cơ sở Đoàn nghiêm túc triển khai thực hiện./."""

RECIPIENTS = [
    "Ban Tổ chức Trung ương Đoàn (b/c)",
    "Thường trực Tỉnh ủy (b/c)",
    "Ban Tổ chức Tỉnh ủy (b/c)",
    "Các đ/c Ủy viên Ban Chấp hành Tỉnh đoàn",
    "Các ban, đơn vị trực thuộc Tỉnh đoàn",
    "Các cơ sở Đoàn trực thuộc",
    "Lưu VP, TCKT",
]

# --- Last year's plan -----------------------------------------------------------------------------

LAST_BASIS = (
    "Căn cứ Quy chế cán bộ Đoàn TNCS Hồ Chí Minh ban hành kèm theo Quyết định số 289-QĐ/TW ngày "
    "08/02/2010 của Ban Bí thư Trung ương Đảng; thực hiện Chương trình công tác Đoàn và phong trào "
    "thanh thiếu nhi tỉnh năm {year}, Ban Thường vụ Tỉnh đoàn ban hành Kế hoạch công tác cán bộ Đoàn – "
    "Hội – Đội năm {year} như sau:"
)

LAST_PURPOSE = """\
1. Mục đích:

- Nâng cao chất lượng đội ngũ cán bộ Đoàn các cấp, chuẩn bị nguồn cán bộ cho việc sắp xếp tổ chức \
Đoàn sau khi hợp nhất đơn vị hành chính.

2. Yêu cầu:

- Triển khai thống nhất từ tỉnh đến cơ sở; các chỉ tiêu cụ thể, theo dõi được trong năm."""

LAST_CONTENT = """\
1. Công tác quy hoạch và tạo nguồn cán bộ:

- Rà soát quy hoạch các chức danh chủ chốt Tỉnh đoàn và Đoàn cơ sở; chuẩn bị phương án nhân sự khi \
sắp xếp tổ chức Đoàn cấp xã.

2. Công tác đào tạo, bồi dưỡng cán bộ:

- Mở lớp bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở; phối hợp mở lớp trung cấp lý luận chính \
trị – hành chính và lớp tiếng Anh bậc 3 (B1) cho cán bộ Đoàn.

3. Công tác đánh giá, bố trí cán bộ:

- Đánh giá, xếp loại cán bộ cuối năm; bố trí cán bộ Đoàn các xã, phường mới bảo đảm số lượng, cơ cấu."""

LAST_ORGANISATION = """\
- Ban Tổ chức – Kiểm tra Tỉnh đoàn theo dõi, đôn đốc, tổng hợp kết quả thực hiện kế hoạch.

- Các cơ sở Đoàn trực thuộc căn cứ kế hoạch, triển khai thực hiện tại đơn vị."""

LAST_ASSESSMENT = """\
- Các cơ sở Đoàn triển khai kế hoạch nghiêm túc; công tác đào tạo, bồi dưỡng đạt và vượt nhiều \
chỉ tiêu, nhất là bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở và đào tạo trung cấp lý luận \
chính trị.

- Việc sắp xếp tổ chức Đoàn sau hợp nhất đơn vị hành chính làm nhiều cơ sở chậm kiện toàn cán bộ; \
một số chỉ tiêu về trình độ chuyên môn của Bí thư Đoàn cơ sở chưa đạt."""

LAST_NEXT_STEPS = """\
- Kiện toàn đội ngũ cán bộ Đoàn các xã, phường mới; bổ sung quy hoạch nhiệm kỳ 2027 – 2032.

- Tiếp tục đào tạo lý luận chính trị, ngoại ngữ, kỹ năng số; duy trì chế độ “1+2”."""

# --- The wards' plans -----------------------------------------------------------------------------

LOWER_BASIS = (
    "Thực hiện Kế hoạch số {upper_number} ngày {upper_issued} của Ban Thường vụ Tỉnh đoàn về công tác "
    "cán bộ Đoàn – Hội – Đội năm {year}, Ban Thường vụ Đoàn {words} xây dựng kế hoạch thực hiện tại "
    "đơn vị như sau:"
)

LOWER_PURPOSE = """\
1. Mục đích:

- Cụ thể hóa các chỉ tiêu, nhiệm vụ công tác cán bộ năm {year} của Tỉnh đoàn phù hợp với tình hình \
{words}; xây dựng đội ngũ cán bộ Đoàn phường, chi đoàn tổ dân phố đủ số lượng, vững vàng về chính trị.

2. Yêu cầu:

- Phân công rõ người, rõ việc; các chi đoàn trực thuộc triển khai nghiêm túc, báo cáo kết quả đúng \
thời gian."""

LOWER_CONTENT = """\
1. Công tác quy hoạch và tạo nguồn cán bộ:

- Rà soát, bổ sung quy hoạch Bí thư, Phó Bí thư Đoàn phường; phát hiện nguồn cán bộ từ Bí thư chi \
đoàn tổ dân phố và đoàn viên tiêu biểu.

2. Công tác đào tạo, bồi dưỡng cán bộ:

- Cử cán bộ trong quy hoạch dự lớp sơ cấp, trung cấp lý luận chính trị; tổ chức cho cán bộ Đoàn \
phường học tập nghị quyết, chuyên đề năm {year}.

- Tham gia đầy đủ các lớp bồi dưỡng chức danh, tập huấn kỹ năng số do Tỉnh đoàn tổ chức.

3. Công tác đánh giá, bố trí cán bộ:

- Nhận xét, đánh giá cán bộ Đoàn cuối năm; tham mưu Đảng ủy phường bố trí cán bộ Đoàn trưởng thành."""

LOWER_ORGANISATION = """\
- Ban Thường vụ Đoàn phường phân công đồng chí Phó Bí thư theo dõi, đôn đốc thực hiện kế hoạch, \
tổng hợp kết quả báo cáo Tỉnh đoàn.

- Các chi đoàn trực thuộc căn cứ kế hoạch, triển khai thực hiện tại chi đoàn."""

LOWER_RECIPIENTS = [
    "Ban Thường vụ Tỉnh đoàn (b/c)",
    "Thường trực Đảng ủy phường (b/c)",
    "Các chi đoàn trực thuộc",
    "Lưu VP",
]


@dataclass(frozen=True)
class LowerPlan:
    """A ward's plan answering the province's: its number and dates (month, day, hour, minute)."""

    number: str
    issued: tuple[int, int]
    submitted: tuple[int, int, int, int] | None  # None: a draft not yet sent
    editor: str = ""  # the demo user who wrote it, if the ward has one


# The demo commune's plan first (a draft its editor sends), then a ward's on time, then one late.
LOWER_PLANS = [
    LowerPlan("", (2, 4), None, editor=COMMUNE_EDITOR),
    LowerPlan("03-KH/ĐTN", (2, 5), (2, 6, 15, 20)),
    LowerPlan("02-KH/ĐTN", (2, 23), (2, 24, 9, 5)),
]

# --- The targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSpec:
    """A target of section II. ``lower_goal`` and ``lower_text`` are what the wards' copies say
    (a count scaled to a ward); ``lower=False``: the wards drop it (the province office's own)."""

    text: str
    metric: str
    params: dict = field(default_factory=dict)
    goal: int = 100
    comparison: str = Comparison.AT_LEAST
    lower: bool = True
    lower_goal: int | None = None
    lower_text: str = ""


COMMUNES = [UnitKind.COMMUNE.value, UnitKind.WARD.value]
ALL_LEVELS = {"employment": [], "unit_levels": []}

TARGETS = [
    TargetSpec(
        "Ít nhất 75% cán bộ Đoàn các cấp được học tập, quán triệt nghị quyết đại hội Đảng các cấp, "
        "Nghị quyết Đại hội Đoàn toàn quốc và chuyên đề năm {year}",
        "resolution_study_share",
        ALL_LEVELS,
        goal=75,
    ),
    TargetSpec(
        "100% Bí thư Đoàn xã, phường đạt trình độ đại học trở lên",
        "secretary_degree_share",
        {"positions": ["bi-thu"], "unit_kinds": COMMUNES, "min_education": 4},
    ),
    TargetSpec(
        "Ít nhất 80% Bí thư, Phó Bí thư Đoàn xã, phường mới nhận nhiệm vụ được bồi dưỡng theo chức danh",
        "title_training_share",
        {"positions": ["bi-thu", "pho-bi-thu"], "unit_kinds": COMMUNES},
        goal=80,
    ),
    TargetSpec(
        "Ít nhất 40 cán bộ Đoàn được đào tạo trung cấp, cao cấp lý luận chính trị, trung cấp thanh niên "
        "hoặc chức danh Tổng phụ trách Đội",
        "course_completions",
        {
            "categories": ["political_theory", "youth_intermediate", "pioneer_leader"],
            "course_kinds": ["llct-trung-cap", "llct-cao-cap", "trung-cap-thanh-nien", "tong-phu-trach-doi"],
        },
        goal=40,
        lower_goal=2,
        lower_text="Ít nhất 02 cán bộ Đoàn phường được đào tạo trung cấp lý luận chính trị hoặc trung cấp "
        "thanh niên",
    ),
    TargetSpec(
        "15 cán bộ Đoàn đạt chứng chỉ ngoại ngữ bậc 3 (B1) trở lên theo Khung năng lực ngoại ngữ 6 bậc "
        "dùng cho Việt Nam",
        "language_certificates",
        {"min_level": 3},
        goal=15,
        lower_goal=1,
        lower_text="Ít nhất 01 cán bộ Đoàn phường đạt chứng chỉ ngoại ngữ bậc 3 (B1) trở lên",
    ),
    TargetSpec(
        "Ít nhất 50% cán bộ Đoàn chuyên trách tham gia từ 02 hoạt động nâng cao năng lực ngoại ngữ, "
        "kỹ năng số, chuyển đổi số trở lên",
        "activity_share",
        {
            "categories": ["language", "digital"],
            "min_activities": 2,
            "employment": ["full_time"],
            "unit_levels": [],
        },
        goal=50,
    ),
    TargetSpec(
        "100% cán bộ cơ quan chuyên trách Tỉnh đoàn thực hiện đủ định mức đi cơ sở theo chế độ “1+2”",
        "fieldwork_quota_share",
        {"unit_levels": ["province"]},
        lower=False,
    ),
    TargetSpec(
        "Ít nhất 2% cán bộ trẻ cơ quan Tỉnh đoàn (chuyên viên, Phó Trưởng ban) được cử tăng cường về cơ sở "
        "từ 03 tháng trở lên",
        "secondment_share",
        {"positions": ["chuyen-vien", "pho-truong-ban"], "unit_levels": ["province"], "min_months": 3},
        goal=2,
        lower=False,
    ),
    TargetSpec(
        "Ít nhất 70% cán bộ trong quy hoạch được đào tạo, bồi dưỡng trong năm",
        "candidates_trained_share",
        {"categories": []},
        goal=70,
    ),
    TargetSpec(
        "100% chức danh chủ chốt của Tỉnh đoàn và Đoàn xã, phường có từ 02 cán bộ trong quy hoạch trở lên",
        "key_successors_share",
        {"min_successors": 2, "unit_kinds": [UnitKind.PROVINCE.value, *COMMUNES]},
    ),
    TargetSpec(
        "Bồi dưỡng 05 cán bộ Đoàn trường trung học phổ thông trở thành cán bộ Đoàn – Hội các trường đại "
        "học, cao đẳng",
        "school_to_university",
        goal=5,
        lower=False,
    ),
]

LAST_TARGETS = [
    TargetSpec(
        "100% Bí thư Đoàn xã, phường đạt trình độ đại học trở lên",
        "secretary_degree_share",
        {"positions": ["bi-thu"], "unit_kinds": COMMUNES, "min_education": 4},
    ),
    TargetSpec(
        "100% Bí thư, Phó Bí thư Đoàn cơ sở mới nhận nhiệm vụ được bồi dưỡng theo chức danh",
        "title_training_share",
        {"positions": ["bi-thu", "pho-bi-thu"], "unit_kinds": []},
    ),
    TargetSpec(
        "Ít nhất 50 cán bộ Đoàn được đào tạo trung cấp lý luận chính trị – hành chính",
        "course_completions",
        {"categories": ["political_theory"], "course_kinds": ["llct-trung-cap"]},
        goal=50,
    ),
    TargetSpec(
        "30 cán bộ Đoàn đạt chứng chỉ ngoại ngữ bậc 3 (B1) trở lên",
        "language_certificates",
        {"min_level": 3},
        goal=30,
    ),
    TargetSpec(
        "Ít nhất 60% cán bộ trong quy hoạch được đào tạo, bồi dưỡng trong năm",
        "candidates_trained_share",
        {"categories": []},
        goal=60,
    ),
]


# --- Seeding --------------------------------------------------------------------------------------


def seed(*, seed: int, log: Callable[[str], None], cadres: int = 0, **options) -> None:
    """``seed_demo``'s part for this app."""
    started = time.monotonic()
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        log("Kế hoạch công tác cán bộ: chưa có đơn vị mẫu, bỏ qua.")
        return
    year = demo_anchor(seed).year
    builder = PlanBuilder(province, year)
    with transaction.atomic():
        builder.build()
    plans = AnnualPlan.objects.filter(subtree_condition("unit__path", province.path))
    targets = Target.objects.filter(subtree_condition("unit__path", province.path))
    lower = plans.filter(year=year, parent__isnull=False, status=PlanStatus.SUBMITTED)
    late = lower.filter(submitted_at__date__gt=builder.deadline).count()
    log(
        f"Kế hoạch công tác cán bộ: {plans.count()} kế hoạch ({builder.created} lập mới), "
        f"{targets.count()} chỉ tiêu; cấp dưới đã gửi kế hoạch năm {year}: {lower.count()} "
        f"({late} trễ hạn) ({time.monotonic() - started:.1f} s)."
    )


class PlanBuilder:
    """The province's plans of this year and last year and the two wards' plans."""

    def __init__(self, province: Unit, year: int):
        self.province, self.year = province, year
        self.deadline = datetime.date(year, *DEADLINE)
        self.users = {
            user.username: user
            for user in User.objects.filter(username__in=[PROVINCE_EDITOR, COMMUNE_EDITOR])
        }
        self.created = 0

    def build(self) -> None:
        wards = self.wards()
        existing = {
            (plan.unit_id, plan.year): plan
            for plan in AnnualPlan.objects.filter(
                unit__in=[self.province, *wards], year__in=[self.year - 1, self.year]
            )
        }
        leaders = self.leaders()
        last = existing.get((self.province.pk, self.year - 1)) or self.last_plan(leaders)
        self.targets(last, LAST_TARGETS)
        plan = existing.get((self.province.pk, self.year)) or self.province_plan(leaders)
        self.steering(plan, leaders)
        upper_targets = self.targets(plan, TARGETS)
        for ward, spec in zip(wards, LOWER_PLANS, strict=False):
            if (ward.pk, self.year) in existing:
                self.lower_targets(existing[ward.pk, self.year], upper_targets)
                continue
            lower = self.lower_plan(ward, spec, plan)
            self.lower_targets(lower, upper_targets)
            if spec.submitted is None:
                continue
            month, day, hour, minute = spec.submitted
            submitted = _at(datetime.date(self.year, month, day), datetime.time(hour, minute))
            self.submit(lower, user=lower.created_by, at=min(timezone.now(), submitted))

    # The units and cadres named.

    def wards(self) -> list[Unit]:
        """The demo commune and the next wards directly below the province, the demo's first."""
        found = Unit.objects.filter(
            subtree_condition("path", self.province.path),
            depth=self.province.depth + 1,
            kind__in=COMMUNES,
        ).order_by("path")[: len(LOWER_PLANS)]
        demo = Unit.objects.filter(code=DEMO_COMMUNE_CODE, depth=self.province.depth + 1).first()
        units = [demo] if demo else []
        units += [unit for unit in found if unit not in units]
        return units[: len(LOWER_PLANS)]

    def leaders(self) -> list[tuple[Cadre, str, str]]:
        """The steering group from the province office's leaders, (cadre, role, title) in order:
        the Bí thư heads it, the first Phó Bí thư is its deputy, the other Phó Bí thư and two
        Ủy viên Ban Thường vụ are members, a Trưởng ban its secretary."""
        cadres = list(
            Cadre.objects.active()
            .filter(
                unit_path=self.province.path,
                position__code__in=["bi-thu", "pho-bi-thu", "uv-btv", "truong-ban"],
            )
            .select_related("position")
            .order_by("position_order", "pk")[:20]
        )
        concurrent = dict(
            Appointment.objects.open()
            .filter(cadre__in=cadres, kind=AppointmentKind.CONCURRENT)
            .values_list("cadre_id", "position__code")
        )
        by_post: dict[str, list[Cadre]] = {}
        for cadre in cadres:
            by_post.setdefault(cadre.position.code, []).append(cadre)
        deputies = by_post.get("pho-bi-thu", [])
        chosen = [
            *((cadre, SteeringRole.HEAD) for cadre in by_post.get("bi-thu", [])[:1]),
            *((cadre, SteeringRole.DEPUTY) for cadre in deputies[:1]),
            *((cadre, SteeringRole.MEMBER) for cadre in deputies[1:3]),
            *((cadre, SteeringRole.MEMBER) for cadre in by_post.get("uv-btv", [])[:2]),
            *((cadre, SteeringRole.SECRETARY) for cadre in by_post.get("truong-ban", [])[:1]),
        ]
        return [(cadre, role, self.title(cadre, concurrent.get(cadre.pk))) for cadre, role in chosen]

    @staticmethod
    def title(cadre: Cadre, concurrent: str | None) -> str:
        """The name's line in the plan: "Phó Bí thư Tỉnh đoàn, Chủ tịch Hội LHTN Việt Nam tỉnh"."""
        title = {
            "bi-thu": "Bí thư Tỉnh đoàn",
            "pho-bi-thu": "Phó Bí thư Tỉnh đoàn",
            "uv-btv": "Ủy viên Ban Thường vụ Tỉnh đoàn",
            "truong-ban": "Trưởng Ban Tổ chức – Kiểm tra Tỉnh đoàn",
        }[cadre.position.code]
        extra = {
            "chu-tich-hoi": "Chủ tịch Hội LHTN Việt Nam tỉnh",
            "chu-tich-hoi-dong-doi": "Chủ tịch Hội đồng Đội tỉnh",
        }.get(concurrent or "")
        return f"{title}, {extra}" if extra else title

    def signer(self, leaders: list[tuple[Cadre, str, str]]) -> str:
        return next((cadre.full_name for cadre, role, _ in leaders if role == SteeringRole.HEAD), "")

    # The plans.

    def head(self, unit: Unit) -> dict:
        ancestors = list(unit.ancestors())
        return {
            "superior": ancestors[-1].name.upper() if ancestors else "",
            "issuer": issuer_name(unit),
            "place": document_place(unit, ancestors),
        }

    def save_plan(
        self, plan: AnnualPlan, *, user: User | None, created_on: datetime.date, reason: str
    ) -> AnnualPlan:
        """Save a new plan as its editor would have, dated a few days before it was issued
        rather than when the demo was seeded."""
        plan._history_user, plan._change_reason = user, change_reason(reason)
        plan.full_clean(validate_unique=False, validate_constraints=False)
        plan.save()
        created_at = min(timezone.now(), _at(created_on, datetime.time(9)))
        AnnualPlan.objects.filter(pk=plan.pk).update(created_at=created_at, updated_at=created_at)
        plan.history.filter(history_type="+").update(history_date=created_at)
        self.created += 1
        return plan

    @staticmethod
    def submit(plan: AnnualPlan, *, user: User | None, at: datetime.datetime) -> AnnualPlan:
        """Send the plan up as ``reports.services.plan_submit`` does, at ``at``."""
        plan.status, plan.submitted_at, plan.submitted_by = PlanStatus.SUBMITTED, at, user
        plan._history_user, plan._change_reason = user, "Gửi cấp trên"
        plan.save()
        AnnualPlan.objects.filter(pk=plan.pk).update(updated_at=at)
        plan.history.filter(history_type="~", status=PlanStatus.SUBMITTED).update(history_date=at)
        return plan

    def province_plan(self, leaders) -> AnnualPlan:
        year = self.year
        words = {"year": year, "terms": CONGRESS_TERMS, "next_term": "nhiệm kỳ 2027 – 2032"}
        issued = datetime.date(year, *ISSUED)
        plan = AnnualPlan(
            unit=self.province,
            year=year,
            number=PLAN_NUMBER,
            issued_on=issued,
            subject=SUBJECT.format(year=year),
            basis=BASIS.format(**words),
            purpose=PURPOSE.format(**words),
            targets_intro=TARGETS_INTRO.format(**words),
            content=CONTENT.format(**words),
            organisation=ORGANISATION.format(**words),
            steering_duties=STEERING_DUTIES,
            lower_deadline=self.deadline,
            recipients="\n".join(RECIPIENTS),
            signer_name=self.signer(leaders),
            created_by=self.users.get(PROVINCE_EDITOR),
            **self.head(self.province),
        )
        return self.save_plan(
            plan, user=plan.created_by, created_on=issued - datetime.timedelta(days=5), reason=NEW_PLAN
        )

    def last_plan(self, leaders) -> AnnualPlan:
        year = self.year - 1
        issued = datetime.date(year, *LAST_ISSUED)
        plan = AnnualPlan(
            unit=self.province,
            year=year,
            number=LAST_PLAN_NUMBER,
            issued_on=issued,
            subject=SUBJECT.format(year=year),
            basis=LAST_BASIS.format(year=year),
            purpose=LAST_PURPOSE,
            content=LAST_CONTENT,
            organisation=LAST_ORGANISATION,
            recipients="\n".join(RECIPIENTS),
            signer_name=self.signer(leaders),
            report_number=LAST_REPORT_NUMBER,
            report_issued_on=datetime.date(year, *LAST_REPORTED),
            report_assessment=LAST_ASSESSMENT,
            report_next_steps=LAST_NEXT_STEPS,
            created_by=self.users.get(PROVINCE_EDITOR),
            **self.head(self.province),
        )
        return self.save_plan(
            plan, user=plan.created_by, created_on=issued - datetime.timedelta(days=7), reason=NEW_PLAN
        )

    def lower_plan(self, ward: Unit, spec: LowerPlan, upper: AnnualPlan) -> AnnualPlan:
        year = self.year
        words = {
            "year": year,
            "words": ward.name.removeprefix("Đoàn "),
            "upper_number": upper.number,
            "upper_issued": f"{upper.issued_on:%d/%m/%Y}" if upper.issued_on else "",
        }
        editor = self.users.get(spec.editor) if spec.editor else None
        secretary = (
            Cadre.objects.active()
            .filter(unit=ward, position__code="bi-thu")
            .order_by("pk")
            .values_list("full_name", flat=True)
            .first()
        )
        plan = AnnualPlan(
            unit=ward,
            year=year,
            parent=upper,
            number=spec.number,
            # A draft is dated when it is signed.
            issued_on=datetime.date(year, *spec.issued) if spec.submitted else None,
            subject=f"Thực hiện công tác cán bộ Đoàn – Hội – Đội năm {year}",
            basis=LOWER_BASIS.format(**words),
            purpose=LOWER_PURPOSE.format(**words),
            content=LOWER_CONTENT.format(**words),
            organisation=LOWER_ORGANISATION,
            recipients="\n".join(LOWER_RECIPIENTS),
            signer_name=secretary or "",
            created_by=editor,
            **self.head(ward),
        )
        plan = self.save_plan(
            plan,
            user=editor,
            created_on=datetime.date(year, *spec.issued) - datetime.timedelta(days=2),
            reason=f"Theo kế hoạch của {upper.unit.name}",
        )
        return plan

    # The plans' parts.

    def steering(self, plan: AnnualPlan, leaders: list[tuple[Cadre, str, str]]) -> None:
        if not leaders or plan.steering.exists():
            return
        members = [
            SteeringMember(plan=plan, cadre=cadre, role=role, title=title, order=order * 10)
            for order, (cadre, role, title) in enumerate(leaders, start=1)
        ]
        _insert(members, user=self.users.get(PROVINCE_EDITOR))

    def targets(self, plan: AnnualPlan, specs: list[TargetSpec]) -> list[Target]:
        """The plan's targets, made from ``specs`` unless it has some; in order."""
        found = list(plan.targets().order_by("order", "pk"))
        if found:
            return found
        targets = [
            Target(
                unit=plan.unit,
                year=plan.year,
                order=order * 10,
                text=spec.text.format(year=plan.year),
                metric=spec.metric,
                params=spec.params,
                comparison=spec.comparison,
                goal=Decimal(spec.goal),
            )
            for order, spec in enumerate(specs, start=1)
        ]
        return _insert(targets, user=self.users.get(PROVINCE_EDITOR))

    def lower_targets(self, plan: AnnualPlan, upper: list[Target]) -> None:
        """The ward's targets: the province's copied (``source``), those of the province office
        left out and the counts scaled to a ward."""
        if plan.targets().exists():
            return
        specs = {(spec.metric, spec.text.format(year=self.year)): spec for spec in TARGETS}
        targets = []
        for source in upper:
            spec = specs.get((source.metric, source.text))
            if spec is not None and not spec.lower:
                continue
            targets.append(
                Target(
                    unit=plan.unit,
                    year=plan.year,
                    order=source.order,
                    text=spec.lower_text if spec and spec.lower_text else source.text,
                    metric=source.metric,
                    params=source.params,
                    comparison=source.comparison,
                    goal=Decimal(spec.lower_goal) if spec and spec.lower_goal is not None else source.goal,
                    source=source,
                )
            )
        _insert(targets, user=plan.created_by)


def _insert(rows: list, *, user: User | None) -> list:
    """New targets or steering members with their history, as ``reports.services`` writes
    them: checked by the model's ``clean`` (a target's parameters stored complete) and their
    text normalised, which ``bulk_create`` skips."""
    for row in rows:
        row.clean()
        normalize_text_fields(row)
    return bulk_create_with_history(rows, type(rows[0]), default_user=user) if rows else []


def _at(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))
