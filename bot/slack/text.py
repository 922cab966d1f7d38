"""Text in and out of Slack: Slack markup to plain text (for the engine), and plain text to
safe mrkdwn (for posts) that can ping nobody."""

from __future__ import annotations

import re

# <!channel>, <@U123|name>, <#C123|general>, <https://x|label>: Slack's markup for mentions
# and links in message text.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"!channel": "@channel", "!here": "@here", "!everyone": "@everyone"}
# "@channel" as plain words does not ping, but a word joiner after the @ makes sure no
# client or future setting (link_names) turns it into one.
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)


def _plain_token(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target in _SPECIAL:
        return _SPECIAL[target]
    if target.startswith("!"):  # <!subteam^S1|@team>, <!date^…|fallback>
        return label or ""
    if target.startswith(("@", "#")):
        return target[0] + (label.lstrip("@#") if label else target[1:])
    return label or target  # a link


def unescape(text: str) -> str:
    """Slack sends &, <, > in user text as entities; &amp; last so "&amp;lt;" stays "&lt;"."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain(text: str) -> str:
    """A message's text as the person typed it: mentions and links become their names."""
    return unescape(_MARKUP.sub(_plain_token, text or "")).strip()


def strip_mention(text: str, user_id: str | None) -> str:
    """The text without mentions of `user_id` (the bot: "<@UBOT> 질문" -> "질문")."""
    if not user_id:
        return text or ""
    return re.sub(rf"<@{re.escape(user_id)}(?:\|[^<>]*)?>", " ", text or "").strip()


def escape(text: str) -> str:
    """Plain text as mrkdwn that shows literally: no mention, link or broadcast survives."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@\u2060", text)


def fit(text: str, limit: int) -> str:
    """`text` escaped, cut (with "…") so that the escaped form is at most `limit` long,
    never inside an entity such as &amp;."""
    out = escape(text)
    if len(out) <= limit:
        return out
    # The longest prefix whose escaped form fits: escaping only grows with the prefix.
    low, high = 0, min(len(text), limit)
    while low < high:
        mid = (low + high + 1) // 2
        if len(escape(text[:mid])) <= limit - 1:
            low = mid
        else:
            high = mid - 1
    return escape(text[:low]) + "…"
