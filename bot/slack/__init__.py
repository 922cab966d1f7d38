"""The Slack app around the answering core. Only `jobbot serve` imports this package, so
`jobbot ask` and `jobbot chat` never load slack_bolt."""
