"""What the budget use cases need from storage."""

from typing import Protocol

from chalicelib.budgets.model import Budget, LedgerEntry


class BudgetRepository(Protocol):
    def get(self, brand_id: str, dealer_code: str, period: str) -> Budget | None: ...

    def save(self, budget: Budget) -> Budget:
        """Store if the stored version is still `budget.version` (0: new)."""
        ...


class Ledger(Protocol):
    def entries(self, brand_id: str, dealer_code: str, period: str
                ) -> list[LedgerEntry]: ...

    def post(self, entries: list[LedgerEntry]) -> int:
        """Store each entry once, whatever the retries; returns how many were new."""
        ...
