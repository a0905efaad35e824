"""One way for a package to connect its signal receivers.

Every package's ``handlers.connect()`` (called by ``core.register_handlers`` from
``create_app``; importing a handlers module connects nothing) is one call::

    connect_receivers(
        "kur", export=export_for, erase=erase_for, demo=demo.demo_data,
        service_links=services_offered, staff_workspace=staff_panel,
    )

- ``export(user)`` gives the package's part of the member's data export (UU PDP),
  filed under ``section``; an empty answer (``None``, ``{}``) leaves the section out.
- ``erase(user)`` erases or anonymises the package's rows when the account is
  deleted, inside the deletion transaction (flush only).
- ``demo(users)`` adds the package's demo data for ``flask seed-demo`` (flush only).
- Every other keyword names a signal of ``core.signals`` and gives its receiver,
  called as blinker calls it (``receiver(sender, **kwargs)``):
  ``role_granted=prepare_role``, ``member_home_cards=home_cards``.

Connecting twice (one ``create_app`` per test) is harmless: the same receiver is
connected once.
"""
from __future__ import annotations

from collections.abc import Callable

from blinker import Signal

from core import signals

_adapters: dict[tuple, Callable] = {}


def _adapted(kind: str, section: str, function: Callable) -> Callable:
    """The receiver that calls ``function`` with the user (or the demo users) only,
    made once per (kind, section, function) so connecting again changes nothing."""
    key = (kind, section, function)
    receiver = _adapters.get(key)
    if receiver is not None:
        return receiver
    if kind == "export":
        def receiver(user, **_kwargs):
            data = function(user)
            return (section, data) if data else None
    else:
        def receiver(sender, **_kwargs):
            function(sender)
    receiver.__qualname__ = receiver.__name__ = f"{section}_{kind}"
    _adapters[key] = receiver
    return receiver


def connect_receivers(section: str, *, export: Callable | None = None,
                      erase: Callable | None = None, demo: Callable | None = None,
                      **receivers: Callable) -> None:
    """Connect one package's receivers (see the module's docstring). An unknown
    signal name is a mistake and stops the app from starting."""
    adapted = (("export", signals.collect_personal_data, export),
               ("erase", signals.account_deleting, erase),
               ("demo", signals.seed_demo, demo))
    for kind, signal, function in adapted:
        if function is not None:
            signal.connect(_adapted(kind, section, function), weak=False)
    for name, receiver in receivers.items():
        signal = getattr(signals, name, None)
        if not isinstance(signal, Signal):
            raise TypeError(f"core.signals has no signal {name!r} ({section})")
        signal.connect(receiver, weak=False)
