"""Sign-in accounts: Cognito's invitation in AWS, a bare id locally."""

import uuid
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.errors import AlreadyExists


class CognitoDirectory:
    """Invites users into the user pool; Cognito e-mails them a temporary password.

    The pool's username is the e-mail address; the app keys users by `sub`.
    """

    def __init__(self, client: Any, user_pool_id: str) -> None:
        self._client = client
        self._pool = user_pool_id

    def invite(self, email: str, name: str) -> str:
        try:
            reply = self._client.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "UsernameExistsException":
                raise AlreadyExists("A user with this e-mail already exists.") from exc
            raise
        attributes = reply["User"]["Attributes"]
        return next(attr["Value"] for attr in attributes if attr["Name"] == "sub")

    def set_enabled(self, email: str, enabled: bool) -> None:
        if enabled:
            self._client.admin_enable_user(UserPoolId=self._pool, Username=email)
        else:
            self._client.admin_disable_user(UserPoolId=self._pool, Username=email)


class LocalDirectory:
    """The local stack has no sign-in: `dmm token` mints tokens for any user id."""

    def invite(self, email: str, name: str) -> str:
        return f"local-{uuid.uuid4()}"

    def set_enabled(self, email: str, enabled: bool) -> None:
        """Nothing to do: a disabled user's tokens are refused by the users table."""
