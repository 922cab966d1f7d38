"""The Slack Web API client: base URL from SLACK_API_URL, and retries with backoff for rate
limits (429 + Retry-After, waited out for at most RETRY_AFTER_CAP seconds), server errors
(5xx) and connection errors or timeouts. Answers are not sent through these retries (they
would resend a post that timed out blindly): see delivery.py."""

from __future__ import annotations

import time
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

TIMEOUT = 10  # seconds per Web API request; a retry follows a timeout
MAX_RETRIES = 2
RETRY_AFTER_CAP = 10.0  # seconds: a longer Retry-After would hold a thread for nothing


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's handler sleeps whatever Retry-After says (20 s, 60 s); this one at most
    `cap` seconds. Retrying early costs one more 429, never a duplicate."""

    def __init__(self, max_retry_count: int = MAX_RETRIES, cap: float = RETRY_AFTER_CAP):
        super().__init__(max_retry_count=max_retry_count)
        self.cap = cap

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        if response is None:
            raise error
        value = next((v for k, v in response.headers.items() if k.lower() == "retry-after"),
                     None)
        try:
            wait = float(value[0] if isinstance(value, list) else value)
        except (TypeError, ValueError):
            wait = 1.0
        state.next_attempt_requested = True
        time.sleep(min(max(wait, 0.0), self.cap))
        state.increment_current_attempt()


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries 500 and 503 only; a proxy's 502 or 504 is as transient."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers(max_retries: int = MAX_RETRIES) -> list[RetryHandler]:
    return [
        CappedRateLimitRetryHandler(max_retry_count=max_retries),
        AnyServerErrorRetryHandler(max_retry_count=max_retries),
        # TimeoutError too: a read timeout is not a URLError.
        ConnectionErrorRetryHandler(max_retry_count=max_retries, error_types=[
            URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]),
    ]


def web_client(token: str, api_url: str = "", timeout: int = TIMEOUT) -> WebClient:
    """`api_url` is the Web API base (http://127.0.0.1:8888/api/ in tests); empty: Slack's."""
    kwargs = {"base_url": api_url if api_url.endswith("/") else api_url + "/"} if api_url \
        else {}
    return WebClient(token=token, timeout=timeout, retry_handlers=retry_handlers(), **kwargs)
