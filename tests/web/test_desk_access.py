"""Only staff reach the desk: without a staff session every page sends the browser to the login
page and every form is refused; a patient's session (in its own cookie or planted in the
staff cookie) opens nothing; a staff form without its CSRF token changes nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from suitability.web.app import PATIENT_COOKIE, STAFF_COOKIE

from . import desk_helpers
from .desk_helpers import Desk, add_record

cheap_hashes, desk, staff = desk_helpers.cheap_hashes, desk_helpers.desk, desk_helpers.staff

PAGES = (
    "/desk",
    "/desk?view=all",
    "/desk/record/{id}",
    "/desk/record/{id}/delete",
    "/desk/audit",
)
POSTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/desk/logout", {}),
    ("/desk/record/{id}/reviewed", {}),
    ("/desk/record/{id}/delete", {"confirm": "delete"}),
    ("/desk/record/{id}/export", {"format": "json"}),
    ("/desk/export", {"day": "2026-01-01", "format": "csv"}),
)


def _refused_everywhere(desk: Desk, record_id: str, csrf: str) -> None:
    for path in PAGES:
        response = desk.client.get(path.format(id=record_id), follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/desk/login", path
        assert "Jo Bloggs" not in response.text
    for path, fields in POSTS:
        response = desk.client.post(
            path.format(id=record_id), data={"csrf": csrf, **fields}, follow_redirects=False
        )
        assert response.status_code == 403, path
        assert "Staff only" in response.text
        assert "Jo Bloggs" not in response.text
    record = desk.store.get(record_id)
    assert record is not None and record.reviewed_by is None
    assert desk.store.audit_entries() == []


@pytest.mark.parametrize("cookie", [PATIENT_COOKIE, STAFF_COOKIE])
def test_a_patient_session_opens_no_desk_page(desk: Desk, cookie: str) -> None:
    record_id = add_record(desk.store)
    token, session = desk.store.new_session("patient", screening_id=record_id)
    desk.client.cookies.set(cookie, token)
    _refused_everywhere(desk, record_id, session.csrf)


def test_no_session_opens_no_desk_page(desk: Desk) -> None:
    record_id = add_record(desk.store)
    _refused_everywhere(desk, record_id, "x" * 43)


def test_staff_forms_without_their_csrf_token_change_nothing(staff: Desk) -> None:
    record_id = add_record(staff.store)
    before = len(staff.store.audit_entries())
    other = staff.store.new_session("staff", staff="alice")[1].csrf  # another session's token
    for path, fields in POSTS:
        for token in (None, other):
            data = dict(fields) if token is None else {"csrf": token, **fields}
            response = staff.client.post(
                path.format(id=record_id),
                content=urlencode(data),
                headers={"content-type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            assert response.status_code == 403, path
            assert "This page has expired" in response.text
            assert "content-disposition" not in response.headers
    record = staff.store.get(record_id)
    assert record is not None and record.reviewed_by is None
    assert len(staff.store.audit_entries()) == before
    assert staff.client.get("/desk").status_code == 200  # still logged in


def test_a_post_from_another_origin_is_refused(staff: Desk) -> None:
    record_id = add_record(staff.store)
    response = staff.client.post(
        f"/desk/record/{record_id}/delete",
        data={"csrf": staff.csrf(), "confirm": "delete"},
        headers={"origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert staff.store.get(record_id) is not None
