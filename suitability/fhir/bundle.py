"""The assessment as FHIR: a ``Bundle`` (type ``collection``) holding the QuestionnaireResponse,
a Patient with only what the person gave, and a ``RiskAssessment`` with one prediction per
treatment.

Mapping decisions (the closing note of issue 12 quotes this list):

- **Entries.** RiskAssessment, QuestionnaireResponse, Patient, in that order; each ``fullUrl``
  is ``urn:uuid:<uuid4>``, each resource made here has that uuid as its id, and the references
  between entries use the fullUrls. A response that was read (``response=``) is carried as it
  was read: its id, its subject and its FHIR version unchanged (never converted between R4 and
  R5). A response made here has its subject pointing at the Patient entry. The Bundle's
  ``timestamp`` is when it was made; in a batch its ``identifier`` is the record's id (the
  project's ``batch-record`` system; the line number when the record has none).
- **Patient.** Only the name (``name[0].text``) or the booking reference (an ``identifier``
  typed "Booking reference", without a system, as in the response's subject: the clinic's
  reference scheme is not known) the person gave, or nothing but an id: no birth date,
  sex or age, even when an answer holds one. From a response that was read, the subject's
  ``display`` is the name and its ``identifier.value`` the reference.
- **What this is.** ``RiskAssessment.code`` is the project's ``screening`` code ("pre-consultation
  screening, not a diagnosis"); ``method`` is the rule set (``RULESET_SYSTEM``, code = its id,
  ``Coding.version`` = its version). ``status`` is ``final``; ``occurrenceDateTime`` is the
  day the assessment was made as of (the answers' date), when known; ``basis`` is the response,
  whose ``questionnaire`` canonical carries the questionnaire's version. Both content hashes go
  in the project's ``versions`` extension on the RiskAssessment, with the questionnaire the
  answers were assessed against (a response read for an earlier version keeps its own
  canonical; this extension names the version that was used).
- **One prediction per treatment**, in the assessment's order. ``outcome`` is the verdict
  (``VERDICT_SYSTEM``, code = the verdict id, display = its words; text = "<treatment>: <words>").
  RiskAssessment has no element for "what the prediction is about", so the treatment goes in
  the project's ``treatment`` extension (``TREATMENT_SYSTEM``, display = its name). No
  ``probability`` or ``qualitativeRisk``: a verdict is neither a likelihood nor a risk level.
- **Reasons** go in ``rationale`` (one string per prediction): the summary, then one line per
  reason with its rule id, title, effect, text and source.
- **Plan fit** is kept apart from the verdict, in the project's ``plan-fit`` extension (the fit
  coding in ``FIT_SYSTEM``, its summary, and one line per plans reason with rule id and source),
  never in ``outcome`` or ``rationale``: a plan never reads as a medical caution.
- **Decisive answers** (an unknown safety answer that decides the verdict) go in the project's
  ``decisive-answer`` extension, one per question: its linkId, how it was answered (the
  assessment's status code) and, for each possible answer, the answer (a coding of the
  questionnaire's code system for a choice, else the words, such as a number band) and the
  verdict it would give.
- **Flags** (what to mention to the practitioner) are ``note`` entries after the first note,
  which says that this is a screening aid, not medical advice, and to see a qualified
  practitioner.

What FHIR (here) does not carry: ``would_improve`` and ``would_worsen``, the answers each
reason read (the response holds every answer), a flag's kind, treatments and source (a note is
only text), each treatment's downtime, results and event-gap
words and the mesotherapy expectations (fixed texts of the product, not of this assessment).
``suitability assess --format json`` keeps all of them.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._codes import (
    DEFAULT_BASE,
    FIT_SYSTEM,
    PROJECT,
    RULESET_SYSTEM,
    TREATMENT_SYSTEM,
    VERDICT_SYSTEM,
    FhirVersion,
    Subject,
    choice_coding,
    questionnaire_url,
)

if TYPE_CHECKING:
    from ..answers import Answers
    from ..assessment import Assessment, DecisiveAnswer, TreatmentVerdict
    from ..questionnaire import Questionnaire

__all__ = [
    "ASSESSMENT_SYSTEM",
    "EXT_DECISIVE",
    "EXT_PLAN_FIT",
    "EXT_TREATMENT",
    "EXT_VERSIONS",
    "RECORD_SYSTEM",
    "assessment_bundle",
    "subject_of",
]

# The project's own extensions and systems that only the bundle uses (the shared ones are in
# _codes). Under PROJECT: they describe the product, not a clinic.
#: On a prediction: the treatment it is about (valueCodeableConcept, TREATMENT_SYSTEM).
EXT_TREATMENT = f"{PROJECT}:StructureDefinition:treatment"
#: On a prediction: how the treatment fits the person's plans (complex: fit, summary, reason*).
EXT_PLAN_FIT = f"{PROJECT}:StructureDefinition:plan-fit"
#: On a prediction: an unknown safety answer that decides the verdict (complex: question,
#: status, option* of answer and verdict).
EXT_DECISIVE = f"{PROJECT}:StructureDefinition:decisive-answer"
#: On the RiskAssessment: the questionnaire's and the rule set's ids, versions and hashes.
EXT_VERSIONS = f"{PROJECT}:StructureDefinition:versions"
#: What kind of assessment this is (code ``screening``).
ASSESSMENT_SYSTEM = f"{PROJECT}:CodeSystem:assessment"
#: The id of a batch record, as the Bundle's identifier.
RECORD_SYSTEM = f"{PROJECT}:NamingSystem:batch-record"

SCREENING = {
    "system": ASSESSMENT_SYSTEM,
    "code": "screening",
    "display": "Pre-consultation screening for facial aesthetic treatments",
}
SCREENING_TEXT = (
    "Pre-consultation screening for facial aesthetic treatments: which treatments may be worth "
    "discussing with a qualified practitioner. Not a diagnosis."
)
NOTE = (
    "This is a screening aid to prepare for a consultation, not medical advice: it does not "
    "diagnose anything and cannot say whether a treatment is right for the person. Only a "
    "qualified practitioner can decide, after a consultation."
)

_EFFECT_WORDS = {"relevant": "goal", "caution": "caution", "avoid": "review first"}


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def subject_of(response: Mapping[str, Any]) -> Subject:
    """Who a response that was read is about, as little as it says: the subject's ``display``
    as the name, its ``identifier.value`` as the reference."""
    subject = response.get("subject")
    if not isinstance(subject, Mapping):
        return Subject()
    name = subject.get("display")
    identifier = subject.get("identifier")
    reference = identifier.get("value") if isinstance(identifier, Mapping) else None
    return Subject(
        name=name if isinstance(name, str) and name else None,
        reference=reference if isinstance(reference, str) and reference else None,
    )


def assessment_bundle(
    assessment: Assessment,
    answers: Answers,
    questionnaire: Questionnaire,
    *,
    response: Mapping[str, Any] | None = None,
    fhir_version: FhirVersion = "R5",
    base: str = DEFAULT_BASE,
    subject: Subject | None = None,
    new_id: Callable[[], str] = _new_id,
    timestamp: str | None = None,
    record_id: str | None = None,
) -> dict[str, Any]:
    """The Bundle of ``assessment`` (made from ``answers`` to ``questionnaire``).

    ``response``: the QuestionnaireResponse the answers were read from, carried as read (its
    subject is then the Patient's, unless ``subject`` is given); otherwise one is made from the
    answers in ``fhir_version``. ``new_id`` makes the uuids (injectable, so that tests get
    stable ones); ``timestamp`` is the Bundle's (default: now, UTC); ``record_id`` a batch
    record's id, kept as the Bundle's identifier.
    """
    if subject is None:
        subject = subject_of(response) if response is not None else Subject()
    bundle_id, assessment_id, response_id, patient_id = (new_id() for _ in range(4))
    patient_url = f"urn:uuid:{patient_id}"
    response_url = f"urn:uuid:{response_id}"

    if response is None:
        from .response import response_from_answers

        made = response_from_answers(
            answers,
            questionnaire,
            fhir_version=fhir_version,
            base=base,
            subject=subject if subject.name or subject.reference else None,
            response_id=response_id,
        )
        made["subject"] = {**made.get("subject", {}), "reference": patient_url}
        response = made
    else:
        response = copy.deepcopy(dict(response))

    risk = _risk_assessment(assessment, questionnaire, base, assessment_id)
    risk["subject"] = {"reference": patient_url}
    risk["basis"] = [{"reference": response_url}]

    bundle: dict[str, Any] = {"resourceType": "Bundle", "id": bundle_id}
    if record_id is not None:
        bundle["identifier"] = {"system": RECORD_SYSTEM, "value": record_id}
    bundle["type"] = "collection"
    bundle["timestamp"] = timestamp or _now()
    bundle["entry"] = [
        {"fullUrl": f"urn:uuid:{assessment_id}", "resource": risk},
        {"fullUrl": response_url, "resource": response},
        {"fullUrl": patient_url, "resource": _patient(subject, patient_id)},
    ]
    return bundle


def _patient(subject: Subject, patient_id: str) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_id}
    if subject.reference:
        patient["identifier"] = [
            {"type": {"text": "Booking reference"}, "value": subject.reference}
        ]
    if subject.name:
        patient["name"] = [{"text": subject.name}]
    return patient


def _risk_assessment(
    assessment: Assessment, questionnaire: Questionnaire, base: str, assessment_id: str
) -> dict[str, Any]:
    rules = assessment.rules
    risk: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": assessment_id,
        "extension": [_versions(assessment, questionnaire, base)],
        "status": "final",
        "method": {
            "coding": [
                {
                    "system": RULESET_SYSTEM,
                    "version": rules.version,
                    "code": rules.id,
                    "display": f"Screening rule set {rules.id} {rules.version}",
                }
            ],
            "text": f"Pre-consultation screening by rule set {rules.id} {rules.version}",
        },
        "code": {"coding": [SCREENING], "text": SCREENING_TEXT},
    }
    if assessment.as_of is not None:
        risk["occurrenceDateTime"] = assessment.as_of.isoformat()
    risk["prediction"] = [
        _prediction(verdict, questionnaire, base) for verdict in assessment.verdicts.values()
    ]
    risk["note"] = [{"text": NOTE}] + [
        {"text": f"To mention to the practitioner: {flag.title}. {flag.mention}"}
        for flag in assessment.flags
    ]
    return risk


def _versions(assessment: Assessment, questionnaire: Questionnaire, base: str) -> dict[str, Any]:
    q, rules = assessment.questionnaire, assessment.rules
    url = questionnaire_url(questionnaire, base)
    return {
        "url": EXT_VERSIONS,
        "extension": [
            {"url": "questionnaire", "valueCanonical": f"{url}|{q.version}"},
            {"url": "questionnaire-hash", "valueString": q.content_hash},
            {
                "url": "rule-set",
                "valueCoding": {
                    "system": RULESET_SYSTEM,
                    "version": rules.version,
                    "code": rules.id,
                },
            },
            {"url": "rule-set-hash", "valueString": rules.content_hash},
        ],
    }


def _verdict_coding(verdict: str) -> dict[str, Any]:
    from ..render import VERDICT_WORDS

    return {"system": VERDICT_SYSTEM, "code": verdict, "display": VERDICT_WORDS[verdict]}


def _prediction(
    verdict: TreatmentVerdict, questionnaire: Questionnaire, base: str
) -> dict[str, Any]:
    from ..render import FIT_WORDS, VERDICT_WORDS

    treatment = {"system": TREATMENT_SYSTEM, "code": verdict.treatment, "display": verdict.name}
    extensions: list[dict[str, Any]] = [
        {
            "url": EXT_TREATMENT,
            "valueCodeableConcept": {"coding": [treatment], "text": verdict.name},
        },
        {
            "url": EXT_PLAN_FIT,
            "extension": [
                {
                    "url": "fit",
                    "valueCoding": {
                        "system": FIT_SYSTEM,
                        "code": verdict.fit,
                        "display": FIT_WORDS[verdict.fit],
                    },
                },
                {"url": "summary", "valueString": verdict.fit_summary},
                *(
                    {"url": "reason", "valueString": _line(r.rule, r.title, r.text, r.source)}
                    for r in verdict.fit_reasons
                ),
            ],
        },
        *(_decisive(d, questionnaire, base) for d in verdict.decisive),
    ]
    lines = [verdict.summary]
    if verdict.reasons:
        lines.append("Reasons:")
        lines.extend(
            "- " + _line(r.rule, r.title, f"({_EFFECT_WORDS[r.effect]}) {r.text}", r.source)
            for r in verdict.reasons
        )
    return {
        "extension": extensions,
        "outcome": {
            "coding": [_verdict_coding(verdict.verdict)],
            "text": f"{verdict.name}: {VERDICT_WORDS[verdict.verdict]}",
        },
        "rationale": "\n".join(lines),
    }


def _line(rule: str, title: str, text: str, source: str) -> str:
    return f"[{rule}] {title}: {text} Source: {source}."


def _decisive(decisive: DecisiveAnswer, questionnaire: Questionnaire, base: str) -> dict[str, Any]:
    question = questionnaire.by_id.get(decisive.question)
    choices = set(question.choice_ids) if question is not None else set()
    options: list[dict[str, Any]] = []
    for option in decisive.options:
        if question is not None and option.answer in choices:
            answer: dict[str, Any] = {
                "url": "answer",
                "valueCoding": choice_coding(questionnaire, question, option.answer, base),
            }
        else:
            answer = {"url": "answer", "valueString": option.answer}
        verdict = {"url": "verdict", "valueCoding": _verdict_coding(option.verdict)}
        options.append({"url": "option", "extension": [answer, verdict]})
    return {
        "url": EXT_DECISIVE,
        "extension": [
            {"url": "question", "valueString": decisive.question},
            {"url": "status", "valueCode": decisive.status},
            *options,
        ],
    }
