"""The Swedish catalogue covers every text of the portal: Swedish is what users see."""

from babel.messages.pofile import read_po
from django.conf import settings


def _untranslated(catalogue) -> list[str]:
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else message.string
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def test_it_translates_every_message_into_swedish():
    with open(settings.LOCALE_PATHS[0] / "sv" / "LC_MESSAGES" / "django.po", "rb") as po:
        catalogue = read_po(po)
    assert len(catalogue) > 500
    assert _untranslated(catalogue) == []
