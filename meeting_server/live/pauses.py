"""Shorter garbage-collection pauses for a server that holds thousands of sockets.

CPython's full (generation 2) collection walks every tracked object. After start-up the
process holds some 130,000 of them (modules, the app, its routes and templates, the PDF and
database libraries) that live as long as it does: on a 2-core machine one full collection over
them alone took about 240 ms, which a page turn in flight waits for (the busy meeting's p99).
:class:`Server` moves them to the permanent generation with :func:`gc.freeze` once the app has
started (its lifespan ran), so a full collection walks only what was made since: the sockets
and what they hold. Nothing that is ever freed is frozen, so no memory is kept that would not
be kept anyway.
"""

from __future__ import annotations

import gc
import socket

import uvicorn


def settle() -> None:
    """Collect what start-up left behind, then keep the rest out of every later collection."""
    gc.collect()
    gc.freeze()


class Server(uvicorn.Server):
    """uvicorn's server that calls :func:`settle` once the app has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            settle()
