"""Schemathesis against the app's own OpenAPI document, in-process, with real tokens per role.

A client nobody here wrote checks the service: for every operation present at run time,
schemathesis (v4 engine, the same one its CLI runs) generates positive and negative requests in
its examples, coverage, fuzzing and stateful phases, sends them through the ASGI transport (no
network) with a real signed token, and runs all its checks (no server error, status codes,
content types, headers and bodies conforming to the schema, negative data rejected, positive data
accepted, authentication enforced, ...). The test fails on any failure it reports and, as a
belt-and-braces check, on any 5xx response it recorded.

Each role runs the operations its scopes allow (a role without the scope only ever gets the same
403 from the shared auth dependency, which ``test_auth.py`` covers); operations no listed role can
reach run with a token carrying every role, so new routes are covered as soon as they exist.

The database holds a few demo entries first, so list and read operations return real records and
their response bodies are checked against the schema, not only the empty case.

pytest's schemathesis plugin (``from_fixture``) does not work with pytest 9 (it reads the removed
``Item._nodeid``), hence the engine API.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from service.auth.roles import Role, scopes_for
from service.demo import load_demo_data

ROLES = ("operator", "reviewer", "border", "oversight", "admin")
# The fusion cell's reviewers see every nomination; other roles belong to an ordinary agency.
ROLE_AGENCY = {"reviewer": "fusion-cell", "oversight": "dpa"}
# Examples per operation and phase. PostgreSQL is slower per request (a real server), so it runs
# fewer; the schema and the code paths are the same, the database is what differs.
MAX_EXAMPLES = {"sqlite": int(os.environ.get("WATCHLIST_SCHEMATHESIS_EXAMPLES", "8")),
                "postgresql": int(os.environ.get("WATCHLIST_SCHEMATHESIS_EXAMPLES_PG", "4"))}

# positive_data_acceptance: a schema-valid request may still break a rule no JSON schema can
# state: that the nominating agency is the caller's own (DQ-owner-accuracy), cross-field legal
# rules (LB-association, LB-standard's conduct-based item), lifecycle rules (approve only what is
# pending), an opaque cursor this service did not issue (422), or a stale or missing If-Match
# (412/428). Those answers are correct, so they are accepted here; everything else keeps the
# schemathesis defaults.
POSITIVE_EXPECTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "428", "429"]


def _required_scopes(operation_definition: dict[str, Any]) -> set[str] | None:
    """The scopes an operation's security requirement names; ``None`` when it has none."""
    security = operation_definition.get("security")
    if not security:
        return None
    return {scope for requirement in security for scopes in requirement.values()
            for scope in scopes}


def _runs_for(role: str, document: dict[str, Any]) -> set[tuple[str, str]]:
    """The (METHOD, path) pairs this role's run covers."""
    granted = {scope.value for scope in scopes_for([Role(role)])}
    reachable = [{scope.value for scope in scopes_for([Role(other)])} for other in ROLES]
    selected: set[tuple[str, str]] = set()
    for path, operations in document["paths"].items():
        for method, definition in operations.items():
            needed = _required_scopes(definition)
            if needed is None:
                if role == "operator":  # unauthenticated probes: once is enough
                    selected.add((method.upper(), path))
            elif needed <= granted:
                selected.add((method.upper(), path))
            elif role == "admin" and not any(needed <= scopes for scopes in reachable):
                selected.add((method.upper(), path))  # reachable by no listed role alone
    return selected


def _summarise(failure: Any) -> str:
    return f"{type(failure).__name__} on {getattr(failure, 'operation', '?')}: {failure.title}"


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    role: str, app, client, settings, make_token, database_url: str
) -> None:
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    load_demo_data(settings, count=12, seed=7)

    document = app.openapi()
    selected = _runs_for(role, document)
    if not selected:
        pytest.skip(f"no operation needs only the scopes of {role}")
    roles = list(ROLES) if role == "admin" else [role]
    token = make_token(roles, agency=ROLE_AGENCY.get(role, "police"), sub=f"schemathesis-{role}")

    config = schemathesis.Config.from_dict({
        "generation": {"max-examples": MAX_EXAMPLES[backend]},
        "workers": 1,
        # Generous: the suite shares small machines with other test runs; slowness is measured
        # by the benchmarks, not here.
        "request-timeout": 60,
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_EXPECTED}},
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    schema.config.update(headers={"Authorization": f"Bearer {token}",
                                  "X-Purpose": "schemathesis conformance run"})
    schema = schema.include(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path)
                            in selected)

    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    errors: list[str] = []
    tested: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        interaction = event.recorder.interactions.get(case_id)
                        sample = ""
                        if interaction is not None and interaction.response is not None:
                            request = interaction.request
                            sample = (f" | {request.method} {request.uri[:200]} -> "
                                      f"{interaction.response.status_code} "
                                      f"{interaction.response.content[:300]!r}")
                        failures.setdefault(_summarise(check.failure_info.failure), sample)
            for interaction in event.recorder.interactions.values():
                tested.add(event.recorder.label)
                if interaction.response is None:
                    continue
                statuses[interaction.response.status_code] += 1
                if interaction.response.status_code >= 500:
                    server_errors.append(f"{interaction.request.method} {interaction.request.uri}")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                failures.setdefault(_summarise(failure), "")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            error = getattr(event, "value", None) or getattr(event, "exception", None)
            errors.append(f"{getattr(event, 'label', '')}: {error!r}")

    assert not errors, errors
    assert not server_errors, server_errors
    assert not failures, "\n".join(f"{title}{sample}" for title, sample in failures.items())
    untested = {f"{method} {path}" for method, path in selected} - tested
    assert not untested, f"schemathesis did not exercise: {sorted(untested)}"
    assert sum(statuses.values()) > 0
