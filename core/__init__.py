"""The bottom layer every other app stands on: provenance and submission bases, roles, the audit trail.

It imports no other app of the project; `moderation` and `nlp` build on it, `ideas` (and the field
posts and the forum) on those, the review panel and the pages on top. An app plugs a new kind of
submission into the shared mechanisms by registering it in its `AppConfig.ready()`.
"""
