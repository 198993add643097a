"""Stop words: the words a comparison of meaning skips, one list and two named extensions.

:data:`STOPWORDS` is the English list. The checker's weights were fitted on it, so it keeps
what a fact check needs: negations ("not", "no"), directions ("above", "below") and small
counts ("one", "two") are content there. Comparing texts by *topic* (ranking sentences,
clustering documents) drops those too, and clustering also drops the calendar and filler
words every news story writes.
"""

from __future__ import annotations

from retold.text.words import wordset

# Function words, pronouns, reporting verbs ("said", "told", "according") and the
# contractions the tokeniser keeps whole ("it's", "they're").
STOPWORDS = wordset(
    """
    a an the and or but if then than so of in on at to for from by with as into onto
    over under about after before between during through up down out off again further
    once here there when where why how all any both each few more most other some such
    only own same too very can will just should would could may might must shall do does
    did doing done is are was were be been being am have has had having it its it's this
    that these those i me my we our you your he him his she her they them their what
    which who whom whose s t also said says say according told tell which while who's
    he's she's they're we're i'm you're there's that's up via per
    """
)

# Words that matter to a fact check but say nothing about a text's topic: negations,
# directions and reasons, reflexive and possessive pronouns, honorifics, "one" and "two".
NOT_TOPICAL = wordset(
    """
    no nor not above below against because until now much let one two us
    hers herself himself itself myself ours ourselves theirs themselves yours yourself
    yourselves aren't mr mrs ms dr
    """
)
TOPIC_STOPWORDS = STOPWORDS | NOT_TOPICAL

# Words every news story writes whatever it reports (dates, counts, "new", "first",
# hedges and light verbs): two reports sharing them are not about one event.
NEWS_FILLER = wordset(
    """
    almost although among either else even ever every however least less like made make
    many near need neither often perhaps put rather see seen since still though thus upon
    whether within without yet year years day days week weeks month months time new first
    last next three four five six seven eight nine ten
    """
)
CLUSTER_STOPWORDS = TOPIC_STOPWORDS | NEWS_FILLER
