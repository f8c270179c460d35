"""Every reason a photo can be rejected for has words for the dealer."""

import re
from pathlib import Path

from chalicelib.media.reasons import REJECT_MESSAGES, UNKNOWN, reject_message

MEDIA = Path(__file__).parents[2] / "chalicelib" / "media"


def test_every_reason_the_pipeline_raises_has_a_message_in_each_language():
    source = "".join(path.read_text() for path in MEDIA.glob("*.py"))
    raised = set(re.findall(r'UnreadablePhoto\(\s*"([a-z_]+)"', source))
    raised |= set(re.findall(r'return "([a-z_]+)" if "truncated"', source))
    raised |= {"corrupt"}

    assert raised - set(REJECT_MESSAGES) == set()
    assert all(set(texts) == {"ru", "en"} for texts in REJECT_MESSAGES.values())


def test_an_unknown_reason_still_reads_as_a_sentence():
    assert reject_message("sensor_on_fire", "en") == UNKNOWN["en"]
    assert reject_message(None, "ru") is None
