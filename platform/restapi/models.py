"""API tokens: only a digest of each is stored, each expires, and each can be revoked."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One API token of a person. The token itself is shown once, when it is issued; the
    table holds its SHA-256 digest (the token is 256 random bits, so a plain digest is as
    strong as a slow hash and costs one lookup per request), so a reader of the database
    cannot use it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    digest = models.CharField(max_length=64, unique=True)
    #: the token's first characters, so a person can tell their tokens apart on the account page
    prefix = models.CharField(_("begins with"), max_length=12)
    name = models.CharField(_("name"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
