"""The request model of an audience, shared by creatives and surveys."""

from typing import Annotated

from pydantic import Field, model_validator

from chalicelib.audience import Audience, AudienceKind
from chalicelib.web.schemas import Body


class AudienceBody(Body):
    kind: AudienceKind
    values: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _values_fit_kind(self) -> "AudienceBody":
        if (self.kind is AudienceKind.ALL) != (not self.values):
            raise ValueError("`all` takes no values; every other kind needs some")
        return self

    def audience(self) -> Audience:
        return Audience(self.kind, tuple(dict.fromkeys(self.values)))
