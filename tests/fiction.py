"""One short news story written for Retold's tests: the paragraphs of a plain article page."""

from __future__ import annotations

POOL_STORY = [
    "Councillors in Brackley voted on Thursday to keep the town's swimming pool open for "
    "another five years, ending a long dispute over its repair bill.",
    "The pool needs a new roof and heating system, which engineers priced at £2.4 million.",
    "Campaigners had collected more than 3,000 signatures asking the council to save it.",
    "The council will borrow most of the money and repay it over twenty years.",
    "Swimming clubs said they were relieved and would plan next season's galas at once.",
    "The pool opened in 1974 and was last refurbished in 2003, when new changing rooms were "
    "built beside the main hall.",
    "About 1,200 people swim there in a typical week, according to the leisure trust that "
    "runs it for the council.",
    "Work on the roof will start in April, and the pool will close for about ten weeks while "
    "it is done.",
    "Swimmers will be able to use the school pool in nearby Evenley while the work goes on.",
    "The leisure trust said lessons for children would move there for the whole closure.",
    "Two councillors voted against the plan, saying the town could not afford the loan.",
    "They had proposed building a smaller pool on the edge of town instead.",
    "The council said a new pool would cost at least three times as much as the repairs.",
    "The new heating system will burn less gas, and the council expects lower bills.",
    "Solar panels may be added to the new roof later if a grant can be found.",
    "The campaign group said it would hold a celebration swim on the first day after reopening.",
]
