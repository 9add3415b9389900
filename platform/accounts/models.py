import re

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
    _user_has_perm,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import mfa
from .roles import Role  # defined apart, so that accounts.mfa needs no models
from .signals import credentials_changed


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")
    NORWEGIAN_BOKMAL = "nb", _("Norwegian Bokmål")


class Country(models.TextChoices):
    DENMARK = "DK", _("Denmark")
    NORWAY = "NO", _("Norway")
    SWEDEN = "SE", _("Sweden")
    OTHER = "XX", _("Other")


# {s} may only be a whole first label of the host ("https://{s}.tiles.example.org/..."):
# the Content-Security-Policy then allows "https://*.tiles.example.org" (maps.middleware).
_TILE_URL = re.compile(r"^https://(\{s\}\.)?[a-z0-9.-]+(:[0-9]+)?/[^\s\"'<>]*$", re.IGNORECASE)


def validate_tile_url(value: str) -> None:
    """A tile server's address template, as Leaflet takes it: https only (a page served over
    https may not load http images), with {z}, {x} and {y}."""
    if not _TILE_URL.match(value) or not all(part in value for part in ("{z}", "{x}", "{y}")):
        raise ValidationError(
            _("Give an https address with {z}, {x} and {y} in it, e.g. "
              "https://tiles.example.org/{z}/{x}/{y}.png."), code="tile_url")


class Geocoder(models.TextChoices):
    """Where the address search of the maps' pin drop looks (maps.geocoding has one adapter
    per choice). Høst asks the service itself, so the citizen's browser talks to Høst only."""
    SHIPPED = "", _("Places shipped with Høst (no outside request)")
    DAWA = "dawa", _("Denmark: Dataforsyningen's address search (DAWA)")
    GEONORGE = "geonorge", _("Norway: Kartverket's address search (Geonorge)")


# The country each outside address service covers: its municipality numbers are that country's.
GEOCODER_COUNTRY = {Geocoder.DAWA: Country.DENMARK, Geocoder.GEONORGE: Country.NORWAY}


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    default_language = models.CharField(
        _("default language"), max_length=5, choices=Language.choices, default=Language.DANISH
    )
    # The maps (maps/): by default they draw the outline shipped with Høst
    # (static/maps/outlines/<slug>.geojson) and load nothing from elsewhere; a municipality
    # with a tile server it may use names it here.
    map_tiles_url = models.CharField(
        _("map tile server"), max_length=300, blank=True, validators=[validate_tile_url],
        help_text=_("An https address with {z}, {x} and {y}, e.g. https://tiles.example.org/{z}/{x}/{y}.png. "
                    "Empty: maps show the municipality's outline shipped with Høst, without any outside request."))
    map_tiles_attribution = models.CharField(
        _("map credit"), max_length=300, blank=True,
        help_text=_("The credit the tile server asks for, e.g. \"© OpenStreetMap contributors\"."))
    map_latitude = models.DecimalField(_("map centre latitude"), max_digits=9, decimal_places=6, null=True,
                                       blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    map_longitude = models.DecimalField(_("map centre longitude"), max_digits=9, decimal_places=6, null=True,
                                        blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    map_zoom = models.PositiveSmallIntegerField(
        _("map zoom"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text=_("1 shows the world, 12 a city, 18 a street. Empty, with an empty centre: the "
                    "municipality's outline decides."))
    map_geocoder = models.CharField(
        _("address search"), max_length=20, blank=True, default=Geocoder.SHIPPED, choices=Geocoder.choices,
        help_text=_("Where \"Search for an address\" looks when a place is chosen on a form. Høst asks the "
                    "service itself: citizens' browsers never contact it."))
    map_geocoder_area = models.CharField(
        _("municipality number for the address search"), max_length=4, blank=True,
        validators=[RegexValidator(r"^[0-9]{3,4}$", _("Give the municipality's number: three or four digits."))],
        help_text=_("Keeps the search inside the municipality: Denmark's kommunekode (Aarhus 0751), "
                    "Norway's kommunenummer (Bergen 4601)."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.map_latitude is None) != (self.map_longitude is None):
            raise ValidationError({"map_latitude": _("Give both latitude and longitude, or neither.")})
        if self.map_tiles_url and not self.map_tiles_attribution.strip():
            raise ValidationError({"map_tiles_attribution": _(
                "Tile servers ask to be credited on the map: give the credit they ask for.")})
        country = GEOCODER_COUNTRY.get(self.map_geocoder)
        if country is not None and self.country != country:
            raise ValidationError({"map_geocoder": _("This address search covers %(country)s only.") % {
                "country": country.label}})
        if country is not None and not self.map_geocoder_area:
            raise ValidationError({"map_geocoder_area": _(
                "Give the municipality's number, so that the search finds addresses inside it.")})


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"))

    class Meta:
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="district_unique_slug")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Log-in is by e-mail; there is no user name."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True,
        help_text=_("Shown next to what you write. Leave empty to appear as “Citizen”."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.DANISH
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Optional. Used only to check age limits, for example in budget votes."),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="residents",
        verbose_name=_("home municipality"),
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="residents",
        verbose_name=_("district"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("site administrator"), default=False,
        help_text=_("May log in to the technical administration site."),
    )
    is_deleted_placeholder = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Exactly one "deleted user" stands in for every deleted account's content.
            models.UniqueConstraint(
                fields=["is_deleted_placeholder"],
                condition=models.Q(is_deleted_placeholder=True),
                name="user_single_deleted_placeholder",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.is_deleted_placeholder:
            return str(_("deleted user"))
        return self.display_name or str(_("Citizen"))

    def save(self, *args, **kwargs) -> None:
        # Django keeps a new password in `_password` until the row is saved: whichever way it
        # changed (the form, a reset, the admin), the API tokens issued under the old one go.
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            credentials_changed.send(sender=type(self), user=self, reason="password")

    def has_perm(self, perm, obj=None) -> bool:
        # Django grants an active superuser everything before asking any backend; here only
        # with a second factor (accounts.mfa). Without one the rules decide, as for anyone.
        if self.is_active and self.is_superuser and not mfa.superuser_with_second_factor(self):
            return _user_has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.district_id and self.district.municipality_id != self.municipality_id:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"district": _("Choose a district in your home municipality.")}
            )


class Membership(models.Model):
    """A role a person holds in one municipality; staff roles never cross municipalities."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="membership_unique_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.municipality_id}"


def deleted_user() -> User:
    """The placeholder that deleted accounts' content is attributed to (for on_delete=SET)."""
    user, _created = User.objects.get_or_create(
        is_deleted_placeholder=True,
        defaults={"email": "deleted-user@invalid", "is_active": False},
    )
    return user


class CensusEntry(models.Model):
    """One eligible resident of a municipality, as staff uploaded them (CONSUL's local
    census). The person's national identifier (CPR, fødselsnummer) is kept only as a keyed
    hash whose key is not in the database (accounts.census.person_key): a reader of the
    tables cannot tell who is on the list, and can check a guess only with the key."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="census",
                                     verbose_name=_("municipality"))
    person_key = models.CharField(max_length=64)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "person_key"], name="census_once_per_person")]
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")

    def __str__(self) -> str:
        return f"census entry {self.pk}"


class Verification(models.Model):
    """What a national e-ID (MitID, ID-porten) vouched for when the person signed in with it
    (accounts.eid). The person's identifier is kept only as the census's keyed hash
    (accounts.census.person_key), so a verified account finds its census entry without the
    identifier being stored; one account per person. The profile cannot change these facts."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="verification", verbose_name=_("user"))
    person_key = models.CharField(max_length=64, unique=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    level_of_assurance = models.CharField(_("level of assurance"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"))

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"verification of {self.user_id}"
