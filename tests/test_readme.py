"""The README stays true: its two commands exist and CI runs the test one; every variable is listed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.S)


def test_quick_start_has_exactly_two_commands_that_exist() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    for command in commands:
        assert (ROOT / command.split()[0]).is_file(), command


def test_ci_runs_the_readme_test_command() -> None:
    assert _quick_start_commands()[1] in (ROOT / ".ci" / "run").read_text()


def test_every_environment_variable_is_in_the_configuration_table() -> None:
    sources = [*(ROOT / "core" / "settings").glob("*.py"), *(ROOT / "infra").glob("*.py")]
    names = set()
    for source in sources:
        text = source.read_text()
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', text))
        names |= set(re.findall(r'environ(?:\.get\(|\[)\s*"([A-Z_]+)"', text))
    names -= {"CI"}
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.M))
    assert names
    assert names - listed == set()
