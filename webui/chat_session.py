"""One browser tab's chat: the assistant's Conversation plus what the tab shows and can rate.

Kept in `gr.State`, so it lives on the server per browser session and nothing a browser sends
can change another session's conversation or the answers its feedback refers to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.answer_types import Answer
from assistant.conversation import Conversation
from webui.chat_view import Message, answer_message, answer_messages, user_message


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer
    # Random, per answer: ties a rating to a later comment on the same answer without
    # identifying the patient or linking their other answers.
    answer_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class ChatSession:
    conversation: Conversation
    messages: list[Message] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    # For each message, the number (1-based) of the answer it belongs to; 0 for questions.
    turn_of_message: list[int] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def ask(self, question: str) -> Iterator[list[Message]]:
        """The chat as it should be shown, growing with the streamed answer."""
        shown = [*self.messages, user_message(question)]
        answer: Answer | None = None
        for event in self.conversation.stream(question):
            if isinstance(event, Answer):
                answer = event
            else:
                yield [*shown, answer_message(event)]
        assert answer is not None
        self.turns.append(Turn(question, answer))
        reply = answer_messages(answer.text, answer.sources)
        self.messages = [*shown, *reply]
        self.turn_of_message += [0] + [len(self.turns)] * len(reply)
        yield self.messages

    def turn(self, number: int) -> Turn | None:
        """The answer numbered `number` (1 = first answer of this chat), if there is one."""
        return self.turns[number - 1] if 1 <= number <= len(self.turns) else None

    def turn_number_at(self, message_index: int) -> int:
        """Which answer a chat message belongs to (0: a question, or out of range)."""
        if 0 <= message_index < len(self.turn_of_message):
            return self.turn_of_message[message_index]
        return 0

    @property
    def active_code(self) -> str | None:
        return self.conversation.state.active_code

    def choose_procedure(self, code: str | None) -> None:
        self.conversation.state.active_code = code or None
