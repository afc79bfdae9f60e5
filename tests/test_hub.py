from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from meeting_server.live.hub import Hub


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closes: list[tuple[int, str]] = []

    async def send(self, text: str) -> None:
        self.sent.append(text)

    async def close(self, code: int, reason: str) -> None:
        self.closes.append((code, reason))


class StalledSender(FakeSender):
    async def send(self, text: str) -> None:
        await asyncio.Event().wait()


class FailingSender(FakeSender):
    async def send(self, text: str) -> None:
        raise ConnectionResetError("peer gone")


class StalledCloseSender(FakeSender):
    async def close(self, code: int, reason: str) -> None:
        await asyncio.Event().wait()


# A bound that only a hang reaches: what these tests wait for takes milliseconds, and a test
# must not fail because a loaded machine took a second.
NEVER = 60


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def publish(hub: Hub, meeting_id: int, *seqs: int) -> None:
    for seq in seqs:
        hub.publish(meeting_id, seq, f"e{seq}")


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub(queue_size=8, send_timeout=1.0)
    yield hub
    await hub.close_all()


async def test_messages_arrive_in_publish_order(hub: Hub) -> None:
    sender = FakeSender()
    hub.subscribe(1, 10, sender).start([], 0)
    for seq in range(1, 21):
        publish(hub, 1, seq)
        await settle()
    assert sender.sent == [f"e{seq}" for seq in range(1, 21)]


async def test_messages_are_buffered_until_start(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 1, 2, 3)
    await settle()
    assert sender.sent == []
    sub.start(["snapshot"], 0)
    await settle()
    assert sender.sent == ["snapshot", "e1", "e2", "e3"]


async def test_start_skips_what_first_covers(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 2, 3, 4, 5)
    sub.start(["snapshot@3"], 3)
    await settle()
    publish(hub, 1, 6)
    await settle()
    assert sender.sent == ["snapshot@3", "e4", "e5", "e6"]


async def test_first_messages_come_in_order(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 3)
    sub.start(["e1", "e2"], 2)
    await settle()
    assert sender.sent == ["e1", "e2", "e3"]


async def test_start_twice_is_an_error(hub: Hub) -> None:
    sub = hub.subscribe(1, 10, FakeSender())
    sub.start([], 0)
    with pytest.raises(RuntimeError):
        sub.start([], 0)


async def test_rooms_are_separate(hub: Hub) -> None:
    one, two = FakeSender(), FakeSender()
    hub.subscribe(1, 10, one).start([], 0)
    hub.subscribe(2, 10, two).start([], 0)
    publish(hub, 1, 1)
    await settle()
    assert one.sent == ["e1"]
    assert two.sent == []


async def test_reply_follows_queued_messages_and_is_never_skipped(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 1)
    sub.reply("pong")
    sub.start([], 5)
    await settle()
    assert sender.sent == ["pong"]


async def test_stalled_client_does_not_delay_the_others() -> None:
    hub = Hub(queue_size=4)
    stalled = StalledSender()
    stalled_sub = hub.subscribe(1, 99, stalled)
    stalled_sub.start([], 0)
    others = [FakeSender() for _ in range(50)]
    for user_id, sender in enumerate(others):
        hub.subscribe(1, user_id, sender).start([], 0)

    async with asyncio.timeout(NEVER):
        for seq in range(1, 11):
            publish(hub, 1, seq)
            await asyncio.sleep(0)
            assert all(sender.sent[-1] == f"e{seq}" for sender in others)
        await stalled_sub.wait_closed()

    assert all(sender.sent == [f"e{seq}" for seq in range(1, 11)] for sender in others)
    assert stalled.closes == [(1013, "fell behind")]
    assert stalled_sub.closed
    assert hub.room_size(1) == 50
    await hub.close_all()


async def test_full_queue_before_start_drops_the_client() -> None:
    hub = Hub(queue_size=2)
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 1, 2, 3)
    await sub.wait_closed()
    sub.start(["snapshot"], 0)
    await settle()
    assert sender.sent == []
    assert sender.closes == [(1013, "fell behind")]
    assert hub.room_size(1) == 0
    await hub.close_all()


async def test_slow_send_times_out(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="meeting_server.live.hub")
    hub = Hub(send_timeout=0.05)
    sender = StalledSender()
    sub = hub.subscribe(1, 10, sender)
    sub.start([], 0)
    publish(hub, 1, 1)
    async with asyncio.timeout(NEVER):
        await sub.wait_closed()
    assert sender.closes == [(1013, "send timed out")]
    assert hub.room_size(1) == 0
    assert "send timed out" in caplog.text
    await hub.close_all()


async def test_failing_send_drops_only_that_client(hub: Hub) -> None:
    failing, healthy = FailingSender(), FakeSender()
    failing_sub = hub.subscribe(1, 10, failing)
    failing_sub.start([], 0)
    hub.subscribe(1, 11, healthy).start([], 0)
    publish(hub, 1, 1)
    await failing_sub.wait_closed()
    publish(hub, 1, 2)
    await settle()
    assert failing.closes == [(1011, "send failed")]
    assert healthy.sent == ["e1", "e2"]
    assert hub.room_size(1) == 1


async def test_revoke_closes_and_stops_messages(hub: Hub) -> None:
    revoked, kept = FakeSender(), FakeSender()
    revoked_sub = hub.subscribe(1, 10, revoked)
    revoked_sub.start([], 0)
    hub.subscribe(1, 11, kept).start([], 0)
    publish(hub, 1, 1)
    await settle()

    assert hub.revoke(10, meeting_id=1) == 1
    publish(hub, 1, 2)
    await revoked_sub.wait_closed()
    await settle()

    assert revoked.closes == [(1008, "access revoked")]
    assert revoked.sent == ["e1"]
    assert kept.sent == ["e1", "e2"]
    assert hub.room_size(1) == 1


async def test_revoke_drops_messages_not_yet_sent(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    sub.start([], 0)
    publish(hub, 1, 1, 2)
    hub.revoke(10)
    await sub.wait_closed()
    assert sender.sent == []


async def test_revoke_in_one_meeting_keeps_the_others(hub: Hub) -> None:
    one, two = FakeSender(), FakeSender()
    hub.subscribe(1, 10, one).start([], 0)
    hub.subscribe(2, 10, two).start([], 0)
    assert hub.revoke(10, meeting_id=1) == 1
    publish(hub, 2, 1)
    await settle()
    assert two.sent == ["e1"]
    assert two.closes == []


async def test_revoke_everywhere(hub: Hub) -> None:
    senders = [FakeSender() for _ in range(3)]
    for meeting_id, sender in enumerate(senders, start=1):
        hub.subscribe(meeting_id, 10, sender)
    other = FakeSender()
    hub.subscribe(1, 11, other)
    assert hub.revoke(10, code=1008, reason="signed out") == 3
    await settle()
    assert all(sender.closes == [(1008, "signed out")] for sender in senders)
    assert other.closes == []
    assert hub.revoke(10) == 0


async def test_drop_closes_one_subscription(hub: Hub) -> None:
    dropped, kept = FakeSender(), FakeSender()
    sub = hub.subscribe(1, 10, dropped)
    sub.start([], 0)
    hub.subscribe(1, 10, kept).start([], 0)
    hub.drop(sub, 1008, "signed out")
    hub.drop(sub, 1008, "signed out")
    publish(hub, 1, 1)
    await sub.wait_closed()
    await settle()
    assert dropped.closes == [(1008, "signed out")]
    assert dropped.sent == []
    assert kept.sent == ["e1"]


async def test_stalled_close_is_bounded() -> None:
    hub = Hub(send_timeout=0.05)
    sub = hub.subscribe(1, 10, StalledCloseSender())
    hub.revoke(10)
    async with asyncio.timeout(NEVER):
        await sub.wait_closed()
    await hub.close_all()


async def test_unsubscribe_is_idempotent(hub: Hub) -> None:
    sender = FakeSender()
    sub = hub.subscribe(1, 10, sender)
    sub.start([], 0)
    hub.unsubscribe(sub)
    hub.unsubscribe(sub)
    publish(hub, 1, 1)
    await sub.wait_closed()
    assert sub.closed
    assert sender.sent == []
    assert sender.closes == []
    assert hub.room_size(1) == 0


async def test_unsubscribe_before_start(hub: Hub) -> None:
    sub = hub.subscribe(1, 10, FakeSender())
    hub.unsubscribe(sub)
    await sub.wait_closed()
    sub.start([], 0)
    assert hub.room_size(1) == 0


async def test_close_all_closes_everyone_and_leaves_no_task() -> None:
    hub = Hub()
    senders = [FakeSender() for _ in range(3)]
    hub.subscribe(1, 10, senders[0]).start([], 0)
    hub.subscribe(1, 11, senders[1]).start([], 0)
    hub.subscribe(2, 10, senders[2])
    blocked = StalledSender()
    hub.subscribe(2, 12, blocked).start([], 0)
    publish(hub, 2, 1)
    await settle()

    await hub.close_all()

    assert all(sender.closes == [(1001, "server shutting down")] for sender in senders)
    assert blocked.closes == [(1001, "server shutting down")]
    assert hub.room_size(1) == hub.room_size(2) == 0
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_no_subscribing_after_close_all() -> None:
    hub = Hub()
    await hub.close_all(code=1012)
    with pytest.raises(RuntimeError):
        hub.subscribe(1, 10, FakeSender())


def test_queue_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Hub(queue_size=0)


# ── The direct path: one frame per event, written at once to every socket that can take it ──

class DirectSender(FakeSender):
    """A socket with ``write_now``: takes frames while ``open``, refuses them otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[bytes] = []
        self.open = True

    def write_now(self, frame: bytes) -> bool:
        if self.open:
            self.frames.append(frame)
        return self.open


def texts(frames: list[bytes]) -> list[str]:
    """The payloads of unmasked text frames, parsed by websockets' own client-side reader."""
    from websockets.frames import Frame, Opcode
    from websockets.streams import StreamReader

    out: list[str] = []
    for frame in frames:
        reader = StreamReader()
        reader.feed_data(frame)
        parser = Frame.parse(reader.read_exact, mask=False)
        try:
            next(parser)
        except StopIteration as done:
            parsed = done.value
        assert parsed.opcode is Opcode.TEXT and parsed.fin
        out.append(parsed.data.decode())
    return out


async def test_idle_socket_gets_the_event_at_once_without_a_task(hub: Hub) -> None:
    senders = [DirectSender() for _ in range(20)]
    for user_id, sender in enumerate(senders):
        hub.subscribe(1, user_id, sender).start([], 0)
    await settle()
    tasks_before = len(hub._tasks)

    publish(hub, 1, 1, 2)

    # No await: the frames are on the sockets when publish returns, and no task was made.
    assert all(texts(s.frames) == ["e1", "e2"] for s in senders)
    assert all(s.sent == [] for s in senders)
    assert len(hub._tasks) == tasks_before == 0


async def test_one_frame_is_made_per_event_and_shared() -> None:
    hub = Hub()
    senders = [DirectSender() for _ in range(3)]
    for user_id, sender in enumerate(senders):
        hub.subscribe(1, user_id, sender).start([], 0)
    hub.publish(1, 1, "ờ" * 70_000)  # a long frame: 8-byte length
    assert senders[0].frames[0] is senders[1].frames[0] is senders[2].frames[0]
    assert texts(senders[0].frames) == ["ờ" * 70_000]
    await hub.close_all()


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_text_frame_lengths_parse(size: int) -> None:
    from meeting_server.live.transport import text_frame

    assert texts([text_frame(b"a" * size)]) == ["a" * size]


async def test_a_socket_that_cannot_take_it_now_gets_it_later_in_order(hub: Hub) -> None:
    sender = DirectSender()
    hub.subscribe(1, 10, sender).start([], 0)
    publish(hub, 1, 1)
    sender.open = False  # paused transport: the hub queues and sends through send()
    publish(hub, 1, 2)
    sender.open = True  # the queue is not empty yet: 3 must not overtake 2
    publish(hub, 1, 3)
    await settle()
    assert texts(sender.frames) == ["e1"]
    assert sender.sent == ["e2", "e3"]
    publish(hub, 1, 4)  # queue drained: straight to the socket again
    assert texts(sender.frames) == ["e1", "e4"]


async def test_first_messages_and_buffered_ones_keep_their_order_with_a_direct_socket(
        hub: Hub) -> None:
    sender = DirectSender()
    sub = hub.subscribe(1, 10, sender)
    publish(hub, 1, 1, 2)
    sub.start(["snapshot"], 1)
    publish(hub, 1, 3)
    await settle()
    assert sender.sent == ["snapshot", "e2", "e3"]
    publish(hub, 1, 4)
    assert texts(sender.frames) == ["e4"]


async def test_direct_socket_that_is_revoked_gets_nothing_more(hub: Hub) -> None:
    sender = DirectSender()
    sub = hub.subscribe(1, 10, sender)
    sub.start([], 0)
    publish(hub, 1, 1)
    assert hub.revoke(10) == 1
    publish(hub, 1, 2)
    await sub.wait_closed()
    assert texts(sender.frames) == ["e1"]
    assert sender.closes == [(1008, "access revoked")]


async def test_direct_socket_skips_what_first_covers(hub: Hub) -> None:
    sender = DirectSender()
    hub.subscribe(1, 10, sender).start([], 5)
    publish(hub, 1, 4, 5, 6)
    assert texts(sender.frames) == ["e6"]
