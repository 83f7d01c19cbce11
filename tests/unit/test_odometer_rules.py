"""Who may set an odometer reading, and which readings are asked about
(bot.domain.odometer)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.odometer import (
    MAX_MILEAGE_KM,
    PLAUSIBLE_PER_DAY,
    Verdict,
    check_owner_reading,
    record_dealer_reading,
    record_owner_reading,
    to_km,
)
from bot.domain.owners import ReadingSource, Vehicle

TODAY = date(2026, 11, 23)


def car(**fields: object) -> Vehicle:
    vehicle = Vehicle(owner_id=1, model="X7", vin=None, delivery_date=date(2025, 11, 23))
    for name, value in fields.items():
        setattr(vehicle, name, value)
    return vehicle


def test_a_reading_a_car_could_have_driven_since_the_last_one_is_fine() -> None:
    vehicle = car()
    record_owner_reading(vehicle, 10_000, TODAY - timedelta(days=10))
    assert check_owner_reading(vehicle, 12_000, TODAY, "km").verdict is Verdict.FINE


def test_more_than_a_few_hundred_km_a_day_since_the_last_reading_is_asked_about() -> None:
    vehicle = car()
    record_owner_reading(vehicle, 10_000, TODAY - timedelta(days=2))
    limit = 10_000 + 2 * PLAUSIBLE_PER_DAY["km"]
    assert check_owner_reading(vehicle, limit, TODAY, "km").verdict is Verdict.FINE
    assert check_owner_reading(vehicle, limit + 1, TODAY, "km").verdict is Verdict.UNLIKELY


def test_the_daily_limit_is_counted_in_the_markets_unit() -> None:
    vehicle = car()
    record_owner_reading(vehicle, 10_000, TODAY - timedelta(days=1))
    miles = PLAUSIBLE_PER_DAY["mi"]
    assert to_km(miles, "mi") < PLAUSIBLE_PER_DAY["km"], "300 mi is less than 500 km"
    near = 10_000 + to_km(miles, "mi")
    assert check_owner_reading(vehicle, near, TODAY, "mi").verdict is Verdict.FINE
    assert check_owner_reading(vehicle, near + 2, TODAY, "mi").verdict is Verdict.UNLIKELY


def test_a_first_reading_is_judged_by_the_days_since_delivery() -> None:
    vehicle = car()  # delivered a year ago, no reading yet
    assert check_owner_reading(vehicle, 20_000, TODAY, "km").verdict is Verdict.FINE
    assert check_owner_reading(vehicle, 400_000, TODAY, "km").verdict is Verdict.UNLIKELY


def test_an_imported_reading_of_no_known_day_is_not_taken_as_todays() -> None:
    vehicle = car()
    record_dealer_reading(vehicle, 11_000, TODAY, visit=False)  # the export, imported today
    assert vehicle.mileage_source == ReadingSource.IMPORT
    # 3,000 km more than the export, on the day of the import: judged since delivery
    assert check_owner_reading(vehicle, 14_000, TODAY, "km").verdict is Verdict.FINE


def test_a_reading_no_car_reaches_is_refused() -> None:
    verdict = check_owner_reading(car(), MAX_MILEAGE_KM + 1, TODAY, "km").verdict
    assert verdict is Verdict.IMPOSSIBLE


def test_an_owner_may_correct_their_own_reading_downwards_after_confirming() -> None:
    vehicle = car()
    record_owner_reading(vehicle, 123_456, TODAY - timedelta(days=30))  # "12,3456"
    check = check_owner_reading(vehicle, 7_000, TODAY, "km")
    assert check.verdict is Verdict.CORRECTION
    assert check.needs_confirmation
    record_owner_reading(vehicle, 7_000, TODAY)
    assert (vehicle.mileage_km, vehicle.mileage_recorded_on) == (7_000, TODAY)


def test_a_dealers_reading_is_never_lowered_by_an_owner() -> None:
    vehicle = car()
    record_dealer_reading(vehicle, 9_000, TODAY - timedelta(days=40), visit=True)
    check = check_owner_reading(vehicle, 8_000, TODAY, "km")
    assert check.verdict is Verdict.BELOW_DEALER
    assert (check.dealer_km, check.dealer_on) == (9_000, TODAY - timedelta(days=40))
    assert check.refused


def test_an_owners_correction_stops_at_the_dealers_floor() -> None:
    vehicle = car()
    record_dealer_reading(vehicle, 5_000, TODAY - timedelta(days=60), visit=True)
    record_owner_reading(vehicle, 50_000, TODAY - timedelta(days=20))  # a typo, confirmed
    assert check_owner_reading(vehicle, 6_000, TODAY, "km").verdict is Verdict.CORRECTION
    assert check_owner_reading(vehicle, 4_000, TODAY, "km").verdict is Verdict.BELOW_DEALER


def test_a_dealer_reading_raises_the_reading_and_the_floor_but_never_lowers_either() -> None:
    vehicle = car()
    record_owner_reading(vehicle, 12_000, TODAY - timedelta(days=3))
    assert record_dealer_reading(vehicle, 11_000, TODAY, visit=True)  # the floor moved
    assert (vehicle.mileage_km, vehicle.mileage_source) == (12_000, ReadingSource.OWNER)
    assert vehicle.dealer_mileage_km == 11_000
    assert record_dealer_reading(vehicle, 13_000, TODAY, visit=True)
    assert (vehicle.mileage_km, vehicle.mileage_source) == (13_000, ReadingSource.DEALER)
    assert not record_dealer_reading(vehicle, 10_000, TODAY, visit=True)
    assert (vehicle.mileage_km, vehicle.dealer_mileage_km) == (13_000, 13_000)


def test_a_reading_of_unknown_source_is_corrected_like_the_owners_own() -> None:
    vehicle = car(mileage_km=123_456, mileage_recorded_on=TODAY - timedelta(days=90))
    assert vehicle.mileage_source is None  # kept before sources were
    assert check_owner_reading(vehicle, 7_000, TODAY, "km").verdict is Verdict.CORRECTION
