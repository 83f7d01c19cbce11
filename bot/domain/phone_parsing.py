"""phonenumbers' parse and is_valid_number, the same answers for less work.

Checking a 100,000-row import spent half its time in these two. Most exports write
numbers as E.164 already ("+66891234567"): for such a text, `parse_number` takes
only the steps of phonenumbers.parse that can change its result (the country code,
the national prefix, the lengths, Italy's leading zero), with phonenumbers' own
helpers; anything else, or any doubt, goes to phonenumbers.parse itself.
`is_valid_number` asks whether the number fits any type of its region's plan, the
mobile pattern first: phonenumbers tries nine rarer types before it.

tests/unit/test_phone_parsing.py holds both to phonenumbers' answers on numbers of
every shipped market, valid and not.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber
from phonenumbers import phonenumberutil as util

# "+" and digits: 3 to 17 of them, as phonenumbers allows after a "+".
_E164_SHAPED = re.compile(r"\+[1-9][0-9]{2,16}")
# What phonenumbers.parse does not take as the national number, its prefix stripped.
_PREFIX_NOT_STRIPPED = frozenset(
    {
        util.ValidationResult.TOO_SHORT,
        util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
        util.ValidationResult.INVALID_LENGTH,
    }
)


# The private helpers of phonenumbers the fast path calls (checked against 9.0.43 by
# the tests): a release without one of them turns the fast path off, not the import.
_HELPERS = (
    "_extract_country_code",
    "_maybe_strip_national_prefix_carrier_code",
    "_test_number_length",
    "_MIN_LENGTH_FOR_NSN",
    "_MAX_LENGTH_FOR_NSN",
    "_set_italian_leading_zeros_for_phone_number",
    "_is_number_matching_desc",
)
FAST_PATH = all(hasattr(util, name) for name in _HELPERS)


def parse_number(text: str, region: str | None) -> PhoneNumber:
    """phonenumbers.parse(text, region), raising what it raises."""
    if FAST_PATH and _E164_SHAPED.fullmatch(text):
        number = _international(text[1:])
        if number is not None:
            return number
    return phonenumbers.parse(text, region)


def _international(digits: str) -> PhoneNumber | None:
    """What phonenumbers.parse makes of "+" and `digits`; None where it would do more
    (no known country code, a length out of bounds): the caller asks it then."""
    country_code, national = util._extract_country_code(digits)
    if country_code == 0:
        return None
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, util.region_code_for_country_code(country_code)
    )
    if metadata is None:
        return None
    _, stripped, _ = util._maybe_strip_national_prefix_carrier_code(national, metadata)
    if util._test_number_length(stripped, metadata) not in _PREFIX_NOT_STRIPPED:
        national = stripped
    if not util._MIN_LENGTH_FOR_NSN <= len(national) <= util._MAX_LENGTH_FOR_NSN:
        return None
    number = PhoneNumber()
    number.country_code = country_code
    util._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


def is_valid_number(number: PhoneNumber) -> bool:
    """phonenumbers.is_valid_number(number)."""
    if not FAST_PATH:
        return bool(phonenumbers.is_valid_number(number))
    region = phonenumbers.region_code_for_number(number)
    country_code = number.country_code
    if region is None or country_code is None:  # no region for no country code
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region.upper())
    if metadata is None or (
        region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
        and country_code != util.country_code_for_valid_region(region)
    ):
        return False
    national = util.national_significant_number(number)
    matches = util._is_number_matching_desc
    if not matches(national, metadata.general_desc):
        return False
    # phonenumbers' number type is not UNKNOWN exactly when one of these matches (the
    # mobile pattern counts where it is not the fixed lines' own)
    if not metadata.same_mobile_and_fixed_line_pattern and matches(national, metadata.mobile):
        return True
    return any(
        matches(national, desc)
        for desc in (
            metadata.fixed_line,
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
        )
    )
