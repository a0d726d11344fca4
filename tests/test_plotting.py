"""The book's figure style (lecture_utils.plotting)."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from lecture_utils.plotting import COLORS, legend_above, use_book_style


@pytest.fixture(autouse=True)
def _restore_rcparams():
    with matplotlib.rc_context():
        yield


def test_use_book_style_sets_size_and_colour_cycle() -> None:
    use_book_style()
    assert matplotlib.rcParams["figure.figsize"] == [6.4, 3.6]
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert cycle[:2] == [COLORS["model"], COLORS["alternative"]]
    assert COLORS["data"] == "#222222"


def test_legend_above_sits_above_the_axes() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="line")
    legend = legend_above(ax)
    assert legend.get_bbox_to_anchor().y0 > ax.bbox.y1 - 1
    plt.close(fig)
