"""Sentence checks against the source, the label banner, and the publish/repair/hold policy."""

from retold.verify.checker import Checker, check_article, check_text, split_article
from retold.verify.label import SEED_LABEL, label_for
from retold.verify.policy import Decision, decide, repair_by_dropping

__all__ = [
    "SEED_LABEL",
    "Checker",
    "Decision",
    "check_article",
    "check_text",
    "decide",
    "label_for",
    "repair_by_dropping",
    "split_article",
]
