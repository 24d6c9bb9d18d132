"""Fixtures for the NLP core tests; needs neither Django nor the dev data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

# Synthetic ideas written for these tests (three tracks, one re-post).
IDEAS = [
    (
        "a1",
        "청년 창업 지원 확대",
        "청년창업 지원센터를 늘리고 창업 자금 대출 이자를 낮춰 주세요. 청년 일자리가 늘어납니다.",
        "일자리",
    ),
    ("a2", "청년 일자리 박람회", "구마다 청년 일자리 박람회를 열어 중소기업 채용 정보를 알려 주세요.", "일자리"),
    ("a3", "중장년 재취업 교육", "퇴직한 중장년을 위한 재취업 교육과 일자리 연결 프로그램을 만들어 주세요.", "일자리"),
    ("a4", "사회적기업 창업", "사회적기업 창업 공간을 공유 오피스로 제공하면 청년 창업과 일자리가 생깁니다.", "일자리"),
    ("b1", "공원 쓰레기통 설치", "한강 공원에 분리수거 쓰레기통을 더 설치하고 재활용 교육을 해 주세요.", "환경"),
    ("b2", "미세먼지 저감 숲", "도심 미세먼지를 줄이기 위해 도로 옆에 나무를 심고 도시숲을 만들어 주세요.", "환경"),
    ("b3", "일회용 컵 줄이기", "카페 일회용 컵 사용을 줄이도록 다회용 컵 보증금 제도를 도입해 주세요.", "환경"),
    ("b4", "하천 정화 활동", "동네 하천 정화 활동에 주민 자원봉사를 모으고 쓰레기 수거를 지원해 주세요.", "환경"),
    ("c1", "심야 버스 증편", "새벽 시간 심야 버스 노선을 늘려 야간 근로자의 출퇴근을 도와주세요.", "교통"),
    ("c2", "자전거 도로 연결", "끊긴 자전거 도로를 연결하고 따릉이 대여소를 지하철역마다 설치해 주세요.", "교통"),
    ("c3", "마을버스 배차 간격", "마을버스 배차 간격이 너무 길어 출근 시간에 지하철 환승이 어렵습니다.", "교통"),
    (
        "c4",
        "어린이 보호구역 신호등",
        "초등학교 앞 어린이 보호구역에 신호등과 과속 단속 카메라를 설치해 주세요.",
        "교통",
    ),
]


# The fixture ideas three times over, a third of them labelled: the few-shot batch of the classifier harnesses' tests.
TRIPLED_TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS] * 3
TRIPLED_TRACKS = [tr for *_, tr in IDEAS] * 3
THIRD_LABELLED = [tr if i % 3 == 0 else None for i, tr in enumerate(TRIPLED_TRACKS)]


def split_tokenizer(text: str) -> list[str]:
    """Whitespace tokenizer with punctuation stripped: fast, no analyser needed."""
    return [w.strip(".,!?") for w in text.split() if w.strip(".,!?")]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def ideas() -> list[tuple[str, str, str, str]]:
    return list(IDEAS)


@pytest.fixture
def labelled_csv(tmp_path: Path) -> Path:
    rows = [[i, t, c, tr] for i, t, c, tr in IDEAS if i.endswith(("1", "2"))]
    return write_csv(tmp_path / "labelled.csv", ["id", "title", "content", "track"], rows)


@pytest.fixture
def input_csv(tmp_path: Path) -> Path:
    rows = [[i, t, c] for i, t, c, _ in IDEAS if i.endswith(("3", "4"))]
    orig = IDEAS[3]
    rows.append(["r1", orig[1].replace(" ", "", 1), "안녕하세요. " + orig[2].replace(" ", "", 2)])
    return write_csv(tmp_path / "input.csv", ["id", "title", "content"], rows)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mecab: uses the real Mecab analyser (konlpy + mecab-ko-dic)")
