"""Whatever shape a response arrives in, reading it ends in answers or in located problems:
never another exception (which the command line would show as an internal error)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitability import AnswersError, default_questionnaire
from suitability.answers import Answers, read_answers_file
from suitability.fhir import answers_from_response, response_from_answers

from .conftest import ROOT

Q = default_questionnaire()
EVE = read_answers_file(ROOT / "examples" / "eve-unsure.yaml", Q)
BASES = [response_from_answers(EVE, Q, fhir_version=v) for v in ("R5", "R4")]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["yes", "no", "asked-unknown", "age", "section.goals", "2026-11-20"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["linkId", "answer", "item", "valueCoding", "valueInteger", "valueDate", "valueString",
     "_valueInteger", "system", "code", "status", "questionnaire", "authored", "extension",
     "modifierExtension", "valueBoolean", "url", "valueCode"]
)  # fmt: skip


def _nodes(data: Any, out: list[Any]) -> list[Any]:
    if isinstance(data, (dict, list)):
        out.append(data)
        for child in data.values() if isinstance(data, dict) else data:
            _nodes(child, out)
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    resource = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        node = draw(st.sampled_from(_nodes(resource, [])))
        if isinstance(node, dict):
            key = draw(KEYS | st.sampled_from(sorted(node) or ["linkId"]))
            action = draw(st.sampled_from(["set", "delete", "copy"]))
            if action == "delete":
                node.pop(key, None)
            elif action == "copy" and node:
                node[key] = copy.deepcopy(node[draw(st.sampled_from(sorted(node)))])
            else:
                node[key] = draw(JSON)
        elif node:
            index = draw(st.integers(0, len(node) - 1))
            action = draw(st.sampled_from(["set", "delete", "duplicate"]))
            if action == "delete":
                node.pop(index)
            elif action == "duplicate":
                node.append(copy.deepcopy(node[index]))
            else:
                node[index] = draw(JSON)
    return resource


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resource=mutated())
def test_any_mutated_response__gives_answers_or_located_problems(resource: dict[str, Any]) -> None:
    data = json.loads(json.dumps(resource))
    try:
        answers = answers_from_response(data, Q, source="qr.json")
    except AnswersError as exc:
        assert exc.problems
        for found in exc.problems:
            assert found.located().startswith("qr.json: ")
            assert "\n" not in found.located()
            found.located(values=False)
    else:
        assert isinstance(answers, Answers)
