"""The app's one structured logger (Powertools), shared by every handler."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.lambda_context import build_lambda_context_model

logger = Logger(service="dmm")


@contextmanager
def invocation_keys(lambda_context: Any, **keys: Any) -> Iterator[None]:
    """Attach the Lambda context and `keys` to every log line of one invocation."""
    context_keys = (
        vars(build_lambda_context_model(lambda_context)) if lambda_context else {}
    )
    attached = {**context_keys, **keys}
    logger.append_keys(**attached)
    try:
        yield
    finally:
        logger.remove_keys(list(attached))


def event_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for queue, storage and schedule events."""
    handler = getattr(getattr(event, "context", None), "function_name", None)
    with invocation_keys(getattr(event, "context", None), handler=handler):
        return get_response(event)
