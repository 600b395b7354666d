"""Every step that reads untrusted text runs in linear time.

Each test times a step on one adversarial pattern at doubling sizes and fails when
doubling the input more than triples the cost: linear work doubles, quadratic work
quadruples (the Markdown image bomb was quintic: 201 s for 20 KB). Costs are CPU time
of this process (other processes do not count), the best of three, each long enough
for the clock to measure; a call that takes over two seconds fails at once.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from adversarial import HTML_BOMBS, JSON_BOMBS, JSON_LINES_BOMBS, TEXT_BOMBS, Bomb, adversarial_units, record
from hypothesis import HealthCheck, given, settings

from workbench.readers import ReadError, ReadFailure, read_path
from workbench.readers.clean import clean_text, is_junk_line
from workbench.readers.decode import decode_text
from workbench.readers.plain import split_header

SIZES = (2_000, 4_000, 8_000, 16_000, 32_000)
GROWTH = 3.0  # the most doubling the input may multiply the cost by
MEASURABLE = 0.002  # seconds: each timing runs the step often enough to take this long
BUDGET = 2.0  # seconds one call may take, at any size here

TEXT_STEPS: dict[str, Callable[[str], object]] = {
    "clean text": clean_text,
    "clean Markdown": lambda text: clean_text(text, markdown=True, has_title_line=False),
    "split a header": split_header,
    "tell page furniture": is_junk_line,
    # UTF-8, UTF-8 with bytes read as cp1252 (the fallback runs per byte), UTF-16 without a BOM
    "decode": lambda text: [
        _decoded(data) for data in (text.encode(), text.encode() + b"\xe9", text.encode("utf-16-le"))
    ],
}


def _decoded(data: bytes) -> str | ReadError:
    try:
        return decode_text(data)
    except ReadError as error:  # binary: refused, and as fast
        return error


def _seconds(step: Callable[[str], object], text: str, number: int) -> float:
    """The CPU time of one call, the best of three timings of ``number`` calls."""
    best = math.inf
    for _ in range(3):
        gc.disable()
        try:
            started = time.process_time()
            for _ in range(number):
                step(text)
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best / number


def assert_linear(step: Callable[[str], object], bomb: Bomb, sizes: tuple[int, ...] = SIZES) -> None:
    started = time.process_time()
    step(bomb(sizes[0]))
    once = time.process_time() - started
    number = max(1, min(200, math.ceil(MEASURABLE / max(once, 1e-6))))
    costs: list[tuple[int, float]] = []
    for size in sizes:
        seconds = _seconds(step, bomb(size), number)
        costs.append((size, seconds))
        shown = ", ".join(f"{n:,} chars: {s * 1000:.2f} ms" for n, s in costs)
        assert seconds < BUDGET, f"{seconds:.1f} s for {size:,} characters ({shown})"
        if len(costs) > 1 and seconds > GROWTH * costs[-2][1]:
            # A busy machine can slow one timing; growth that is real shows again.
            smaller = _seconds(step, bomb(costs[-2][0]), number)
            seconds = _seconds(step, bomb(size), number)
            assert seconds <= GROWTH * smaller, (
                f"cost grows faster than the input: {shown}, then {seconds * 1000:.2f} ms"
            )


@pytest.mark.parametrize("bomb", TEXT_BOMBS, ids=str)
@pytest.mark.parametrize("step", TEXT_STEPS, ids=str)
def test_every_text_step_is_linear_in_its_input(step, bomb):
    assert_linear(TEXT_STEPS[step], TEXT_BOMBS[bomb])


@settings(max_examples=10, deadline=None)
@given(unit=adversarial_units)
def test_cleaning_any_repeated_pattern_is_linear(unit):
    """Patterns no one listed: Hypothesis combines the pieces of the known bombs."""
    bomb = lambda size: unit * max(1, size // len(unit))  # noqa: E731
    assert_linear(TEXT_STEPS["clean Markdown"], bomb, SIZES[:4])


def _file_reader(folder: Path, suffix: str, wrap: Callable[[str], str] = str) -> Callable[[str], object]:
    path = folder / f"bomb{suffix}"

    def read(text: str) -> list:
        path.write_text(wrap(text), encoding="utf-8")
        results = list(read_path(str(path), path))
        for result in results:
            if isinstance(result, ReadFailure):
                assert str(result).startswith(str(path)) and "\n" not in str(result)
        return results

    return read


FILE_BOMBS = [
    *((".json", name) for name in JSON_BOMBS),
    *((".jsonl", name) for name in JSON_LINES_BOMBS),
    *((".html", name) for name in HTML_BOMBS),
    *((".txt", name) for name in ("hyphenated line ends", "reporting credits", "header lines", "title-case lines")),
    *((".md", name) for name in ("markdown image openers", "markdown link openers", "unclosed strong")),
]
FILE_BOMB_SOURCES = {".json": JSON_BOMBS, ".jsonl": JSON_LINES_BOMBS, ".html": HTML_BOMBS, ".txt": TEXT_BOMBS}


@pytest.mark.parametrize(("suffix", "bomb"), FILE_BOMBS, ids=lambda value: str(value))
def test_reading_a_file_is_linear_in_its_size(tmp_path, suffix, bomb):
    bombs = FILE_BOMB_SOURCES.get(suffix, TEXT_BOMBS)
    assert_linear(_file_reader(tmp_path, suffix), bombs[bomb], SIZES[1:])


@pytest.mark.parametrize("bomb", ["hyphenated line ends", "markdown link openers", "unclosed strong"])
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_text_bomb_inside_a_json_record_is_linear(tmp_path, suffix, bomb):
    assert_linear(_file_reader(tmp_path, suffix, record), TEXT_BOMBS[bomb], SIZES[1:])


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=adversarial_units)
def test_reading_any_repeated_pattern_from_a_file_is_linear(tmp_path, unit):
    bomb = lambda size: unit * max(1, size // len(unit))  # noqa: E731
    assert_linear(_file_reader(tmp_path, ".md"), bomb, SIZES[1:4])
