"""The input layer's pure core: JSON that can be stored, integers in ASCII digits within a column's range."""

from __future__ import annotations

import pytest

from app.inputs import INT32_MAX, MAX_JSON_DEPTH, InputError, is_id, loads_json, parse_id, parse_int


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"answer": "\\udfff"}', "answer"),
        ('{"answer": ["ok", "\\ud800x"]}', "answer[1]"),
        ('{"\\udfff": 1}', "key"),
        ('{"a": {"b": "\\udc00"}}', "a.b"),
        ('{"rating": 1e999}', "rating"),
        ('{"rating": -1e999}', "rating"),
    ],
)
def test_unstorable_json_is_refused_naming_the_field(body, field):
    with pytest.raises(InputError) as caught:
        loads_json(body)
    assert caught.value.field == field
    assert field in str(caught.value)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_constants_are_refused(constant):
    with pytest.raises(InputError, match="finite number"):
        loads_json(f'{{"rating": {constant}}}')


def test_nesting_is_limited_and_recursion_never_escapes():
    ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_json(ok) is not None
    too_deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(InputError, match="nested too deeply"):
        loads_json(too_deep)
    with pytest.raises(InputError, match="nested too deeply"):
        loads_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        loads_json('{"a":' * 100_000 + "1" + "}" * 100_000)


def test_valid_json_passes_unchanged_including_paired_surrogates():
    assert loads_json('{"answer": "\\ud83d\\ude00 caf\\u00e9", "seq": 3, "x": 1.5}') == {
        "answer": "😀 café",
        "seq": 3,
        "x": 1.5,
    }
    assert loads_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_malformed_json_stays_a_value_error():
    with pytest.raises(ValueError):
        loads_json("{")
    with pytest.raises(ValueError):
        loads_json(b"\xff\xfe")


@pytest.mark.parametrize("value", ["²", "٣", "1.5", "1e3", "0x10", "+1", "", " ", "-1", "٣٣", "１"])
def test_parse_int_refuses_anything_but_ascii_digits(value):
    if value.strip() == "":
        assert parse_int(value, "page", default=7) == 7
        return
    with pytest.raises(InputError) as caught:
        parse_int(value, "page")
    assert caught.value.field == "page"


def test_parse_int_range_checks_against_the_column():
    assert parse_int("2147483647", "id") == INT32_MAX
    assert parse_int(" 42 ", "id") == 42
    assert parse_int(None, "id", default=5) == 5
    for huge in ("2147483648", "99999999999999999999", "9" * 5000):
        with pytest.raises(InputError, match="id"):
            parse_int(huge, "id")
    with pytest.raises(InputError, match="between 1 and"):
        parse_int("0", "card", minimum=1)
    assert parse_int("-3", "offset", minimum=-10) == -3
    assert parse_int(12, "seq") == 12
    for wrong in (True, 1.0, [1], {"a": 1}):
        with pytest.raises(InputError):
            parse_int(wrong, "seq")


def test_is_id_is_the_quiet_form():
    assert is_id("12") and is_id(12)
    assert not any(is_id(v) for v in ("0", "²", "٣", "99999999999999999999", None, "", "1.0", True))


def test_parse_id_treats_ids_beyond_the_column_as_no_record():
    assert parse_id("17", "card") == 17
    assert parse_id("9" * 30, "card") == 0
    assert parse_id("0002147483648", "card") == 0
    assert parse_id("", "card") is None
    for odd in ("²", "٣", "-1", "1.0"):
        with pytest.raises(InputError, match="card"):
            parse_id(odd, "card")


def test_json_options_reach_the_parser():
    # Flask's JSON provider passes its callers' options (an object_hook, say) through to json.loads.
    assert loads_json('{"a": 1}', object_hook=lambda d: sorted(d)) == ["a"]
