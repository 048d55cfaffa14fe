"""Who can reach what: every shell page against every kind of user.

Expected outcomes: 200 shown, 302 sent to sign in, 403 refused, 404 not found (an object
outside the user's reach is not acknowledged to exist).
"""

import pytest

from jichitai.accounts import api_tokens
from jichitai.accounts.models import ApiToken, StaffRole
from tests.access.matrix import Row, check_row, row

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "resident",
    "clerk",
    "approver",
    "department_admin",
    "system_admin",
    "auditor",
]

# url → expected status per persona, in PERSONAS order.
MATRIX = {
    "/": [200, 200, 200, 200, 200, 200, 200],
    "/organisation/": [200, 200, 200, 200, 200, 200, 200],
    "/mypage/": [302, 200, 403, 403, 403, 403, 403],
    "/staff/": [302, 403, 200, 200, 200, 200, 200],
    "/staff/audit/": [302, 403, 403, 403, 403, 403, 200],
    "/staff/members/": [302, 403, 403, 403, 200, 200, 403],
    # A clerk in the department administrator's own department …
    "/staff/members/{same_department_clerk}/": [302, 403, 404, 404, 200, 200, 404],
    # … and one in another department: only the system administrator sees them.
    "/staff/members/{other_department_clerk}/": [302, 403, 404, 404, 404, 200, 404],
}


@pytest.fixture
def people(make_user, make_staff):
    return {
        "anonymous": None,
        "resident": make_user("resident"),
        "clerk": make_staff("clerk", department="koseki"),
        "approver": make_staff("approver", department="koseki"),
        "department_admin": make_staff("department_admin", department="koseki"),
        "system_admin": make_staff("system_admin"),
        "auditor": make_staff("auditor"),
        "same_department_clerk": make_staff("clerk", department="koseki"),
        "other_department_clerk": make_staff("clerk", department="kazei"),
    }


@pytest.mark.parametrize("url_template", MATRIX)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(client, signed_in, people, persona, url_template) -> None:
    url = url_template.format(**{key: getattr(value, "pk", None) for key, value in people.items()})
    if people[persona] is not None:
        signed_in(client, people[persona])
    expected = MATRIX[url_template][PERSONAS.index(persona)]
    response = client.get(url)
    assert response.status_code == expected, f"{persona} {url}"
    if expected == 302:
        assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("persona", ["clerk", "approver", "auditor", "resident"])
def test_role_changes_are_refused_without_the_right(client, signed_in, people, persona) -> None:
    target = people["same_department_clerk"]
    role = target.staff_roles.get()
    signed_in(client, people[persona])
    client.post(f"/staff/members/{target.pk}/", {"role": "system_admin"})
    client.post(f"/staff/members/{target.pk}/roles/{role.pk}/revoke/")
    client.post(f"/staff/members/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert list(target.staff_roles.values_list("role", flat=True)) == ["clerk"]
    assert target.is_active


def test_department_admin_cannot_touch_another_departments_staff(client, signed_in, people) -> None:
    target = people["other_department_clerk"]
    role = target.staff_roles.get()
    signed_in(client, people["department_admin"])
    assert client.post(f"/staff/members/{target.pk}/roles/{role.pk}/revoke/").status_code == 404
    assert target.staff_roles.filter(pk=role.pk).exists()


def test_staff_see_only_their_departments(people) -> None:
    from jichitai.accounts.policies import departments_visible_to

    for persona in ("clerk", "department_admin", "system_admin", "resident"):
        user = people[persona]
        user.is_verified = lambda: True
        codes = set(departments_visible_to(user).values_list("code", flat=True))
        expected = {
            "clerk": {"koseki"},
            "department_admin": {"koseki"},
            "system_admin": {"koseki", "kazei"},
            "resident": set(),
        }[persona]
        assert codes == expected, persona


# --- Rows in the shared style (tests/access/matrix.py): objects named by id ----------------------
# "member" is a clerk of 戸籍住民課 (koseki); "token" the owner's API token. A department
# administrator manages their own department's staff, the system administrator everyone's;
# for other staff the member does not exist (404).
def _member_page(done: int) -> list[int]:
    return [302, 403, 403, 404, 404, done, 404, 404, done, 404]


def _member_active(values: dict) -> bool:
    from jichitai.accounts.models import User

    return not User.objects.get(pk=values["member"]).is_active


MATRIX_ROWS: list[Row] = [
    row("GET", "/staff/members/{member}/", _member_page(200)),
    row("POST", "/staff/members/{member}/", _member_page(400), data={"role": "nonsense"}),
    row(
        "POST",
        "/staff/members/{member}/roles/{role}/revoke/",
        _member_page(302),
        changes={"department_admin", "system_admin"},
        effect=lambda v: not StaffRole.objects.filter(pk=v["role"]).exists(),
    ),
    # Deactivating takes the system administrator: a department administrator is told no.
    row(
        "POST",
        "/staff/members/{member}/deactivate/",
        _member_page(302),
        changes={"system_admin"},
        effect=_member_active,
    ),
    # Revoking names a token: anyone's but your own is not found.
    row(
        "POST",
        "/account/tokens/{token}/revoke/",
        [302, 302, 404, 404, 404, 404, 404, 404, 404, 404],
        changes={"owner"},
        effect=lambda v: ApiToken.objects.get(pk=v["token"]).revoked_at is not None,
    ),
]


@pytest.fixture
def world(personas, make_user, make_staff) -> dict:
    owner = make_user("resident")
    member = make_staff("clerk", department="koseki")
    token, _text = api_tokens.create_token(owner, name="matrix", days=30)
    return {
        "people": {**personas, "owner": owner},
        "member": member.pk,
        "role": member.staff_roles.get().pk,
        "token": token.pk,
    }


@pytest.mark.parametrize("request_spec", MATRIX_ROWS, ids=lambda r: r.id)
def test_rows(signed_in, world, request_spec) -> None:
    from jichitai.accounts.models import User

    check_row(signed_in, world["people"], request_spec, world, [User, StaffRole, ApiToken])
