"""The pure rules of key account management: score, tier, review cadence.

Nothing here touches the database or the web layer; every function takes plain values and the
rules configuration and returns a result that carries its reasons.
"""
