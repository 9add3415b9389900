"""A Celery worker killed (kill -9) in the middle of sending notifications: after a new
worker and the sweeps have run, every notification went out exactly once, none lost.

The kill happens while the worker hands a message to the mail server (the test mailbox
hangs there), once among the dinner notices and once in the middle of a status change's
e-mails to an idea's followers — the case where marking the change "notified" before
sending used to lose the rest of the e-mails.
"""
from __future__ import annotations

import collections
import signal
import subprocess
from pathlib import Path

import pytest

from .conftest import BIN, ROOT, _wait, app_env, run_python

pytestmark = [pytest.mark.redis, pytest.mark.slow_tier]

GUESTS, FOLLOWERS = 20, 24


class Worker:
    def __init__(self, env: dict[str, str], log: Path):
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def mailbox_keys(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.split("\t")[0] for line in path.read_text().splitlines()]


def test_every_notification_is_sent_once_after_a_worker_is_killed_mid_sending(
        demo_database, private_redis, tmp_path):
    mailbox, hanging = tmp_path / "mailbox", tmp_path / "hanging"
    env = app_env(demo_database, private_redis, HOEST_TEST_MAILBOX=str(mailbox),
                  HOEST_TEST_MAILBOX_HANGING=str(hanging),
                  # A Redis database of its own: only this test's tasks in the queue.
                  REDIS_URL=private_redis.url.removesuffix("/0") + "/3")
    expected = run_python(env, (
        "from tests.platform.failures.scenario import main\n"
        f"main('queue_notifications', guests={GUESTS}, followers={FOLLOWERS}, tag='killed')"))
    notices, status_mails = expected["notices"], expected["status"]
    assert len(notices) >= GUESTS and len(status_mails) == FOLLOWERS + 1
    assert mailbox_keys(mailbox) == [], "nothing is sent before a worker runs"
    log = tmp_path / "worker.log"
    workers: list[Worker] = []
    try:
        # 1: killed while sending the 10th dinner notice.
        workers.append(Worker({**env, "HOEST_TEST_MAILBOX_HANG_AT": "10"}, log))
        _wait(hanging.exists, 120, "the first worker to reach the 10th e-mail")
        workers[-1].kill()
        hanging.unlink()
        assert len(mailbox_keys(mailbox)) == 9
        # 2: sends the other notices, then is killed in the middle of the status e-mails
        # (9 notices went out, one was cut off, so the status mails start at line len(notices)).
        hang_at = len(notices) + 10
        workers.append(Worker({**env, "HOEST_TEST_MAILBOX_HANG_AT": str(hang_at)}, log))
        _wait(hanging.exists, 120, "the second worker to reach the status e-mails")
        workers[-1].kill()
        sent = mailbox_keys(mailbox)
        assert len(sent) == hang_at - 1
        assert sum(key.startswith("status:") for key in sent) == 10, "killed in the middle of a batch"
        # 3: a new worker, and the periodic sweep (as beat would queue it).
        workers.append(Worker(env, log))
        run_python(env, (
            "import json; from config.celery import app\n"
            "app.send_task('notify.tasks.deliver_due', kwargs={'older_than_seconds': 0})\n"
            "print(json.dumps(True))"))
        everything = set(notices) | set(status_mails)
        _wait(lambda: everything <= set(mailbox_keys(mailbox)), 120, "every e-mail to be sent")
        # Let the worker finish whatever else is queued before counting duplicates.
        _wait(lambda: run_python(env, (
            "import json; from config.celery import app\n"
            "with app.connection() as c: print(json.dumps(c.default_channel.client.llen('celery') == 0))")),
            60, "the queue to drain")
    finally:
        for worker in workers:
            worker.stop()
    counts = collections.Counter(mailbox_keys(mailbox))
    assert set(counts) == set(notices) | set(status_mails), "nothing lost, nothing unexpected"
    assert [key for key, n in counts.items() if n > 1] == [], "nothing sent twice"
    state = run_python(env, (
        "import json; from notify.models import Notice\n"
        f"print(json.dumps([Notice.objects.filter(key__in={notices!r}).exclude(state='sent').count(),"
        f" Notice.objects.filter(key__in={status_mails!r}).exclude(state='sent').count()]))"))
    assert state == [0, 0], "every notice, the status change's too, is marked sent"
