"""Built-in redress deadline profiles (RD-deadlines).

A pack selects one by name (``[redress] profile = "eu-interop"``) or defines its own under
``[redress.profiles.<name>]``. Numbers and their sources are in ``requirements.md`` section F;
where the source leaves the starting point open, the choice is noted next to the rule.
"""

from __future__ import annotations

from policies.durations import Duration
from policies.pack import DeadlineRule, RedressProfile

_ACCESS = frozenset({"access"})
_CHANGE = frozenset({"rectification", "erasure"})

EU_INTEROP = RedressProfile(
    name="eu-interop",
    deadlines=(
        # Reg 2019/817 Art 48: the receiving authority forwards within 7 days ...
        DeadlineRule("forward", Duration(7, "days"), "received", ("forwarded", "decided")),
        # ... the responsible state verifies within 30 days (+15); the clock starts when it
        # receives the case, i.e. at forwarding. A case handled locally is never forwarded.
        DeadlineRule(
            "verify", Duration(30, "days"), "forwarded", ("verified", "decided"),
            extension=Duration(15, "days"),
        ),
        # ... and the person gets a reply within 45 days (+15 with reasons).
        DeadlineRule(
            "reply", Duration(45, "days"), "received", ("decided",),
            extension=Duration(15, "days"),
        ),
    ),
)

INTERPOL_CCF = RedressProfile(
    name="interpol-ccf",
    deadlines=(
        DeadlineRule(
            "access_decision", Duration(4, "months"), "admissible", ("decided",),
            request_kinds=_ACCESS,
        ),
        DeadlineRule(
            "correction_decision", Duration(9, "months"), "admissible", ("decided",),
            request_kinds=_CHANGE,
        ),
        DeadlineRule("notify", Duration(1, "months"), "decided", ("notified",)),
    ),
)

SIS = RedressProfile(
    name="sis",
    deadlines=(
        DeadlineRule(
            "access", Duration(60, "days"), "received", ("decided",), request_kinds=_ACCESS
        ),
        DeadlineRule(
            "rectification", Duration(3, "months"), "received", ("decided",),
            request_kinds=_CHANGE,
        ),
    ),
)

BUILTIN_REDRESS_PROFILES: dict[str, RedressProfile] = {
    profile.name: profile for profile in (EU_INTEROP, INTERPOL_CCF, SIS)
}
