"""The service catalogue and "which maintenance is due next"."""

from __future__ import annotations

from datetime import date

from bot.data import load_reference
from bot.domain.months import add_months
from bot.domain.service_catalog import (
    FIRST_SERVICE,
    MAINTENANCE,
    OPERATION_CODES,
    PastService,
    Urgency,
    next_service,
)

reference = load_reference()
X7 = reference.models["X7"]  # every 15,000 km or 12 months; first at 5,000 km or 6 months
TODAY = date(2027, 3, 1)


def test_every_operation_has_an_indicative_price_in_every_market() -> None:
    catalog = reference.catalog
    assert tuple(catalog.operations) == OPERATION_CODES
    for operation in catalog.operations.values():
        for market in reference.markets:
            price = operation.price_for(market, "X7")
            assert price is not None
            assert price >= 0
    assert catalog.operations["recall"].price_for("TH", "X7") == 0


def test_prices_and_durations_can_differ_by_model() -> None:
    maintenance = reference.catalog.operations["maintenance"]
    assert maintenance.minutes_for("E3") < maintenance.minutes_for("X7")
    assert maintenance.price_for("DE", "E3") < maintenance.price_for("DE", "X7")


def test_an_ev_battery_check_is_only_for_electric_and_hybrid_cars() -> None:
    battery = reference.catalog.operations["ev_battery"]
    assert battery.applies_to(reference.models["E3"])
    assert battery.applies_to(reference.models["X7"])
    assert not battery.applies_to(reference.models["T9"])


def test_centers_offer_everything_unless_dealers_toml_says_otherwise() -> None:
    assert reference.dealers["TH-BKK-01"].services == OPERATION_CODES
    assert "ev_battery" not in reference.dealers["SA-JED-01"].services


def test_months_are_added_to_the_end_of_short_months() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_the_first_service_comes_first_by_distance_or_time_whichever_is_earlier() -> None:
    young = next_service(
        X7, delivery_date=date(2026, 12, 1), mileage_km=1200, last_service=None, today=TODAY
    )
    assert (young.operation, young.due_km, young.due_on) == (FIRST_SERVICE, 5000, date(2027, 6, 1))
    assert young.urgency is Urgency.LATER
    by_km = next_service(
        X7, delivery_date=date(2026, 12, 1), mileage_km=5100, last_service=None, today=TODAY
    )
    assert by_km.urgency is Urgency.OVERDUE
    soon_by_date = next_service(
        X7, delivery_date=date(2026, 9, 15), mileage_km=900, last_service=None, today=TODAY
    )
    assert soon_by_date.urgency is Urgency.SOON


def test_after_a_service_the_regular_interval_counts_from_it() -> None:
    due = next_service(
        X7,
        delivery_date=date(2025, 1, 10),
        mileage_km=30_500,
        last_service=PastService(date(2026, 6, 1), 19_000),
        today=TODAY,
    )
    assert (due.operation, due.due_km, due.due_on) == (MAINTENANCE, 34_000, date(2027, 6, 1))
    assert due.urgency is Urgency.LATER


def test_a_car_imported_without_history_long_past_its_first_service_needs_maintenance() -> None:
    due = next_service(
        X7, delivery_date=date(2021, 5, 1), mileage_km=96_500, last_service=None, today=TODAY
    )
    assert (due.operation, due.urgency) == (MAINTENANCE, Urgency.OVERDUE)
