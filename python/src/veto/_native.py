"""ctypes declarations of libveto's C API (include/veto/veto_c.h), and where the library is.

The library is found by the ``VETO_LIBRARY`` environment variable (a path to
libveto.so.0) when it is set, else by its soname, libveto.so.0, through the dynamic loader
(LD_LIBRARY_PATH, then the system's library directories, e.g. /usr/local/lib after
``cmake --install`` and ``ldconfig``).

ctypes releases the GIL around every foreign call, so validations in several threads run
in parallel; libveto's validators are immutable and safe to share between threads.
"""

from __future__ import annotations

import ctypes
import os

SONAME = "libveto.so.0"

# veto_status (veto_c.h)
OK = 0
ERROR_ARGUMENT = 1
ERROR_RULESET = 2
ERROR_NO_FIELD = 3
ERROR_MEMORY = 4
ERROR_INTERNAL = 5
ERROR_MESSAGES = 6

# veto_kind (veto_c.h)
KIND_STRING = 0
KIND_NULL = 1
KIND_NUMBER = 2
KIND_BOOLEAN = 3
KIND_ARRAY = 4
KIND_OBJECT = 5


class VetoString(ctypes.Structure):
    """veto_string: bytes veto allocated, freed with veto_free."""

    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]


class VetoMember(ctypes.Structure):
    """veto_member: one member of a form, handed over without JSON."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("name_length", ctypes.c_size_t),
        ("text", ctypes.c_char_p),
        ("text_length", ctypes.c_size_t),
        ("kind", ctypes.c_int),
    ]


def _load() -> ctypes.CDLL:
    path = os.environ.get("VETO_LIBRARY")
    try:
        return ctypes.CDLL(path or SONAME)
    except OSError as error:
        where = f"VETO_LIBRARY={path}" if path else f"{SONAME} on the loader's path"
        raise ImportError(
            f"veto: cannot load libveto ({where}): {error}. Build and install the native "
            "library (README.md, 'Python'), or set VETO_LIBRARY to libveto.so.0."
        ) from error


lib = _load()

_size = ctypes.c_size_t
_text = ctypes.c_char_p
_status = ctypes.c_int
_handle = ctypes.c_void_p
_out = ctypes.POINTER(VetoString)
_members = ctypes.POINTER(VetoMember)

_signatures = {
    "veto_version": (ctypes.c_char_p, []),
    "veto_status_name": (ctypes.c_char_p, [_status]),
    "veto_free": (None, [ctypes.c_void_p]),
    "veto_create_default": (_status, [ctypes.POINTER(_handle)]),
    "veto_create": (_status, [_text, _size, ctypes.POINTER(_handle), _out]),
    "veto_create_with_messages": (_status, [_text, _size, _text, _size, ctypes.POINTER(_handle), _out]),
    "veto_destroy": (None, [_handle]),
    "veto_validate_json": (_status, [_handle, _text, _size, _text, _size, _out]),
    "veto_validate_members": (_status, [_handle, _members, _size, _text, _size, _out]),
    "veto_validate_field": (_status, [_handle, _text, _size, _members, _size, _text, _size, _out]),
    "veto_countries": (_status, [_handle, _text, _size, _out]),
    "veto_message_locale": (_status, [_handle, _text, _size, _out]),
    "veto_format_integer": (_status, [_handle, ctypes.c_int64, _text, _size, _out]),
    "veto_ruleset_json": (_status, [_handle, _out]),
    "veto_warm_up": (_status, []),
}
for _name, (_restype, _argtypes) in _signatures.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes


def take(out: VetoString) -> bytes:
    """The bytes of a string veto gave; frees it."""
    try:
        return ctypes.string_at(out.data, out.length)
    finally:
        lib.veto_free(out.data)


def status_name(status: int) -> str:
    return lib.veto_status_name(status).decode("ascii")
