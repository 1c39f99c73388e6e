"""Answer values every module shares: the non-answers and the date format of data.

Kept apart from the questionnaire models so that the question kinds (which the models use)
can read them without an import cycle.
"""

from __future__ import annotations

import datetime as dt
import re

NOT_SURE = "not_sure"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
#: Answers that are not an answer: they stay distinct from "no" all the way to the rules.
SPECIAL_VALUES = (NOT_SURE, PREFER_NOT_TO_SAY)
SPECIAL_LABELS = {NOT_SURE: "Not sure", PREFER_NOT_TO_SAY: "Prefer not to say"}

#: Exactly YYYY-MM-DD in ASCII digits (``date.fromisoformat`` alone also takes "20200101").
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date | None:
    """The date written as exactly YYYY-MM-DD, or None."""
    if DATE_PATTERN.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None
