"""Plain-text helpers shared by the writer and the checker (one home for each concept)."""
