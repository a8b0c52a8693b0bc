"""Refusals in the API's words: a service's ValidationError is a 400 field by field, a stale
version a 409 that says what changed meanwhile."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from common.versions import StaleEdit


def validation_detail(error: ValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF words it: {field: [messages]}, the rest under
    non_field_errors."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        return Response(
            {
                "version": [
                    str(exc.message).replace(
                        "Your changes are kept below: check them and save again to keep them.",
                        "Read it again and send your change with its current version.",
                    )
                ],
                "current_version": exc.current_version,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
