"""Long-lived objects of one service process: settings, database, key set, extensions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.auth.keys import JwksProvider
from service.config import Settings
from service.db.engine import make_engine


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    jwks: JwksProvider
    # Components added by later features (the live screening index, the policy pack, ...).
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Container:
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=sessionmaker(engine, expire_on_commit=False),
            jwks=JwksProvider(settings),
        )

    def close(self) -> None:
        self.engine.dispose()
