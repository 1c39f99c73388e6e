"""The screening rules: the catalogue (data) and the durable-rules engine that applies it."""
