"""One session and one transaction per request, committed once by the route wrapper.

Services never commit. ``TransactionalRoute`` opens the session before the endpoint runs and
commits after it returns but before the response is sent, so a failed commit is an error response,
never a lost write reported as success. Any exception rolls everything back: no partial writes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker


class TransactionalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run_in_transaction(request: Request) -> Response:
            factory: sessionmaker[Session] = request.app.state.container.session_factory
            session = factory()
            request.state.db_session = session
            try:
                response = await handler(request)
                if session.in_transaction():
                    await run_in_threadpool(session.commit)
                return response
            except BaseException:
                await run_in_threadpool(session.rollback)
                raise
            finally:
                await run_in_threadpool(session.close)

        return run_in_transaction


def request_session(request: Request) -> Session:
    return request.state.db_session


DbSession = Annotated[Session, Depends(request_session)]
