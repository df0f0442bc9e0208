"""docs/rpc.md against the code, so that the catalogue cannot drift: every ``@rpc`` method of every
service (its arguments in order, and whether it is once-only) and every domain event dispatched or
listened to is in it, and nothing else."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

from nameko.events import EventHandler
from nameko.rpc import Rpc

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "docs" / "rpc.md"
SERVICE_MODULES = (
    "services.accounts.service",
    "services.events.service",
    "services.playstate.service",
    "services.realtime.service",
    "gateway.service",
)
#: calls whose string arguments name a domain event, and code that dispatches (by package)
DISPATCHERS = {"dispatch", "announce", "playback_event"}
EVENT_NAME = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
ROW = re.compile(r"^\| `(?P<name>[a-z_]+)` \|(?P<cells>.*)\|$")


def catalogue() -> tuple[dict, dict]:
    """(service → method → (arguments, once-only or None)), (event → source)."""
    methods: dict[str, dict[str, tuple[list[str], bool | None]]] = {}
    events: dict[str, str] = {}
    section = None
    for line in CATALOGUE.read_text("utf-8").splitlines():
        heading = re.match(r"^#{2,3} (\S+)", line)
        if heading:
            section = heading.group(1)
            continue
        row = ROW.match(line)
        if row is None or section is None:
            continue
        cells = [cell.strip() for cell in row["cells"].split("|")]
        if section == "Domain":
            events[row["name"]] = cells[0]
        else:
            arguments = re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", cells[0]))
            once = {"yes": True, "no": False}.get(cells[2].split()[0] if cells[2] else "")
            methods.setdefault(section, {})[row["name"]] = (arguments, once)
    return methods, events


def service_classes() -> list[Any]:
    classes = []
    for module_name in SERVICE_MODULES:
        module = importlib.import_module(module_name)
        classes += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module_name and isinstance(getattr(cls, "name", None), str)
        ]
    return classes


def entrypoints(cls: Any) -> list[tuple[str, Any, Any]]:
    return [
        (attr, getattr(cls, attr), entrypoint)
        for attr in dir(cls)
        for entrypoint in getattr(getattr(cls, attr, None), "nameko_entrypoints", ())
    ]


def once_only(method: Any) -> bool:
    finish = inspect.getclosurevars(method).nonlocals["finish"]
    return bool(finish.__name__ == "_finish_once")


def coded_methods() -> dict[str, dict[str, tuple[list[str], bool]]]:
    found: dict[str, dict[str, tuple[list[str], bool]]] = {}
    for cls in service_classes():
        for attr, method, entrypoint in entrypoints(cls):
            if isinstance(entrypoint, Rpc):
                parameters = list(inspect.signature(inspect.unwrap(method)).parameters)[1:]
                found.setdefault(cls.name, {})[attr] = (parameters, once_only(method))
    return found


def listened() -> set[tuple[str, str]]:
    return {
        (entrypoint.source_service, entrypoint.event_type)
        for cls in service_classes()
        for _, _, entrypoint in entrypoints(cls)
        if isinstance(entrypoint, EventHandler)
    }


def source_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "services" else parts[0]


def dispatched() -> set[tuple[str, str]]:
    """(source, event) for every event name the code hands to a dispatcher, or returns as an
    ``(name, {payload})`` announcement."""
    found = set()
    for path in [*ROOT.glob("services/*/*.py"), *ROOT.glob("gateway/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in DISPATCHERS:
                    names = node.args[:2]
            elif (
                isinstance(node, ast.Return)
                and isinstance(node.value, ast.Tuple)
                and len(node.value.elts) == 2
                and isinstance(node.value.elts[1], ast.Dict)
            ):
                names = node.value.elts[:1]
            found |= {
                (source_of(path), name.value)
                for name in names
                if isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and EVENT_NAME.match(name.value)
            }
    return found


def test_every_rpc_method_is_catalogued_with_its_arguments_and_once_only():
    documented, _ = catalogue()
    for service, methods in coded_methods().items():
        assert service in documented, f"docs/rpc.md has no section for the {service} service"
        for name, (arguments, once) in methods.items():
            assert name in documented[service], f"docs/rpc.md lacks {service}.{name}"
            doc_arguments, doc_once = documented[service][name]
            assert doc_arguments == arguments, f"{service}.{name}: arguments {arguments}"
            if doc_once is not None:
                assert doc_once == once, f"{service}.{name}: once-only is {once}"


def test_every_catalogued_method_exists():
    coded = coded_methods()
    missing = [
        f"{service}.{name}"
        for service, methods in catalogue()[0].items()
        for name in methods
        if name not in coded.get(service, {})
    ]
    assert not missing, f"docs/rpc.md names methods the code does not have: {missing}"


def test_every_domain_event_is_catalogued_and_nothing_else():
    _, documented = catalogue()
    for source, event in dispatched() | listened():
        assert event in documented, f"docs/rpc.md lacks the domain event {source}.{event}"
        assert documented[event] == source, f"{event} is dispatched by {source}"
    code = {event for _, event in dispatched() | listened()}
    stale = [event for event in documented if event not in code]
    assert not stale, f"docs/rpc.md names events the code does not have: {stale}"
