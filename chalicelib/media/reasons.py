"""Why a photo was rejected, in words a dealer understands: the stable
reason codes of `UnreadablePhoto` and what each tells the dealer to do."""

from collections.abc import Mapping

REJECT_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "not_an_image": {
        "ru": "Файл не является изображением. Загрузите фото в JPEG, PNG или WebP.",
        "en": "The file is not an image. Upload a JPEG, PNG or WebP photo.",
    },
    "heic_not_supported": {
        "ru": "Фото в формате HEIC не принимаются. Сохраните его как JPEG "
              "(Настройки → Камера → Форматы → Наиболее совместимый).",
        "en": "HEIC photos are not accepted. Save it as JPEG "
              "(Settings → Camera → Formats → Most Compatible).",
    },
    "unsupported_format": {
        "ru": "Этот формат изображения не принимается. Загрузите JPEG, PNG или WebP.",
        "en": "This image format is not accepted. Upload a JPEG, PNG or WebP.",
    },
    "truncated": {
        "ru": "Файл загружен не полностью. Загрузите фото ещё раз.",
        "en": "The file did not arrive whole. Upload the photo again.",
    },
    "corrupt": {
        "ru": "Файл повреждён и не открывается. Загрузите другой снимок.",
        "en": "The file is damaged and cannot be opened. Upload another picture.",
    },
    "too_many_pixels": {
        "ru": "Изображение слишком большое по числу пикселей (больше 50 Мп). "
              "Уменьшите его и загрузите снова.",
        "en": "The image has too many pixels (over 50 MP). Scale it down and "
              "upload it again.",
    },
    "too_large": {
        "ru": "Файл больше допустимого размера. Уменьшите его и загрузите снова.",
        "en": "The file is larger than allowed. Make it smaller and upload it again.",
    },
}

UNKNOWN = {
    "ru": "Фото не принято. Загрузите другой снимок.",
    "en": "The photo was not accepted. Upload another picture.",
}


def reject_message(reason: str | None, language: str) -> str | None:
    if reason is None:
        return None
    texts = REJECT_MESSAGES.get(reason, UNKNOWN)
    return texts.get(language, texts["ru"])
