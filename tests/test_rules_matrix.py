"""One test per row of the screening matrix: the verdicts it produces and its reason.

The expected cells are written out here from the clinical reference (section 2), independently
of the catalogue, so a wrong cell in the catalogue fails a test.
"""

from __future__ import annotations

from typing import Any

import pytest

from suitability import assess

from .helpers import TREATMENTS, person, verdicts

#            row id                     MESO BTX FILL PEEL LASER MN ULT   answers that trigger it
ROWS: list[tuple[str, str, dict[str, Any]]] = [
    ("c_pregnant",                      "A A A A A A A", {"pregnant": "yes"}),
    ("c_breastfeeding",                 "A A A A A A A", {"breastfeeding": "yes"}),
    ("c_possible_pregnancy",            "C C C C C C C", {"trying_to_conceive": "yes"}),
    ("c_age_under_18",                  "A A A A A A A", {"age": 16}),
    ("c_age_18_21",                     "N N C N N N N", {"age": 20}),
    ("c_active_infection_site",         "A A A A A A A", {"skin_now": ["infection_or_wound"]}),
    ("c_herpes_history",                "C N C C C C C", {"cold_sores": "yes"}),
    ("c_active_acne",                   "C N C C C A C", {"skin_now": ["acne_breakouts"]}),
    ("c_severe_cystic_acne",            "C N C C A A A", {"skin_now": ["severe_acne"]}),
    ("c_active_dermatitis",             "C N C A A A C", {"skin_now": ["dermatitis_flare"]}),
    ("c_allergy_ha_or_filler_reaction", "A N A N N C N", {"allergies": ["ha_or_filler"]}),
    ("c_allergy_lidocaine",             "C N A N C C C", {"allergies": ["local_anaesthetic"]}),
    ("c_allergy_btx",                   "N A N N N N N", {"allergies": ["botulinum_toxin"]}),
    ("c_allergy_other_severe",          "C C C C N C N", {"allergies": ["other_severe"]}),
    ("c_bleeding_disorder",             "A C A N C A C", {"bleeding_disorder": "yes"}),
    ("c_anticoagulant_rx",              "A C A N C A C", {"blood_thinners_rx": "yes"}),
    ("c_otc_thinners",                  "C C C N N C N", {"otc_thinners": "yes"}),
    ("c_autoimmune_stable",             "C C C C C C C", {"autoimmune": "stable"}),
    ("c_autoimmune_flare",              "A C A A A A C", {"autoimmune": "active"}),
    ("c_immunosuppressed",              "A C C C C A C", {"immunosuppressed": "yes"}),
    ("c_active_cancer_treatment",       "A A A A A A A", {"cancer_treatment": "yes"}),
    ("c_facial_radiotherapy",           "C N C A A A C", {"facial_radiotherapy": "yes"}),
    ("c_diabetes_controlled",           "C N N C C C C", {"diabetes": "controlled"}),
    ("c_diabetes_uncontrolled",         "A C C C A A C", {"diabetes": "uncontrolled"}),
    ("c_keloid_tendency",               "C N C A A A C", {"keloids": "yes"}),
    ("c_isotretinoin_lt6m",             "C N C A A A C", {"isotretinoin": "current"}),
    ("c_isotretinoin_6_12m",            "N N N C C C N", {"isotretinoin": "past", "isotretinoin_months": 8}),
    ("c_recent_tan_sunburn",            "C N C A A C N", {"recent_tan": "yes"}),
    ("c_fitzpatrick_iv_vi",             "N N N C C C N", {"skin_type": "type_5"}),
    ("c_pih_melasma_history",           "N N N C C C N", {"pigmentation_history": "yes"}),
    ("c_neuromuscular",                 "N A N N N N N", {"neuromuscular": "yes"}),
    ("c_facial_nerve_palsy",            "N C N N N N C", {"facial_nerve_palsy": "yes"}),
    ("c_btx_interacting_meds",          "N C N N N N N", {"aminoglycoside_or_relaxant": "yes"}),
    ("c_electronic_implant_area",       "N N N N N N A", {"implants": ["electronic"]}),
    ("c_metal_implant_area",            "N N N N N N A", {"implants": ["metal"]}),
    ("c_permanent_filler_area",         "C N C N C C A", {"implants": ["permanent_filler"]}),
    ("c_recent_facial_procedure",       "C C C C C C C", {"recent_facial_treatment": "yes", "recent_facial_treatment_days": 10}),
    ("c_photosensitiser_retinoid",      "N N N C C C N", {"photosensitising": "yes"}),
    ("c_heart_disease",                 "C N N C N C C", {"heart_disease": "yes"}),
    ("c_epilepsy",                      "C N N N N N C", {"epilepsy": "yes"}),
    ("c_unanswered_safety",             "C C C C C C C", {"epilepsy": "not_sure"}),
    ("p_needle_fear",                   "C C C N N C N", {"needle_discomfort": "moderate"}),
    ("p_downtime_lt2d",                 "C N C C C C N", {"downtime_days": 1}),
    ("p_downtime_2_13d",                "N N N C C N N", {"downtime_days": 2}),
    ("p_event_le14d",                   "C C C C A C C", {"has_event": "yes", "event_date": "2026-11-30"}),
    ("p_event_15_42d",                  "N N N C C N C", {"has_event": "yes", "event_date": "2026-12-20"}),
    ("p_event_date_unknown",            "C C C C C C C", {"has_event": "yes"}),
    ("p_single_session",                "C C N C N C N", {"sessions": "one_visit"}),
    ("p_non_surgical",                  "N N N N N N N", {"non_surgical": "yes"}),
]  # fmt: skip

GOAL_ROWS: list[tuple[str, str]] = [
    ("hydration_radiance", "I N N I I I N"),
    ("fine_lines",         "I I I I I I I"),
    ("expression_lines",   "N I N N N N N"),
    ("volume",             "N N I N N N N"),
    ("laxity",             "I N I N I I I"),
    ("local_fat",          "I N N N N N N"),
    ("cellulite",          "I N N N N N N"),
    ("hair_thinning",      "I N N N N N N"),
    ("acne_scars",         "I N I I I I N"),
    ("pigmentation_tone",  "I N N I I I N"),
    ("pores_texture",      "I N N I I I N"),
]  # fmt: skip

WORD = {"A": "avoid_until_reviewed", "C": "discuss_with_caution", "N": "worth_discussing"}
EFFECT = {"A": "avoid", "C": "caution"}
FIT = {"A": "does_not_fit", "C": "ask_the_practitioner", "N": "fits"}


def test_baseline__every_treatment_worth_discussing() -> None:
    result = assess(person())
    assert set(verdicts(result).values()) == {"worth_discussing"}
    assert result.flags == []


@pytest.mark.parametrize(("row", "cells", "changes"), ROWS, ids=[r[0] for r in ROWS])
def test_matrix_row__gives_its_verdicts_and_reason(
    row: str, cells: str, changes: dict[str, Any]
) -> None:
    # Plans rows (p_) never change a verdict: their cells give each treatment's fit instead.
    plans = row.startswith("p_")
    result = assess(person(**changes))
    expected = dict(
        zip(TREATMENTS, (WORD["N" if plans else c] for c in cells.split()), strict=True)
    )
    assert verdicts(result) == expected
    for treatment, cell in zip(TREATMENTS, cells.split(), strict=True):
        verdict = result.verdicts[treatment]
        assert verdict.fit == (FIT[cell] if plans else "fits")
        reasons = [r for r in [*verdict.reasons, *verdict.fit_reasons] if r.rule == row]
        if cell == "N":
            assert reasons == []
        else:
            assert len(reasons) == 1
            reason = reasons[0]
            if plans:
                assert reason in verdict.fit_reasons and reason.fit == FIT[cell]  # type: ignore[union-attr]
            else:
                assert reason in verdict.reasons and reason.effect == EFFECT[cell]  # type: ignore[union-attr]
            assert reason.text and reason.source
            assert {a.question for a in reason.answers} & set(changes)
    if "A" in cells or "C" in cells:
        assert row in {f.id for f in result.flags}


@pytest.mark.parametrize(("goal", "cells"), GOAL_ROWS, ids=[g[0] for g in GOAL_ROWS])
def test_goal_row__decides_relevance(goal: str, cells: str) -> None:
    result = assess(person(goals=[goal]))
    expected = {
        t: "worth_discussing" if c == "I" else "not_relevant"
        for t, c in zip(TREATMENTS, cells.split(), strict=True)
    }
    assert verdicts(result) == expected
    for t, c in zip(TREATMENTS, cells.split(), strict=True):
        rules = [r.rule for r in result.verdicts[t].reasons]
        assert (f"g_{goal}" in rules) == (c == "I")


def test_goal_active_acne__implies_the_active_acne_condition() -> None:
    result = assess(person(goals=["active_acne"]))
    assert verdicts(result) == {
        "mesotherapy": "discuss_with_caution",
        "botulinum_toxin": "not_relevant",
        "dermal_fillers": "not_relevant",
        "chemical_peel": "discuss_with_caution",
        "laser_resurfacing": "not_relevant",
        "microneedling": "not_relevant",
        "ultherapy": "not_relevant",
    }
    assert "c_active_acne" in {f.id for f in result.flags}


def test_no_goal__every_treatment_not_relevant_with_a_prompt_and_safety_flags_kept() -> None:
    result = assess(person(goals=["none"], pregnant="yes"))
    assert set(verdicts(result).values()) == {"not_relevant"}
    assert [f.id for f in result.flags][:2] == ["no_goals", "c_pregnant"]
    assert [r.rule for r in result.verdicts["mesotherapy"].reasons] == ["c_pregnant"]


def test_most_conservative_wins_and_every_reason_is_kept() -> None:
    result = assess(person(pregnant="yes", cold_sores="yes", needle_discomfort="severe"))
    meso = result.verdicts["mesotherapy"]
    assert meso.verdict == "avoid_until_reviewed"
    assert {r.rule for r in meso.reasons if r.effect != "relevant"} == {
        "c_pregnant",
        "c_herpes_history",
    }
    assert [r.rule for r in meso.fit_reasons] == ["p_needle_fear"]
    assert "pregnant or might be" in meso.summary.lower()
