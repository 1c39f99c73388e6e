"""The HTTP API for booking systems and clinic software, under ``/api/v1``.

- ``POST /api/v1/assess``: an answers document in (JSON, exactly as ``suitability schema``
  describes it, read by the same strict reader as an answers file), the assessment out, the
  same bytes as ``suitability assess FILE --format json`` gives for the same answers.
- ``GET /api/v1/questionnaire``: the questionnaire this server asks, as JSON.
- ``GET /api/v1/schema``: the JSON Schema of an answers document for it.
- ``GET /api/v1/openapi.json``: the OpenAPI description of these (and of nothing else: the
  HTML pages are for people, not for client generators).

Assessing needs a token (``Authorization: Bearer ...``, from ``suitability staff token NAME``):
each call is audited under the token's staff name, without the answers. The questionnaire and
its schema hold nothing of anyone's and are public, so a booking system can build its form
before it has a token.

Assessments made through the API are not kept as records: the caller sent the answers and
keeps the result, and a second copy here would be one more place holding health data, outside
the desk's review and the retention the clinic set for its own screenings.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from .._messages import problem
from ..assessment import Assessment, assess
from ..errors import AnswersError, Problem
from ..fhir._codes import FHIR_RELEASE, FhirVersion
from ..questionnaire import Questionnaire
from .app import WebProblem, problem_response, web

if TYPE_CHECKING:
    from ..answers import Answers

__all__ = ["AnswersDocument", "ProblemDocument", "install", "router"]

PROBLEM_TYPE = "application/problem+json"
JSON_TYPE = "application/json"
FHIR_TYPE = "application/fhir+json"
ASSESS_ACTION = "api assess"
REFUSED_ACTION = "api assess refused"
REALM = 'Bearer realm="suitability"'

DESCRIPTION = """\
Pre-consultation screening aid (not medical advice): an HTTP API for booking systems and clinic
software.

**Tokens.** `POST /api/v1/assess` needs `Authorization: Bearer <token>`; a clinic's staff
member creates one with `suitability staff token NAME`, and every call is audited under that
name (who and when, never the answers; a refused call as "api assess refused").
`GET /api/v1/questionnaire` and `GET /api/v1/schema` are public: they hold no patient data,
and a booking system builds its form from them.

**Answers.** The body of `POST /api/v1/assess` is an answers document in JSON, exactly as
`GET /api/v1/schema` describes it (the same as `suitability schema`), read as strictly as an
answers file: a key given twice, text holding a lone surrogate, a string over 10,000
characters, more than 1,000 keys and items, or a body over 1,000,000 bytes are refused. Answers
go in the body only, never in a URL, and are never logged.

**Results.** The assessment comes back as JSON, byte for byte what
`suitability assess FILE --format json` prints for the same answers. It is not stored on the
server: the caller keeps it (a record here would hold health data outside the clinic's review
and retention).

**FHIR.** `GET /api/v1/fhir/R5/Questionnaire` (or `R4`) gives the questionnaire as a FHIR
Questionnaire under the clinic's canonical base (public). `POST /api/v1/assess` also takes a
FHIR QuestionnaireResponse for it (`Content-Type: application/fhir+json`, with
`fhirVersion=4.0` for R4), read as strictly and located by FHIR path (such as
`item[3].item[0].answer[0].valueCoding.code`); the result is then a FHIR Bundle holding the
response, a Patient with only what the response gave, and a RiskAssessment with one
prediction per treatment. `Accept: application/fhir+json` asks for that Bundle for an answers
document too.

**Errors** are `application/problem+json` documents: `title`, `status`, and `problems`, each
with a `location` (such as `answers.age`) and a `message` that never quotes the value sent.
400: a query string (answers never go in a URL) or malformed JSON; 401: no token or a wrong
one; 413: a body over the limit (refused before it is read); 415: not JSON; 422: an answers
document that breaks the reader's limits or does not fit the questionnaire, every problem
located.
"""


class AnswersDocument(BaseModel):
    """An answers document: the ``answers`` mapping, and an optional header."""

    model_config = ConfigDict(extra="forbid")

    questionnaire: str | None = Field(
        default=None, description="The questionnaire's id (GET /api/v1/questionnaire: id)."
    )
    questionnaire_version: str | None = Field(
        default=None,
        description="The version the answers were given to; answers of an earlier version "
        "are read as the questionnaire's earlier_versions say.",
    )
    answered_on: dt.date | None = Field(
        default=None, description="The day the answers were given (YYYY-MM-DD)."
    )
    answers: dict[str, Any] = Field(
        description="Question id to answer, typed as GET /api/v1/schema says; null or left "
        "out: not answered."
    )


class ProblemItem(BaseModel):
    location: str = Field(description="Where in the request, such as 'answers.age'.")
    message: str = Field(description="What is wrong; never the value sent.")


class ProblemDocument(BaseModel):
    """An error (RFC 9457's problem details, with a list of located problems)."""

    title: str
    status: int
    problems: list[ProblemItem]


def _problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    words = {
        400: "Malformed JSON, or a query string (answers go in the body)",
        401: "No API token, or a wrong one",
        413: "Body over 1,000,000 bytes (refused before it is read)",
        406: "An Accept header naming a FHIR version other than 4.0 or 5.0",
        415: "Not a JSON body, or a FHIR version other than 4.0 or 5.0",
        422: "The answers break the reader's limits or do not fit the questionnaire",
    }
    return {
        status: {
            "description": words[status],
            "model": ProblemDocument,
            "content": {PROBLEM_TYPE: {}},
        }
        for status in statuses
    }


class Unauthorized(WebProblem):
    """A call to an endpoint that needs a token, without a valid one."""

    def __init__(self, found: Problem, *, given: bool) -> None:
        super().__init__(401, "An API token is required", [found])
        # RFC 6750: a token that was sent and refused is 'invalid_token'.
        self.challenge = f'{REALM}, error="invalid_token"' if given else REALM


_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="token from 'suitability staff token NAME'",
    description="An API token of a staff member.",
)


def token_staff(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
) -> str:
    """The staff member whose token authorises this call."""
    if credentials is None:
        given = bool(request.headers.get("authorization"))
        code = "api_token_wrong" if given else "api_token_missing"
        raise Unauthorized(problem(code, "Authorization"), given=given)
    staff = web(request).store.token_staff(credentials.credentials)
    if staff is None:
        raise Unauthorized(problem("api_token_wrong", "Authorization"), given=True)
    return staff


router = APIRouter(prefix="/api/v1", tags=["api"])


@router.get(
    "/questionnaire",
    response_model=Questionnaire,
    summary="The questionnaire this server asks",
    description="Its sections and questions in order, with their wording, choices, limits "
    "and show-if conditions. Public: it holds no patient data.",
)
async def get_questionnaire(request: Request) -> Response:
    found = web(request).questionnaire
    return JSONResponse(found.model_dump(mode="json", by_alias=True))


@router.get(
    "/schema",
    response_model=dict[str, Any],
    summary="The JSON Schema of an answers document",
    description="The same as `suitability schema`: the body POST /api/v1/assess accepts. "
    "Public: it holds no patient data.",
)
async def get_schema(request: Request) -> Response:
    from ..answers import answers_schema

    return JSONResponse(answers_schema(web(request).questionnaire))


@router.post(
    "/assess",
    response_model=Assessment,
    summary="Assess an answers document",
    description="The answers document in (JSON, as GET /api/v1/schema describes it), the "
    "assessment out: the same bytes as `suitability assess FILE --format json`. Audited "
    "under the token's staff name, without the answers; the result is not stored.",
    responses={
        200: {
            "description": "The assessment; a FHIR Bundle when a QuestionnaireResponse was sent "
            "or Accept asks for application/fhir+json",
            "content": {FHIR_TYPE: {"schema": {"type": "object"}}},
        },
        **_problem_responses(400, 401, 406, 413, 415, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": AnswersDocument.model_json_schema()},
                FHIR_TYPE: {
                    "schema": {
                        "type": "object",
                        "description": "A FHIR QuestionnaireResponse (R5, or R4 with "
                        "fhirVersion=4.0) for GET /api/v1/fhir/R5/Questionnaire; the result is "
                        "then a FHIR Bundle.",
                    }
                },
            },
        }
    },
)
async def post_assess(request: Request, staff: str = Depends(token_staff)) -> Response:
    shared = web(request)
    try:
        if request.url.query:
            # URLs end up in logs, proxies and browser histories: a client that puts answers
            # there is told so at once, before it is built that way.
            found = problem("api_query_refused", "query")
            raise WebProblem(400, "Answers go in the body", [found])
        _json_content_type(request)
        sent = _fhir_version_of(request.headers.get("content-type", ""), "Content-Type")
        wanted = _fhir_version_wanted(request)
        answers, resource = _read_answers(await request.body(), shared.questionnaire)
    except WebProblem:
        # Who sent what could not be read is worth knowing too (a client misbuilt, or a
        # token misused); what was sent is not kept.
        shared.store.audit(staff, REFUSED_ACTION)
        raise
    assessment = await run_in_threadpool(assess, answers, shared.questionnaire)
    shared.store.audit(staff, ASSESS_ACTION)
    if resource is None and wanted is None:
        return Response(assessment.to_json(), media_type=JSON_TYPE)
    from ..fhir import assessment_bundle, dumps

    # The version asked for; else the one the response came in (R4 and R5 responses read
    # alike, so only its media type can tell), else R5.
    version = wanted or sent or "R5"
    bundle = assessment_bundle(
        assessment,
        answers,
        shared.questionnaire,
        response=resource,
        fhir_version=version,
        base=shared.settings.canonical_base,
    )
    return Response(dumps(bundle), media_type=_fhir_media_type(version))


def _fhir_media_type(version: FhirVersion) -> str:
    return f"{FHIR_TYPE}; fhirVersion={FHIR_RELEASE[version][:3]}"


def _fhir_version_of(media_type: str, where: str) -> FhirVersion | None:
    """The FHIR version a media type names (``application/fhir+json; fhirVersion=4.0``): R4 for
    4.0, R5 for 5.0 or none given; None when it is not FHIR's media type."""
    kind, _, rest = media_type.partition(";")
    if kind.strip().lower() != FHIR_TYPE:
        return None
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "fhirversion":
            release = value.strip().strip('"')
            for version, full in FHIR_RELEASE.items():
                if release and (full == release or full.startswith(release + ".")):
                    return version
            found = problem("api_fhir_version", where, releases="4.0, 5.0")
            status = 406 if where == "Accept" else 415
            raise WebProblem(status, "Unsupported FHIR version", [found])
    return "R5"


def _fhir_version_wanted(request: Request) -> FhirVersion | None:
    """The FHIR version of the result the client asks for in ``Accept``, or None for the
    assessment's own JSON (no Accept, */*, application/json)."""
    for part in request.headers.get("accept", "").split(","):
        version = _fhir_version_of(part.strip(), "Accept")
        if version is not None:
            return version
    return None


def _json_content_type(request: Request) -> None:
    """Refuses a body that does not say it is JSON (a form post, plain text), and JSON in a
    character set other than UTF-8."""
    declared = request.headers.get("content-type", "")
    kind, _, rest = declared.partition(";")
    kind = kind.strip().lower()
    params = {
        k.strip().lower(): v.strip().strip('"').lower()
        for k, _, v in (p.partition("=") for p in rest.split(";"))
        if k.strip()
    }
    is_json = kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )
    if not is_json or params.get("charset", "utf-8") not in ("utf-8", "utf8"):
        raise WebProblem(415, "Expected JSON", [problem("api_not_json", "Content-Type")])


def _read_answers(
    body: bytes, questionnaire: Questionnaire
) -> tuple[Answers, dict[str, Any] | None]:
    """The answers in ``body``, read as an answers file in JSON is (the same strict reader and
    limits), then validated, and the FHIR QuestionnaireResponse they came in (None for an
    answers document): raises WebProblem (400 or 422) with every problem located."""
    from ..answers import parse_answers_text, validate_answers
    from ..fhir import answers_from_response, is_fhir_resource

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WebProblem(422, "The answers are not valid", [problem("not_utf8")]) from None
    if not text.lstrip().startswith(("{", "[")):
        # An answers file may be YAML; a JSON API takes JSON only.
        found = problem("json_syntax", reason="expected a JSON object")
        raise WebProblem(400, "Malformed JSON", [found])
    try:
        data = parse_answers_text(text, "")
        if is_fhir_resource(data):
            return answers_from_response(data, questionnaire), data
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise AnswersError([problem("not_answers_file")])
        return validate_answers(data, questionnaire), None
    except AnswersError as exc:
        problems = list(exc.problems)
        syntax = bool(problems) and all(p.code == "json_syntax" for p in problems)
        if syntax:
            raise WebProblem(400, "Malformed JSON", problems) from None
        raise WebProblem(422, "The answers are not valid", problems) from None


@router.get(
    "/fhir/{fhir_version}/Questionnaire",
    response_class=Response,
    summary="The questionnaire as a FHIR Questionnaire",
    description="The same as `suitability fhir questionnaire --fhir-version R4|R5`: SDC's "
    "enableWhen and enableWhenExpression for show-if, under the clinic's canonical base. "
    "Public: it holds no patient data.",
    responses={
        200: {
            "description": "A FHIR Questionnaire",
            "content": {FHIR_TYPE: {"schema": {"type": "object"}}},
        },
        404: {
            "description": "Not R4 or R5",
            "model": ProblemDocument,
            "content": {PROBLEM_TYPE: {}},
        },
    },
)
async def get_fhir_questionnaire(request: Request, fhir_version: str) -> Response:
    from ..fhir import FHIR_VERSIONS, dumps, questionnaire_resource

    if fhir_version not in FHIR_VERSIONS:
        found = problem("api_fhir_version", "path", releases="R4, R5")
        raise WebProblem(404, "No such FHIR version here", [found])
    shared = web(request)
    version: FhirVersion = "R4" if fhir_version == "R4" else "R5"
    resource = questionnaire_resource(
        shared.questionnaire, fhir_version=version, base=shared.settings.canonical_base
    )
    return Response(dumps(resource), media_type=_fhir_media_type(version))


def install(app: Any) -> None:
    """Puts the API on ``app``: its routes, the 401 challenge, and an OpenAPI description of
    the API alone."""
    app.include_router(router)

    async def unauthorized(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Unauthorized)
        response = problem_response(request, exc)
        response.headers["WWW-Authenticate"] = exc.challenge
        return response

    app.add_exception_handler(Unauthorized, unauthorized)

    app.description = DESCRIPTION
    described = type(app).openapi

    def openapi() -> dict[str, Any]:
        found: dict[str, Any] = described(app)
        # Only the API: the pages are for people, whatever their routers declare.
        found["paths"] = {p: v for p, v in found["paths"].items() if p.startswith("/api/")}
        # FastAPI files a response model under application/json; problems are sent as
        # application/problem+json, and described so.
        for operations in found["paths"].values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    if PROBLEM_TYPE in content and JSON_TYPE in content:
                        response["content"] = {PROBLEM_TYPE: content[JSON_TYPE]}
        return found

    app.openapi = openapi
