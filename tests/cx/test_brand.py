import pytest
from fs_cx_tools import brand


@pytest.mark.parametrize(
    ("given", "expected"),
    [("#163a66", "#163A66"), ("163A66", "#163A66"), ("#fa0", "#FFAA00"), (" #EF7D26 ", "#EF7D26")],
)
def test_colours_are_normalized(given, expected):
    assert brand.normalize(given, "#000000") == expected


@pytest.mark.parametrize("bad", [None, "", "red", "#12345", "#GGGGGG", "rgb(1,2,3)"])
def test_what_is_not_a_colour_falls_back_to_the_default(bad):
    assert brand.normalize(bad, brand.DEFAULT_PRIMARY) == brand.DEFAULT_PRIMARY


def test_contrast_ratio_follows_wcag():
    assert brand.contrast("#FFFFFF", "#000000") == pytest.approx(21)
    assert brand.contrast("#777777", "#777777") == pytest.approx(1)
    assert brand.contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#163A66", "#FFFFFF"),
        ("#000000", "#FFFFFF"),
        ("#FFEB3B", "#1A1A1A"),
        ("#FFFFFF", "#1A1A1A"),
    ],
)
def test_text_on_a_colour_is_the_more_readable_of_white_and_black(background, text):
    assert brand.text_on(background) == text
    assert brand.contrast(brand.text_on(background), background) >= 4.5


def test_palette_defaults_and_readable_ink():
    colours = brand.palette(None, "")
    assert colours["primary"] == brand.DEFAULT_PRIMARY
    assert colours["secondary"] == brand.DEFAULT_SECONDARY
    for name in ("primary", "secondary"):
        assert brand.contrast(colours[f"on_{name}"], colours[name]) >= 4.5
    assert colours["ink"] == brand.DEFAULT_PRIMARY, "a dark primary colour is used for text"
    # A pale primary colour would be unreadable as text on white: the ink turns near-black.
    pale = brand.palette("#FFEB3B", "#EF7D26")
    assert pale["ink"] == brand.DARK_TEXT
    assert pale["on_primary"] == brand.DARK_TEXT


def test_css_variables():
    style = brand.css_variables(brand.palette("#163A66", "#EF7D26"))
    assert "--fs-primary: #163A66;" in style
    assert "--fs-on-primary: #FFFFFF;" in style
    assert "--fs-secondary: #EF7D26;" in style
