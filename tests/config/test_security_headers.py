"""Security headers on pages and the API: the Content-Security-Policy (strict on our pages,
relaxed only where a third-party page needs it), Permissions-Policy, Referrer-Policy,
X-Content-Type-Options, Cross-Origin-Opener-Policy and framing."""
import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", ["/", "/ideas/", "/budgets/", "/accounts/login/", "/healthz",
                                  "/api/v1/ideas/", "/api/schema/", "/does-not-exist/"])
def test_every_response_carries_the_security_headers(client, municipality, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    csp = directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]


def test_our_pages_allow_nothing_inline_nor_from_elsewhere(client, municipality):
    csp = directives(client.get("/ideas/"))
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]


def test_api_docs_allow_data_images_only_and_serve_their_script_as_a_file(client):
    response = client.get("/api/docs/")
    csp = directives(response)
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html
    assert "?script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_browsable_api_gets_inline_styles_but_never_inline_scripts(client, municipality):
    csp = directives(client.get("/api/v1/ideas/", HTTP_ACCEPT="text/html"))
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["script-src"] == ["'self'"]


def test_admin_keeps_the_strict_policy(client):
    csp = directives(client.get("/admin/login/"))
    assert csp["style-src"] == ["'self'"] and csp["script-src"] == ["'self'"]


def test_templates_have_no_inline_scripts_styles_or_handlers():
    """The policy forbids them, so one added to a template would silently not work."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # Attributes only inside a tag: `{% blocktranslate with online=… %}` is not a handler.
    forbidden = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|<[a-z][^>]*\sstyle=|<[a-z][^>]*\son[a-z]+=|"
                           r"javascript:", re.IGNORECASE)
    offenders = []
    for folder in (root / "templates", root / "platform", root / "ideas", root / "budgets",
                   root / "dinners"):
        for template in folder.rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if forbidden.search(line):
                    offenders.append(f"{template.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("path", ["/ideas/", "/api/v1/ideas/", "/api/docs/", "/admin/login/"])
def test_the_header_built_once_is_the_one_django_csp_builds(rf, path):
    """config.middleware builds a plain response's policy once per path override."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from config.middleware import ContentSecurityPolicyMiddleware

    ours = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    fast = ours.process_response(rf.get(path), HttpResponse())
    built = CSPMiddleware.process_response(ours, rf.get(path), HttpResponse())  # django-csp's own way
    assert directives(fast) == directives(built)


def test_a_view_with_its_own_policy_or_a_nonce_keeps_it(rf, settings):
    from csp.constants import NONCE, SELF
    from django.http import HttpResponse

    from config.middleware import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    response = HttpResponse()
    response._csp_update = {"img-src": ["https://maps.example.dk"]}
    assert "https://maps.example.dk" in directives(middleware.process_response(rf.get("/"), response))["img-src"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    request = rf.get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    assert directives(middleware.process_response(request, HttpResponse()))["script-src"] == ["'self'",
                                                                                             f"'nonce-{nonce}'"]
    assert directives(middleware.process_response(rf.get("/"), HttpResponse()))["script-src"] == ["'self'"], \
        "a changed setting is not served from the old copy"
