"""The `Idempotency-Key` header of creating POSTs, on Powertools idempotency.

The same key from the same user on the same route within 24 hours returns the
first result instead of running the request again; the same key with another
body is refused.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from chalicelib.errors import Conflict, RuleViolated

KEPT_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255

Outcome = tuple[int, Any]
"""An HTTP status and the JSON body it answered with."""


class RequestInProgress(Conflict):
    """The first request with this idempotency key has not finished yet."""

    code = "request_in_progress"


class IdempotencyKeyReused(RuleViolated):
    """The idempotency key was first used with another request body."""

    code = "idempotency_key_reused"


class IdempotencyGuard:
    def __init__(self, persistence: DynamoDBPersistenceLayer) -> None:
        config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="body",
            expires_after_seconds=KEPT_SECONDS,
            raise_on_no_idempotency_key=True,
        )

        @idempotent_function(
            data_keyword_argument="request",
            persistence_store=persistence,
            config=config,
        )
        def replayable(request: dict[str, Any], run: Callable[[], Outcome]) -> list:
            status, body = run()
            return [status, body]

        self._config = config
        self._replayable = replayable

    def run(
        self,
        key: str,
        scope: str,
        body: str,
        run: Callable[[], Outcome],
        lambda_context: Any = None,
    ) -> Outcome:
        """`run()` once per (scope, key); later calls get the stored outcome.

        `scope` names the user and the route, so two users' keys never meet.
        `lambda_context` bounds how long a first request counts as in
        progress: without it, a request whose function timed out would hold
        its key (409 `request_in_progress`) for the whole 24 hours.
        """
        if lambda_context is not None:
            self._config.register_lambda_context(lambda_context)
        request = {"key": f"{scope}#{key}", "body": body}
        try:
            status, answer = self._replayable(request=request, run=run)
        except IdempotencyAlreadyInProgressError as exc:
            raise RequestInProgress("The first request is still running.") from exc
        except IdempotencyValidationError as exc:
            raise IdempotencyKeyReused("The key was used with another body.") from exc
        return int(status), answer
