"""Builders of Calltouch journal rows, as Calltouch's public API returns them."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")


def call(call_id: int, when: str, *, target: bool = True, caller: str =
         "+7 916 123-45-67", tracked: str = "74951112233", utm: tuple[str, str, str] =
         ("yandex", "cpc", "winter-sale"), zone: ZoneInfo = MOSCOW) -> dict[str, Any]:
    local = datetime.fromisoformat(when).replace(tzinfo=zone)
    return {
        "callId": call_id, "date": local.strftime("%d/%m/%Y %H:%M:%S"),
        "timestamp": int(local.timestamp()), "callerNumber": caller,
        "phoneNumber": tracked, "duration": 95, "waitingConnect": 4,
        "successful": True, "uniqueCall": target, "targetCall": target,
        "uniqTargetCall": target, "callbackCall": False, "source": "yandex",
        "medium": "cpc", "utmSource": utm[0], "utmMedium": utm[1],
        "utmCampaign": utm[2], "city": "Москва", "device": "mobile",
    }


def request(request_id: int, when: str, *, target: bool = True,
            utm: tuple[str, str, str] = ("vk", "social", "test-drive"),
            zone: ZoneInfo = MOSCOW) -> dict[str, Any]:
    local = datetime.fromisoformat(when).replace(tzinfo=zone)
    return {
        "requestId": request_id, "requestNumber": f"R-{request_id}",
        "date": int(local.timestamp() * 1000),
        "dateStr": local.strftime("%m/%d/%Y %H:%M:%S"),
        "subject": "Запись на тест-драйв", "requestType": "form",
        "status": "new", "uniqueRequest": target, "targetRequest": target,
        "uniqTargetRequest": target,
        "client": {"fio": "Иван Петров", "phones": [{"phoneNumber": "79035550011"}],
                   "emails": [{"email": "ivan@example.com"}]},
        "session": {"source": "vk", "medium": "social", "utmSource": utm[0],
                    "utmMedium": utm[1], "utmCampaign": utm[2]},
    }
