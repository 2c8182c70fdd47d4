from django.http import HttpResponse
from django.views.decorators.http import require_safe

HEALTHZ_PAGE = (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>OK</title></head><body><p>OK</p></body></html>'
)


@require_safe
def healthz(request):
    """Liveness for the load balancer: the app answers, through the whole middleware stack.

    It touches neither the database nor the cache, which also makes it the benchmark's baseline.
    """
    return HttpResponse(HEALTHZ_PAGE)
