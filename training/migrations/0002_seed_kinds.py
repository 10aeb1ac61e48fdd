"""Seed the kinds of course (DOMAIN.md §6), the training rules' row and the foreign-language and
IT standards. All are data an admin edits in Django admin; the standards are provisional until
the unit's own guidance confirms them."""

from django.db import migrations

KINDS_SOURCE = "Danh mục loại khoá học đào tạo, bồi dưỡng cán bộ Đoàn (mặc định, quản trị viên sửa được)"
# code, name, category, grants, level, language, title positions
KINDS = [
    ("llct-so-cap", "Lý luận chính trị sơ cấp", "political_theory", "political_theory", 1, "", []),
    ("llct-trung-cap", "Lý luận chính trị trung cấp", "political_theory", "political_theory", 2, "", []),
    ("llct-cao-cap", "Lý luận chính trị cao cấp", "political_theory", "political_theory", 3, "", []),
    ("trung-cap-thanh-nien", "Trung cấp thanh niên", "youth_intermediate", "education", 2, "", []),
    ("dai-hoc", "Đại học", "degree", "education", 4, "", []),
    ("thac-si", "Sau đại học (thạc sĩ)", "degree", "education", 5, "", []),
    (
        "chuc-danh-bi-thu-co-so",
        "Bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở",
        "title",
        "",
        None,
        "",
        ["bi-thu", "pho-bi-thu"],
    ),
    ("tap-huan-nghiep-vu", "Tập huấn nghiệp vụ công tác Đoàn", "professional", "", None, "", []),
    (
        "tong-phu-trach-doi",
        "Bồi dưỡng chức danh Tổng phụ trách Đội",
        "pioneer_leader",
        "",
        None,
        "",
        ["tong-phu-trach-doi"],
    ),
    ("tieng-anh-b1", "Tiếng Anh bậc 3 (B1)", "language", "foreign_language_level", 3, "Tiếng Anh", []),
    ("tieng-anh-b2", "Tiếng Anh bậc 4 (B2)", "language", "foreign_language_level", 4, "Tiếng Anh", []),
    ("tin-hoc-co-ban", "Tin học ứng dụng cơ bản", "digital", "it_level", 1, "", []),
    ("chuyen-doi-so", "Kỹ năng số, chuyển đổi số", "digital", "", None, "", []),
    ("hoc-tap-nghi-quyet", "Học tập, quán triệt nghị quyết, chuyên đề", "resolution", "", None, "", []),
    ("hoi-thi", "Hội thi, liên hoan", "contest", "", None, "", []),
]
RULES_SOURCE = "Giá trị mặc định: cán bộ mới bổ nhiệm trong 12 tháng cần được bồi dưỡng theo chức danh"
SKILLS_SOURCE = "Chuẩn tạm tính về ngoại ngữ, tin học, cần đối chiếu quy định, hướng dẫn của cấp trên"
# level, minimum foreign language, minimum IT
SKILLS = [("province", 3, 1), ("base", None, 1)]


def seed(apps, schema_editor):
    Kind = apps.get_model("training", "CourseKind")
    Position = apps.get_model("cadres", "Position")
    for order, (code, name, category, grants, level, language, positions) in enumerate(KINDS, start=1):
        kind, created = Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "grants": grants,
                "grants_level": level,
                "language": language,
                "order": order * 10,
                "source": KINDS_SOURCE,
            },
        )
        if created and positions:
            kind.positions.set(Position.objects.filter(code__in=positions))
    Rules = apps.get_model("training", "TrainingRules")
    if not Rules.objects.exists():
        Rules.objects.create(source=RULES_SOURCE)
    Skill = apps.get_model("training", "SkillStandard")
    for level, language, it in SKILLS:
        if not Skill.objects.filter(level=level, position=None).exists():
            Skill.objects.create(
                level=level, min_foreign_language_level=language, min_it_level=it, source=SKILLS_SOURCE
            )


def unseed(apps, schema_editor):
    apps.get_model("training", "SkillStandard").objects.filter(source=SKILLS_SOURCE).delete()
    apps.get_model("training", "TrainingRules").objects.filter(source=RULES_SOURCE).delete()
    apps.get_model("training", "CourseKind").objects.filter(source=KINDS_SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_courses"), ("cadres", "0013_open_posts_index")]

    operations = [migrations.RunPython(seed, unseed)]
