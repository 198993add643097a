from retold.verify.numbers import extract, matches, same_value


def values(text: str) -> list[tuple[float, str]]:
    return [(q.value, q.unit) for q in extract(text)]


def test_words_and_digits_agree() -> None:
    assert values("eighteen months") == values("18 months") == [(18.0, "month")]
    assert values("twenty-five people") == [(25.0, "person")]
    assert values("one hundred and twenty cars") == [(120.0, "car")]


def test_scales_and_thousands() -> None:
    assert values("4.2 million crowns") == values("4,200,000 crowns") == [(4_200_000.0, "crown")]
    assert values("£5m") == [(5_000_000.0, "pound")]
    assert values("$4.2bn") == [(4.2e9, "dollar")]


def test_percent_and_fractions() -> None:
    third, pct = extract("a third")[0], extract("33%")[0]
    assert same_value(third, pct)
    assert values("12 per cent") == values("12%") == [(12.0, "%")]
    assert extract("two-thirds of voters")[0].value == 2 / 3


def test_units_must_agree() -> None:
    months, years = extract("18 months")[0], extract("18 years")[0]
    assert not matches(months, years)
    counted = extract("18 hangers")[0]
    assert matches(counted, extract("18 of the hangers")[0])


def test_dates() -> None:
    found = extract("on Monday 23 November 2026")
    assert [(q.kind, q.value) for q in found] == [
        ("weekday", 0.0),
        ("number", 23.0),
        ("month", 11.0),
        ("number", 2026.0),
    ]
    assert extract("one of the oldest bridges") == []
    assert extract("She may come.") == []


def test_counted_noun_follows_directly() -> None:
    # a comma or a verb after the number is not what it counts
    assert values("Pat Ingles, 69, from Edinburgh") == [(69.0, "")]
    assert values("pat ingles , 69 , from edinburgh") == [(69.0, "")]
    assert values("the mother-of-six has made videos") == [(6.0, "")]
    assert values("62 hangers were replaced") == [(62.0, "hanger")]


def test_a_lone_one_counts_when_it_measures() -> None:
    assert values("the one-year anniversary") == [(1.0, "year")]
    assert not matches(extract("the one month anniversary")[0], extract("a one-year wait")[0])
    assert values("one of the men said") == []


def test_halves_of_a_measure() -> None:
    assert values("a year and a half") == values("one and a half years") == [(1.5, "year")]
    assert values("two and a half hours") == values("2 and a half hours") == [(2.5, "hour")]
    assert values("half a day") == [(0.5, "day")]
    assert values("a half of voters") == [(0.5, "fraction")]


def test_measures_that_convert() -> None:
    months = extract("eighteen months")[0]
    assert matches(months, extract("a year and a half")[0])
    assert matches(months, extract("1.5 years")[0])
    assert not matches(months, extract("two years")[0])
    assert not matches(months, extract("18 weeks")[0])
    assert matches(extract("40 kilometres")[0], extract("25 miles")[0])  # as copy rounds
    assert not matches(extract("40 kilometres")[0], extract("40 miles")[0])
    assert not matches(extract("3 tonnes")[0], extract("3 hours")[0])


def test_seasons_are_dates() -> None:
    spring, autumn = extract("work starts in the spring")[0], extract("in the autumn")[0]
    assert (spring.kind, autumn.kind) == ("season", "season")
    assert not matches(spring, autumn)
    assert extract("a summer camp") == [] and extract("prices fall") == []


def test_a_hedge_licenses_rounding_not_a_new_figure() -> None:
    def backed(claim: str, source: str) -> bool:
        return matches(extract(claim)[0], extract(source)[0])

    assert backed("more than 20,000 cars", "22,000 cars")
    assert backed("about 4m crowns", "4.2 million crowns")
    assert backed("under 5%", "4.3%")
    assert not backed("more than 20,000 cars", "35,000 cars")  # would be "more than 30,000"
    assert not backed("fewer than 20,000 cars", "22,000 cars")
    assert not backed("fewer than 6%", "fewer than 4%")  # not rounder: a new figure
    assert not backed("about 40 million crowns", "about 38 million crowns")  # rounded twice
    assert not backed("up to 50001 crowns", "4.9 crowns")
    assert not backed("22,000 cars", "more than 20,000 cars")  # only the claim's hedge counts


def test_money_scales_and_metres() -> None:
    assert values("4.2m crowns") == [(4_200_000.0, "crown")]
    assert values("a 400m race") == [(400.0, "m")]
