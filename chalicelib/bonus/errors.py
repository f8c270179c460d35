"""Errors of motivation programs, periods and bonus runs."""

from chalicelib.errors import Conflict, InvalidInput, NotFound, RuleViolated


class BonusError(Exception):
    """Marker base of the bonus area's errors (each also has an HTTP kind)."""


class InvalidProgram(InvalidInput, BonusError):
    """The program breaks a rule that spans fields; `errors` names each field."""

    code = "invalid_program"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        fields = [problem["field"] for problem in problems]
        super().__init__(f"The program is invalid at {fields!r}.", errors=problems)


class ProgramNotFound(NotFound, BonusError):
    """No program of the caller's brand has this id."""

    code = "program_not_found"

    def __init__(self, program_id: str) -> None:
        super().__init__(f"Program {program_id!r} was not found.",
                         program_id=program_id)
        self.program_id = program_id


class NoPublishedProgram(NotFound, BonusError):
    """The period has no published program."""

    code = "no_published_program"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} has no published program.", period=period)
        self.period = period


class ProgramFrozen(RuleViolated, BonusError):
    """A published program never changes."""

    code = "program_frozen"

    def __init__(self, program_id: str) -> None:
        super().__init__(f"Program {program_id!r} is published and frozen.",
                         program_id=program_id)
        self.program_id = program_id


class PeriodNotClosed(RuleViolated, BonusError):
    """A final bonus run needs a closed period."""

    code = "period_not_closed"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} is not closed.", period=period)
        self.period = period


class PeriodNotReady(RuleViolated, BonusError):
    """Reports of the period are not yet past due or await a decision."""

    code = "period_not_ready"

    def __init__(self, period: str, blockers: list[dict[str, str]]) -> None:
        super().__init__(f"Period {period!r} cannot close yet.", period=period,
                         blockers=blockers, count=len(blockers))
        self.period = period


class PeriodAlreadyClosed(Conflict, BonusError):
    """The period was closed before."""

    code = "period_already_closed"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} is already closed.", period=period)
        self.period = period


class BonusRunNotFound(NotFound, BonusError):
    """No bonus run visible to the caller has this id."""

    code = "bonus_run_not_found"

    def __init__(self, run_id: str) -> None:
        super().__init__(f"Bonus run {run_id!r} was not found.", run_id=run_id)
        self.run_id = run_id


class StatementNotFound(NotFound, BonusError):
    """The run has no statement the caller may see for this dealer."""

    code = "statement_not_found"

    def __init__(self, run_id: str, dealer_code: str) -> None:
        super().__init__(f"No statement of dealer {dealer_code!r} in run {run_id!r}.",
                         run_id=run_id, dealer=dealer_code)
        self.run_id = run_id
        self.dealer_code = dealer_code


class RunNotPublishable(RuleViolated, BonusError):
    """Only a completed final run is published."""

    code = "run_not_publishable"

    def __init__(self, run_id: str, reason: str) -> None:
        super().__init__(f"Bonus run {run_id!r} cannot be published: {reason}.",
                         run_id=run_id, reason=reason)
        self.run_id = run_id


class InputsChanged(RuleViolated, BonusError):
    """A dealer's facts changed after the run pinned them."""

    code = "bonus_inputs_changed"

    def __init__(self, run_id: str, dealer_code: str) -> None:
        super().__init__(
            f"Facts of dealer {dealer_code!r} changed during run {run_id!r}.",
            run_id=run_id, dealer=dealer_code)
        self.run_id = run_id
        self.dealer_code = dealer_code


class InvalidPeriod(InvalidInput, BonusError):
    """A period is written `YYYY-MM`."""

    code = "invalid_period"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} is not of the form YYYY-MM.",
                         period=period)
        self.period = period
