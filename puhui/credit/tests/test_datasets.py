"""The committed samples and the data-set cache (no download in tests)."""

import csv

import pytest

from puhui.credit.datasets import DATASETS, dataset_fetch, dataset_path, sample_path, sha256_of


def rows(name: str) -> list[dict[str, str]]:
    with sample_path(name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_sba_sample_is_loans_approved_up_to_fy2002_with_known_outcomes():
    sample = rows("sba")
    assert len(sample) == 3000
    assert {row["MIS_Status"] for row in sample} == {"P I F", "CHGOFF"}
    years = {int("".join(ch for ch in row["ApprovalFY"] if ch.isdigit())[:4]) for row in sample}
    assert max(years) <= 2002
    bad_rate = sum(row["MIS_Status"] == "CHGOFF" for row in sample) / len(sample)
    assert 0.05 < bad_rate < 0.12  # the full FY ≤ 2002 book: 8.05 % charged off


def test_the_german_sample_is_the_whole_statlog_data_set():
    sample = rows("german")
    assert len(sample) == 1000
    assert sum(row["creditability"] == "bad" for row in sample) == 300


def test_a_cached_data_set_is_not_downloaded_again(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    cached = dataset_path("german")
    cached.parent.mkdir(parents=True)
    cached.write_text("already here")
    assert dataset_fetch("german") == cached
    assert cached.read_text() == "already here"


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_data_set_is_pinned_by_version_and_checksum(name):
    spec = DATASETS[name]
    assert "==" in spec.requirement
    assert len(spec.sha256) == 64


def test_sha256_of_a_file(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"abc")
    assert sha256_of(path) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
