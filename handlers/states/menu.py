"""Where "My car" can stand: typing the odometer of one vehicle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class CarStep(StrEnum):
    MILEAGE = "car.mileage"


@dataclass
class OdometerOf(FlowData):
    vehicle_id: int
    pending_km: int | None = None  # a reading waiting for "is that right?"
