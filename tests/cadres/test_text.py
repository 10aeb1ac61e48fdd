import unicodedata

from cadres.text import fold, nfc


def test_it_folds_accents_and_case():
    assert fold("Nguyễn Thị Lan") == "nguyen thi lan"


def test_it_maps_d_with_stroke_which_has_no_decomposition():
    assert fold("Đặng Đình Đức") == "dang dinh duc"


def test_it_folds_decomposed_input_the_same_as_composed():
    decomposed = unicodedata.normalize("NFD", "Phạm Ngọc Ánh")
    assert decomposed != "Phạm Ngọc Ánh"
    assert fold(decomposed) == fold("Phạm Ngọc Ánh") == "pham ngoc anh"


def test_it_normalises_to_nfc_and_collapses_spaces():
    value = nfc("  " + unicodedata.normalize("NFD", "Lê   Thị\tHoa") + " ")
    assert value == "Lê Thị Hoa"
    assert unicodedata.is_normalized("NFC", value)
