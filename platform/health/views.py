from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .checks import run_all


@never_cache
@require_GET
def healthz(request):
    checks = run_all()
    failing = [name for name, result in checks.items() if result != "ok"]
    body = {"status": "ok" if not failing else "error", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
