"""The catalogue of computable metrics: what each target of a plan's section II can measure.

Each ``Metric`` has a fixed key (targets store it; the demo and other apps name them), a
Vietnamese label, whether it is a share (percent of a population) or a count, its parameters
(``params.Param``) and a description shown as help on the target's form and page. How each is
computed is in ``reports.metrics.compute`` (``Metric.kind`` names its function there)."""

from dataclasses import dataclass

from cadres.models import Education, LanguageLevel
from training.models import Category

from .params import (
    CATEGORIES,
    COURSE_KINDS,
    EDUCATION,
    EMPLOYMENT,
    INT,
    LANGUAGE_LEVEL,
    POSITIONS,
    UNIT_KINDS,
    UNIT_LEVELS,
    Param,
)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    is_share: bool
    params: tuple[Param, ...]
    description: str
    unit_word: str = "người"  # what a count counts ("12 người")
    cadres: bool = True  # the population is cadres (False: posts, shown on the planning pages)

    def param(self, name: str) -> Param:
        return next(param for param in self.params if param.name == name)

    def defaults(self) -> dict:
        return {param.name: param.default for param in self.params}


def _positions(default: list[str], help: str = "Để trống: mọi chức vụ.", required: bool = False) -> Param:
    return Param("positions", "Chức vụ", POSITIONS, default, help=help, required=required)


UNIT_KINDS_PARAM = Param(
    "unit_kinds", "Loại hình đơn vị", UNIT_KINDS, [], help="Để trống: mọi loại hình đơn vị trong phạm vi."
)
UNIT_LEVELS_PARAM = Param(
    "unit_levels", "Cấp của đơn vị cán bộ", UNIT_LEVELS, [], help="Để trống: mọi cấp trong phạm vi."
)
EMPLOYMENT_PARAM = Param(
    "employment",
    "Chuyên trách / kiêm nhiệm",
    EMPLOYMENT,
    [],
    help="Để trống: mọi cán bộ; chọn “Chuyên trách” để chỉ tính cán bộ chuyên trách.",
)

METRICS = [
    Metric(
        key="secretary_degree_share",
        label="Tỷ lệ Bí thư (chức vụ) có trình độ chuyên môn từ đại học trở lên",
        is_share=True,
        params=(
            _positions(["bi-thu"], help="Chức vụ được tính, thường là Bí thư.", required=True),
            UNIT_KINDS_PARAM,
            Param("min_education", "Trình độ chuyên môn tối thiểu", EDUCATION, Education.BACHELOR),
        ),
        description=(
            "Đối tượng: cán bộ đang công tác giữ các chức vụ đã chọn (theo quá trình công tác, tại ngày "
            "31/12 của năm, hoặc hôm nay nếu năm chưa kết thúc) ở các đơn vị thuộc phạm vi, thuộc loại "
            "hình đã chọn. Đạt: trình độ chuyên môn trên hồ sơ từ mức tối thiểu trở lên."
        ),
    ),
    Metric(
        key="language_certificates",
        label="Số cán bộ đạt chứng chỉ ngoại ngữ trong năm",
        is_share=False,
        params=(Param("min_level", "Trình độ ngoại ngữ tối thiểu", LANGUAGE_LEVEL, LanguageLevel.B1),),
        description=(
            "Số cán bộ của phạm vi hoàn thành trong năm (khoá học kết thúc trong năm) một khoá học nhóm "
            "“Ngoại ngữ” mà loại khoá học nâng trình độ ngoại ngữ lên từ mức đã chọn trở lên (ví dụ "
            "B1). Mỗi cán bộ tính một lần."
        ),
    ),
    Metric(
        key="course_completions",
        label="Số cán bộ hoàn thành khoá đào tạo, bồi dưỡng trong năm",
        is_share=False,
        params=(
            Param(
                "categories",
                "Nhóm khoá học",
                CATEGORIES,
                [Category.POLITICAL_THEORY, Category.YOUTH_INTERMEDIATE, Category.PIONEER_LEADER],
                required=True,
            ),
            Param(
                "course_kinds",
                "Loại khoá học",
                COURSE_KINDS,
                [],
                help="Để trống: mọi loại khoá học của các nhóm đã chọn (ví dụ chỉ chọn “LLCT trung cấp”).",
            ),
        ),
        description=(
            "Số cán bộ của phạm vi hoàn thành trong năm (khoá học kết thúc trong năm) một khoá học thuộc "
            "các nhóm (và loại, nếu chọn) đã chọn: trung cấp lý luận chính trị, trung cấp thanh niên, "
            "chức danh Tổng phụ trách Đội… Mỗi cán bộ tính một lần."
        ),
    ),
    Metric(
        key="resolution_study_share",
        label="Tỷ lệ cán bộ được học tập, quán triệt nghị quyết",
        is_share=True,
        params=(EMPLOYMENT_PARAM, UNIT_LEVELS_PARAM),
        description=(
            "Đối tượng: cán bộ đang công tác của phạm vi (lọc theo chuyên trách/kiêm nhiệm và cấp nếu "
            "chọn). Đạt: có tên trong một khoá học nhóm “Học tập nghị quyết, chuyên đề” diễn ra trong "
            "năm (bắt đầu trong năm, không còn ở trạng thái dự kiến) với trạng thái đang học hoặc hoàn "
            "thành."
        ),
    ),
    Metric(
        key="title_training_share",
        label="Tỷ lệ cán bộ mới nhận nhiệm vụ được bồi dưỡng theo chức danh",
        is_share=True,
        params=(
            _positions(
                ["bi-thu", "chu-tich-hoi", "tong-phu-trach-doi"],
                help="Để trống: mọi chức vụ có khoá bồi dưỡng theo chức danh.",
            ),
            UNIT_KINDS_PARAM,
        ),
        description=(
            "Đối tượng: cán bộ được bầu, bổ nhiệm vào các chức vụ đã chọn trong năm (quá trình công tác "
            "bắt đầu trong năm) tại các đơn vị thuộc phạm vi, thuộc loại hình đã chọn. Đạt: đã hoàn "
            "thành (khoá học kết thúc trước hết năm) khoá bồi dưỡng theo chức danh của chức vụ đó — loại "
            "khoá học ghi chức danh này, như danh sách nhu cầu đào tạo; chức vụ chưa có loại khoá riêng "
            "thì tính mọi khoá nhóm “Bồi dưỡng theo chức danh”."
        ),
    ),
    Metric(
        key="activity_share",
        label="Tỷ lệ cán bộ tham gia ít nhất N hoạt động nâng cao năng lực",
        is_share=True,
        params=(
            Param(
                "categories",
                "Nhóm hoạt động (khoá học)",
                CATEGORIES,
                [Category.LANGUAGE, Category.DIGITAL],
                required=True,
            ),
            Param("min_activities", "Số hoạt động tối thiểu", INT, 2, minimum=1, maximum=100),
            EMPLOYMENT_PARAM,
            UNIT_LEVELS_PARAM,
        ),
        description=(
            "Đối tượng: cán bộ đang công tác của phạm vi (lọc theo chuyên trách/kiêm nhiệm và cấp nếu "
            "chọn). Đạt: tham gia (đang học hoặc hoàn thành) ít nhất N khoá học, tập huấn, hội thi thuộc "
            "các nhóm đã chọn diễn ra trong năm (bắt đầu trong năm, không còn ở trạng thái dự kiến)."
        ),
    ),
    Metric(
        key="fieldwork_quota_share",
        label="Tỷ lệ cán bộ thực hiện đủ định mức “1+2” đi cơ sở",
        is_share=True,
        params=(UNIT_LEVELS_PARAM,),
        description=(
            "Đối tượng: cán bộ đang công tác của phạm vi thuộc diện định mức đi cơ sở năm đó (quy định "
            "định mức “1+2”). Đạt: số ngày đi cơ sở (các đợt đã đi bắt đầu trong năm) cộng số ngày "
            "tăng cường cơ sở trong năm từ định mức trở lên — như trang tiến độ “1+2”."
        ),
    ),
    Metric(
        key="secondment_share",
        label="Tỷ lệ cán bộ được tăng cường về cơ sở",
        is_share=True,
        params=(
            _positions([]),
            UNIT_LEVELS_PARAM,
            Param("min_months", "Thời gian tăng cường tối thiểu (tháng)", INT, 3, minimum=1, maximum=60),
        ),
        description=(
            "Đối tượng: cán bộ đang công tác của phạm vi giữ các chức vụ đã chọn, ở các cấp đã chọn. "
            "Đạt: có một đợt tăng cường cơ sở dài từ số tháng tối thiểu trở lên (3 tháng: từ 01/03 đến "
            "hết 31/05) mà thời gian tăng cường có ít nhất một ngày trong năm."
        ),
    ),
    Metric(
        key="candidates_trained_share",
        label="Tỷ lệ cán bộ trong quy hoạch được đào tạo, bồi dưỡng",
        is_share=True,
        params=(
            Param(
                "categories",
                "Nhóm khoá học",
                CATEGORIES,
                [],
                help="Để trống: mọi khoá học.",
            ),
        ),
        description=(
            "Đối tượng: cán bộ có tên trong quy hoạch đã phê duyệt của các đơn vị thuộc phạm vi, nhiệm "
            "kỳ bao gồm năm đó (đưa vào quy hoạch từ năm đó trở về trước, chưa đưa ra trước hết năm; "
            "không tính bổ sung chưa được duyệt). Đạt: hoàn thành trong năm (khoá học kết thúc trong "
            "năm) một khoá học thuộc các nhóm đã chọn."
        ),
    ),
    Metric(
        key="key_successors_share",
        label="Tỷ lệ chức danh chủ chốt có đủ nguồn quy hoạch",
        is_share=True,
        params=(
            Param(
                "min_successors", "Số người quy hoạch tối thiểu mỗi chức danh", INT, 2, minimum=1, maximum=10
            ),
            UNIT_KINDS_PARAM,
        ),
        description=(
            "Đối tượng: các chức danh chủ chốt (theo danh mục chức vụ, đúng cấp của đơn vị) trong quy "
            "hoạch đã phê duyệt của các đơn vị thuộc phạm vi, nhiệm kỳ bao gồm năm đó. Đạt: chức danh "
            "có từ số người quy hoạch tối thiểu trở lên (người được đưa vào từ năm đó trở về trước và "
            "chưa đưa ra), như cột “nguồn” của bảng quy hoạch."
        ),
        unit_word="chức danh",
        cadres=False,
    ),
    Metric(
        key="school_to_university",
        label="Số cán bộ Đoàn trường THPT trở thành cán bộ Đoàn – Hội đại học, cao đẳng",
        is_share=False,
        params=(),
        description=(
            "Số cán bộ được bầu, bổ nhiệm trong năm vào một chức vụ tại đơn vị khu vực “Trường học – "
            "Đại học, Cao đẳng” mà chức vụ chính liền trước (theo quá trình công tác) ở đơn vị khu vực "
            "“Trường học – THPT” thuộc phạm vi. Mỗi cán bộ tính một lần."
        ),
    ),
]

CATALOGUE: dict[str, Metric] = {metric.key: metric for metric in METRICS}


def metric_choices() -> list[tuple[str, str]]:
    return [(metric.key, metric.label) for metric in METRICS]
