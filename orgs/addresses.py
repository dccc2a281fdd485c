"""The network address a request came from, for the limits that count per address (django-axes' lockouts, the public
tips' daily limits)."""

from django.conf import settings


def client_address(request) -> str:
    """Behind ``PROXIES_IN_FRONT`` reverse proxies (nginx: 1) every request arrives from the nearest proxy, so
    REMOTE_ADDR would count the whole public as one address: the browser's is the one the outermost trusted proxy
    appended to X-Forwarded-For, that many places from the right. What lies further left the browser may have written
    itself, so it is never read."""
    proxies = settings.PROXIES_IN_FRONT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
