"""veto: validates GDPR Art. 21 objection forms (email, country, phone, free text).

A binding of libveto's C API (include/veto/veto_c.h) with ctypes; the results are those of
the C++ core, byte for byte the CLI's and the WebAssembly module's::

    import veto

    validator = veto.Validator()                 # or Validator(ruleset=json_text_or_dict)
    # Validator(messages={"email.typo": {"de": "Vielleicht {suggestion}?"}}) replaces messages
    result = validator.validate({"email": "anna@gmial.com", "country": "DE"}, locale="de")
    result["valid"], result["fields"]["email"]["warnings"][0]["code"]   # False, "email.typo"

Bad input is never an exception: non-UTF-8 bytes, lone surrogates in a str, values of the
wrong JSON type and forms that are no object come back as the result's error codes
(``form.encoding``, a field's ``encoding`` or ``type``, ``form.not_object``). Exceptions
are for the caller's mistakes: ``TypeError`` for an argument of the wrong Python type
(below), ``KeyError`` for a field name the ruleset lacks, ``RulesetError`` for a ruleset
that does not load, ``MessagesError`` for a message template that is refused, ``ValueError`` for a closed validator, ``MemoryError``.

Validation releases the GIL (ctypes does around every call into libveto), and a Validator
is immutable: share one between threads.
"""

from __future__ import annotations

import ctypes
import json
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _native

__all__ = ["Validator", "RulesetError", "MessagesError", "warm_up", "__version__"]

__version__: str = _native.lib.veto_version().decode("ascii")

Form = Mapping[str, Any]
"""A form: member names to values (str, bytes, None, bool, int, float, list, tuple, Mapping)."""


class RulesetError(ValueError):
    """A ruleset that did not load; the message is the loader's, naming the bad place."""


class MessagesError(ValueError):
    """Message templates that were refused; the message names the code, locale and problem,
    e.g. 'messages["email.typo"]["de"]: byte 12: unknown placeholder {x}; ...'."""


def warm_up() -> None:
    """Does the phone check's one-time set-up now (a few ms) instead of on the first phone."""
    _check(_native.lib.veto_warm_up())


def _check(status: int) -> None:
    if status == _native.ERROR_MEMORY:
        raise MemoryError("veto: out of memory")
    if status != _native.OK:
        raise RuntimeError(f"veto: {_native.status_name(status)}")


def _text(value: object, what: str) -> bytes:
    """A str as UTF-8 (lone surrogates kept as their 3-byte form, which veto then reports
    as an encoding error instead of failing here), or bytes as they are."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"veto: {what} must be str or bytes, not {type(value).__name__}")


def _locale(locale: object) -> bytes:
    if not isinstance(locale, str):
        raise TypeError(f"veto: locale must be str, not {type(locale).__name__}")
    return locale.encode("utf-8", "surrogatepass")


def _member(value: object) -> Tuple[int, Optional[bytes]]:
    """A form value's veto_kind and, for strings, its bytes."""
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return _native.KIND_STRING, _text(value, "a form value")
    if value is None:
        return _native.KIND_NULL, None
    if isinstance(value, bool):  # before int: bool is an int
        return _native.KIND_BOOLEAN, None
    if isinstance(value, (int, float)):
        return _native.KIND_NUMBER, None
    if isinstance(value, (list, tuple)):
        return _native.KIND_ARRAY, None
    if isinstance(value, Mapping):
        return _native.KIND_OBJECT, None
    raise TypeError(
        "veto: a form value must be str, bytes, None, bool, int, float, list, tuple or a "
        f"mapping, not {type(value).__name__}"
    )


def _members(form: Form) -> "ctypes.Array[_native.VetoMember]":
    array = (_native.VetoMember * len(form))()
    for slot, (name, value) in zip(array, form.items()):
        if not isinstance(name, str):
            raise TypeError(f"veto: a form's keys must be str, not {type(name).__name__}")
        encoded = name.encode("utf-8", "surrogatepass")
        kind, text = _member(value)
        slot.name = encoded  # the array keeps the bytes alive for the call
        slot.name_length = len(encoded)
        slot.kind = kind
        if text is not None:
            slot.text = text
            slot.text_length = len(text)
    return array


def _json_document(value: object) -> str:
    """A form that is no mapping, as the JSON document it stands for (veto then reports
    form.not_object, or form.too_large, like the CLI would for that line)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as error:
        raise TypeError(f"veto: the form is neither a mapping nor JSON-encodable: {error}") from None


class Validator:
    """A validator for one ruleset: the default one, or ``ruleset`` (JSON text as str or
    bytes, or a mapping that json.dumps encodes). ``messages`` replaces messages with
    templates, {code: {locale: template}} as a mapping or JSON text (docs/contract.md §7.5).
    Raises RulesetError with the loader's message when the ruleset does not load, and
    MessagesError when a template is refused."""

    def __init__(self, ruleset: Union[str, bytes, Mapping[str, Any], None] = None,
                 messages: Union[str, bytes, Mapping[str, Any], None] = None) -> None:
        handle = ctypes.c_void_p()
        if ruleset is None and messages is None:
            _check(_native.lib.veto_create_default(ctypes.byref(handle)))
        else:
            if isinstance(ruleset, Mapping):
                ruleset = json.dumps(ruleset, ensure_ascii=False)
            if isinstance(messages, Mapping):
                messages = json.dumps(messages, ensure_ascii=False)
            text = None if ruleset is None else _text(ruleset, "ruleset")
            templates = None if messages is None else _text(messages, "messages")
            message = _native.VetoString()
            status = _native.lib.veto_create_with_messages(
                text, len(text or b""), templates, len(templates or b""), ctypes.byref(handle),
                ctypes.byref(message))
            if status == _native.ERROR_RULESET:
                raise RulesetError(_native.take(message).decode("utf-8", "replace"))
            if status == _native.ERROR_MESSAGES:
                raise MessagesError(_native.take(message).decode("utf-8", "replace"))
            _check(status)
        self._handle: Optional[int] = handle.value
        self._destroy = _native.lib.veto_destroy  # still reachable in __del__ at exit

    # -- validation -------------------------------------------------------------------------

    def validate(self, form: Form, locale: str = "en") -> Dict[str, Any]:
        """Validates a form (the result of docs/contract.md §4 as a dict). A form that is no mapping
        is validated as the JSON document it encodes to (form.not_object). TypeError for
        keys that are not str, values of other types than Form names, or a non-mapping
        that json.dumps cannot encode."""
        if not isinstance(form, Mapping):
            return json.loads(self.validate_json(_json_document(form), locale))
        members = _members(form)
        tag = _locale(locale)
        out = _native.VetoString()
        _check(_native.lib.veto_validate_members(self._live(), members, len(members), tag,
                                                 len(tag), ctypes.byref(out)))
        return json.loads(_native.take(out))

    def validate_json(self, document: Union[bytes, str], locale: str = "en") -> str:
        """Validates one JSON document (str, or bytes that need not be UTF-8); the result
        as compact JSON, byte for byte the CLI's line for the same input line (without
        its line end). TypeError unless `document` is str or bytes."""
        text = _text(document, "document")
        tag = _locale(locale)
        out = _native.VetoString()
        _check(_native.lib.veto_validate_json(self._live(), text, len(text), tag, len(tag),
                                              ctypes.byref(out)))
        return _native.take(out).decode("utf-8")

    def validate_field(self, name: str, value: Any, form: Optional[Form] = None,
                       locale: str = "en") -> Dict[str, Any]:
        """Validates the field `name` holding `value`, reading the rest of `form` where a
        rule needs it (the phone field reads the country); the field's result as a dict,
        for feedback while a person types. KeyError when the ruleset has no such field."""
        if not isinstance(name, str):
            raise TypeError(f"veto: a field name must be str, not {type(name).__name__}")
        if form is not None and not isinstance(form, Mapping):
            raise TypeError(f"veto: form must be a mapping, not {type(form).__name__}")
        members = _members({**(form or {}), name: value})
        encoded = name.encode("utf-8", "surrogatepass")
        tag = _locale(locale)
        out = _native.VetoString()
        status = _native.lib.veto_validate_field(self._live(), encoded, len(encoded), members,
                                                 len(members), tag, len(tag), ctypes.byref(out))
        if status == _native.ERROR_NO_FIELD:
            raise KeyError(name)
        _check(status)
        return json.loads(_native.take(out))

    # -- what a page needs ------------------------------------------------------------------

    def countries(self, locale: str = "en") -> List[Dict[str, Any]]:
        """Every assigned country for a dropdown: [{"code", "name", "eligible"}], named in
        `locale` and in the order people of that locale expect."""
        tag = _locale(locale)
        out = _native.VetoString()
        _check(_native.lib.veto_countries(self._live(), tag, len(tag), ctypes.byref(out)))
        return json.loads(_native.take(out))

    def message_locale(self, locale: str) -> str:
        """The locale whose messages a result for `locale` carries, e.g. "de" for "de-AT"."""
        tag = _locale(locale)
        out = _native.VetoString()
        _check(_native.lib.veto_message_locale(self._live(), tag, len(tag), ctypes.byref(out)))
        return _native.take(out).decode("utf-8")

    def format_integer(self, n: int, locale: str = "en") -> str:
        """`n` written as the messages of `locale` write numbers: "5.000" in de, "5000" in
        es. For a page's own numbers beside the messages, such as a character counter."""
        if isinstance(n, bool) or not isinstance(n, int) or not -(2**63) <= n < 2**63:
            raise ValueError(f"veto: format_integer needs a 64-bit integer, not {n!r}")
        tag = _locale(locale)
        out = _native.VetoString()
        _check(_native.lib.veto_format_integer(self._live(), n, tag, len(tag), ctypes.byref(out)))
        return _native.take(out).decode("utf-8")

    @property
    def ruleset_json(self) -> str:
        """The ruleset as loaded, every default filled in, as compact JSON."""
        out = _native.VetoString()
        _check(_native.lib.veto_ruleset_json(self._live(), ctypes.byref(out)))
        return _native.take(out).decode("utf-8")

    @property
    def ruleset(self) -> Dict[str, Any]:
        """The ruleset as loaded, every default filled in."""
        return json.loads(self.ruleset_json)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Frees the native validator now; not while another thread validates with it."""
        handle, self._handle = self._handle, None
        if handle:
            self._destroy(handle)

    def __enter__(self) -> "Validator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self.close()

    def _live(self) -> int:
        if not self._handle:
            raise ValueError("veto: the validator is closed")
        return self._handle
