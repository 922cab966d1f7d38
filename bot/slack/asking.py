"""Asking the engine on behalf of a Slack conversation, so follow-ups ("시비는?") inherit
the previous question of the same thread or DM.

The engine is looked up at every question, never kept: a reload of the knowledge store
swaps engines, and the next question must see the new one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.core.answer import Answer
from bot.core.engine import Engine
from bot.core.store import KnowledgeStore

EngineSource = KnowledgeStore | Callable[[], Engine]
ConversationKey = tuple[str, str]
MAX_CONVERSATIONS = 2000  # least recently used conversations are forgotten first


def engine_getter(source: EngineSource) -> Callable[[], Engine]:
    if isinstance(source, KnowledgeStore):
        return lambda: source.engine
    return source


def conversation_key(channel: str, thread_ts: str | None = None) -> ConversationKey:
    """(channel, thread) for a channel thread; (channel, "") for a whole DM."""
    return channel, thread_ts or ""


class Conversations:
    """A bounded map: conversation -> the last answer's context (the engine's opaque
    follow-up state)."""

    def __init__(self, max_items: int = MAX_CONVERSATIONS):
        self.max_items = max_items
        self._items: OrderedDict[ConversationKey, Any] = OrderedDict()
        self._lock = threading.Lock()  # listeners run in a thread pool

    def get(self, key: ConversationKey) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: ConversationKey, context: Any) -> None:
        with self._lock:
            self._items[key] = context
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class Asker:
    def __init__(self, source: EngineSource, conversations: Conversations | None = None):
        self.engine = engine_getter(source)
        self.conversations = conversations if conversations is not None else Conversations()

    def ask(self, question: str, key: ConversationKey | None = None,
            program_hint: str | None = None) -> Answer:
        """The answer to `question` in conversation `key` (None: no context)."""
        context = self.conversations.get(key) if key is not None else None
        answer = self.engine().answer(question, context=context, program_hint=program_hint)
        # Keep the last useful context: a no_match ("주식 시세") should not make the
        # thread forget which program it was about.
        if key is not None and answer.context is not None:
            self.conversations.put(key, answer.context)
        return answer

    def program_name(self, program_id: str) -> str:
        program = self.engine().kb.programs.get(program_id)
        return program.short if program else program_id
