"""Staff sign-in: credentials from settings, checked on the server for every staff action.

The sign-in lives in the browser session's server-side state (`gr.State`), so hiding the staff
tools in the page is cosmetic; each staff handler calls `StaffGate.require`. Guessing is slowed
twice: every failed attempt waits `failure_delay_s` before answering, and after
`FREE_FAILURES` failures from one IP or one browser session further attempts are refused
unchecked for an exponentially growing time. Every attempt and staff action is logged.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from webui.config import WebSettings
from webui.jsonl_log import JsonlLog, now_iso

FREE_FAILURES = 3
MAX_LOCKOUT_S = 300.0
DISABLED_NOTICE = (
    "The staff area is switched off: no staff credentials are configured. Set "
    "PROCEDURE_ASSISTANT_STAFF_USER and PROCEDURE_ASSISTANT_STAFF_PASSWORD (or staff_user and "
    "staff_password in procedure_assistant.toml) and restart the app."
)


class StaffAccessError(PermissionError):
    """Refused; the message says what to do, and is safe to show."""


@dataclass
class StaffSession:
    user: str | None = None
    expires_at: float = 0.0

    def signed_in_user(self, now: float) -> str | None:
        return self.user if self.user and now < self.expires_at else None


class LoginThrottle:
    """Failure counts per key ("ip:…", "session:…") and how long each key must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (count, time of last)
        self._lock = threading.Lock()  # sign-ins run in several worker threads

    def wait_s(self, keys: Iterable[str]) -> float:
        now = self.clock()
        waits = [0.0]
        with self._lock:
            for key in keys:
                count, last = self._failures.get(key, (0, 0.0))
                if count >= FREE_FAILURES:
                    lockout = min(2.0 ** (count - FREE_FAILURES + 1), MAX_LOCKOUT_S)
                    waits.append(last + lockout - now)
        return max(waits)

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            self._forget_older_than(now - 2 * MAX_LOCKOUT_S)
            for key in keys:
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, now)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _forget_older_than(self, cutoff: float) -> None:
        """Bound memory: an attacker cycling sessions must not grow the table forever."""
        for key in [k for k, (_, last) in self._failures.items() if last < cutoff]:
            del self._failures[key]


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class StaffGate:
    def __init__(
        self,
        config: WebSettings,
        log: JsonlLog,
        throttle: LoginThrottle | None = None,
        failure_delay_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.log = log
        self.throttle = throttle or LoginThrottle(clock)
        self.failure_delay_s = failure_delay_s
        self.sleep = sleep
        self.clock = clock

    @property
    def enabled(self) -> bool:
        return self.config.staff_enabled

    def sign_in(
        self, user: str, password: str, session: StaffSession, client: str, session_id: str
    ) -> str:
        """Sign the session in and return the user name, or raise StaffAccessError."""
        if not self.enabled:
            raise StaffAccessError(DISABLED_NOTICE)
        keys = (f"ip:{client}", f"session:{session_id}")
        wait = self.throttle.wait_s(keys)
        if wait > 0:
            self.record(
                "(not checked)", "sign_in_refused", f"throttled {wait:.0f} s; from {client}"
            )
            raise StaffAccessError(f"Too many failed sign-ins. Try again in {wait:.0f} seconds.")
        # Both compared, always: no early exit that would tell which of the two was wrong.
        user_ok = _same(user.strip(), self.config.staff_user.strip())
        password_ok = _same(password, self.config.staff_password.get_secret_value())
        if not (user_ok and password_ok):
            self.throttle.failed(keys)
            # A wrong name is not logged: it is often the password typed in the wrong field.
            self.record(
                user.strip() if user_ok else "(unknown name)", "sign_in_failed", f"from {client}"
            )
            self.sleep(self.failure_delay_s)
            raise StaffAccessError("Wrong user name or password.")
        self.throttle.succeeded(keys)
        session.user = self.config.staff_user.strip()
        session.expires_at = self.clock() + self.config.staff_session_hours * 3600
        self.record(session.user, "sign_in", f"from {client}")
        return session.user

    def sign_out(self, session: StaffSession) -> None:
        if session.user:
            self.record(session.user, "sign_out")
        session.user = None

    def require(self, session: StaffSession | None) -> str:
        """The signed-in user, or StaffAccessError: called first by every staff action."""
        user = session.signed_in_user(self.clock()) if session else None
        if user is None:
            raise StaffAccessError("Staff only: sign in first (Staff tab).")
        return user

    def record(self, user: str, action: str, detail: str = "") -> None:
        """Who did what when, in the staff log next to the feedback log."""
        self.log.append({"time": now_iso(), "user": user, "action": action, "detail": detail})
