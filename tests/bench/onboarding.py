"""Benchmark: machine time and human steps from "case opened" to "subdomain live".

Drives an onboarding case through the same services the console calls: open the case (the wizard),
record the signatory's oral DPA intent, provision (the Celery task's service, run in-process), then
asks the new tenant's host for /healthz and for its front page through Django's test client. Each
sample uses a new tenant in a scratch database; the first sample is cold (imports, first-use caches).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import (
    log,
    median_min_max,
    norwegian_org_numbers,
    raise_on_sigterm,
    require_env,
    scratch_database,
    setup_django,
)

SCRATCH_DB = "dugnad_bench_onboarding"
AIM_SECONDS = 5.0
# The form submissions people make on the way, once logged in (logging in is two more: password, code).
HUMAN_STEPS_ORAL = [
    "vendor staff: submit the new-case wizard (one page)",
    "vendor staff: record the signatory's oral DPA intent",
    "vendor staff: press Provision",
]
HUMAN_STEPS_WRITTEN = [
    "vendor staff: submit the new-case wizard (one page)",
    "vendor staff: send the DPA acceptance link",
    "signatory: accept the DPA with name and title (one form)",
    "vendor staff: press Provision",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=3, help="new tenants to onboard (default 3)")
    args = parser.parse_args()
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    raise_on_sigterm()
    server_url = require_env("DATABASE_URL")
    with scratch_database(server_url, SCRATCH_DB) as url:
        setup_django(url)
        timings = run(samples=args.samples)
    report(timings)


def _record_intent(staff: Any, case: Any) -> None:
    """Through the DPA service when it exists; otherwise stamp the intent as that service does."""
    from django.utils import timezone

    try:
        dpa = importlib.import_module("onboarding.dpa")
    except ImportError:
        type(case).objects.filter(pk=case.pk).update(dpa_intent_at=timezone.now())
        return
    dpa.do_record_oral_intent(actor=staff, case=case, given_by=case.signatory_name, given_at=timezone.now())


def run(*, samples: int) -> list[dict[str, float]]:
    from django.test import Client

    from core.accounts.models import User
    from onboarding.cases import do_open_case, do_provision_case

    staff = User.objects.create_user("+4791000000", "Bench Staff", password="bench-only-password", is_staff=True)
    org_numbers = norwegian_org_numbers()
    timings = []
    for index in range(samples):
        slug = f"bench-{index}"
        started = time.perf_counter()
        case = do_open_case(
            actor=staff,
            kind="municipality",
            name=f"Bench kommune {index}",
            org_number=next(org_numbers),
            country="NO",
            language="nb",
            slug=slug,
            contact_name="Kari Prosjektleder",
            contact_phone=f"+479200000{index % 10}",
            contact_email="kari@bench.example",
            signatory_name="Ola Ordfører",
            signatory_title="Rådmann",
            signatory_email="ola@bench.example",
            plan="standard",
            crisis_ends_on=None,
            group_template="everyday",
        )
        _record_intent(staff, case)
        opened = time.perf_counter()
        do_provision_case(case_id=case.pk)
        provisioned = time.perf_counter()
        client = Client(HTTP_HOST=f"{slug}.localhost")
        health = client.get("/healthz")
        page = client.get("/")
        live = time.perf_counter()
        if health.status_code != 200 or page.status_code >= 400:
            raise SystemExit(f"{slug} is not live: /healthz {health.status_code}, / {page.status_code}")
        sample = {
            "open_and_dpa": opened - started,
            "provision": provisioned - opened,
            "first_requests": live - provisioned,
            "total": live - started,
        }
        log(f"sample {index + 1}: {sample['total']:.2f} s (/ answered {page.status_code})")
        timings.append(sample)
    return timings


def report(timings: list[dict[str, float]]) -> None:
    print("Onboarding: case opened -> subdomain live (machine time, seconds)")
    for index, sample in enumerate(timings, start=1):
        label = "cold" if index == 1 else "warm"
        print(
            f"  sample {index} ({label}): total {sample['total']:.2f}  = open case + DPA intent "
            f"{sample['open_and_dpa']:.2f} + provisioning {sample['provision']:.2f} + first requests "
            f"{sample['first_requests']:.2f}"
        )
    median, low, high = median_min_max([sample["total"] for sample in timings])
    verdict = "within" if median < AIM_SECONDS else "OVER"
    print(f"  median {median:.2f} s (min {low:.2f}, max {high:.2f}): {verdict} the aim of {AIM_SECONDS:.0f} s")
    print(f"Human steps with an oral DPA intent: {len(HUMAN_STEPS_ORAL)}")
    for step in HUMAN_STEPS_ORAL:
        print(f"  - {step}")
    print(f"Human steps with the written DPA acceptance: {len(HUMAN_STEPS_WRITTEN)}")
    for step in HUMAN_STEPS_WRITTEN:
        print(f"  - {step}")


if __name__ == "__main__":
    main()
