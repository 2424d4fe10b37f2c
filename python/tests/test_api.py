"""The Python API through the C API: results, errors as values, TypeError for wrong types."""

from __future__ import annotations

import json
import subprocess

import pytest

import veto

FORM = {
    "email": "anna@gmial.com",
    "country": "DE",
    "justification": "Meta must not train its AI on my posts.",
}


def test_version_is_the_librarys(cli: str) -> None:
    shown = subprocess.run([cli, "--version"], capture_output=True, check=True).stdout
    assert veto.__version__ in shown.decode()


def test_validate_gives_the_result_as_a_dict(validator: veto.Validator) -> None:
    result = validator.validate(FORM, locale="de")
    assert result["valid"] is True
    assert result["locale"] == "de"
    assert [f["name"] for f in validator.ruleset["fields"]] == list(result["fields"])
    email = result["fields"]["email"]
    assert email["warnings"][0]["code"] == "email.typo"
    assert email["warnings"][0]["message"] == "Meinten Sie anna@gmail.com?"


def test_validate_equals_validate_json_of_the_same_form(validator: veto.Validator) -> None:
    document = json.dumps(FORM)
    assert validator.validate(FORM, locale="fr") == json.loads(validator.validate_json(document, "fr"))


def test_validate_json_takes_str_and_bytes(validator: veto.Validator) -> None:
    text = json.dumps(FORM, ensure_ascii=False)
    assert validator.validate_json(text) == validator.validate_json(text.encode())
    assert validator.validate_json(text).startswith('{"valid":true,')


def test_validate_field_reads_the_other_members(validator: veto.Validator) -> None:
    phone = validator.validate_field("phone", "030 123456", {"country": "DE"})
    assert phone["valid"] is True and phone["value"] == "+4930123456"
    alone = validator.validate_field("phone", "030 123456")
    assert alone["valid"] is False
    with pytest.raises(KeyError):
        validator.validate_field("nope", "x")


def test_countries_and_message_locale(validator: veto.Validator) -> None:
    names = {c["code"]: c["name"] for c in validator.countries("de")}
    assert names["DE"] == "Deutschland"
    assert any(c["eligible"] for c in validator.countries())
    assert validator.message_locale("de-AT") == "de"
    assert validator.message_locale("xx") == "en"
    veto.warm_up()


def test_format_integer(validator: veto.Validator) -> None:
    assert validator.format_integer(5000, "de-AT") == "5.000"
    assert validator.format_integer(5000, "hu") == "5\u00a0000"
    assert validator.format_integer(5000, "es") == "5000"
    assert validator.format_integer(-(2**63), "en") == "-9,223,372,036,854,775,808"
    for bad in (1.5, "5", True, 2**63):
        with pytest.raises(ValueError):
            validator.format_integer(bad)  # type: ignore[arg-type]


def test_a_ruleset_as_text_bytes_or_dict(validator: veto.Validator) -> None:
    rules = validator.ruleset
    rules["fields"] = [f for f in rules["fields"] if f["name"] == "email"]
    for given in (rules, json.dumps(rules), json.dumps(rules).encode()):
        with veto.Validator(ruleset=given) as mine:
            assert list(mine.validate({"email": "a@example.de"})["fields"]) == ["email"]


def test_a_bad_ruleset_raises_with_the_loaders_message() -> None:
    with pytest.raises(veto.RulesetError, match="id"):
        veto.Validator(ruleset="{}")
    with pytest.raises(veto.RulesetError):
        veto.Validator(ruleset=b"\xff")
    with pytest.raises(veto.RulesetError, match=r"fields\[0\]"):
        veto.Validator(ruleset={"id": "x", "version": 1, "fields": [{"name": "e", "kind": "?"}]})


def test_message_templates_replace_messages_and_bad_ones_raise() -> None:
    form = {"email": "anna@gmial.com"}
    for given in ({"email.typo": {"de": "Vielleicht {suggestion}?"}},
                  '{"email.typo":{"de":"Vielleicht {suggestion}?"}}'):
        with veto.Validator(messages=given) as mine:
            warning = mine.validate(form, locale="de")["fields"]["email"]["warnings"][0]
            assert warning["message"] == "Vielleicht anna@gmail.com?"
            english = mine.validate(form)["fields"]["email"]["warnings"][0]["message"]
            assert english == "Did you mean anna@gmail.com?"
    only_email = {"id": "m", "version": 1, "fields": [{"name": "email", "kind": "email"}]}
    with veto.Validator(ruleset=only_email, messages={"required": {"en": "Fill it in."}}) as mine:
        assert mine.validate({})["fields"]["email"]["errors"][0]["message"] == "Fill it in."
    with pytest.raises(veto.MessagesError, match=r'messages\["email.typo"\]\["de"\]: byte 11: '
                                                 r"unknown placeholder \{x\}"):
        veto.Validator(messages={"email.typo": {"de": "Vielleicht {x}?"}})
    with pytest.raises(veto.MessagesError, match="not a code"):
        veto.Validator(messages={"email.tpyo": {"de": "x"}})
    with pytest.raises(veto.RulesetError):
        veto.Validator(ruleset="{}", messages={})


def codes(result: dict) -> list:
    found = [e["code"] for e in result["form"]["errors"]]
    for field in result["fields"].values():
        found += [e["code"] for e in field["errors"]]
    return found


def test_bad_input_is_a_result_never_an_exception(validator: veto.Validator) -> None:
    # Bytes that are not UTF-8, in a document or in a member.
    assert codes(json.loads(validator.validate_json(b'{"email":"a\xffb"}'))) == ["form.encoding"]
    assert "encoding" in codes(validator.validate({"email": b"anna@\xc3("}))
    # Lone surrogates in a str, in a document, a value or a name.
    assert codes(json.loads(validator.validate_json('{"email":"a\ud800b"}'))) == ["form.encoding"]
    assert "encoding" in codes(validator.validate({"email": "an\udc00na@example.de"}))
    assert validator.validate({"\ud800": "x"})["valid"] is False
    assert validator.validate_field("email", "a\ud83db@x.de")["errors"][0]["code"] == "encoding"
    # Forms that are no dict: the document they encode to.
    for form in ([], [FORM], "x", 3, None, True, 1.5):
        assert codes(validator.validate(form)) == ["form.not_object"]  # type: ignore[arg-type]
    # Values of the wrong JSON type (null is an absent value).
    result = validator.validate({"email": 3, "country": None, "phone": [1], "details": {"a": 1},
                                 "justification": False})
    assert {f: r["errors"][0]["code"] for f, r in result["fields"].items()} == {
        "email": "type", "country": "required", "phone": "type", "details": "type",
        "justification": "type"}
    # Broken JSON, empty documents, a locale nobody speaks.
    assert codes(json.loads(validator.validate_json("{"))) == ["form.json"]
    assert codes(json.loads(validator.validate_json(b""))) == ["form.json"]
    assert json.loads(validator.validate_json("{}", locale="\udfff"))["locale"] == "en"


def test_wrong_argument_types_raise_type_error(validator: veto.Validator) -> None:
    wrong = [
        lambda: validator.validate({1: "x"}),  # type: ignore[dict-item]
        lambda: validator.validate({"email": object()}),
        lambda: validator.validate({"email": {1, 2}}),
        lambda: validator.validate({1, 2}),  # type: ignore[arg-type]
        lambda: validator.validate(FORM, locale=None),  # type: ignore[arg-type]
        lambda: validator.validate_json(3),  # type: ignore[arg-type]
        lambda: validator.validate_json(None),  # type: ignore[arg-type]
        lambda: validator.validate_field(3, "x"),  # type: ignore[arg-type]
        lambda: validator.validate_field("email", "x", ["country"]),  # type: ignore[arg-type]
        lambda: validator.countries(b"de"),  # type: ignore[arg-type]
        lambda: veto.Validator(ruleset=3),  # type: ignore[arg-type]
    ]
    for call in wrong:
        with pytest.raises(TypeError):
            call()


def test_a_closed_validator_says_so() -> None:
    mine = veto.Validator()
    mine.close()
    mine.close()
    with pytest.raises(ValueError, match="closed"):
        mine.validate(FORM)
