import io
import json

from retold.verify.batch import check_jsonl
from retold.verify.checker import Checker

SOURCE = (
    "The Old Harbour Bridge will close on Monday 23 November for six weeks. "
    "Repairs will cost 4.2 million crowns, said city engineer Aurelia Voss."
)


def test_jsonl_in_order_with_bad_lines(checker: Checker) -> None:
    lines = [
        {
            "id": "a",
            "source": SOURCE,
            "text": "The Old Harbour Bridge will close for six weeks on Monday 23 November.",
        },
        {
            "id": "b",
            "source": SOURCE,
            "text": "The Old Harbour Bridge will close for eight weeks. "
            "Repairs will cost 4.2 million crowns, said Aurelia Voss.",
        },
        "not json",
        {"id": "d", "source": SOURCE, "text": ""},
    ]
    inp = io.StringIO("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    out, err = io.StringIO(), io.StringIO()
    status = check_jsonl(inp, out, err, checker=checker)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 1 and "Line 3" in err.getvalue()
    assert [r["id"] for r in rows] == ["a", "b", None, "d"]
    assert rows[0]["supported"] is True and rows[0]["score"] > rows[1]["score"]
    assert rows[1]["supported"] is False
    assert [s["verdict"] for s in rows[1]["sentences"]] == ["contradicted", "supported"]
    assert "six weeks" in rows[1]["sentences"][0]["reason"]
    assert rows[1]["score"] == min(s["score"] for s in rows[1]["sentences"])
    assert set(rows[0]["sentences"][0]) == {"text", "score", "verdict", "reason", "evidence"}
    assert rows[3]["supported"] is False and rows[3]["sentences"] == []
