"""Seed version 1 of every DPA kind in nb, sv and en, and the sub-processors Annex 2 lists."""

import hashlib
from pathlib import Path

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TEXTS = Path(__file__).resolve().parent.parent / "dpa_texts"
KINDS = ("no_municipality", "se_municipality", "organisation")
LANGUAGES = ("nb", "sv", "en")
MARKER = "{{ subprocessors }}"

# (name, purpose, location, transfer basis): the list as of version 1; later changes go through a new version.
SUB_PROCESSORS = (
    ("Hosting provider (EEA data centre)", "Hosting, databases and encrypted backups", "Norway / EU", ""),
    ("46elks AB", "SMS delivery (login codes and notifications)", "Sweden", ""),
    ("E-mail provider (EEA)", "E-mail delivery (invitations and notifications)", "EU/EEA", ""),
    (
        "Functional Software, Inc. (Sentry)",
        "Error monitoring; personal data is scrubbed before sending",
        "EU region (Germany)",
        "EU data region; standard contractual clauses for support access",
    ),
)
# Annex 2's column names, in the text's own language (the text is hashed as shown, so it cannot be translated later).
LABELS = {
    "nb": ("Formål", "Sted", "Overføringsgrunnlag"),
    "sv": ("Ändamål", "Plats", "Överföringsgrund"),
    "en": ("Purpose", "Location", "Transfer basis"),
}


def annex(language: str, rows: list[tuple[str, str, str, str]]) -> str:
    purpose, location, basis = LABELS[language]
    lines = []
    for name, what, where, transfer in rows:
        line = f"- **{name}** \u2013 {purpose}: {what}. {location}: {where}."
        if transfer:
            line += f" {basis}: {transfer}."
        lines.append(line)
    return "\n".join(lines)


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.schema_name != "public":  # type: ignore[attr-defined]
        return
    sub_processor = apps.get_model("onboarding", "SubProcessor")
    version_model = apps.get_model("onboarding", "DpaVersion")
    text_model = apps.get_model("onboarding", "DpaText")
    for position, (name, purpose, location, basis) in enumerate(SUB_PROCESSORS):
        sub_processor.objects.get_or_create(
            name=name,
            defaults={"purpose": purpose, "location": location, "transfer_basis": basis, "position": position},
        )
    for kind in KINDS:
        version, _created = version_model.objects.get_or_create(kind=kind, number=1)
        for language in LANGUAGES:
            source = (TEXTS / kind / f"{language}.md").read_text(encoding="utf-8")
            heading, _, rest = source.partition("\n")
            title = heading.removeprefix("# ").strip()
            body = rest.strip().replace(MARKER, annex(language, list(SUB_PROCESSORS)))
            digest = hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
            text_model.objects.get_or_create(
                version=version, language=language, defaults={"title": title, "body": body, "sha256": digest}
            )


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
