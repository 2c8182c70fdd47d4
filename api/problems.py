"""RFC 9457 problem details: every refusal of the API is `application/problem+json` with a Japanese
`detail`, including the ones django-ninja raises itself (authentication, validation, unreadable body)."""

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.outage import OUTAGE_ERRORS, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:privacy-portal:problem:"


class FieldError(Schema):
    location: str
    type: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised anywhere under an operation; answered as a problem document."""

    def __init__(self, status: int, slug: str, detail: str, *, headers: dict | None = None, errors=None):
        super().__init__(detail)
        self.status, self.slug, self.detail, self.headers, self.errors = status, slug, detail, headers or {}, errors


def _titles() -> dict[int, str]:
    return {
        401: _("Authentication required"),
        403: _("Outside this client's companies"),
        404: _("Not found"),
        406: _("Format not available"),
        409: _("Company may not market"),
        413: _("Request body too large"),
        422: _("Invalid request"),
        429: _("Too many requests"),
        503: _("Service unavailable"),
    }


def _slug_titles() -> dict[str, str]:
    """Titles of refusals that share a status with a different meaning."""
    return {
        "key-reused": _("Key already used for another change"),
        "key-in-flight": _("Key being recorded"),
    }


def problem_response(status: int, slug: str, detail: str, *, headers: dict | None = None, errors=None) -> HttpResponse:
    body = {
        "type": TYPE_PREFIX + slug,
        "title": _slug_titles().get(slug) or _titles().get(status, _("Invalid request")),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False).encode(), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def _on_api_problem(request, exc: ApiProblem):
    return problem_response(exc.status, exc.slug, exc.detail, headers=exc.headers, errors=exc.errors)


def _on_http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return _on_api_problem(request, unauthorized(_("Send the API token as “Authorization: Bearer <token>”.")))
    if isinstance(exc.__cause__, RequestDataTooBig):
        return problem_response(413, "body-too-large", _("The request body is too large."))
    # ninja's only other HttpError here is a body that is not JSON: a bad body, like any other.
    return problem_response(422, "invalid-body", _("The request body is not valid JSON."))


def _on_validation_error(request, exc: ValidationError):
    # The location and kind of each error, never the value sent: it may be a customer number.
    errors = [
        {"location": ".".join(str(part) for part in error.get("loc", ())), "type": str(error.get("type", ""))}
        for error in exc.errors
    ]
    locations = ", ".join(dict.fromkeys(error["location"] for error in errors))
    detail = _("Check these values: %(locations)s.") % {"locations": locations}
    return problem_response(422, "invalid-request", detail, errors=errors)


def _on_not_found(request, exc: Http404):
    return problem_response(404, "not-found", _("Nothing was found at this address."))


def _on_outage(request, exc: Exception):
    logger.warning("service unavailable: %s on the API", type(exc).__name__)
    detail = _("The service is temporarily unavailable. Nothing was changed; try again later.")
    return problem_response(503, "unavailable", detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def install_problem_handlers(api) -> None:
    api.add_exception_handler(ApiProblem, _on_api_problem)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(Http404, _on_not_found)
    for error in OUTAGE_ERRORS:
        api.add_exception_handler(error, _on_outage)


def use_problem_media_type(schema: dict) -> dict:
    """Declare error responses as application/problem+json, which is what they are."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
                header = {401: "WWW-Authenticate", 429: "Retry-After", 503: "Retry-After"}.get(int(status))
                if header:
                    response["headers"] = {header: {"schema": {"type": "string"}, "required": True}}
    return schema
