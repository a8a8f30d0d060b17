"""The assistant's shared parts, wired once per process and shared by every conversation."""

from __future__ import annotations

from assistant.answerers import Answerer, make_answerer
from assistant.conversation import Conversation
from assistant.corpus import Corpus
from assistant.embedder import Embedder
from assistant.prompts import PromptSet, load_prompts
from assistant.retrieval import Engine
from assistant.section_reader import section_side, shared_reader
from assistant.settings import Settings, bundled_model_path, get_settings


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        prompts: PromptSet | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.embedder = embedder or Embedder.from_settings(self.settings)
        self.corpus = Corpus(self.settings)
        reader = None
        if self.settings.section_reader:
            reader = shared_reader(bundled_model_path(), threads=self.settings.torch_threads)
        self.engine = Engine(self.corpus, self.embedder, reader=reader)
        self._use_prompts(prompts or load_prompts(self.settings.prompts_dir))

    def reload_prompts(self) -> None:
        """Take up the latest saved prompt versions (staff saved one in the prompt lab)."""
        self._use_prompts(load_prompts(self.settings.prompts_dir))

    def _use_prompts(self, prompts: PromptSet) -> None:
        """Chats read the prompts and the answerer afresh at every message, so the next
        message in every open chat uses these; each swap is a single attribute assignment."""
        self.answerer: Answerer = make_answerer(self.settings, prompts)
        self.prompts = prompts

    def new_conversation(self) -> Conversation:
        self.corpus.refresh()
        return Conversation(self)

    def warm_up(self) -> None:
        """Load the models and touch the store so the first patient does not wait for them."""
        self.embedder.encode_query("warm up")
        if self.engine.reader is not None:
            self.engine.reader.scores("warm up", [section_side("Summary", "warm up")])
