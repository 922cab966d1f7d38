"""The Slack app around the answering core. Only `jobbot serve` (and `jobbot digest
--post`, for its Block Kit and Web API client) import this package, so `jobbot ask` and
`jobbot chat` never load slack_bolt."""
