"""Where an advisor stands at the service desk (handlers/booking_staff.py). Step values
are stored with the conversation: never change them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.states import FlowData


class DeskStep(StrEnum):
    INVOICE = "bks.invoice"  # the advisor replies with the invoice amount


@dataclass
class InvoiceDraft(FlowData):
    booking: int
