"""The Gradio web app: patient chat and the staff area, as thin shells over `assistant`.

`assistant.settings` is imported first on purpose: it switches off Gradio's and the hub's
phone-home paths, which must happen before anything in this package imports gradio.
"""

import assistant.settings  # noqa: F401
