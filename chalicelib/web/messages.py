"""Error messages by code, in Russian (the default) and English.

`code` is the stable contract; the message is for people and follows
Accept-Language. Placeholders name keys of the error's `details`.
"""

from collections.abc import Mapping
from typing import Any

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "invalid_request": {
        "ru": "Запрос не соответствует схеме.",
        "en": "The request does not match its schema.",
    },
    "malformed_json": {
        "ru": "Тело запроса не является корректным JSON.",
        "en": "The request body is not valid JSON.",
    },
    "invalid_cursor": {
        "ru": "Курсор списка недействителен.",
        "en": "The list cursor is not valid.",
    },
    "unauthenticated": {
        "ru": "Нужен токен доступа в заголовке Authorization.",
        "en": "An access token is required in the Authorization header.",
    },
    "invalid_token": {
        "ru": "Токен доступа недействителен или истёк.",
        "en": "The access token is invalid or expired.",
    },
    "unknown_user": {
        "ru": "Пользователь не зарегистрирован в системе.",
        "en": "The user is not registered.",
    },
    "user_disabled": {
        "ru": "Пользователь отключён администратором.",
        "en": "The user has been disabled by an administrator.",
    },
    "forbidden": {
        "ru": "Ваша роль не позволяет это действие.",
        "en": "Your role does not allow this action.",
    },
    "origin_not_allowed": {
        "ru": "Запросы с этого источника не разрешены.",
        "en": "Requests from this origin are not allowed.",
    },
    "not_found": {
        "ru": "Объект не найден.",
        "en": "The object was not found.",
    },
    "route_not_found": {
        "ru": "Такого адреса в API нет.",
        "en": "There is no such path in the API.",
    },
    "brand_not_found": {
        "ru": "Настройки бренда не найдены.",
        "en": "The brand's settings were not found.",
    },
    "dealer_not_found": {
        "ru": "Дилер {dealer} не найден.",
        "en": "Dealer {dealer} was not found.",
    },
    "user_not_found": {
        "ru": "Пользователь не найден.",
        "en": "The user was not found.",
    },
    "job_not_found": {
        "ru": "Задача не найдена.",
        "en": "The job was not found.",
    },
    "conflict": {
        "ru": "Конфликт с текущим состоянием объекта.",
        "en": "The request conflicts with the object's current state.",
    },
    "stale_version": {
        "ru": "Объект изменился с тех пор, как вы его прочитали. Обновите его.",
        "en": "The object changed since you read it. Reload it and retry.",
    },
    "already_exists": {
        "ru": "Такой объект уже существует.",
        "en": "Such an object already exists.",
    },
    "request_in_progress": {
        "ru": "Запрос с этим ключом идемпотентности ещё выполняется.",
        "en": "A request with this idempotency key is still in progress.",
    },
    "idempotency_key_reused": {
        "ru": "Ключ идемпотентности уже использован с другим телом запроса.",
        "en": "The idempotency key was already used with another request body.",
    },
    "payload_too_large": {
        "ru": "Тело запроса больше допустимого ({limit_bytes} байт).",
        "en": "The request body is larger than allowed ({limit_bytes} bytes).",
    },
    "unsupported_media_type": {
        "ru": "Неподдерживаемый тип содержимого; ожидается application/json.",
        "en": "Unsupported content type; application/json is expected.",
    },
    "method_not_allowed": {
        "ru": "Метод не поддерживается для этого адреса.",
        "en": "The method is not allowed on this path.",
    },
    "too_many_requests": {
        "ru": "Слишком много запросов. Повторите позже.",
        "en": "Too many requests. Retry later.",
    },
    "rule_violated": {
        "ru": "Запрос нарушает правило.",
        "en": "The request breaks a rule.",
    },
    "invalid_scope": {
        "ru": "Область доступа не подходит роли пользователя.",
        "en": "The access scope does not fit the user's role.",
    },
    "creative_not_found": {
        "ru": "Креатив {creative_id} не найден.",
        "en": "Creative {creative_id} was not found.",
    },
    "creative_version_not_found": {
        "ru": "У креатива {creative_id} нет загруженной версии {number}.",
        "en": "Creative {creative_id} has no uploaded version {number}.",
    },
    "invalid_validity": {
        "ru": "Срок действия заканчивается ({valid_to}) раньше, чем начинается"
              " ({valid_from}).",
        "en": "The validity ends ({valid_to}) before it starts ({valid_from}).",
    },
    "unsupported_creative_file": {
        "ru": "Файл креатива должен быть от 1 байта до {max_bytes} байт.",
        "en": "A creative's file must be 1 to {max_bytes} bytes.",
    },
    "unreadable_image": {
        "ru": "Изображение не удаётся прочитать.",
        "en": "The image cannot be read.",
    },
    "survey_not_found": {
        "ru": "Опрос {survey_id} не найден.",
        "en": "Survey {survey_id} was not found.",
    },
    "survey_not_open": {
        "ru": "Опрос принимает ответы с {opens_at} до {closes_at}.",
        "en": "The survey takes answers from {opens_at} until {closes_at}.",
    },
    "invalid_survey_period": {
        "ru": "Опрос должен закрываться после открытия и позже текущего момента.",
        "en": "A survey must close after it opens and after now.",
    },
    "no_invited_dealers": {
        "ru": "В выбранной аудитории нет доступных вам дилеров.",
        "en": "The audience names no dealer you see.",
    },
    "invalid_answer": {
        "ru": "Ответ на вопрос {question_id} не подходит: {problem}",
        "en": "The answer to {question_id} does not fit: {problem}",
    },
    "survey_dealer_needed": {
        "ru": "Укажите, от имени какого дилера вы отвечаете: {dealers}.",
        "en": "Say which dealer you answer for: {dealers}.",
    },
    "unknown_template_placeholder": {
        "ru": "Шаблон «{kind}» использует неизвестную подстановку {placeholder}.",
        "en": "The {kind} template names unknown placeholder {placeholder}.",
    },
    "notification_template_not_found": {
        "ru": "Шаблона уведомления {name} нет.",
        "en": "There is no notification template {name}.",
    },
    "malformed_template": {
        "ru": "В шаблоне непарные фигурные скобки.",
        "en": "The template has unpaired braces.",
    },
    "photo_not_found": {
        "ru": "Фотография не найдена.",
        "en": "The photo was not found.",
    },
    "placement_not_found": {
        "ru": "Размещение не найдено.",
        "en": "The placement was not found.",
    },
    "report_closed_for_photos": {
        "ru": "Отчёт по размещению сейчас не принимает фотографии (статус {status}).",
        "en": "The placement's report takes no photos now (status {status}).",
    },
    "photo_type_not_accepted": {
        "ru": "Формат {content_type} не принимается. Загрузите JPEG, PNG или WebP; "
              "снимки HEIC с iPhone сохраните как JPEG (Настройки → Камера → "
              "Форматы → Наиболее совместимый).",
        "en": "Format {content_type} is not accepted. Upload JPEG, PNG or WebP; "
              "save iPhone HEIC photos as JPEG (Settings → Camera → Formats → "
              "Most Compatible).",
    },
    "photo_too_large": {
        "ru": "Фотография больше {limit_mb} МБ.",
        "en": "The photo is larger than {limit_mb} MB.",
    },
    "flag_not_found": {
        "ru": "У фотографии нет отметки {kind}.",
        "en": "The photo has no flag {kind}.",
    },
    "flag_already_decided": {
        "ru": "По этой отметке уже принято решение ({state}).",
        "en": "This flag has already been decided ({state}).",
    },
    "internal_error": {
        "ru": "Внутренняя ошибка. Мы уже разбираемся.",
        "en": "Internal error. It has been logged.",
    },
    "invalid_program": {
        "ru": "Программа мотивации содержит ошибки; поля перечислены в details.",
        "en": "The motivation program is invalid; details name the fields.",
    },
    "program_not_found": {
        "ru": "Программа мотивации {program_id} не найдена.",
        "en": "Motivation program {program_id} was not found.",
    },
    "no_published_program": {
        "ru": "У периода {period} нет опубликованной программы мотивации.",
        "en": "Period {period} has no published motivation program.",
    },
    "program_frozen": {
        "ru": "Программа {program_id} опубликована и не меняется.",
        "en": "Program {program_id} is published and cannot change.",
    },
    "period_not_closed": {
        "ru": "Период {period} не закрыт; финальный расчёт невозможен.",
        "en": "Period {period} is not closed; a final run needs it closed.",
    },
    "period_not_ready": {
        "ru": "Период {period} нельзя закрыть: отчётов в работе: {count}.",
        "en": "Period {period} cannot close yet: {count} reports hold it open.",
    },
    "period_already_closed": {
        "ru": "Период {period} уже закрыт.",
        "en": "Period {period} is already closed.",
    },
    "bonus_run_not_found": {
        "ru": "Расчёт бонусов {run_id} не найден.",
        "en": "Bonus run {run_id} was not found.",
    },
    "statement_not_found": {
        "ru": "Расчётный лист дилера {dealer} в расчёте {run_id} не найден.",
        "en": "No statement of dealer {dealer} in bonus run {run_id}.",
    },
    "run_not_publishable": {
        "ru": "Расчёт {run_id} нельзя опубликовать: {reason}.",
        "en": "Bonus run {run_id} cannot be published: {reason}.",
    },
    # Integrations, analytics and the BI export.
    "integration_error": {
        "ru": "Ошибка интеграции.",
        "en": "Integration error.",
    },
    "source_not_found": {
        "ru": "Источник {source} неизвестен.",
        "en": "Source {source} is not known.",
    },
    "source_not_configured": {
        "ru": "Источник {source} не настроен для бренда.",
        "en": "Source {source} is not configured for the brand.",
    },
    "source_unavailable": {
        "ru": "Источник {source} не ответил: {reason}.",
        "en": "Source {source} did not answer: {reason}.",
    },
    "invalid_period": {
        "ru": "Период {period} должен иметь вид ГГГГ-ММ.",
        "en": "Period {period} must be written YYYY-MM.",
    },
    "bonus_inputs_changed": {
        "ru": "Данные дилера {dealer} изменились во время расчёта {run_id}.",
        "en": "Facts of dealer {dealer} changed during bonus run {run_id}.",
    },
    "webhook_rejected": {
        "ru": "Вебхук не прошёл проверку секрета.",
        "en": "The webhook did not pass the secret check.",
    },
    "webhook_not_understood": {
        "ru": "Тело вебхука не похоже на звонок или заявку.",
        "en": "The webhook body is neither a call nor a request.",
    },
    "unsupported_file": {
        "ru": "Файл {file_name} должен быть xlsx или csv.",
        "en": "File {file_name} must be xlsx or csv.",
    },
    "import_not_found": {
        "ru": "Загрузка файла не найдена.",
        "en": "The file import was not found.",
    },
    "export_not_found": {
        "ru": "Выгрузка не найдена.",
        "en": "The export was not found.",
    },
}

MESSAGES.update({
    "placement_not_found": {
        "ru": "Размещение {placement_id} не найдено.",
        "en": "Placement {placement_id} was not found.",
    },
    "report_not_found": {
        "ru": "У размещения {placement_id} нет отчёта.",
        "en": "Placement {placement_id} has no report.",
    },
    "invalid_transition": {
        "ru": "Действие {action} недоступно: {entity} в состоянии {state}.",
        "en": "Cannot {action} a {entity} that is {state}.",
    },
    "deadline_passed": {
        "ru": "Срок отчёта истёк ({due_at}); сначала нужно объяснение задержки.",
        "en": "The report was due before {due_at}; explain the delay first.",
    },
    "proof_missing": {
        "ru": "Отчёту не хватает подтверждений: {missing_list}.",
        "en": "The report still needs proof: {missing_list}.",
    },
    "explanation_not_needed": {
        "ru": "Срок отчёта ещё не истёк ({due_at}); объяснение не нужно.",
        "en": "The report is not late (due before {due_at}); no explanation needed.",
    },
    "reason_required": {
        "ru": "Укажите причину.",
        "en": "A reason is required.",
    },
    "new_due_date_required": {
        "ru": "Срок отчёта истёк ({due_at}); укажите новую дату сдачи.",
        "en": "The report's deadline ({due_at}) has passed: give a new due date.",
    },
    "invalid_due_date": {
        "ru": "Новый срок {due_at} недопустим: он должен быть позже текущего.",
        "en": "The deadline {due_at} is not acceptable: it must be later.",
    },
    "extension_conflict": {
        "ru": "Запрос продления уже ожидает решения или отсутствует.",
        "en": "An extension is already pending, or none is pending.",
    },
    "invalid_amount": {
        "ru": "Сумма недопустима.",
        "en": "The amount is not acceptable.",
    },
    "invalid_dates": {
        "ru": "Размещение не может закончиться раньше, чем начнётся.",
        "en": "A placement cannot end before it starts.",
    },
    "currency_mismatch": {
        "ru": "Валюта {currency} не совпадает с валютой бренда {expected}.",
        "en": "Currency {currency} is not the brand's {expected}.",
    },
    "period_required": {
        "ru": "Укажите дилера или период.",
        "en": "Name a dealer, or a period for the whole brand.",
    },
    "invalid_period": {
        "ru": "Период {period} должен иметь вид ГГГГ-ММ.",
        "en": "Period {period} must be written YYYY-MM.",
    },
    "channel_not_found": {
        "ru": "Канал {channel} не найден.",
        "en": "Channel {channel} was not found.",
    },
    "unknown_channel": {
        "ru": "Канала {channel} нет в каталоге бренда.",
        "en": "Channel {channel} is not in the brand's catalogue.",
    },
    "unknown_creative": {
        "ru": "Креатива {creative} нет в библиотеке дилера {dealer}.",
        "en": "Creative {creative} is not in the library of dealer {dealer}.",
    },
    "channel_not_mandatory": {
        "ru": "Размещения в канале {channel} не могут быть обязательными.",
        "en": "Placements on channel {channel} cannot be mandatory.",
    },
    "budget_not_found": {
        "ru": "У дилера {dealer} нет бюджета на {period}.",
        "en": "Dealer {dealer} has no budget for {period}.",
    },
    "budget_already_approved": {
        "ru": "Бюджет уже утверждён.",
        "en": "The budget is approved already.",
    },
    "ledger_writer_mismatch": {
        "ru": "Записи вида {kind} вносит не {writer}.",
        "en": "{writer} may not post {kind} entries.",
    },
    "audit_not_found": {
        "ru": "Записей журнала для {entity} нет.",
        "en": "No audit entries for {entity}.",
    },
    "notification_not_found": {
        "ru": "Уведомление {notification_id} не найдено.",
        "en": "Notification {notification_id} was not found.",
    },
})


def message(code: str, language: str, details: Mapping[str, Any]) -> str:
    texts = MESSAGES.get(code) or MESSAGES["internal_error"]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format_map(_Lenient(details))


def language_of(accept_language: str | None) -> str:
    """The best supported language of an Accept-Language header."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = _quality(params)
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _quality(params: str) -> float:
    name, _, value = params.strip().partition("=")
    if name.strip() != "q":
        return 1.0
    try:
        return float(value)
    except ValueError:
        return 0.0


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "?"

MESSAGES.update(
    {
        # Answered by API Gateway itself in AWS (infra's gateway responses).
        "gateway_timeout": {
            "ru": "Запрос выполнялся слишком долго; долгие операции идут заданием.",
            "en": "The request took too long; long work runs as a job.",
        },
        "throttled": {
            "ru": "Слишком много запросов; повторите позже.",
            "en": "Too many requests; retry later.",
        },
    }
)

MESSAGES.update(
    {
        # Closed periods (chalicelib/periods.py).
        "period_closed": {
            "ru": "Период {period} закрыт: его размещения, отчёты и бюджет"
                  " больше не меняются.",
            "en": "Period {period} is closed: its placements, reports and budget"
                  " no longer change.",
        },
    }
)

MESSAGES.update(
    {
        # AWS throttled the app or was briefly unreachable (chalicelib/aws_errors.py).
        "service_unavailable": {
            "ru": "Сервис временно перегружен; ничего не сохранено. Повторите"
                  " через {retry_after_seconds} с.",
            "en": "The service is briefly overloaded; nothing was stored. Retry"
                  " in {retry_after_seconds} s.",
        },
    }
)
