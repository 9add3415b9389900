import time

import factory
from django.contrib.auth import get_user_model

from accounts.models import Country, District, Language, Membership, Municipality, Role

PASSWORD = "a-Long-test-password-7"
# The authenticator app's secret of every test account given a second factor (base32), so
# a test computes a current code without the account: `totp_code()`.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    """The authenticator app's current code for `secret` (`offset` periods away), as allauth
    computes it."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD + offset))


def second_factor_add(user, secret: str = TOTP_SECRET):
    """Give the account an authenticator app (TOTP), as if the person had set one up."""
    from allauth.mfa.models import Authenticator

    from accounts import mfa

    authenticator, _created = Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": secret}})
    mfa.forget(user)
    return authenticator


def sign_in_recently(client, user) -> None:
    """client.force_login, plus what allauth writes into the session when the person signs in
    with their second factor: a recent authentication (accounts.mfa.recently_authenticated),
    as the council's decision, a phase change and opening the ballot box ask for."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    country = Country.DENMARK
    default_language = Language.DANISH


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Bydel {n}")
    slug = factory.Sequence(lambda n: f"bydel-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name", locale="da_DK")
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A confirmed e-mail address, unless UserFactory(verified=False)."""
        if not create:
            return
        from allauth.account.models import EmailAddress

        obj.save()
        EmailAddress.objects.create(user=obj, email=obj.email, verified=extracted is not False, primary=True)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """UserFactory(second_factor=True) sets up an authenticator app (TOTP_SECRET); the
        admin site's operators (is_staff, is_superuser) get one unless second_factor=False."""
        if create and (extracted or (extracted is None and (obj.is_staff or obj.is_superuser))):
            second_factor_add(obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.CITIZEN

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """A privileged role (moderator, staff, council, admin) needs a second factor
        (accounts.mfa): its holder gets an authenticator app (TOTP_SECRET) unless
        MembershipFactory(..., second_factor=False)."""
        if create and extracted is not False and obj.role != Role.CITIZEN:
            second_factor_add(obj.user)


def api_token(user) -> str:
    """A new API token for `user` (restapi.tokens), as the token endpoint would issue it."""
    from restapi import tokens

    return tokens.issue(user)[0]
