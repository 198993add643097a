"""Function words by part of speech, English and a few other languages, kept as prose."""

from __future__ import annotations

import re

from retold.text.words import wordset

# Words that leave a headline or teaser hanging when they come last ("…to become",
# "…after announcing the", "…was"): prepositions, articles, conjunctions, auxiliaries,
# determiners and relative words. Lowercase; compare with ``word.lower()``.
PREPOSITIONS = wordset(
    """
    about above across after against along amid amidst among around as at before behind
    below beneath beside besides between beyond by despite down during except for from in
    inside into like near of off on onto out outside over past per since than through
    throughout till to toward towards under underneath unlike until up upon via with within
    without vs versus
    """
)
CONJUNCTIONS = wordset(
    """
    and or but nor so yet because although though while whereas if unless whether when
    whenever where wherever once that which who whom whose what how why
    """
)
AUXILIARIES = wordset(
    """
    is are was were be been being am will would shall should can could may might must has
    have had do does did isn't aren't wasn't weren't won't wouldn't can't couldn't don't
    doesn't didn't hasn't haven't hadn't not no
    """
)
DETERMINERS = wordset(
    """
    a an the this that these those its their his her our your my some any every each either
    neither another such both all much many more most few less least several
    """
)
FUNCTION_WORDS = PREPOSITIONS | CONJUNCTIONS | AUXILIARIES | DETERMINERS

# Function words of other languages written in Latin letters: a headline with one of them
# and no English function word is not built into an English phrase, only quoted.
FOREIGN_MARKERS = wordset(
    """
    de la le les el los las del des du et une un una uno und der die das den dem mit für
    von zu och för og på em ao aos após para com não sur avec dans pour est sind ist il lo
    gli nel della che con per
    """
)


def is_title_case(text: str) -> bool:
    """"How Machine Learning Is Shaping Ecommerce": every word capitalised, so capitals
    don't mark names there."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if w.lower() not in FUNCTION_WORDS]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)
