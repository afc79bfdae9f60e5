"""uvicorn's WebSocket protocol with changes for thousands of idle tablets.

* **Pings spread over the interval.** uvicorn pings each socket ``ws_ping_interval`` seconds
  after its handshake, so the 10,000 tablets of a building that reconnect together after a Wi-Fi
  outage would all be pinged in the same few seconds, every interval, as a burst that delays the
  busy meeting's page turns. The first ping here comes after a random fraction (a quarter to
  all) of the interval; the next ones follow each pong by the interval, so the sockets stay
  spread. A dead peer is still noticed within interval + timeout.
* **One frame, many sockets.** The hub encodes a live event once and frames it once; the
  socket's entry in ``scope["extensions"][FRAMES]`` lets it write those bytes straight to the
  transport when nothing is queued for the socket and the transport is not paused (see
  :meth:`MeetingWebSocketProtocol.write_frame`), instead of one ASGI ``send``, UTF-8 encoding and
  framing per socket. Anything else goes through ASGI as before.
* **Less held per socket.** The handshake's request and response objects are let go once the
  handshake is answered.

``meeting-server serve`` passes the class to uvicorn (``ws=``).
"""

from __future__ import annotations

import random
import struct
from typing import Final

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

#: The ASGI scope extension that carries the socket's ``write_frame``.
FRAMES: Final = "meeting_server.frames"
FIRST_PING_MIN: Final = 0.25  # of the interval


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final WebSocket text frame (what a server sends) carrying ``payload``."""
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x81, length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, length)
    else:
        head = struct.pack("!BBQ", 0x81, 127, length)
    return head + payload


class MeetingWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol with spread pings and a direct frame write."""

    _pinged = False

    def handle_connect(self, event: object) -> None:
        super().handle_connect(event)  # type: ignore[arg-type]
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"][FRAMES] = {"write_frame": self.write_frame}

    def start_keepalive(self) -> None:
        # Called once the handshake's answer is written: its request and response (headers and
        # all) are not needed for the socket's life.
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
        super().start_keepalive()

    def schedule_ping(self) -> None:
        if self._pinged or self.ping_interval is None:
            super().schedule_ping()
            return
        self._pinged = True
        delay = self.ping_interval * random.uniform(FIRST_PING_MIN, 1.0)
        self.ping_timer = self.loop.call_later(delay, self.send_keepalive_ping)

    def write_frame(self, frame: bytes) -> bool:
        """Write a whole frame made by :func:`text_frame` now, if the socket is open and its
        transport is not paused; False (nothing written) otherwise: then send it through ASGI."""
        if (not self.handshake_complete or self.close_sent or self.disconnected
                or self.conn.state is not State.OPEN or not self.writable.is_set()
                or self.transport.is_closing()):
            return False
        self.transport.write(frame)
        return True
