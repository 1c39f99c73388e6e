"""What each treatment is, its usual downtime and when results show, and what the mesotherapy
article says to expect: facts for reports, written in this project's own words with sources."""

from __future__ import annotations

from dataclasses import dataclass

from .rules.model import TREATMENTS

__all__ = ["MESOTHERAPY", "SHORT_NAMES", "TREATMENT_INFO", "TreatmentInfo"]

#: Each treatment's short label, for lists one line per person (explained by a legend).
SHORT_NAMES = {
    "mesotherapy": "MESO",
    "botulinum_toxin": "BTX",
    "dermal_fillers": "FILL",
    "chemical_peel": "PEEL",
    "laser_resurfacing": "LASER",
    "microneedling": "MN",
    "ultherapy": "ULT",
}


@dataclass(frozen=True)
class TreatmentInfo:
    id: str
    name: str
    what: str
    downtime: str
    results: str
    event_gap: str
    source: str


TREATMENT_INFO: dict[str, TreatmentInfo] = {
    t.id: t
    for t in (
        TreatmentInfo(
            "mesotherapy",
            "Mesotherapy",
            "Small injections of a mix of vitamins, minerals, hyaluronic acid and other "
            "ingredients into the middle layer of the skin.",
            "Redness for hours to a day; swelling that peaks at 24-48 hours and settles in a few "
            "days; possible bruises that fade in 1-2 weeks.",
            "First changes within a few weeks; the fullest result over several months, with "
            "regular sessions and upkeep.",
            "At least 14 days before an event, to allow bruises to fade.",
            "seed",
        ),
        TreatmentInfo(
            "botulinum_toxin",
            "Botulinum toxin (for example Botox)",
            "Injections that relax the muscles behind expression lines.",
            "Usually none; small bumps or redness for minutes to hours, and occasional bruising.",
            "Visible in about 3-7 days, full effect at about 2 weeks; lasts about 3-4 months.",
            "At least 14 days before an event.",
            "S-BTX5; S-BTX6; S-BTX11",
        ),
        TreatmentInfo(
            "dermal_fillers",
            "Dermal fillers (hyaluronic acid)",
            "Injections of a gel that adds volume and smooths folds.",
            "Swelling, bruising, redness or tenderness for a few days up to about a week; bruises "
            "can last 7-14 days.",
            "Visible straight away; the settled look at about 1-2 weeks; lasts about 6-18 months.",
            "At least 14 days before an event.",
            "S-FILL6",
        ),
        TreatmentInfo(
            "chemical_peel",
            "Chemical peel",
            "A solution applied to the skin so that its outer layers peel away; light, medium or "
            "deep.",
            "Light peels 1-7 days of redness and flaking; medium 7-14 days; deep 14-21 days or "
            "more, with redness that can last months.",
            "Light peels: within 1-2 weeks each, usually as a series of 4-6; deeper peels after "
            "healing.",
            "At least 7 days for a light peel; 21 days or more for medium and deep peels.",
            "S-PEEL7; S-PEEL8",
        ),
        TreatmentInfo(
            "laser_resurfacing",
            "Laser resurfacing",
            "Laser light that removes or heats layers of skin so that it renews itself.",
            "Non-ablative: hours to a few days. Ablative: 1-2 weeks away from work, and redness "
            "for weeks or months.",
            "Gradual over months as collagen rebuilds; non-ablative lasers usually need a course.",
            "At least 7 days for non-ablative; about 6 weeks for ablative.",
            "S-LAS3; S-LAS4; GK",
        ),
        TreatmentInfo(
            "microneedling",
            "Microneedling",
            "Fine needles that make tiny channels in the skin to prompt repair.",
            "Sunburn-like redness for 1-2 days, flaking around days 3-5, mostly settled within a "
            "week.",
            "Texture changes at about 4-6 weeks, usually over a series of 3 or more sessions.",
            "At least 7 days (about 6 weeks if the result is wanted for the event).",
            "S-MN3",
        ),
        TreatmentInfo(
            "ultherapy",
            "Ultherapy (focused ultrasound)",
            "Focused ultrasound that heats deeper layers to lift and tighten, without breaking "
            "the skin.",
            "Usually none: redness for hours; swelling, tingling or tenderness for days.",
            "Gradual over 2-3 months, peaking at 3-6 months; usually one session.",
            "Any time, but results take 2-3 months to show.",
            "S-ULT3",
        ),
    )
}
assert tuple(TREATMENT_INFO) == TREATMENTS


@dataclass(frozen=True)
class SideEffect:
    name: str
    how_long: str
    note: str


@dataclass(frozen=True)
class MesotherapyExpectations:
    side_effects: tuple[SideEffect, ...]
    aftercare: tuple[str, ...]
    results_timeline: tuple[str, ...]
    choosing_a_provider: tuple[str, ...]
    evidence_note: str
    source: str


MESOTHERAPY = MesotherapyExpectations(
    side_effects=(
        SideEffect(
            "Redness where the needle went in",
            "a few hours to about a day",
            "Usually settles alone.",
        ),
        SideEffect(
            "Swelling",
            "peaks 24-48 hours after treatment and goes down over a few days",
            "A cold compress can help.",
        ),
        SideEffect(
            "Small bruises",
            "fade within one to two weeks",
            "Cold packs can help; ask the practitioner about anything else.",
        ),
        SideEffect(
            "Tenderness or mild discomfort",
            "a short while after treatment",
            "Ask the practitioner what to use for discomfort.",
        ),
    ),
    aftercare=(
        "Clean the treated area gently with a mild cleanser; no scrubbing or harsh products.",
        "Use a high-SPF sunscreen to protect the skin and help prevent dark marks.",
        "Skip makeup for at least 24 hours.",
        "Avoid hard exercise and heat such as saunas for 24-48 hours.",
    ),
    results_timeline=(
        "First changes may show within a few weeks.",
        "The fullest result usually builds over several months.",
        "Regular sessions and good skincare are needed to keep the result.",
    ),
    choosing_a_provider=(
        "Check the practitioner's qualifications and experience.",
        "Look into the clinic's reputation.",
        "Make sure the clinic follows clear safety and hygiene standards.",
        "Expect a thorough consultation and clear answers before any treatment.",
    ),
    evidence_note=(
        "Mesotherapy mixes are not standardised, and the evidence for them is limited; ask the "
        "practitioner what is in the mix and what results to expect."
    ),
    source="seed; S-MESO5; S-MESO6",
)
