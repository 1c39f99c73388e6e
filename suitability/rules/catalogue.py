"""The rule catalogue: the screening matrix as data, one rule per row, plus the derivations
whose facts several rules share.

Nothing here imports the engine: the catalogue can be listed, checked against a questionnaire
and reviewed by a clinician without starting durable-rules.

Cells per treatment: ``I`` indicated (goal rows only decide relevance), ``N`` no bearing,
``C`` discuss with caution, ``A`` avoid until a practitioner reviews it.
Source tags: ``seed`` is the mesotherapy article the product is built from; ``S-...`` are the
public pages listed in the clinical reference; ``GK`` is general knowledge not checked against a
retrieved page; ``design`` is this product's own no-false-reassurance rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

TREATMENTS: tuple[str, ...] = (
    "mesotherapy",
    "botulinum_toxin",
    "dermal_fillers",
    "chemical_peel",
    "laser_resurfacing",
    "microneedling",
    "ultherapy",
)

RULESET_ID = "facial_screening_matrix"
RULESET_VERSION = "1.1.0"

UNANSWERED = "unanswered"  # a shown question left without any answer
UNKNOWN_VALUES = ("not_sure", "prefer_not_to_say", UNANSWERED)
#: The answers fact's property that says some safety question was not answered.
SAFETY_UNKNOWN = "safety_unknown"
#: In :func:`fact_properties`: the property is a number, and every value is read.
ANY_NUMBER = "any number"

Cell = Literal["I", "N", "C", "A"]
Kind = Literal["goal", "condition", "preference", "derivation"]


# ----------------------------------------------------------------- triggers (data, not code)


@dataclass(frozen=True)
class Answer:
    """The answers fact has ``question`` equal to one of ``values``."""

    question: str
    values: tuple[str, ...]

    def durable(self) -> dict[str, Any]:
        if len(self.values) == 1:
            test: dict[str, Any] = {self.question: self.values[0]}
        else:
            test = {"$or": [{self.question: v} for v in self.values]}
        return {"$and": [{"t": "answers"}, test]}

    def refs(self) -> Iterator[tuple[str, str | None]]:
        for value in self.values:
            yield self.question, (None if value in UNKNOWN_VALUES else value)

    def properties(self) -> Iterator[tuple[str, Any]]:
        for value in self.values:
            yield self.question, value


@dataclass(frozen=True)
class Selected:
    """A multiple choice question has ``choice`` among its answers."""

    question: str
    choice: str

    def durable(self) -> dict[str, Any]:
        return {"$and": [{"t": "answers"}, {f"{self.question}__{self.choice}": 1}]}

    def refs(self) -> Iterator[tuple[str, str | None]]:
        yield self.question, self.choice

    def properties(self) -> Iterator[tuple[str, Any]]:
        yield f"{self.question}__{self.choice}", 1


@dataclass(frozen=True)
class Between:
    """A number question's answer lies in ``[low, high)``, optionally with another answer."""

    question: str
    low: float | None
    high: float | None
    also: Answer | None = None

    def durable(self) -> dict[str, Any]:
        tests: list[dict[str, Any]] = [{"t": "answers"}]
        if self.also is not None:
            tests.extend(self.also.durable()["$and"][1:])
        if self.low is not None:
            tests.append({"$gte": {f"{self.question}__n": self.low}})
        if self.high is not None:
            tests.append({"$lt": {f"{self.question}__n": self.high}})
        return {"$and": tests}

    def refs(self) -> Iterator[tuple[str, str | None]]:
        yield self.question, None
        if self.also is not None:
            yield from self.also.refs()

    def properties(self) -> Iterator[tuple[str, Any]]:
        yield f"{self.question}__n", ANY_NUMBER
        if self.also is not None:
            yield from self.also.properties()


@dataclass(frozen=True)
class Derived:
    """A derived fact named ``name`` (with ``detail``, when given) was asserted."""

    name: str
    detail: str | None = None

    def durable(self) -> dict[str, Any]:
        tests: list[dict[str, Any]] = [{"t": "derived"}, {"name": self.name}]
        if self.detail is not None:
            tests.append({"detail": self.detail})
        return {"$and": tests}

    def refs(self) -> Iterator[tuple[str, str | None]]:
        return iter(())

    def properties(self) -> Iterator[tuple[str, Any]]:
        return iter(())  # asserted by a derivation, not read from the answers


@dataclass(frozen=True)
class UnknownSafety:
    """At least one safety question was answered not sure, declined or left unanswered; the
    assessment names each of them."""

    def durable(self) -> dict[str, Any]:
        return {"$and": [{"t": "answers"}, {SAFETY_UNKNOWN: 1}]}

    def refs(self) -> Iterator[tuple[str, str | None]]:
        return iter(())

    def properties(self) -> Iterator[tuple[str, Any]]:
        yield SAFETY_UNKNOWN, 1


Trigger = Answer | Selected | Between | Derived | UnknownSafety


@dataclass(frozen=True)
class Derivation:
    """Forward chaining: when ``when`` holds, assert the fact ``name`` (with ``detail``)."""

    id: str
    name: str
    detail: str | None
    when: tuple[Trigger, ...]  # any of these
    reads: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Rule:
    """One row of the screening matrix."""

    id: str
    title: str
    kind: Kind
    cells: dict[str, Cell]
    when: Trigger
    reads: tuple[str, ...]
    rationale: str
    mention: str
    source: str
    treatments: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        affected = tuple(t for t in TREATMENTS if self.cells[t] != "N")
        object.__setattr__(self, "treatments", affected)

    @property
    def effect(self) -> str:
        """The strongest effect of the row, in words."""
        cells = set(self.cells.values())
        if "I" in cells:
            return "makes relevant"
        if "A" in cells:
            return "avoid until reviewed"
        if "C" in cells:
            return "discuss with caution"
        return "no effect on verdicts (recorded only)"


def _cells(spec: str) -> dict[str, Cell]:
    letters = spec.split()
    if len(letters) != len(TREATMENTS) or any(x not in "INCA" for x in letters):
        raise ValueError(f"bad matrix cells: {spec!r}")
    return dict(zip(TREATMENTS, letters, strict=True))  # type: ignore[arg-type]


SPECIALS = UNKNOWN_VALUES

# ----------------------------------------------------------------- derivations

DERIVATIONS: tuple[Derivation, ...] = (
    Derivation(
        "d_age_under_18",
        "age_under_18",
        None,
        (Between("age", None, 18),),
        ("age",),
        "Age under 18.",
    ),
    Derivation(
        "d_age_18_21",
        "age_18_21",
        None,
        (Between("age", 18, 22),),
        ("age",),
        "Age 18 to 21.",
    ),
    Derivation(
        "d_bleeding_disorder",
        "bleeding_risk",
        "bleeding_disorder",
        (Answer("bleeding_disorder", ("yes",)),),
        ("bleeding_disorder",),
        "Bleeding risk from a bleeding or clotting disorder.",
    ),
    Derivation(
        "d_bleeding_anticoagulant",
        "bleeding_risk",
        "anticoagulant",
        (Answer("blood_thinners_rx", ("yes",)),),
        ("blood_thinners_rx",),
        "Bleeding risk from a prescribed blood thinner.",
    ),
    Derivation(
        "d_possible_pregnancy",
        "possible_pregnancy",
        None,
        (Answer("trying_to_conceive", ("yes",)), Answer("pregnant", SPECIALS)),
        ("trying_to_conceive", "pregnant"),
        "Trying to conceive, or a pregnancy answer that is unsure or declined.",
    ),
    Derivation(
        "d_active_acne",
        "active_acne",
        None,
        (Selected("skin_now", "acne_breakouts"), Selected("goals", "active_acne")),
        ("skin_now", "goals"),
        "Acne breakouts now, reported directly or implied by the goal of treating breakouts.",
    ),
    Derivation(
        "d_fitzpatrick_iv_vi",
        "fitzpatrick_iv_vi",
        None,
        (Answer("skin_type", ("type_4", "type_5", "type_6", *SPECIALS)),),
        ("skin_type",),
        "Skin type IV to VI; an unknown or declined skin type is treated the same way.",
    ),
    Derivation(
        "d_isotretinoin_lt6m",
        "isotretinoin_lt6m",
        None,
        (
            Answer("isotretinoin", ("current",)),
            Between("isotretinoin_months", None, 6, also=Answer("isotretinoin", ("past",))),
        ),
        ("isotretinoin", "isotretinoin_months"),
        # An unknown answer is not taken as use: c_unanswered_safety names it and gives
        # caution (reference 2.1.4); only a known answer can give "avoid".
        "Isotretinoin now or within 6 months.",
    ),
    Derivation(
        "d_isotretinoin_6_12m",
        "isotretinoin_6_12m",
        None,
        # Months are whole numbers: 6 to 12 inclusive, as the reference's band reads.
        (Between("isotretinoin_months", 6, 13, also=Answer("isotretinoin", ("past",))),),
        ("isotretinoin", "isotretinoin_months"),
        "Isotretinoin last taken 6 to 12 months ago.",
    ),
    Derivation(
        "d_recent_facial_procedure",
        "recent_facial_procedure",
        None,
        (
            Between(
                "recent_procedure_days", None, 29, also=Answer("recent_procedure", ("treatment",))
            ),
            Between(
                "recent_procedure_days", None, 91, also=Answer("recent_procedure", ("surgery",))
            ),
            Answer("recent_procedure_days", SPECIALS),
        ),
        ("recent_procedure", "recent_procedure_days"),
        "A facial treatment within 28 days or facial surgery within 90 days; "
        "an unknown date counts too.",
    ),
    Derivation(
        "d_downtime_lt2d",
        "downtime",
        "lt2d",
        (Answer("downtime", ("under_2_days",)),),
        ("downtime",),
        "Accepts less than 2 days of recovery.",
    ),
    Derivation(
        "d_downtime_2_13d",
        "downtime",
        "2_13d",
        (Answer("downtime", ("up_to_2_weeks",)),),
        ("downtime",),
        "Accepts from 2 days up to 2 weeks of recovery.",
    ),
    Derivation(
        "d_event_le14d",
        "event",
        "le14d",
        (Between("event_date", 0, 15),),
        ("has_event", "event_date"),
        "An event within 14 days.",
    ),
    Derivation(
        "d_event_15_42d",
        "event",
        "15_42d",
        (Between("event_date", 15, 43),),
        ("has_event", "event_date"),
        "An event in 15 to 42 days.",
    ),
)

# ----------------------------------------------------------------- the matrix

_PRACTITIONER = "A qualified practitioner can review this with you."


def _goal(key: str, choice: str, title: str, cells: str, source: str) -> Rule:
    return Rule(
        id=key,
        title=title,
        kind="goal",
        cells=_cells(cells),
        when=Selected("goals", choice),
        reads=("goals",),
        rationale=f"This treatment is commonly offered for: {title.lower()}, one of your goals.",
        mention="",
        source=source,
    )


GOALS: tuple[Rule, ...] = (
    _goal(
        "g_hydration_radiance",
        "hydration_radiance",
        "Hydration, radiance and dull skin",
        "I N N I I I N",
        "seed (skin rejuvenation); S-PEEL8; S-LAS4; S-MN3",
    ),
    _goal(
        "g_fine_lines",
        "fine_lines",
        "Fine lines and wrinkles",
        "I I I I I I I",
        "seed (anti-ageing); S-BTX6; S-FDA1; S-PEEL8; S-LAS4; S-MN3; S-ULT3",
    ),
    _goal(
        "g_expression_lines",
        "expression_lines",
        "Expression lines (frown, forehead, crow's feet)",
        "N I N N N N N",
        "S-BTX5; S-BTX6",
    ),
    _goal("g_volume", "volume", "Volume loss (cheeks, lips, hollows)", "N N I N N N N", "S-FDA1"),
    _goal(
        "g_laxity",
        "laxity",
        "Sagging or loose skin (brow, jawline, neck)",
        "I N I N I I I",
        "seed (elasticity); S-ULT1; S-ULT3; S-LAS4; S-MN2; GK",
    ),
    _goal(
        "g_local_fat",
        "local_fat",
        "Localised fat such as a double chin",
        "I N N N N N N",
        "seed (fat reduction); S-MESO5",
    ),
    _goal(
        "g_cellulite",
        "cellulite",
        "Cellulite on the body",
        "I N N N N N N",
        "seed (cellulite treatment); S-MESO5; S-FDA1",
    ),
    _goal(
        "g_hair_thinning",
        "hair_thinning",
        "Thinning hair on the scalp",
        "I N N N N N N",
        "seed (hair restoration); S-MESO7",
    ),
    _goal(
        "g_active_acne",
        "active_acne",
        "Acne breakouts",
        "I N N I N N N",
        "seed (acne and scarring); S-PEEL3",
    ),
    _goal(
        "g_acne_scars",
        "acne_scars",
        "Acne scars",
        "I N I I I I N",
        "seed (acne and scarring); S-FDA1; S-PEEL8; S-LAS4; S-MN3",
    ),
    _goal(
        "g_pigmentation_tone",
        "pigmentation_tone",
        "Uneven tone and dark patches",
        "I N N I I I N",
        "seed (tone and texture); S-PEEL8; S-LAS4; S-MN3",
    ),
    _goal(
        "g_pores_texture",
        "pores_texture",
        "Enlarged pores and rough texture",
        "I N N I I I N",
        "seed (tone and texture); S-PEEL8; S-LAS4; S-MN2",
    ),
)


def _row(
    key: str,
    title: str,
    cells: str,
    when: Trigger,
    reads: tuple[str, ...],
    rationale: str,
    mention: str,
    source: str,
    kind: Kind = "condition",
) -> Rule:
    return Rule(key, title, kind, _cells(cells), when, reads, rationale, mention, source)


CONDITIONS: tuple[Rule, ...] = (
    _row(
        "c_pregnant",
        "Pregnant or might be",
        "A A A A A A A",
        Answer("pregnant", ("yes",)),
        ("pregnant",),
        "Cosmetic treatments are usually postponed during pregnancy, because their effects on a "
        "pregnancy have not been studied.",
        "Tell the practitioner that you are or might be pregnant.",
        "S-MESO1; S-MESO2; S-BTX1; S-BTX6; S-FILL1; S-PEEL2; S-LAS2; S-MN1; S-ULT1; S-ULT5",
    ),
    _row(
        "c_breastfeeding",
        "Breastfeeding",
        "A A A A A A A",
        Answer("breastfeeding", ("yes",)),
        ("breastfeeding",),
        "Most sources advise waiting while breastfeeding; for several treatments there is "
        "little or no data.",
        "Tell the practitioner that you are breastfeeding.",
        "S-MESO1; S-MESO6; S-BTX6; S-BTX7; S-FILL1; S-PEEL2; S-LAS2; S-MN1; S-ULT1",
    ),
    _row(
        "c_possible_pregnancy",
        "Trying to conceive, or pregnancy not ruled out",
        "C C C C C C C",
        Derived("possible_pregnancy"),
        ("trying_to_conceive", "pregnant"),
        "Until a pregnancy is ruled out, a practitioner will want to talk it through before "
        "any treatment.",
        "Tell the practitioner whether you are trying to conceive or might be pregnant.",
        "GK (conservative extension of the pregnancy rows)",
    ),
    _row(
        "c_age_under_18",
        "Under 18",
        "A A A A A A A",
        Derived("age_under_18"),
        ("age",),
        "These treatments are not offered to under-18s in many places, and some products are "
        "approved only for adults.",
        "Bring a parent or guardian; the practitioner will explain what applies at your age.",
        "S-FDA1; S-BTX8; S-ULT1; S-AGE1; GK",
    ),
    _row(
        "c_age_18_21",
        "Age 18 to 21",
        "N N C N N N N",
        Derived("age_18_21"),
        ("age",),
        "Hyaluronic acid fillers are approved from age 22 in the United States.",
        "Mention your age when fillers are discussed.",
        "S-FDA1",
    ),
    _row(
        "c_active_infection_site",
        "Infection, wound, rash or cold sore in the area",
        "A A A A A A A",
        Selected("skin_now", "infection_or_wound"),
        ("skin_now",),
        "Treatment is usually not carried out over an infection, wound, rash or active cold sore "
        "until it has healed.",
        "Show the practitioner the affected skin; treatment usually waits until it has healed.",
        "S-BTX3; S-FILL1; S-PEEL1; S-PEEL2; S-LAS2; S-MN1; S-ULT1; S-MESO1; S-MESO4",
    ),
    _row(
        "c_herpes_history",
        "History of cold sores",
        "C N C C C C C",
        Answer("cold_sores", ("yes",)),
        ("cold_sores",),
        "Some treatments can trigger a cold sore; practitioners may plan for this in advance.",
        "Tell the practitioner that you get cold sores.",
        "S-FILL5; S-PEEL5; S-PEEL6; S-LAS1; S-LAS8; S-MN4; S-ULT1",
    ),
    _row(
        "c_active_acne",
        "Acne breakouts in the area",
        "C N C C C A C",
        Derived("active_acne"),
        ("skin_now", "goals"),
        "Some treatments are not carried out over active breakouts; sources disagree about "
        "mesotherapy, which the article lists as a use.",
        "Tell the practitioner about your current breakouts.",
        "S-MESO4; seed (acne); S-FILL1; S-LAS2; S-MN1; S-MN4; S-ULT1",
    ),
    _row(
        "c_severe_cystic_acne",
        "Severe or cystic acne in the area",
        "C N C C A A A",
        Selected("skin_now", "severe_acne"),
        ("skin_now",),
        "Severe or cystic acne is a reason not to use some devices and needling until it settles.",
        "Tell the practitioner about severe or cystic acne in the area.",
        "S-ULT1; S-MN4; S-LAS2",
    ),
    _row(
        "c_active_dermatitis",
        "Eczema, psoriasis or rosacea flare in the area",
        "C N C A A A C",
        Selected("skin_now", "dermatitis_flare"),
        ("skin_now",),
        "Inflamed skin can react more strongly and heal less predictably.",
        "Tell the practitioner about the flare in the area.",
        "S-PEEL1; S-PEEL2; S-MN1; S-MN4; S-ULT1; S-LAS6",
    ),
    _row(
        "c_allergy_ha_or_filler_reaction",
        "Allergy to hyaluronic acid, or a past filler reaction",
        "A N A N N C N",
        Selected("allergies", "ha_or_filler"),
        ("allergies",),
        "Hyaluronic acid is a main ingredient of fillers and of many mesotherapy mixes.",
        "Tell the practitioner about the reaction and, if you know it, the product.",
        "S-FILL1; S-FILL2; seed (hyaluronic acid in the mix); GK",
    ),
    _row(
        "c_allergy_lidocaine",
        "Allergy to lidocaine or local anaesthetic",
        "C N A N C C C",
        Selected("allergies", "local_anaesthetic"),
        ("allergies",),
        "Many fillers contain lidocaine, and numbing creams are used before several treatments.",
        "Tell the practitioner about your reaction to local anaesthetic.",
        "S-FILL1; S-MN1; GK",
    ),
    _row(
        "c_allergy_btx",
        "Allergy to botulinum toxin, albumin or cow's milk protein",
        "N A N N N N N",
        Selected("allergies", "botulinum_toxin"),
        ("allergies",),
        "An allergy to the toxin or to an ingredient of some products rules those products out "
        "until a practitioner has reviewed it.",
        "Tell the practitioner exactly what you reacted to.",
        "S-BTX1; S-BTX3; GK (cow's milk protein: one product's label)",
    ),
    _row(
        "c_allergy_other_severe",
        "Other severe allergy or anaphylaxis",
        "C C C C N C N",
        Selected("allergies", "other_severe"),
        ("allergies",),
        "A history of severe allergy calls for a careful look at every ingredient used.",
        "Tell the practitioner what you reacted to and how severe it was.",
        "S-FILL1; S-PEEL2; GK",
    ),
    _row(
        "c_bleeding_disorder",
        "Bleeding or clotting disorder",
        "A C A N C A C",
        Derived("bleeding_risk", "bleeding_disorder"),
        ("bleeding_disorder",),
        "Needle treatments can bruise or bleed more when blood does not clot normally.",
        "Tell the practitioner about your bleeding or clotting disorder.",
        "S-MESO1; S-MESO4; S-FILL1; S-FILL3; S-BTX8; S-MN1; S-MN2; S-ULT1; S-LAS1",
    ),
    _row(
        "c_anticoagulant_rx",
        "Prescribed blood thinner",
        "A C A N C A C",
        Derived("bleeding_risk", "anticoagulant"),
        ("blood_thinners_rx",),
        "Blood thinners make bruising and bleeding from needles more likely.",
        "Tell the practitioner which blood thinner you take. This screening does not suggest "
        "any change to it; only your prescribing doctor can advise on your medicines.",
        "S-MESO1; S-MESO4; S-FILL1; S-FILL3; S-BTX6; S-MN1; S-MN2; S-ULT1; S-LAS1",
    ),
    _row(
        "c_otc_thinners",
        "Aspirin, anti-inflammatories or supplements that affect bruising",
        "C C C N N C N",
        Answer("otc_thinners", ("yes",)),
        ("otc_thinners",),
        "Aspirin, ibuprofen, naproxen, fish oil and ginkgo can make bruising more likely.",
        "Tell the practitioner what you have taken and when. This screening does not suggest "
        "any change to your medicines.",
        "S-FILL1; S-FILL5; S-BTX6",
    ),
    _row(
        "c_autoimmune_stable",
        "Autoimmune condition, stable",
        "C C C C C C C",
        Answer("autoimmune", ("stable",)),
        ("autoimmune",),
        "Opinions differ on treating people with autoimmune conditions; it needs an individual "
        "review.",
        "Tell the practitioner about your condition and its treatment.",
        "S-MESO2; S-MESO4; S-FILL1; S-FILL4; S-PEEL2; S-LAS3; S-MN4; S-ULT1",
    ),
    _row(
        "c_autoimmune_flare",
        "Autoimmune condition, active",
        "A C A A A A C",
        Answer("autoimmune", ("active",)),
        ("autoimmune",),
        "During an active autoimmune flare, several treatments are usually postponed.",
        "Tell the practitioner that your condition is active at the moment.",
        "S-FILL1; S-MESO4; S-MN4; S-LAS3",
    ),
    _row(
        "c_immunosuppressed",
        "Weakened immune system",
        "A C C C C A C",
        Answer("immunosuppressed", ("yes",)),
        ("immunosuppressed",),
        "A weakened immune system raises the risk of infection and slows healing.",
        "Tell the practitioner about your condition or medicines. This screening does not "
        "suggest any change to them.",
        "S-MESO4; S-MN1; S-PEEL2; S-LAS3; GK",
    ),
    _row(
        "c_active_cancer_treatment",
        "Cancer treatment now or within 12 months",
        "A A A A A A A",
        Answer("cancer_treatment", ("yes",)),
        ("cancer_treatment",),
        "Cosmetic treatments are usually postponed during and soon after cancer treatment.",
        "Tell the practitioner about your cancer treatment; they may ask your oncology team.",
        "S-MESO1; S-MESO3; S-MESO4; S-FILL2; S-MN1; GK",
    ),
    _row(
        "c_facial_radiotherapy",
        "Past radiotherapy to the face",
        "C N C A A A C",
        Answer("facial_radiotherapy", ("yes",)),
        ("facial_radiotherapy",),
        "Skin that has had radiotherapy heals differently, especially after peels, lasers and "
        "needling.",
        "Tell the practitioner about the radiotherapy and the area treated.",
        "S-LAS3; S-PEEL2; S-PEEL6; S-MN5",
    ),
    _row(
        "c_diabetes_controlled",
        "Diabetes, well controlled",
        "C N N C C C C",
        Answer("diabetes", ("controlled",)),
        ("diabetes",),
        "Diabetes can affect healing, so some treatments need extra care.",
        "Tell the practitioner that you have diabetes.",
        "S-MESO3; S-MESO4; S-MESO7; S-PEEL2; S-LAS3; S-MN2; S-ULT1",
    ),
    _row(
        "c_diabetes_uncontrolled",
        "Diabetes, not well controlled",
        "A C C C A A C",
        Answer("diabetes", ("uncontrolled",)),
        ("diabetes",),
        "Poorly controlled diabetes slows healing and raises the risk of infection.",
        "Tell the practitioner that your diabetes is not well controlled at the moment.",
        "S-MESO4; S-MN1; S-MN2; S-PEEL2; S-LAS3; S-ULT1",
    ),
    _row(
        "c_keloid_tendency",
        "Keloid or raised scarring",
        "C N C A A A C",
        Answer("keloids", ("yes",)),
        ("keloids",),
        "Treatments that wound the skin can trigger raised scars in people prone to them.",
        "Tell the practitioner about any keloid or raised scars.",
        "S-MESO4; S-FILL2; S-PEEL3; S-LAS2; S-MN1; S-ULT1",
    ),
    _row(
        "c_isotretinoin_lt6m",
        "Isotretinoin now, within 6 months, or at a time not known",
        "C N C A A A C",
        Derived("isotretinoin_lt6m"),
        ("isotretinoin", "isotretinoin_months"),
        "Skin heals differently during and after isotretinoin; many sources ask for a wait, "
        "though newer guidance is less strict for some treatments.",
        "Tell the practitioner when you last took isotretinoin. This screening does not "
        "suggest any change to your medicines.",
        "S-PEEL3; S-LAS2; S-LAS3; S-MN1; S-MN5; S-MESO4; S-ISO1",
    ),
    _row(
        "c_isotretinoin_6_12m",
        "Isotretinoin 6 to 12 months ago",
        "N N N C C C N",
        Derived("isotretinoin_6_12m"),
        ("isotretinoin", "isotretinoin_months"),
        "Some sources ask for up to a year after isotretinoin before resurfacing treatments.",
        "Tell the practitioner when you last took isotretinoin.",
        "S-LAS3; S-MESO4",
    ),
    _row(
        "c_recent_tan_sunburn",
        "Tan or sunburn in the last 4 weeks",
        "C N C A A C N",
        Answer("recent_tan", ("yes",)),
        ("recent_tan",),
        "Recently tanned or sunburned skin is more likely to develop patches of changed colour.",
        "Tell the practitioner about your recent sun exposure.",
        "S-LAS8; S-PEEL5; S-MESO4",
    ),
    _row(
        "c_fitzpatrick_iv_vi",
        "Skin that tans easily or is naturally brown or black, or skin type not known",
        "N N N C C C N",
        Derived("fitzpatrick_iv_vi"),
        ("skin_type",),
        "Some peels, lasers and needling settings can leave lighter or darker patches on this "
        "skin; practitioners adjust the treatment. An unknown skin type is treated the same way.",
        "Ask the practitioner about their experience with your skin type.",
        "S-PEEL2; S-PEEL6; S-LAS1; S-LAS2; S-LAS5; S-MN6",
    ),
    _row(
        "c_pih_melasma_history",
        "Dark marks after injury, or melasma",
        "N N N C C C N",
        Answer("pigmentation_history", ("yes",)),
        ("pigmentation_history",),
        "People who have had dark marks before are more likely to get them again after "
        "resurfacing treatments.",
        "Tell the practitioner about past dark marks or melasma.",
        "S-LAS1; S-PEEL2; S-MN6",
    ),
    _row(
        "c_neuromuscular",
        "Nerve and muscle condition",
        "N A N N N N N",
        Answer("neuromuscular", ("yes",)),
        ("neuromuscular",),
        "Botulinum toxin can have stronger, wider effects in people with these conditions.",
        "Tell the practitioner about your condition; they may consult your specialist.",
        "S-BTX1; S-BTX2; S-BTX3; S-BTX4",
    ),
    _row(
        "c_facial_nerve_palsy",
        "Bell's palsy or facial weakness",
        "N C N N N N C",
        Answer("facial_nerve_palsy", ("yes",)),
        ("facial_nerve_palsy",),
        "Existing facial weakness matters when planning toxin, and Ultherapy has not been "
        "evaluated in it.",
        "Tell the practitioner about the palsy or weakness.",
        "S-ULT1; S-BTX8",
    ),
    _row(
        "c_btx_interacting_meds",
        "Injected antibiotics or muscle relaxants",
        "N C N N N N N",
        Answer("btx_interacting_meds", ("yes",)),
        ("btx_interacting_meds",),
        "Some antibiotics and muscle-relaxing medicines can strengthen the effect of botulinum "
        "toxin.",
        "Tell the practitioner which medicines you take. This screening does not suggest any "
        "change to them.",
        "S-BTX4; S-BTX9",
    ),
    _row(
        "c_electronic_implant_area",
        "Electronic implant in or near the area",
        "N N N N N N A",
        Selected("implants", "electronic"),
        ("implants",),
        "Focused ultrasound is not used over electronic implants.",
        "Tell the practitioner about the implant and where it is.",
        "S-ULT1",
    ),
    _row(
        "c_metal_implant_area",
        "Metal implant in the area",
        "N N N N N N A",
        Selected("implants", "metal"),
        ("implants",),
        "Focused ultrasound is not used over metal implants.",
        "Tell the practitioner about the metal and where it is.",
        "S-ULT1",
    ),
    _row(
        "c_permanent_filler_area",
        "Permanent filler or silicone in the area",
        "C N C N C C A",
        Selected("implants", "permanent_filler"),
        ("implants",),
        "Permanent fillers change how the area responds to injections, heat and ultrasound.",
        "Tell the practitioner what was injected, where and when, if you know.",
        "S-ULT1; S-ULT5; S-FILL5",
    ),
    _row(
        "c_recent_facial_procedure",
        "Recent facial treatment or surgery, or one at a date not known",
        "C C C C C C C",
        Derived("recent_facial_procedure"),
        ("recent_procedure", "recent_procedure_days"),
        "The skin needs time to recover between treatments; the right gap depends on what was "
        "done.",
        "Tell the practitioner what you had done and when.",
        "S-MESO4; S-MN1; S-MN5; S-PEEL5; S-LAS6",
    ),
    _row(
        "c_photosensitiser_retinoid",
        "Retinoid cream or sun-sensitising medicine",
        "N N N C C C N",
        Answer("photosensitising", ("yes",)),
        ("photosensitising",),
        "These make the skin more sensitive to peels, lasers and needling.",
        "Tell the practitioner which creams or medicines you use. This screening does not "
        "suggest any change to them.",
        "S-PEEL1; S-PEEL4; S-PEEL5; S-LAS1",
    ),
    _row(
        "c_heart_disease",
        "Heart condition or heart device",
        "C N N C N C C",
        Answer("heart_disease", ("yes",)),
        ("heart_disease",),
        "Several sources ask for a medical review before these treatments in people with heart "
        "conditions.",
        "Tell the practitioner about your heart condition or device.",
        "S-MESO1; S-MESO2; S-MESO3; S-PEEL6; S-MN5; S-ULT1",
    ),
    _row(
        "c_epilepsy",
        "Epilepsy",
        "C N N N N N C",
        Answer("epilepsy", ("yes",)),
        ("epilepsy",),
        "Some clinics ask for a doctor's letter, and Ultherapy has not been evaluated in epilepsy.",
        "Tell the practitioner about your epilepsy.",
        "S-MESO4; S-ULT1",
    ),
    _row(
        "c_unanswered_safety",
        "A safety question not answered",
        "C C C C C C C",
        UnknownSafety(),
        (),
        "A health question was answered 'not sure', 'prefer not to say' or left blank, so this "
        "screening cannot rule out something that matters.",
        "Go through the unanswered questions with the practitioner.",
        "design (no false reassurance)",
    ),
)

PREFERENCES: tuple[Rule, ...] = (
    _row(
        "p_needle_fear",
        "Uncomfortable with needles",
        "C C C N N C N",
        Answer("needle_fear", ("yes",)),
        ("needle_fear",),
        "This treatment uses needles.",
        "Tell the practitioner that you are uncomfortable with needles; they can explain "
        "options such as numbing.",
        "GK",
        kind="preference",
    ),
    _row(
        "p_downtime_lt2d",
        "Accepts less than 2 days of recovery",
        "C N C C C C N",
        Derived("downtime", "lt2d"),
        ("downtime",),
        "Redness, swelling or bruising after this treatment can last longer than 2 days.",
        "Ask how long recovery usually takes and what it looks like.",
        "seed (swelling 24-48 hours, bruises 1-2 weeks); S-FILL6; S-PEEL7; S-LAS4; S-MN3",
        kind="preference",
    ),
    _row(
        "p_downtime_2_13d",
        "Accepts up to 2 weeks of recovery",
        "N N N C C N N",
        Derived("downtime", "2_13d"),
        ("downtime",),
        "Deeper forms of this treatment can need 2 weeks or more to recover.",
        "Ask which depth or strength would fit the recovery time you have.",
        "S-PEEL7; S-LAS4",
        kind="preference",
    ),
    _row(
        "p_event_le14d",
        "Event within 14 days",
        "C C C C A C C",
        Derived("event", "le14d"),
        ("has_event", "event_date"),
        "Bruising, swelling or redness may not have settled, and results may not show yet, in "
        "under two weeks.",
        "Tell the practitioner the date of your event.",
        "seed (bruises 1-2 weeks); S-BTX6; S-BTX11; S-FILL6; S-PEEL7; S-LAS4; S-ULT3",
        kind="preference",
    ),
    _row(
        "p_event_date_unknown",
        "Event on a date not given",
        "C C C C C C C",
        Answer("event_date", (UNANSWERED,)),
        ("has_event", "event_date"),
        "Without the date of your event, it is not known whether recovery and results would be "
        "in time for it.",
        "Tell the practitioner the date of your event.",
        "seed (bruises 1-2 weeks); S-BTX6; S-BTX11; S-FILL6; S-PEEL7; S-LAS4; S-ULT3",
        kind="preference",
    ),
    _row(
        "p_event_15_42d",
        "Event in 15 to 42 days",
        "N N N C C N C",
        Derived("event", "15_42d"),
        ("has_event", "event_date"),
        "Recovery from deeper treatments, or the time results take to show, may run past your "
        "event.",
        "Tell the practitioner the date of your event.",
        "S-PEEL7; S-LAS4; S-ULT3",
        kind="preference",
    ),
    _row(
        "p_single_session",
        "Wants one visit without upkeep",
        "C C N C N C N",
        Answer("sessions", ("one_visit",)),
        ("sessions",),
        "This treatment usually needs a course of sessions or regular repeats to keep results.",
        "Ask how many sessions are usual and how long results last.",
        "seed (regular sessions); S-BTX5; S-MN3; S-PEEL7",
        kind="preference",
    ),
    _row(
        "p_non_surgical",
        "Prefers to avoid surgery",
        "N N N N N N N",
        Answer("non_surgical", ("yes",)),
        ("non_surgical",),
        "All seven treatments here are non-surgical.",
        "",
        "seed (non-surgical)",
        kind="preference",
    ),
)

RULES: tuple[Rule, ...] = GOALS + CONDITIONS + PREFERENCES
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def questions_read() -> set[str]:
    """Every question id the rule set reads (for the questionnaire's unread-question warning)."""
    out: set[str] = set()
    for rule in RULES:
        out.update(rule.reads)
    for derivation in DERIVATIONS:
        out.update(derivation.reads)
    return out


def fact_properties() -> dict[str, frozenset[Any]]:
    """Every property of the answers fact that some rule or derivation tests, with the values
    it tests for (``ANY_NUMBER`` for comparisons). The engine is given only these: each fired
    action makes durable-rules re-encode the matched fact, so a lean fact keeps assessments fast,
    and answers no rule reads never enter the engine."""
    tested: dict[str, set[Any]] = {}
    triggers = [r.when for r in RULES] + [t for d in DERIVATIONS for t in d.when]
    for trigger in triggers:
        for prop, value in trigger.properties():
            tested.setdefault(prop, set()).add(value)
    return {prop: frozenset(values) for prop, values in tested.items()}


def references() -> Iterator[tuple[str, str, str | None]]:
    """(rule or derivation id, question id, choice id or None) for every reference made."""
    for rule in RULES:
        for question, choice in rule.when.refs():
            yield rule.id, question, choice
        for question in rule.reads:
            yield rule.id, question, None
    for derivation in DERIVATIONS:
        for trigger in derivation.when:
            for question, choice in trigger.refs():
                yield derivation.id, question, choice
