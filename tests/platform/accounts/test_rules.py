"""Role x municipality matrix for the site-wide permissions."""
import pytest

from accounts.models import Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

PERMS = ["accounts.moderate", "accounts.work_as_staff", "accounts.review_as_council",
         "accounts.manage_municipality"]

# role held in the municipality -> the permissions it grants there
EXPECTED = {
    None: set(),
    Role.CITIZEN: set(),
    Role.MODERATOR: {"accounts.moderate"},
    Role.STAFF: {"accounts.moderate", "accounts.work_as_staff"},
    Role.COUNCIL: {"accounts.review_as_council"},
    Role.ADMIN: set(PERMS),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_roles_grant_their_permissions_only_in_their_own_municipality(role):
    home, other = MunicipalityFactory(), MunicipalityFactory()
    user = UserFactory(municipality=home)
    if role:
        MembershipFactory(user=user, municipality=home, role=role)
    granted_home = {p for p in PERMS if user.has_perm(p, home)}
    granted_other = {p for p in PERMS if user.has_perm(p, other)}
    assert granted_home == EXPECTED[role]
    assert granted_other == set(), "roles never cross municipalities"


@pytest.mark.django_db
def test_anonymous_has_no_permission():
    from django.contrib.auth.models import AnonymousUser

    municipality = MunicipalityFactory()
    assert not any(AnonymousUser().has_perm(p, municipality) for p in PERMS)


@pytest.mark.django_db
def test_superuser_is_admin_everywhere():
    user = UserFactory(is_superuser=True)
    assert all(user.has_perm(p, MunicipalityFactory()) for p in PERMS)


@pytest.mark.django_db
def test_only_the_person_may_download_or_delete_their_own_data():
    alice, bob = UserFactory(), UserFactory()
    assert alice.has_perm("accounts.view_personal_data", alice)
    assert alice.has_perm("accounts.delete_account", alice)
    assert not alice.has_perm("accounts.view_personal_data", bob)
    assert not alice.has_perm("accounts.delete_account", bob)
