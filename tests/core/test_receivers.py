"""Signal receivers connect one way: each package's ``handlers.connect()`` calls
``core.receivers.connect_receivers`` from ``create_app``; importing connects nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from blinker import Signal

from config import BASE_DIR
from core import signals
from core.receivers import connect_receivers

HANDLER_MODULES = (
    "community.handlers", "community.adminduk.handlers", "community.reports.handlers",
    "marketplace.handlers", "marketplace.stalls.handlers", "mentoring.home",
    "mentoring.counseling.handlers", "mentoring.kur.handlers", "mentoring.training.handlers",
    "notifications.handlers", "payments.handlers",
)

_COUNT = """
import importlib, json, sys
from blinker import Signal
from core import signals
def counts():
    return {n: len(s.receivers) for n, s in vars(signals).items() if isinstance(s, Signal)}
modules = [importlib.import_module(name) for name in sys.argv[1:]]
imported = counts()
for module in modules:
    module.connect()
print(json.dumps({"imported": imported, "connected": counts(), "modules": len(modules)}))
"""


def test_importing_a_handlers_module_connects_nothing():
    result = subprocess.run(  # a fresh interpreter: nothing imported or connected before
        [sys.executable, "-c", _COUNT, *HANDLER_MODULES],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120, check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["modules"] == len(HANDLER_MODULES) == 11
    assert len(found["imported"]) >= 12  # every signal of core.signals was looked at
    assert found["imported"] == dict.fromkeys(found["imported"], 0)
    # ...and connect() does connect them: the stalls' and payments' receivers too
    connected = found["connected"]
    assert connected["invoice_status_changed"] == 1  # stalls: fees follow their invoices
    assert connected["business_next_stall"] == 1
    assert connected["collect_personal_data"] == 10  # payments and stalls among them
    assert connected["account_deleting"] == 9  # all but payments
    assert connected["role_granted"] == 1
    assert connected["seed_demo"] == 9


def test_the_app_connects_the_stalls_and_payments_receivers(app):
    from marketplace.stalls import handlers as stalls

    assert stalls._invoice_changed in signals.invoice_status_changed.receivers.values()
    sections = [receiver.__name__ for receiver in signals.collect_personal_data.receivers.values()]
    assert {"payments_export", "stalls_export", "kur_export", "forum_export"} <= set(sections)
    assert len(sections) == len(set(sections))  # one each, however many apps the tests built


def test_connect_receivers_is_idempotent_and_adapts_export_and_erase(app, make_user):
    calls = []

    def export(user):
        calls.append(("export", user.id))
        return {"rows": [1]} if user.name == "Yohana Tefa" else {}

    def erase(user):
        calls.append(("erase", user.id))

    try:
        before = len(signals.collect_personal_data.receivers)
        for _ in range(2):
            connect_receivers("kit_test", export=export, erase=erase)
        assert len(signals.collect_personal_data.receivers) == before + 1
        yohana, other = make_user(name="Yohana Tefa"), make_user(name="Maria Bria")
        results = dict(r for r in (result for _r, result in signals.collect_personal_data.send(yohana)) if r)
        assert results["kit_test"] == {"rows": [1]}
        assert not any(r and r[0] == "kit_test" for _r, r in signals.collect_personal_data.send(other))
        signals.account_deleting.send(yohana)
        assert ("erase", yohana.id) in calls
    finally:
        from core import receivers

        for (kind, section, _function), receiver in list(receivers._adapters.items()):
            if section == "kit_test":
                signal = signals.collect_personal_data if kind == "export" else signals.account_deleting
                signal.disconnect(receiver)
                del receivers._adapters[(kind, section, _function)]


def test_an_unknown_signal_name_stops_the_app():
    with pytest.raises(TypeError, match="no signal 'member_home_card'"):
        connect_receivers("typo", member_home_card=lambda user, **_kw: [])
    assert all(isinstance(getattr(signals, name), Signal) for name in ("role_granted", "seed_demo"))
