"""factory-boy factories for rows in a tenant schema; call them inside the schema they belong to."""

from typing import Any

from factory.declarations import Sequence
from factory.django import DjangoModelFactory
from factory.faker import Faker
from rest_framework.authtoken.models import Token

from core.accounts.models import User


class UserFactory(DjangoModelFactory[User]):
    """A member with a valid Norwegian mobile number and no password (members use SMS codes).

    Call UserFactory.create(...), which the type checker knows returns a User.
    """

    class Meta:
        model = User

    phone = Sequence(lambda n: f"+474{n % 10_000_000:07d}")
    name = Faker("name", locale="no_NO")
    language = "nb"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)


def api_token_for(user: User) -> str:
    """An API token for the user, in the schema the caller is in."""
    return str(Token.objects.create(user=user).key)
