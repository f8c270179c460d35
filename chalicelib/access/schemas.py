"""Request and response models of the caller and user routes."""

from typing import Annotated

from pydantic import Field

from chalicelib.access.model import Caller, Role, User
from chalicelib.web.schemas import Body, DealerCode, Reply, Text, Versioned

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Region = Annotated[str, Field(min_length=1, max_length=200)]


class ScopeReply(Reply):
    regions: list[str] = Field(description="A manager's regions; empty: all.")
    dealer_codes: list[str] = Field(description="The dealers a dealer user serves.")


class UserReply(Reply):
    user_id: str
    email: str
    name: str
    role: Role
    scope: ScopeReply
    disabled: bool
    version: int

    @classmethod
    def of(cls, user: User) -> "UserReply":
        return cls(
            user_id=user.user_id,
            email=user.email,
            name=user.name,
            role=user.role,
            scope=ScopeReply(
                regions=list(user.regions), dealer_codes=list(user.dealer_codes)
            ),
            disabled=user.disabled,
            version=user.version,
        )


class MeReply(Reply):
    brand_id: str
    user: UserReply

    @classmethod
    def of(cls, caller: Caller) -> "MeReply":
        return cls(brand_id=caller.brand_id, user=UserReply.of(caller.user))


class UserPage(Reply):
    items: list[UserReply]
    next_cursor: str | None


class Invitation(Body):
    email: Email
    name: Text
    role: Role
    regions: list[Region] = Field(default_factory=list, max_length=100)
    dealer_codes: list[DealerCode] = Field(default_factory=list, max_length=100)

    def user(self) -> User:
        return User(
            user_id="",
            brand_id="",
            email=self.email,
            name=self.name,
            role=self.role,
            regions=tuple(self.regions),
            dealer_codes=tuple(self.dealer_codes),
        )


class UserUpdate(Versioned):
    name: Text | None = None
    role: Role | None = None
    regions: list[Region] | None = Field(None, max_length=100)
    dealer_codes: list[DealerCode] | None = Field(None, max_length=100)
    disabled: bool | None = None

    def changes(self) -> dict:
        changes = super().changes()
        for key in ("regions", "dealer_codes"):
            if key in changes:
                changes[key] = tuple(changes[key])
        return changes
