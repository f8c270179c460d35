"""Users in DynamoDB.

Table `users`: key `user_id` (the identity provider's `sub`), read on every
request; index `by_brand` (`brand_id` + `user_id`) lists a brand's users.
"""

from typing import cast

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.access.model import Role, User
from chalicelib.dynamo import decode_cursor, encode_cursor, save_versioned, table_meta
from chalicelib.paging import Page


class UsersByBrand(GlobalSecondaryIndex["UserModel"]):
    class Meta:
        index_name = "by_brand"
        projection = AllProjection()

    brand_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class UserModel(Model):
    Meta = table_meta("users")

    user_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    regions = ListAttribute(of=UnicodeAttribute, default=list)
    dealer_codes = ListAttribute(of=UnicodeAttribute, default=list)
    disabled = BooleanAttribute(default=False)
    version = VersionAttribute()

    by_brand = UsersByBrand()


class DynamoUsers:
    def get(self, user_id: str) -> User | None:
        try:
            return _user(UserModel.get(user_id))
        except UserModel.DoesNotExist:
            return None

    def list(self, brand_id: str, limit: int, cursor: str | None) -> Page[User]:
        start = decode_cursor(cursor, "brand_id", brand_id,
                             other_keys=("user_id",))
        results = UserModel.by_brand.query(
            brand_id, limit=limit + 1, last_evaluated_key=start
        )
        items = [_user(item) for item in results]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1].user_id
        next_key = {"brand_id": {"S": brand_id}, "user_id": {"S": last}}
        return Page(items=items[:limit], next_cursor=encode_cursor(next_key))

    def save(self, user: User, expected_version: int | None) -> User:
        item = user_item(user)
        save_versioned(item, expected_version)
        return _user(item)


def user_item(user: User) -> UserModel:
    return UserModel(
        user.user_id,
        brand_id=user.brand_id,
        email=user.email,
        name=user.name,
        role=user.role.value,
        regions=list(user.regions),
        dealer_codes=list(user.dealer_codes),
        disabled=user.disabled,
        version=user.version,
    )


def _user(item: UserModel) -> User:
    return User(
        user_id=item.user_id,
        brand_id=item.brand_id,
        email=item.email,
        name=item.name,
        role=Role(item.role),
        regions=tuple(cast(list[str], item.regions or [])),
        dealer_codes=tuple(cast(list[str], item.dealer_codes or [])),
        disabled=bool(item.disabled),
        version=int(item.version),
    )
