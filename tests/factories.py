"""factory-boy factories for rows in a tenant schema; call them inside the schema they belong to."""

from typing import Any

from factory.declarations import Sequence
from factory.django import DjangoModelFactory
from factory.faker import Faker
from rest_framework.authtoken.models import Token

from core.accounts.models import User
from core.groups.models import Group, JoinPolicy, Membership, MembershipStatus, Purpose, Role, Visibility


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


def make_group(name: str = "Leksehjelp", **fields: Any) -> Group:
    """A public resource group that takes members on approval, unless `fields` say otherwise."""
    fields.setdefault("purpose", Purpose.RESOURCE)
    fields.setdefault("join_policy", JoinPolicy.APPROVAL)
    fields.setdefault("visibility", Visibility.PUBLIC)
    return Group.objects.create(name=name, **fields)


def make_member(
    group: Group,
    user: User | None = None,
    *,
    role: Role = Role.MEMBER,
    status: MembershipStatus = MembershipStatus.APPROVED,
) -> Membership:
    """An approved member of the group (a new person unless `user` is given)."""
    return Membership.objects.create(group=group, user=user or UserFactory.create(), role=role, status=status)
