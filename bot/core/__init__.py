"""The pure core: knowledge loading and validation, query understanding, answering, digests.

Nothing here imports Slack; everything takes and returns plain values.
"""
