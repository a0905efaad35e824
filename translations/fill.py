"""Fill English msgstrs from a JSON object {msgid: translation}.

Usage: .venv/bin/python translations/fill.py PART pairs.json
Prints the msgids still untranslated in translations/PART/en/LC_MESSAGES/messages.po.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(part: str, pairs_file: str) -> None:
    pairs = json.loads(Path(pairs_file).read_text())
    path = Path(__file__).parent / part / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.id in pairs:
            message.string = pairs[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=76)
    print("untranslated:", [m.id for m in catalog if m.id and not m.string])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
