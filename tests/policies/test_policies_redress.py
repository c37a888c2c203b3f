"""Redress: tracking numbers, case states and deadlines, decisions and letters, disputed
entries, the re-listing guard and indirect access."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from policies import PolicyConflict, PolicyError, load_builtin_pack
from policies.pack_loader import parse_pack
from policies.redress import (
    ALLOWED_TRANSITIONS,
    CaseState,
    DecisionOutcome,
    RedressDecision,
    RedressDelisting,
    answer_indirect_access,
    case_deadlines,
    check_relisting,
    derogatory_fingerprint,
    escalation,
    extend_deadline,
    hit_dispute_notice,
    is_valid_tracking_number,
    mark_disputed,
    new_tracking_number,
    normalise_tracking_number,
    open_case,
    record_milestone,
    render_determination_letter,
    transition,
)
from policies.redress.tracking import ALPHABET

DEFAULT = load_builtin_pack("default")  # eu-interop profile
SIS = load_builtin_pack("sis-like")  # sis profile
PACKS_DIR = Path(__file__).resolve().parents[2] / "policies" / "packs"
CCF = parse_pack(
    (PACKS_DIR / "default.toml").read_text("utf-8")
    .replace('profile = "eu-interop"', 'profile = "interpol-ccf"'),
    source="ccf.toml",
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


T0 = at(2026, 3, 1, 10)


# -- RD-case-id --


def test_tracking_numbers_are_random_well_formed_and_unique_RD_case_id():
    """RD-case-id: a public tracking number with a check symbol, different every time."""
    numbers = {new_tracking_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in itertools.islice(numbers, 50):
        assert is_valid_tracking_number(number)
        assert len(number) == len("RC-XXXX-XXXX-XXXX-C")
        assert set(number.replace("-", "")[2:]) <= set(ALPHABET)


def test_tracking_number_reveals_nothing_RD_case_id():
    """RD-case-id: the number is only random symbols: no date, counter or outcome in it."""
    fixed = iter(ALPHABET[i % 31] for i in range(12))
    number = new_tracking_number(choice=lambda _alphabet: next(fixed))
    assert number.startswith("RC-2345-6789-ABCD-")  # the body is exactly the random draws
    # Nothing about the case can flow in: the generator takes no case, clock or counter.
    assert list(inspect.signature(new_tracking_number).parameters) == ["choice"]


def test_tracking_number_check_catches_typos_RD_case_id():
    """RD-case-id: every single-symbol typo and every neighbour swap is detected."""
    rng = random.Random(7)
    for _ in range(30):
        number = new_tracking_number(choice=rng.choice)
        compact = number.replace("-", "")[2:]
        for i, symbol in itertools.product(range(len(compact)), ALPHABET):
            if symbol != compact[i]:
                typo = compact[:i] + symbol + compact[i + 1:]
                assert not is_valid_tracking_number(typo), "substitution missed"
        for i in range(len(compact) - 1):
            if compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
                assert not is_valid_tracking_number(swapped), "transposition missed"


def test_tracking_number_normalisation_RD_case_id():
    number = new_tracking_number()
    assert normalise_tracking_number(number.lower().replace("-", " ")) == number
    assert normalise_tracking_number(number.replace("RC-", "")) == number
    for bad in ["", "RC-", "RC-0000-0000-0000-0", number + "2", None]:
        assert normalise_tracking_number(bad) is None  # type: ignore[arg-type]


# -- case state machine --


def new_case(pack=DEFAULT, kind="access"):
    return open_case(pack, tracking_number=new_tracking_number(), request_kind=kind,
                     received_at=T0)


DECISION = RedressDecision(DecisionOutcome.NO_RECORD, decided_by_id="caseworker-3")


def test_case_walks_through_its_phases_RD_case_id():
    """RD-case-id: received -> admissible -> information gathering -> dialogue -> decided ->
    closed, with the public status a requester sees at each step."""
    case = new_case()
    assert (case.state, case.public_status) == (CaseState.RECEIVED, "in_process")
    case = transition(case, CaseState.NEEDS_DOCUMENTS, at(2026, 3, 2), reasons="ID copy missing")
    assert case.public_status == "needs_documents"
    case = transition(case, CaseState.ADMISSIBLE, at(2026, 3, 5))
    case = transition(case, CaseState.INFORMATION_GATHERING, at(2026, 3, 5))
    case = transition(case, CaseState.DIALOGUE, at(2026, 3, 20))
    case = transition(case, CaseState.DECIDED, at(2026, 4, 1), decision=DECISION)
    assert case.public_status == "completed"
    case = transition(case, CaseState.CLOSED, at(2026, 4, 2))
    assert case.milestones["received"] == T0
    assert case.milestones["decided"] == at(2026, 4, 1)
    assert case.opened_under == DEFAULT.ref


ALL_PAIRS = list(itertools.product(CaseState, CaseState))


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS,
                         ids=[f"{s.value}->{t.value}" for s, t in ALL_PAIRS])
def test_only_allowed_transitions_happen_RD_case_id(source, target):
    """RD-case-id: every pair of states is either allowed by the table or refused (409)."""
    case = dataclasses.replace(new_case(), state=source)
    kwargs = {"decision": DECISION, "reasons": "documented"}
    if target in ALLOWED_TRANSITIONS[source]:
        assert transition(case, target, at(2026, 3, 3), **kwargs).state is target
    else:
        with pytest.raises(PolicyConflict) as caught:
            transition(case, target, at(2026, 3, 3), **kwargs)
        assert caught.value.code == "invalid_case_transition"


def test_closed_is_terminal_and_decided_needs_a_decision_RD_case_id():
    assert ALLOWED_TRANSITIONS[CaseState.CLOSED] == frozenset()
    case = dataclasses.replace(new_case(), state=CaseState.INFORMATION_GATHERING)
    with pytest.raises(PolicyError) as caught:
        transition(case, CaseState.DECIDED, at(2026, 3, 3))
    assert caught.value.code == "decision_required"
    with pytest.raises(PolicyError):
        transition(new_case(), CaseState.INADMISSIBLE, at(2026, 3, 3), reasons="  ")


def test_open_case_refuses_bad_tracking_number_and_kind_RD_case_id():
    with pytest.raises(PolicyError):
        open_case(DEFAULT, tracking_number="RC-2222-2222-2222-3", request_kind="access",
                  received_at=T0)
    with pytest.raises(PolicyError):
        open_case(DEFAULT, tracking_number=new_tracking_number(), request_kind="complaint",
                  received_at=T0)


# -- RD-deadlines --


def deadlines(case):
    return {d.name: d for d in case_deadlines(case)}


def test_eu_interop_deadlines_RD_deadlines():
    """RD-deadlines: EU interoperability: forward 7 days, verify 30 (+15), reply 45 (+15)."""
    case = new_case()
    d = deadlines(case)
    assert d["forward"].due_at == at(2026, 3, 8, 10)
    assert d["reply"].due_at == at(2026, 4, 15, 10)
    assert d["verify"].due_at is None  # starts when the case is forwarded
    case = record_milestone(case, "forwarded", at(2026, 3, 4))
    d = deadlines(case)
    assert d["forward"].met_at == at(2026, 3, 4)
    assert d["verify"].due_at == at(2026, 4, 3)


def test_escalation_lists_overdue_deadlines_RD_deadlines():
    """RD-deadlines: escalation says which deadlines are overdue at now."""
    case = new_case()
    assert not escalation(case, at(2026, 3, 8, 10)).needs_escalation
    late = escalation(case, at(2026, 3, 9))
    assert [d.name for d in late.overdue] == ["forward"]
    case = record_milestone(case, "forwarded", at(2026, 3, 10))
    assert [d.name for d in escalation(case, at(2026, 4, 16)).overdue] == ["verify", "reply"]
    assert deadlines(case)["forward"].met_late is True
    case = dataclasses.replace(case, state=CaseState.INFORMATION_GATHERING)
    case = transition(case, CaseState.DECIDED, at(2026, 4, 17), decision=DECISION)
    assert escalation(case, at(2026, 12, 1)).overdue == ()


def test_extension_with_reasons_adds_15_days_once_RD_deadlines():
    """RD-deadlines: reply 45 days can be extended by 15 days, once, with reasons."""
    case = new_case()
    with pytest.raises(PolicyError) as caught:
        extend_deadline(case, "reply", reasons=" ", extended_by="cw", now=at(2026, 4, 1))
    assert caught.value.field == "reasons"
    case = extend_deadline(case, "reply", reasons="Originating agency abroad; records requested",
                           extended_by="cw", now=at(2026, 4, 1))
    assert deadlines(case)["reply"].due_at == at(2026, 4, 30, 10)
    # Without the extension reply would be overdue on 20 April; with it only forward is.
    assert [d.name for d in escalation(case, at(2026, 4, 20)).overdue] == ["forward"]
    assert [d.name for d in escalation(case, at(2026, 4, 30, 11)).overdue] == ["forward", "reply"]
    with pytest.raises(PolicyConflict):
        extend_deadline(case, "reply", reasons="again", extended_by="cw", now=at(2026, 4, 2))
    with pytest.raises(PolicyConflict):  # forward has no extension in the profile
        extend_deadline(case, "forward", reasons="busy", extended_by="cw", now=at(2026, 3, 2))


def test_expired_deadline_cannot_be_extended_RD_deadlines():
    with pytest.raises(PolicyConflict) as caught:
        extend_deadline(new_case(), "reply", reasons="late", extended_by="cw", now=at(2026, 5, 1))
    assert caught.value.code == "deadline_not_running"


@pytest.mark.parametrize(
    ("pack", "kind", "expected"),
    [
        (SIS, "access", {"access": at(2026, 4, 30, 10)}),  # 60 days
        (SIS, "erasure", {"rectification": at(2026, 6, 1, 10)}),  # 3 months
        (CCF, "access", {"access_decision": at(2026, 7, 10, 9), "notify": None}),
        (CCF, "rectification", {"correction_decision": at(2026, 12, 10, 9), "notify": None}),
    ],
)
def test_sis_and_interpol_ccf_profiles_RD_deadlines(pack, kind, expected):
    """RD-deadlines: SIS 60 days / 3 months; INTERPOL CCF 4 / 9 months from admissibility,
    notification 1 month after the decision."""
    case = transition(new_case(pack, kind), CaseState.ADMISSIBLE, at(2026, 3, 10, 9))
    assert {name: d.due_at for name, d in deadlines(case).items()} == expected


def test_ccf_notification_within_one_month_of_decision_RD_deadlines():
    case = transition(new_case(CCF), CaseState.ADMISSIBLE, at(2026, 3, 10))
    case = transition(case, CaseState.INFORMATION_GATHERING, at(2026, 3, 10))
    case = transition(case, CaseState.DECIDED, at(2026, 5, 31), decision=DECISION)
    assert deadlines(case)["notify"].due_at == at(2026, 6, 30)
    assert [d.name for d in escalation(case, at(2026, 7, 1)).overdue] == ["notify"]
    case = record_milestone(case, "notified", at(2026, 6, 15))
    assert escalation(case, at(2026, 7, 1)).overdue == ()


def test_inadmissible_case_answers_the_reply_deadline_RD_deadlines():
    case = transition(new_case(), CaseState.INADMISSIBLE, at(2026, 3, 3), reasons="Anonymous")
    assert [d.name for d in escalation(case, at(2026, 6, 1)).overdue] == []


# -- decisions and letters --


@pytest.mark.parametrize(
    ("outcome", "missing"),
    [
        (DecisionOutcome.RESTRICTED_REPLY, "factual_reasons"),
        (DecisionOutcome.RESTRICTED_REPLY, "legal_reasons"),
        (DecisionOutcome.MAINTAINED, "legal_reasons"),
        (DecisionOutcome.MAINTAINED, "public_summary"),
        (DecisionOutcome.CORRECTED, "public_summary"),
        (DecisionOutcome.DELISTED, "factual_reasons"),
    ],
)
def test_decisions_need_their_reasons_RD_restriction_reasons(outcome, missing):
    """RD-restriction-reasons: a restricted reply records factual and legal reasons; other
    outcomes record what they require. The error names the missing field."""
    texts = {"factual_reasons": "Covert inquiry 12/2026 ongoing.",
             "legal_reasons": "National CT Act s.15(1)(b).", "public_summary": "Date corrected."}
    texts[missing] = ""
    if outcome is DecisionOutcome.RESTRICTED_REPLY:
        texts["public_summary"] = ""
    decision = RedressDecision(outcome, "cw-1", **texts)
    with pytest.raises(PolicyError) as caught:
        transition(dataclasses.replace(new_case(), state=CaseState.INFORMATION_GATHERING),
                   CaseState.DECIDED, at(2026, 4, 1), decision=decision)
    assert caught.value.field == missing


LETTER_ARGS = dict(authority="Ministry of Interior, Redress Office",
                   supervisory_authority="the Data Protection Authority", now=at(2026, 4, 1))
RESTRICTED = RedressDecision(DecisionOutcome.RESTRICTED_REPLY, "cw-1",
                             factual_reasons="Covert inquiry 12/2026 ongoing; subject abroad.",
                             legal_reasons="National CT Act s.15(1)(b).")


def test_restricted_reply_letter_reveals_nothing_RD_restriction_reasons():
    """RD-restriction-reasons: the restricted-reply letter is word for word the no-record
    letter, and carries none of the internal reasons."""
    number = new_tracking_number()
    restricted = render_determination_letter(RESTRICTED, tracking_number=number, **LETTER_ARGS)
    no_record = render_determination_letter(DECISION, tracking_number=number, **LETTER_ARGS)
    assert restricted == no_record
    assert "Covert" not in restricted and "s.15" not in restricted
    for revealing in ("listed", "record found", "no record", "watchlist", "restrict"):
        assert revealing not in restricted.lower()
    assert number in restricted and "2026-04-01" in restricted
    assert "Data Protection Authority" in restricted


def test_letters_for_other_outcomes_RD_case_id():
    """RD-case-id: a final determination letter is generated for each outcome."""
    number = new_tracking_number()
    corrected = RedressDecision(DecisionOutcome.CORRECTED, "cw", factual_reasons="wrong date",
                                public_summary="The recorded nationality was corrected.")
    letter = render_determination_letter(corrected, tracking_number=number, **LETTER_ARGS)
    assert "The recorded nationality was corrected." in letter and "wrong date" not in letter
    delisted = RedressDecision(DecisionOutcome.DELISTED, "cw", factual_reasons="no basis")
    assert "removed from the list" in render_determination_letter(
        delisted, tracking_number=number, **LETTER_ARGS)
    with pytest.raises(PolicyError) as caught:
        render_determination_letter(
            dataclasses.replace(RESTRICTED, public_summary="You are listed."),
            tracking_number=number, **LETTER_ARGS)
    assert caught.value.code == "public_summary_not_allowed"


# -- RD-disputed --


def test_disputed_entry_carries_statement_on_every_hit_RD_disputed():
    """RD-disputed: contested accuracy sets disputed=true, the statement travels with every
    hit, and every recipient is to be notified."""
    mark = mark_disputed(subject_statement="I was in another country on that date.",
                         recipients=["agency-b", "agency-a", "agency-b"], now=at(2026, 4, 1))
    assert mark.disputed is True
    assert mark.notify_recipients == ("agency-a", "agency-b")
    notice = hit_dispute_notice(disputed=True, subject_statement=mark.subject_statement)
    assert notice == {"disputed": True,
                      "subject_statement": "I was in another country on that date."}
    assert hit_dispute_notice(disputed=False, subject_statement=None) == {"disputed": False}


@pytest.mark.parametrize("statement", ["", "   ", None])
def test_dispute_without_statement_is_refused_RD_disputed(statement):
    """RD-disputed: no disputed flag without the statement, and no hit shown without it."""
    with pytest.raises(PolicyError):
        mark_disputed(subject_statement=statement, recipients=[], now=at(2026, 4, 1))
    with pytest.raises(PolicyError):
        hit_dispute_notice(disputed=True, subject_statement=statement)


# -- RD-no-moot --

FACTS = ["Attended training camp X in 2024", "Transferred funds to group Y"]
PRIOR = RedressDelisting(at(2026, 4, 1), derogatory_fingerprint(FACTS),
                         frozenset({"mat-1", "mat-2"}))


def test_fingerprint_ignores_order_case_and_spacing_RD_no_moot():
    """RD-no-moot: cosmetic changes do not make old facts new."""
    reworded = ["transferred  funds to group y", "ATTENDED training camp X in 2024"]
    assert derogatory_fingerprint(reworded) == PRIOR.facts_fingerprint
    assert derogatory_fingerprint(FACTS + ["Recruited two minors in 2026"]) != \
        PRIOR.facts_fingerprint


@pytest.mark.parametrize(
    ("facts", "linked", "code"),
    [
        (FACTS, ["mat-1", "mat-2"], "relisting_same_facts"),
        (FACTS, ["mat-1", "mat-3"], "relisting_same_facts"),  # new id, same facts
        (FACTS[:1] + ["Transferred funds to group Y."], ["mat-1"],
         "relisting_without_new_material"),
        (FACTS + ["Recruited two minors in 2026"], ["mat-1", "mat-2"],
         "relisting_without_new_material"),
        (FACTS + ["Recruited two minors in 2026"], ["mat-1", "mat-3"], None),
    ],
)
def test_relisting_after_redress_needs_new_linked_material_RD_no_moot(facts, linked, code):
    """RD-no-moot: re-listing on the same facts is refused unless new material is added and
    linked."""
    kwargs = dict(facts_fingerprint=derogatory_fingerprint(facts), linked_material_ids=linked)
    if code is None:
        check_relisting(PRIOR, **kwargs)
    else:
        with pytest.raises(PolicyConflict) as caught:
            check_relisting(PRIOR, **kwargs)
        assert caught.value.code == code


def test_no_prior_redress_delisting_means_no_guard_RD_no_moot():
    check_relisting(None, facts_fingerprint=PRIOR.facts_fingerprint, linked_material_ids=[])


# -- RD-indirect-access --


def test_indirect_access_answer_is_identical_with_or_without_record_RD_indirect_access():
    """RD-indirect-access: the oversight body gets the same neutral answer whether or not a
    record exists; only the internal follow-up flag differs."""
    args = dict(request_reference="DPA-2026-114", oversight_body_id="dpa", now=at(2026, 4, 1, 15))
    found = answer_indirect_access(record_exists=True, **args)
    absent = answer_indirect_access(record_exists=False, **args)
    assert found.answer == absent.answer
    assert found.lawfulness_review_required and not absent.lawfulness_review_required
    assert found.answer.answered_on == "2026-04-01"
    assert "does not confirm or deny" in found.answer.text


def test_indirect_access_needs_an_oversight_body_RD_indirect_access():
    with pytest.raises(PolicyError) as caught:
        answer_indirect_access(request_reference="r", oversight_body_id=" ", record_exists=False,
                               now=at(2026, 4, 1))
    assert caught.value.field == "oversight_body_id"
