"""The login API in our OpenAPI schema: allauth's own description of its "app" API, as mounted under /api/v1/.

allauth documents its headless API in an OpenAPI file of its own, written for its default mount point
(/_allauth/{client}/v1/...) and tailored at run time to the settings (which fields sign-up asks for,
what a user looks like). This drf-spectacular hook takes that tailored description, keeps the paths
that exist under our /api/v1/, and adds them to our schema, so /api/docs/ shows how an app logs in.
"""

import re
from pathlib import Path
from typing import Any

import yaml
from allauth.headless.spec.internal import schema as allauth_schema
from django.conf import settings
from django.urls import Resolver404, resolve

_ALLAUTH_SPEC = Path(allauth_schema.__file__).parent.parent / "doc" / "openapi.yaml"
_MOUNT = ("/_allauth/app/v1/", "/api/v1/")
# allauth's component names (User, Session, Flow...) are prefixed so they cannot clash with ours.
_PREFIX = "Auth"
_REF = re.compile(r"^#/components/(\w+)/(\w+)$")


def _tailored_spec() -> dict[str, Any]:
    """allauth's description of its API, adjusted to our settings the way allauth itself does it."""
    with _ALLAUTH_SPEC.open("rb") as source:
        spec: dict[str, Any] = yaml.safe_load(source)
    allauth_schema.specify_user(spec)
    allauth_schema.pin_client(spec)
    allauth_schema.drop_unused_client_parameter(spec)
    allauth_schema.specify_signup_fields(spec)
    allauth_schema.specify_custom_signup_form(spec)
    return spec


def _renamed(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _renamed_ref(value) if key == "$ref" else _renamed(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(item) for item in node]
    return node


def _renamed_ref(ref: str) -> str:
    match = _REF.match(ref)
    return f"#/components/{match[1]}/{_PREFIX}{match[2]}" if match else ref


def _is_routed(path: str) -> bool:
    concrete = re.sub(r"\{\w+\}", "x", path)
    try:
        resolve(concrete, urlconf=settings.ROOT_URLCONF)
    except Resolver404:
        return False
    return True


def add_login_api(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:  # noqa: ARG001 - the hook signature
    """POSTPROCESSING_HOOKS entry: add the routed paths of allauth's app API and what they refer to."""
    spec = _tailored_spec()
    used_tags: set[str] = set()
    for path, described in spec["paths"].items():
        ours = path.replace(*_MOUNT)
        if not ours.startswith(_MOUNT[1]) or not _is_routed(ours):
            continue
        item = _renamed(described)
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                # drf-spectacular needs every operation named; allauth's file names none.
                slug = re.sub(r"\W+", "_", ours.removeprefix(_MOUNT[1])).strip("_")
                operation.setdefault("operationId", f"{slug}_{method}")
                used_tags.update(operation.get("tags", []))
        result.setdefault("paths", {})[ours] = item
    components = result.setdefault("components", {})
    for kind, entries in spec.get("components", {}).items():
        for name, value in entries.items():
            components.setdefault(kind, {})[f"{_PREFIX}{name}"] = _renamed(value)
    tags = [tag for tag in spec.get("tags", []) if tag["name"] in used_tags]
    result["tags"] = [*result.get("tags", []), *tags]
    return result
