"""``enqueue_on_commit``: nothing after a rollback, exactly one task after a commit.

Real transactions (``transaction=True``) on the test database, the real local
runtime of this process (its task list is the evidence), no mocks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from tasker_contrib_django import conf, enqueue_on_commit, start
from tasker_contrib_django.transaction import aenqueue_on_commit

REQUEST = {"name": "record_note", "namespace": "notes", "version": "1.0.0"}


@pytest.fixture
def host(fresh_tasker: None) -> Iterator[Any]:
    host = start()
    yield host
    host.stop()


def tasks(host: Any) -> list[Any]:
    return list(host.client.list_tasks().tasks)


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_atomic_submits_nothing(host: Any) -> None:
    from notes.models import Note

    def rolled_back() -> None:
        with transaction.atomic():
            note = Note.objects.create(text="never")
            enqueue_on_commit(**REQUEST, context={"note_id": note.pk})
            raise Rollback

    with pytest.raises(Rollback):
        rolled_back()
    assert tasks(host) == []
    assert Note.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_committed_atomic_submits_exactly_once_after_the_commit(host: Any) -> None:
    from notes.models import Note

    submitted: list[Any] = []
    with transaction.atomic():
        note = Note.objects.create(text="kept")
        enqueue_on_commit(**REQUEST, context={"note_id": note.pk}, on_submitted=submitted.append)
        with transaction.atomic():  # a savepoint does not submit on its own
            pass
        assert tasks(host) == []  # still inside the transaction
    assert len(submitted) == 1
    assert [t.task_uuid for t in tasks(host)] == [submitted[0].task_uuid]
    assert submitted[0].context == {"note_id": note.pk}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_drops_only_its_own_submission(host: Any) -> None:
    def inner_rolled_back() -> None:
        with transaction.atomic():
            enqueue_on_commit(**REQUEST, context={"which": "inner"})
            raise Rollback

    with transaction.atomic():
        enqueue_on_commit(**REQUEST, context={"which": "outer"})
        with pytest.raises(Rollback):
            inner_rolled_back()
    assert [t.context for t in tasks(host)] == [{"which": "outer"}]


def test_bad_fields_raise_at_once_inside_the_caller() -> None:
    with pytest.raises(ValueError, match="name"):
        enqueue_on_commit(namespace="notes", version="1.0.0")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("commit", [True, False], ids=["commit", "rollback"])
def test_async_variant_submits_after_a_commit_and_never_after_a_rollback(
    commit: bool, host: Any
) -> None:
    from asgiref.sync import sync_to_async

    async def scenario() -> list[Any]:
        seen: list[Any] = []
        done = asyncio.Event()

        async def record(task: Any) -> None:
            seen.append(task)
            done.set()

        # An atomic block on the thread where sync_to_async runs ORM code,
        # entered and left from async code, as an async view would.
        block = transaction.atomic()
        await sync_to_async(block.__enter__)()
        await aenqueue_on_commit(**REQUEST, context={"a": 1}, on_submitted=record)
        await asyncio.sleep(0.2)
        assert seen == []  # not before the end of the transaction
        error = None if commit else Rollback()
        await sync_to_async(block.__exit__)(None if error is None else Rollback, error, None)
        if commit:
            await asyncio.wait_for(done.wait(), 10)
        else:
            await asyncio.sleep(0.5)
        return seen

    seen = asyncio.run(scenario())
    if commit:
        assert len(seen) == 1
        assert [t.task_uuid for t in tasks(host)] == [seen[0].task_uuid]
    else:
        assert seen == []
        assert tasks(host) == []
    assert conf.get_host() is host
