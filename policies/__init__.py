"""Pure policy rules for the watchlist: functions of data and an explicit ``now``.

Nothing here imports the service, FastAPI or SQLAlchemy; the service calls these functions and
records the :class:`PackRef` each decision returns. See ``policies/README.md``.
"""

from policies.children import (
    BirthDate,
    certainly_adult_from,
    earliest_eighteenth_birthday,
    is_minor,
    needs_majority_reassessment,
    parse_birth_date,
    validate_minor_nomination,
)
from policies.durations import Duration, parse_duration, require_utc
from policies.errors import PackError, PolicyConflict, PolicyError
from policies.governance import (
    BORDER_SCREENING,
    COUNTER_TERRORISM_SCREENING,
    OVERSIGHT,
    REDRESS,
    SERVICE_PURPOSES,
    ImportDisposition,
    check_purpose,
    import_disposition,
    publishable_count,
)
from policies.pack import Decided, PackRef, PolicyPack, retention_end
from policies.pack_loader import builtin_pack_names, load_builtin_pack, load_pack, parse_pack
from policies.retention import (
    ErasureDue,
    ErasureReason,
    ErasureRecord,
    audit_log_purge_cutoff,
    build_erasure_record,
    erasure_due,
)
from policies.review import (
    PurposeAchievedTask,
    RemovalLatency,
    ReviewDecision,
    ReviewedEntry,
    ReviewOutcome,
    ReviewResult,
    ReviewState,
    ReviewStatus,
    apply_review_decision,
    nomination_lapses_at,
    purpose_achieved_task,
    removal_latency,
    review_due,
    review_interval,
    review_status,
    validate_purpose_achieved_answer,
)

__all__ = [
    "BirthDate", "certainly_adult_from", "earliest_eighteenth_birthday", "is_minor",
    "needs_majority_reassessment", "parse_birth_date", "validate_minor_nomination",
    "Duration", "parse_duration", "require_utc",
    "PackError", "PolicyConflict", "PolicyError",
    "BORDER_SCREENING", "COUNTER_TERRORISM_SCREENING", "OVERSIGHT", "REDRESS", "SERVICE_PURPOSES",
    "ImportDisposition", "check_purpose", "import_disposition", "publishable_count",
    "Decided", "PackRef", "PolicyPack", "retention_end",
    "builtin_pack_names", "load_builtin_pack", "load_pack", "parse_pack",
    "ErasureDue", "ErasureReason", "ErasureRecord", "audit_log_purge_cutoff",
    "build_erasure_record", "erasure_due",
    "PurposeAchievedTask", "RemovalLatency", "ReviewDecision", "ReviewedEntry", "ReviewOutcome",
    "ReviewResult", "ReviewState", "ReviewStatus", "apply_review_decision", "nomination_lapses_at",
    "purpose_achieved_task", "removal_latency", "review_due", "review_interval", "review_status",
    "validate_purpose_achieved_answer",
]
