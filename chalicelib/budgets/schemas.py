"""Request and response models of budgets, and money as the API carries it."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator

from chalicelib.budgets.model import ChannelBalance
from chalicelib.budgets.service import BudgetView
from chalicelib.web.schemas import Body, Reply

Amount = Annotated[str, Field(pattern=r"^-?\d{1,12}(\.\d{1,2})?$",
                              examples=["125000.50"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]
ChannelId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$",
                                 examples=["outdoor"])]


class MoneyAmount(Body):
    """Money is never a JSON number: a decimal string and its currency."""

    amount: Amount
    currency: Currency

    def decimal(self) -> Decimal:
        return Decimal(self.amount)


class NonNegativeMoney(MoneyAmount):
    """An amount that cannot be below zero: a cost, an approved amount."""

    amount: Annotated[str, Field(pattern=r"^\d{1,12}(\.\d{1,2})?$",
                                 examples=["125000.50"])]


class MoneyReply(Reply):
    amount: str
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> "MoneyReply":
        return cls(amount=str(amount), currency=currency)


class PlanLine(Body):
    channel_id: ChannelId
    plan: NonNegativeMoney


class BudgetPlan(Body):
    version: int | None = Field(None, ge=1, description="None: a new budget.")
    lines: list[PlanLine] = Field(max_length=100,
                                  description="One line per channel.")

    @field_validator("lines")
    @classmethod
    def _one_line_per_channel(cls, lines: list[PlanLine]) -> list[PlanLine]:
        seen: set[str] = set()
        for line in lines:
            if line.channel_id in seen:
                raise ValueError(f"channel {line.channel_id!r} has two lines")
            seen.add(line.channel_id)
        return lines


class BudgetApproval(Body):
    version: int = Field(ge=1)


class BalanceReply(Reply):
    channel_id: str
    plan: MoneyReply
    reserved: MoneyReply
    approved: MoneyReply
    compensated: MoneyReply
    penalized: MoneyReply
    available: MoneyReply

    @classmethod
    def of(cls, line: ChannelBalance, currency: str) -> "BalanceReply":
        def money(amount: Decimal) -> MoneyReply:
            return MoneyReply.of(amount, currency)

        return cls(channel_id=line.channel_id, plan=money(line.plan),
                   reserved=money(line.reserved), approved=money(line.approved),
                   compensated=money(line.compensated),
                   penalized=money(line.penalized), available=money(line.available))


class BudgetReply(Reply):
    dealer_code: str
    period: str
    status: str | None = Field(description="proposed, approved; None: no plan yet")
    version: int = Field(description="0: no plan stored yet")
    lines: list[BalanceReply]
    total: BalanceReply

    @classmethod
    def of(cls, view: BudgetView) -> "BudgetReply":
        budget = view.budget
        return cls(
            dealer_code=view.dealer_code,
            period=view.period,
            status=budget.status.value if budget else None,
            version=budget.version if budget else 0,
            lines=[BalanceReply.of(line, view.currency) for line in view.lines],
            total=BalanceReply.of(view.total, view.currency),
        )
