"""The significance score, term by term, and the front page's shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retold.publish.coverage import OutletDoc, fingerprint, independent_groups, outlet_times
from retold.publish.ranking import DEMOTE, PIN, Signals, Weights, plan, rank

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WIRE = (
    "Frost destroyed nearly a third of the valley's apple blossom this spring, growers said. "
    "The cold snap in April hit orchards on the lower slopes hardest of all. "
    "Insurers expect claims to exceed four million crowns across the region this year."
)


def sig(slug: str, hours_ago: float, outlets: int = 1, **kw: object) -> Signals:
    when = NOW - timedelta(hours=hours_ago)
    return Signals(slug, when, tuple(when for _ in range(outlets)), 1.0, **kw)  # type: ignore[arg-type]


def test_more_independent_outlets_rank_higher() -> None:
    ranked = rank([sig("one", 0), sig("three", 0, outlets=3)], Weights())
    assert [r.slug for r in ranked] == ["three", "one"]
    assert ranked[0].outlets == 3 and ranked[0].rank == 1


def test_a_wire_copy_is_one_outlet_and_a_second_report_is_another() -> None:
    own = "A different newsroom sent its own reporter to the orchards on the lower slopes today."
    docs = [
        OutletDoc("metro wire", NOW - timedelta(hours=3), fingerprint(WIRE)),
        OutletDoc("harbour gazette", NOW - timedelta(hours=2), fingerprint(WIRE + " Extra.")),
        OutletDoc("valley ledger", NOW - timedelta(hours=1), fingerprint(own)),
    ]
    assert sorted(map(sorted, independent_groups(docs))) == [[0, 1], [2]]
    assert outlet_times(docs) == (NOW - timedelta(hours=3), NOW - timedelta(hours=1))


def test_recency_decays_by_the_half_life() -> None:
    ranked = {r.slug: r for r in rank([sig("new", 0), sig("day-old", 24)], Weights())}
    assert ranked["day-old"].decay == 0.5
    assert ranked["new"].score > ranked["day-old"].score


def test_growth_counts_outlets_that_joined_recently() -> None:
    fresh = Signals("fresh", NOW - timedelta(hours=30), (NOW - timedelta(hours=30), NOW), 1.0)
    stale = Signals(
        "stale",
        NOW - timedelta(hours=30),
        (NOW - timedelta(hours=30), NOW - timedelta(hours=29)),
        1.0,
    )
    ranked = {r.slug: r for r in rank([fresh, stale], Weights())}
    assert ranked["fresh"].recent_outlets == 1 and ranked["stale"].recent_outlets == 0
    assert ranked["fresh"].score > ranked["stale"].score


def test_checker_confidence_counts() -> None:
    sure = sig("sure", 1)
    unsure = Signals("unsure", sure.published, sure.outlet_times, 0.2)
    assert [r.slug for r in rank([unsure, sure], Weights())] == ["sure", "unsure"]
    # with its weight at 0 the two tie, and the tie is broken by slug
    tied = rank([unsure, sure], Weights(confidence=0))
    assert tied[0].score == tied[1].score


def test_an_editor_pins_and_demotes() -> None:
    signals = [sig("big", 0, outlets=5), sig("small", 40, placement=PIN)]
    assert rank(signals, Weights())[0].slug == "small"
    demoted = [sig("big", 0, outlets=5, placement=DEMOTE), sig("small", 1)]
    assert rank(demoted, Weights())[0].slug == "small"


def test_the_plan_shows_each_story_once_and_sections_follow_their_best_story() -> None:
    ranked = rank([sig(f"s{i}", i) for i in range(10)], Weights())
    topics = {f"s{i}": [("sport", "Sport")] if i % 2 else [("money", "Money")] for i in range(10)}
    shape = plan(ranked, topics, top=3, sections=5, per_section=2)
    assert shape.lead == "s0" and shape.top == ("s1", "s2", "s3")
    assert [(s.slug, s.slugs) for s in shape.sections] == [
        ("money", ("s4", "s6")),
        ("sport", ("s5", "s7")),
    ]


def test_the_ranking_is_the_same_whenever_it_is_computed() -> None:
    # "now" is the newest story, not the clock: a rebuild a week later orders the same way
    signals = [sig("a", 0), sig("b", 10, outlets=4), sig("c", 30, outlets=2)]
    later = [
        Signals(
            s.slug,
            s.published + timedelta(days=7),
            tuple(t + timedelta(days=7) for t in s.outlet_times),
            s.confidence,
        )
        for s in signals
    ]
    assert [r.slug for r in rank(signals, Weights())] == [r.slug for r in rank(later, Weights())]
    assert rank(signals, Weights())[0].reference == NOW
