"""`jobbot serve` as a real process: over HTTP (waitress) and Socket Mode (a local WebSocket
server playing Slack), against the fake Web API; and its start-up errors: a clear Korean
message and a non-zero exit, no traceback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from serve_kit import env as _env
from slack_testkit import (
    BOT_USER,
    CHANNEL,
    FakeSlackAPI,
    block_text,
    event_body,
    free_port,
    mention,
    signed_headers,
)

pytest_plugins = ("slack_testkit",)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Shared by this module's processes: the knowledge database is built once."""
    return tmp_path_factory.mktemp("data")


def _serve(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(proc: subprocess.Popen) -> str:
    """Terminate (SIGTERM) and return stderr; the process must end cleanly."""
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err, err
    return err


def _wait_listening(proc: subprocess.Popen, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited {proc.returncode}: {proc.communicate()[1]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("serve did not listen in time")


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# ---- HTTP ------------------------------------------------------------------------------

def test_serve_over_http_answers_a_signed_event_in_its_thread(slack_api, data_dir, tmp_path):
    port = free_port()
    proc = _serve(_env(data_dir, SLACK_API_URL=slack_api.api_url), tmp_path,
                  "--host", "127.0.0.1", "--port", str(port))
    try:
        _wait_listening(proc, port)
        url = f"http://127.0.0.1:{port}/slack/events"

        # Slack checks the Request URL with a signed challenge first.
        challenge = json.dumps({"type": "url_verification", "challenge": "c-123",
                                "token": "legacy"})
        status, answer = _post(url, challenge, signed_headers(challenge, "application/json"))
        assert status == 200 and json.loads(answer) == {"challenge": "c-123"}

        event = mention(f"<@{BOT_USER}> 공공근로 2021년 예산 얼마야?")
        body = event_body(event, "EvServe1")
        forged = signed_headers(body, "application/json", secret="f" * 32)
        assert _post(url, body, forged)[0] == 401
        assert _post(url, body, signed_headers(body, "application/json"))[0] == 200
        retry = {**signed_headers(body, "application/json"), "x-slack-retry-num": "1"}
        assert _post(url, body, retry)[0] == 200

        [post] = slack_api.wait_for("chat.postMessage")
        assert post.body["channel"] == CHANNEL and post.body["thread_ts"] == event["ts"]
        assert "2,225,633" in block_text(post.body["blocks"], "section")
        assert "출처:" in block_text(post.body["blocks"], "context")
        assert "2,225,633" in post.body["text"]
        assert _post(f"http://127.0.0.1:{port}/other", "{}", {})[0] == 404
    finally:
        err = _stop(proc)
    assert "/slack/events" in err  # it said where it listens
    assert len(slack_api.posts()) == 1  # the forged and the retried copies: no answer


# ---- Socket Mode -----------------------------------------------------------------------

class FakeSocketModeServer:
    """Slack's side of Socket Mode: says hello, sends envelopes, records the acks."""

    def __init__(self, envelopes: list[dict]):
        from websockets.sync.server import serve

        self.envelopes = envelopes
        self.acks: list[dict] = []
        self.paths: list[str] = []
        self._cond = threading.Condition()
        self._server = serve(self._session, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _session(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        self.paths.append(ws.request.path)
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0TEST"}}))
        for envelope in self.envelopes:
            ws.send(json.dumps(envelope, ensure_ascii=False))
        try:
            for message in ws:
                with self._cond:
                    self.acks.append(json.loads(message))
                    self._cond.notify_all()
        except ConnectionClosed:
            pass

    def wait_acks(self, count: int, timeout: float = 10.0) -> list[dict]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.acks) >= count, timeout):
                raise AssertionError(f"acks: {self.acks}")
            return list(self.acks)

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def socket_server(request) -> Iterator[FakeSocketModeServer]:
    server = FakeSocketModeServer(request.param)
    yield server
    server.close()


_EVENT = mention(f"<@{BOT_USER}> 일자리카페 몇 시까지 해")
_ENVELOPE = {"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
             "retry_attempt": 0, "retry_reason": "",
             "payload": json.loads(event_body(_EVENT, "EvSocket1"))}
_RETRY = {**_ENVELOPE, "envelope_id": "env-2", "retry_attempt": 1, "retry_reason": "timeout"}


@pytest.mark.parametrize("socket_server", [[_ENVELOPE, _RETRY]], indirect=True)
def test_serve_in_socket_mode_acks_and_answers_once(slack_api, socket_server, data_dir,
                                                    tmp_path):
    slack_api.socket_url = f"ws://127.0.0.1:{socket_server.port}/link/?ticket=t1"
    proc = _serve(_env(data_dir, SLACK_API_URL=slack_api.api_url, SLACK_APP_TOKEN="xapp-test",
                       SLACK_SIGNING_SECRET=""), tmp_path)
    try:
        acks = socket_server.wait_acks(2)
        [post] = slack_api.wait_for("chat.postMessage")
    finally:
        err = _stop(proc)

    assert sorted(a["envelope_id"] for a in acks) == ["env-1", "env-2"]
    [opened] = slack_api.calls_to("apps.connections.open")
    assert opened.headers["authorization"] == "Bearer xapp-test"
    assert socket_server.paths == ["/link/?ticket=t1"]
    assert post.body["thread_ts"] == _EVENT["ts"]
    assert "22:00" in block_text(post.body["blocks"])
    assert len(slack_api.posts()) == 1  # the retried envelope was not answered again
    assert "Socket Mode" in err


# ---- start-up errors -------------------------------------------------------------------

def test_serve_explains_bad_settings_without_a_traceback(data_dir, tmp_path):
    api = FakeSlackAPI()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    cases = [  # settings, exit code, what the message must say
        ({"SLACK_BOT_TOKEN": ""}, 2, "SLACK_BOT_TOKEN이(가) 설정되지 않았습니다"),
        ({"SLACK_BOT_TOKEN": "xoxp-123-456"}, 2, "SLACK_BOT_TOKEN 값의 형식이 잘못되었습니다"),
        ({"SLACK_BOT_TOKEN": "\"xoxb-1\""}, 2, "'xoxb-'로 시작하는 토큰이어야"),
        ({"SLACK_SIGNING_SECRET": ""}, 2, "SLACK_SIGNING_SECRET이(가) 설정되지 않았습니다"),
        ({"SLACK_SIGNING_SECRET": "xoxb-1"}, 2, "SLACK_SIGNING_SECRET 값의 형식이 잘못"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, 2, "SLACK_APP_TOKEN 값의 형식이 잘못되었습니다"),
        ({"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_API_URL": api.api_url}, 1,
         "Slack 인증에 실패했습니다 (invalid_auth)"),
        ({"SLACK_APP_TOKEN": "xapp-revoked", "SLACK_API_URL": api.api_url}, 1,
         "Socket Mode 연결에 실패했습니다 (invalid_auth)"),
        ({"SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/"}, 1,
         "Slack에 연결하지 못했습니다"),
        ({"SLACK_API_URL": api.api_url}, 1, "요청을 받을 수 없습니다"),
    ]
    port_args = ("--host", "127.0.0.1", "--port", str(busy.getsockname()[1]))
    try:
        # All at once: each start-up costs about a second.
        procs = [_serve(_env(data_dir, **settings), tmp_path, *port_args)
                 for settings, _, _ in cases]
        results = [p.communicate(timeout=30) for p in procs]
    finally:
        busy.close()
        api.close()
    for (settings, code, message), proc, (_, err) in zip(cases, procs, results, strict=True):
        assert proc.returncode == code, (settings, err)
        assert message in err, (settings, err)
        assert "Traceback" not in err, (settings, err)
    assert "xoxb-revoked" not in "".join(err for _, err in results)  # secrets not echoed


def test_ask_and_chat_never_load_slack(data_dir):
    code = ("import sys; from bot.cli import main; main(['ask', '공공근로 2021년 예산']); "
            "loaded = [m for m in sys.modules if m.split('.')[0] in "
            "('slack_bolt', 'slack_sdk', 'waitress') or m.startswith('bot.slack')]; "
            "print('LOADED', loaded)")
    out = subprocess.run([sys.executable, "-c", code], env=_env(data_dir), cwd=REPO,
                         capture_output=True, text=True, timeout=30).stdout
    assert "2,225,633" in out
    assert "LOADED []" in out
