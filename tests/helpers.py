"""Test helpers: a clean baseline person, and one assertion helper for verdicts."""

from __future__ import annotations

from typing import Any

from suitability import Assessment, assess

TREATMENTS = (
    "mesotherapy",
    "botulinum_toxin",
    "dermal_fillers",
    "chemical_peel",
    "laser_resurfacing",
    "microneedling",
    "ultherapy",
)
ALL_GOALS = [
    "hydration_radiance", "fine_lines", "expression_lines", "volume", "laxity", "local_fat",
    "cellulite", "hair_thinning", "acne_scars", "pigmentation_tone", "pores_texture",
]  # fmt: skip

# A person with every goal but active acne (which implies a condition), and nothing to review.
BASELINE: dict[str, Any] = {
    "age": 35,
    "goals": ALL_GOALS,
    "areas": ["face", "lips", "under_eyes", "forehead", "jawline", "neck", "scalp", "body"],
    "pregnant": "no",
    "breastfeeding": "no",
    "trying_to_conceive": "no",
    "skin_now": ["none"],
    "recent_tan": "no",
    "skin_type": "type_2",
    "pigmentation_history": "no",
    "cold_sores": "no",
    "keloids": "no",
    "bleeding_disorder": "no",
    "autoimmune": "no",
    "immunosuppressed": "no",
    "cancer_treatment": "no",
    "facial_radiotherapy": "no",
    "diabetes": "no",
    "heart_disease": "no",
    "epilepsy": "no",
    "neuromuscular": "no",
    "facial_nerve_palsy": "no",
    "blood_thinners_rx": "no",
    "otc_thinners": "no",
    "isotretinoin": "never",
    "aminoglycoside_or_relaxant": "no",
    "photosensitising": "no",
    "allergies": ["none"],
    "implants": ["none"],
    "recent_facial_treatment": "no",
    "recent_facial_surgery": "no",
    "needle_discomfort": "none",
    "downtime_days": 30,
    "has_event": "no",
    "sessions": "course_ok",
    "non_surgical": "no",
}
ANSWERED_ON = "2026-11-20"


def person(**changes: Any) -> dict[str, Any]:
    """The baseline answers-file data with ``changes`` applied (None removes an answer)."""
    values = {**BASELINE, **changes}
    return {
        "questionnaire": "facial_mesotherapy",
        "answered_on": ANSWERED_ON,
        "answers": {k: v for k, v in values.items() if v is not None},
    }


def verdicts(assessment: Assessment) -> dict[str, str]:
    return {t: v.verdict for t, v in assessment.verdicts.items()}


def assert_verdicts(answers: dict[str, Any], **expected: str) -> Assessment:
    """Assesses ``answers`` and checks the named treatments' verdicts (others: not checked)."""
    result = assess(answers)
    got = verdicts(result)
    assert {t: got[t] for t in expected} == expected
    return result
