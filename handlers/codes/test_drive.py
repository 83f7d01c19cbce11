"""Button codes of test drives (handlers/test_drive.py)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.codes import ButtonCode


@dataclass(frozen=True)
class AskTestDrive(ButtonCode, prefix="td:ask"):
    pass


@dataclass(frozen=True)
class ChooseTestDriveModel(ButtonCode, prefix="td:m"):
    model: str  # a model code of the reference data
