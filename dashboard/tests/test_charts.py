"""The SVG builders, pure: values in, a well-formed accessible `<svg>` out, whatever the values and labels."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import charts
from dashboard.charts import Progress, Series

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'
NUMERIC = ("x", "y", "width", "height", "x1", "x2", "y1", "y2", "cx", "cy", "r")

labels_st = st.text(max_size=30)
values_st = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed
    assert root.tag == f"{NS}svg"
    return root


def assert_drawable(root: ET.Element) -> None:
    """Every coordinate and length is a finite number, not negative; the viewBox too."""
    assert root.attrib["width"] == "100%"  # scales with the page (a phone's 390 px too)
    for el in root.iter():
        if el is root:
            continue
        for name in NUMERIC:
            if name in el.attrib:
                v = float(el.attrib[name])
                assert math.isfinite(v) and v >= 0, (el.tag, name, el.attrib[name])
        for point in el.attrib.get("points", "").split():
            for v in map(float, point.split(",")):
                assert math.isfinite(v) and v >= 0
    box = [float(v) for v in root.attrib["viewBox"].split()]
    assert all(math.isfinite(v) and v >= 0 for v in box) and box[2] > 0 and box[3] > 0


def assert_accessible(root: ET.Element, ident: str, title: str, desc: str) -> None:
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-labelledby"] == f"{ident}-title {ident}-desc"
    assert root.find(f"{NS}title").attrib["id"] == f"{ident}-title"
    assert root.find(f"{NS}title").text == title
    assert root.find(f"{NS}desc").attrib["id"] == f"{ident}-desc"
    assert root.find(f"{NS}desc").text == desc


def bars(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}rect") if el.attrib.get("class") == "bar"]


def xml_text(s: str) -> str:
    """What a label becomes: the characters XML can carry."""
    return charts.clean(s)


# ---- examples -------------------------------------------------------------------------------------


def test_bar_chart_draws_one_bar_per_label_in_order_with_lengths_in_proportion():
    root = parse(
        charts.bar_chart(
            ident="c-bars", title="트랙별 아이디어", desc="다섯 트랙", labels=["가", "나", "다"], values=[10, 5, 0]
        )
    )
    assert_accessible(root, "c-bars", "트랙별 아이디어", "다섯 트랙")
    found = bars(root)
    assert [float(b.attrib["y"]) for b in found] == sorted(float(b.attrib["y"]) for b in found)
    widths = [float(b.attrib["width"]) for b in found]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert "10" in "".join(root.itertext()) and "가" in "".join(root.itertext())


def test_a_track_named_like_a_script_comes_out_escaped_in_every_chart():
    svgs = [
        charts.bar_chart(ident="a", title=HOSTILE, desc=HOSTILE, labels=[HOSTILE], values=[3]),
        charts.stacked_bar_chart(ident="b", title="t", desc="d", labels=[HOSTILE], series=[Series(HOSTILE, [1])]),
        charts.line_chart(ident="c", title="t", desc="d", labels=[HOSTILE, "x"], series=[Series(HOSTILE, [1, 2])]),
        charts.progress_chart(
            ident="d", title="t", desc="d", rows=[Progress(HOSTILE, [1, 2], 10)], part_names=[HOSTILE, "b"]
        ),
    ]
    for svg in svgs:
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        root = parse(svg)
        assert not [el for el in root.iter() if el.tag.endswith("script")]
        assert HOSTILE in "".join(root.itertext())  # read back as the text it was


def test_a_chart_id_that_is_not_a_plain_name_is_refused():
    with pytest.raises(ValueError):
        charts.bar_chart(ident='x" onload="alert(1)', title="t", desc="d", labels=[], values=[])


def test_series_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError):
        charts.stacked_bar_chart(ident="s", title="t", desc="d", labels=["a", "b"], series=[Series("x", [1])])
    with pytest.raises(ValueError):
        charts.line_chart(ident="s", title="t", desc="d", labels=["a"], series=[Series("x", [1, 2])])
    with pytest.raises(ValueError):
        charts.bar_chart(ident="s", title="t", desc="d", labels=["a"], values=[1, 2])


def test_stacked_columns_stack_their_series_and_share_one_scale():
    root = parse(
        charts.stacked_bar_chart(
            ident="st",
            title="주별 접수",
            desc="d",
            labels=["1주", "2주"],
            series=[Series("청년", [2, 4]), Series("여성", [2, 0])],
        )
    )
    columns = root.findall(f"{NS}g[@class='column']")
    assert len(columns) == 2
    (a1, a2), (b1, b2) = ([float(r.attrib["height"]) for r in c.findall(f"{NS}rect")] for c in columns)
    assert a1 == pytest.approx(a2) and a1 + a2 == pytest.approx(b1) and b2 == 0
    # the second segment sits on top of the first
    first, second = columns[0].findall(f"{NS}rect")
    assert float(second.attrib["y"]) + float(second.attrib["height"]) == pytest.approx(float(first.attrib["y"]))


def test_progress_chart_marks_the_target_and_says_the_share():
    root = parse(
        charts.progress_chart(
            ident="p",
            title="일자리",
            desc="d",
            rows=[Progress("청년", [300, 100], 800), Progress("여성", [50], None)],
            part_names=["사업", "채택 과제"],
            no_target="목표 없음",
        )
    )
    texts = "".join(root.itertext())
    assert "400 / 800 (50.0%)" in texts and "50 / 목표 없음" in texts
    targets = [el for el in root.iter(f"{NS}line") if el.attrib.get("class") == "target"]
    assert len(targets) == 1
    drawn = bars(root)
    assert float(drawn[0].attrib["width"]) == pytest.approx(3 * float(drawn[1].attrib["width"]))


def test_a_figure_above_its_target_fills_the_bar_and_the_target_mark_sits_inside():
    root = parse(charts.progress_chart(ident="p", title="t", desc="d", rows=[Progress("a", [200], 100)]))
    (bar,) = bars(root)
    (track,) = [el for el in root.iter(f"{NS}rect") if el.attrib.get("class") == "track"]
    assert float(bar.attrib["width"]) == pytest.approx(float(track.attrib["width"]))
    (mark,) = [el for el in root.iter(f"{NS}line") if el.attrib.get("class") == "target"]
    assert float(mark.attrib["x1"]) == pytest.approx(float(track.attrib["x"]) + float(track.attrib["width"]) / 2)
    assert "200 / 100 (200.0%)" in "".join(root.itertext())


def test_empty_charts_are_still_well_formed_images():
    for svg in (
        charts.bar_chart(ident="e", title="t", desc="d", labels=[], values=[]),
        charts.stacked_bar_chart(ident="e", title="t", desc="d", labels=[], series=[]),
        charts.line_chart(ident="e", title="t", desc="d", labels=[], series=[]),
        charts.progress_chart(ident="e", title="t", desc="d", rows=[]),
    ):
        root = parse(svg)
        assert_drawable(root)
        assert_accessible(root, "e", "t", "d")


def test_figures_are_written_for_people():
    assert charts.figure(12345) == "12,345"
    assert charts.figure(2.25) == "2.2" or charts.figure(2.25) == "2.3"
    assert charts.figure(None) == "—"
    assert charts.figure(float("nan")) == "—"


# ---- properties -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.lists(st.tuples(labels_st, values_st), max_size=12), title=labels_st)
def test_bar_chart_is_drawable_ordered_and_escaped_for_any_values(data, title):
    labels = [label for label, _ in data]
    values = [v for _, v in data]
    root = parse(charts.bar_chart(ident="h", title=title, desc=title, labels=labels, values=values))
    assert_drawable(root)
    assert_accessible(root, "h", xml_text(title) or None, xml_text(title) or None)
    found = bars(root)
    assert len(found) == len(labels)
    ys = [float(b.attrib["y"]) for b in found]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    widths = [float(b.attrib["width"]) for b in found]
    drawn = [charts.amount(v) for v in values]
    for i in range(len(drawn)):
        for j in range(len(drawn)):
            if drawn[i] < drawn[j]:
                assert widths[i] <= widths[j]
    rows = root.findall(f"{NS}g[@class='row']")
    for row, label in zip(rows, labels, strict=True):
        assert row.find(f"{NS}title").text.startswith(xml_text(label))


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=30),
    names=st.lists(labels_st, min_size=0, max_size=6),
    data=st.data(),
)
def test_stacked_and_line_charts_are_drawable_and_left_to_right_for_any_values(n, names, data):
    labels = data.draw(st.lists(labels_st, min_size=n, max_size=n))
    series = [Series(name, data.draw(st.lists(values_st, min_size=n, max_size=n))) for name in names]
    stacked = parse(charts.stacked_bar_chart(ident="s", title="t", desc="d", labels=labels, series=series))
    assert_drawable(stacked)
    xs = [float(c.find(f"{NS}rect").attrib["x"]) for c in stacked.findall(f"{NS}g[@class='column']") if names]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    line = parse(charts.line_chart(ident="l", title="t", desc="d", labels=labels, series=series))
    assert_drawable(line)
    for poly in line.iter(f"{NS}polyline"):
        px = [float(p.split(",")[0]) for p in poly.attrib["points"].split()]
        assert px == sorted(px)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(labels_st, st.lists(values_st, max_size=3), values_st), max_size=8))
def test_progress_chart_is_drawable_and_inside_its_track_for_any_values(rows):
    root = parse(
        charts.progress_chart(
            ident="p", title="t", desc="d", rows=[Progress(label, parts, target) for label, parts, target in rows]
        )
    )
    assert_drawable(root)
    right = charts.WIDTH
    for el in bars(root):
        assert float(el.attrib["x"]) + float(el.attrib["width"]) <= right + 0.2


def test_the_svg_has_no_attribute_that_runs_script():
    svg = charts.bar_chart(ident="z", title="t", desc="d", labels=['" onmouseover="x'], values=[1], unit='"><a')
    root = parse(svg)
    assert not [(el.tag, a) for el in root.iter() for a in el.attrib if a.lower().startswith("on")]
    assert not [el for el in root.iter() if el.tag == f"{NS}a"]
