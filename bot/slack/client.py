"""The Slack Web API client: base URL from SLACK_API_URL, and retries with backoff for rate
limits (429 + Retry-After), server errors (5xx) and connection errors or timeouts."""

from __future__ import annotations

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


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries 500 and 503 only; a proxy's 502 or 504 is as transient."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers(max_retries: int = MAX_RETRIES) -> list[RetryHandler]:
    return [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
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
