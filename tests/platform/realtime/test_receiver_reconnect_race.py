"""When Redis comes back, a websocket subscribing and the channel layer's receiver can both
reconnect the pub/sub connection; asyncio refuses the second reader of the new socket. The
receiver must read on, with a warning, not log a traceback (CI saw one in
test_redis_down.py) or stop delivering messages."""
from __future__ import annotations

import asyncio
import logging

import pytest

from realtime.layers import _Shard

RACE = RuntimeError("read() called while another coroutine is already waiting for incoming data")


class PubSub:
    """A subscribed connection whose reads give, in turn, each of `answers`."""

    subscribed = True

    def __init__(self, *answers):
        self.answers = list(answers)

    async def get_message(self, **_kwargs):
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def receiver(*answers):
    shard = _Shard.__new__(_Shard)
    shard._pubsub = PubSub(*answers)
    shard.heard = []
    shard._receive_message = shard.heard.append
    return shard


def test_a_reconnect_race_is_a_warning_and_the_next_message_is_heard(caplog):
    shard = receiver(RACE, {"channel": b"idea.7", "data": b"counts"}, asyncio.CancelledError())
    with caplog.at_level(logging.WARNING, logger="realtime.layers"), pytest.raises(asyncio.CancelledError):
        asyncio.run(shard._do_receiving())
    assert shard.heard == [{"channel": b"idea.7", "data": b"counts"}]
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert not any(r.exc_info for r in caplog.records), "no traceback for a race the receiver outlives"


def test_any_other_runtime_error_is_still_logged_with_its_traceback(caplog):
    shard = receiver(RuntimeError("something else"), {"channel": b"idea.7", "data": b"counts"},
                     asyncio.CancelledError())
    with caplog.at_level(logging.WARNING, logger="realtime.layers"), pytest.raises(asyncio.CancelledError):
        asyncio.run(shard._do_receiving())
    assert shard.heard == [{"channel": b"idea.7", "data": b"counts"}]
    assert [r.levelname for r in caplog.records] == ["ERROR"] and caplog.records[0].exc_info
