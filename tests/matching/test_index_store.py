"""The index's compact storage rebuilds prepared names that score exactly like fresh ones."""

import pytest

from matching.index_store import Store
from matching.names import prepare_name, score_prepared

NAMES = [
    ("person", "Usama bin Muhammad bin Awad bin Ladin"),
    ("person", "Abdul Rahman Yasin"),
    ("person", "Abdulrahman Al Yasin"),
    ("person", "Kim Jong Un"),
    ("person", "Muammar Muhammad Abu Minyar al-Qadhafi"),
    ("person", "Сергей Викторович Иванов"),
    ("person", "أسامة بن لادن"),
    ("person", "LADIN, Usama"),
    ("person", "J. R. Smith"),
    ("organisation", "Al-Qaida in the Arabian Peninsula"),
    ("organisation", "Bank Melli Iran Joint Stock Company"),
]
QUERIES = ["Osama bin Laden", "Abd al-Rahman Yasin", "Kim Jongun", "Moammar Gadhafi",
           "Sergei Ivanov", "John Smith", "AQAP", "Bank Melli"]


@pytest.fixture(scope="module")
def store():
    store = Store()
    for number, (kind, name) in enumerate(NAMES):
        store.append_record(f"r{number}", kind, [prepare_name(name, kind=kind)], None, [])
    return store


@pytest.mark.parametrize("slot", range(len(NAMES)))
def test_rebuilt_names_score_like_fresh_ones(store, slot):
    kind, name = NAMES[slot]
    fresh = prepare_name(name, kind=kind)
    rebuilt = store.prepared(slot)
    assert rebuilt.tokens == fresh.tokens and rebuilt.keys == fresh.keys
    assert tuple(rebuilt.joins) == tuple(fresh.joins)
    for query in QUERIES:
        prepared_query = prepare_name(query, kind=kind)
        assert score_prepared(prepared_query, rebuilt) == score_prepared(prepared_query, fresh)
        assert score_prepared(rebuilt, prepared_query) == score_prepared(fresh, prepared_query)
