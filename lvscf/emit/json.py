"""``lvscf convert --to json``: the typed model as JSON, and its JSON Schema.

Field names are lvs.cf's own keys; values are the effective ones (Piranha's
defaults filled in, numbers as Piranha reads them).  ``virtual`` blocks are the
list ``virtuals``, ``failover`` blocks ``failovers``, ``server`` blocks
``servers``; a block's name is ``name``.  Both the document and its schema are
derived from the attrs classes and the keyword table, so they cannot disagree.
"""

from __future__ import annotations

import enum
import json
import typing
from ipaddress import IPv4Address

import attrs

from ..keywords import lookup
from ..model.config import Config, DeviceAddress, Failover, HostName, Server, Virtual

__all__ = ["SCHEMA_VERSION", "to_data", "to_json", "config_schema", "SCHEMA_ID"]

SCHEMA_VERSION = 1
SCHEMA_ID = "urn:lvscf:schema:config:1"
_SKIP = ("origin",)


def _value(value):
    if isinstance(value, bool) or value is None or isinstance(value, int) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, (IPv4Address, HostName)):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, DeviceAddress):
        return {"ip": str(value.ip), "device": value.device}
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    if attrs.has(type(value)):
        return _object(value)
    raise TypeError(f"no JSON form for {value!r}")  # pragma: no cover


def _object(obj) -> dict:
    return {f.name: _value(getattr(obj, f.name)) for f in attrs.fields(type(obj)) if f.name not in _SKIP}


def to_data(config: Config) -> dict:
    return {"schema_version": SCHEMA_VERSION, **_object(config)}


def to_json(config: Config) -> str:
    return json.dumps(to_data(config), indent=2, ensure_ascii=False) + "\n"


# -- schema ---------------------------------------------------------------------

_ADDRESS = {"type": "string", "description": "a dotted IPv4 address as Piranha reads it (inet_aton)"}
_HOST = {"type": "string", "description": "a dotted IPv4 address, or a host name that Piranha resolves at start-up"}


def _type_schema(tp, field_name: str) -> dict:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        non_none = [a for a in args if a is not type(None)]
        if set(non_none) == {IPv4Address, HostName}:
            schema = dict(_HOST)
        elif len(non_none) == 1:
            schema = _type_schema(non_none[0], field_name)
        else:  # pragma: no cover
            raise TypeError(tp)
        if type(None) in args:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], field_name)}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
    if tp is str:
        return {"type": "string"}
    if tp is IPv4Address:
        return dict(_ADDRESS)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is DeviceAddress:
        return {"type": "object", "additionalProperties": False, "required": ["ip", "device"],
                "properties": {"ip": dict(_HOST), "device": {"type": "string", "description": "network device"}}}
    if tp in (Server, Virtual, Failover):
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no schema for {tp!r}")  # pragma: no cover


def _class_schema(cls: type, description: str) -> dict:
    hints = typing.get_type_hints(cls)
    properties = {}
    for f in attrs.fields(cls):
        if f.name in _SKIP:
            continue
        schema = _type_schema(hints[f.name], f.name)
        keyword = lookup(f.name)
        if f.name == "name":
            schema["description"] = "the block's name"
        elif keyword is not None:
            default = "" if f.default is attrs.NOTHING else f" (default: {_value(f.default)})"
            schema["description"] = keyword.meaning + default
        properties[f.name] = schema
    return {"type": "object", "description": description, "additionalProperties": False,
            "required": list(properties), "properties": properties}


def config_schema() -> dict:
    """The JSON Schema (draft 2020-12) of :func:`to_data`'s output."""
    top = _class_schema(Config, "a Piranha lvs.cf, with effective values")
    top["properties"] = {"schema_version": {"const": SCHEMA_VERSION}, **top["properties"]}
    top["required"] = ["schema_version", *top["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "lvscf configuration model, version 1",
        **top,
        "$defs": {
            "Virtual": _class_schema(Virtual, "a `virtual NAME { ... }` block"),
            "Failover": _class_schema(Failover, "a `failover NAME { ... }` block"),
            "Server": _class_schema(Server, "a `server NAME { ... }` block"),
        },
    }



